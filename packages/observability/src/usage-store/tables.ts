import type { Migration } from '@aigw/core/sqlite';

/**
 * The UsageStoreDO's SQLite schema. `rollups` holds one row per period × route × model × key ×
 * branch at
 * two grains: minutes (60000) and hours (3600000). Every event updates both, so hour and day
 * series read ~60× fewer rows than minutes would give them. `model` is the model id, or, for a
 * request that chose no model (it is part of the primary key, which must not be NULL), one of the
 * markers below; none contains the `/` every model id has.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE rollups (
        grain INTEGER NOT NULL,
        start INTEGER NOT NULL,
        route TEXT NOT NULL,
        model TEXT NOT NULL,
        key_id TEXT NOT NULL,
        requests INTEGER NOT NULL,
        errors INTEGER NOT NULL,
        error_codes TEXT NOT NULL,
        input_tokens INTEGER NOT NULL,
        output_tokens INTEGER NOT NULL,
        cost_micro_usd INTEGER NOT NULL,
        cache_lookups INTEGER NOT NULL,
        cache_hits INTEGER NOT NULL,
        latency_hist TEXT NOT NULL,
        ttft_hist TEXT NOT NULL,
        PRIMARY KEY (grain, start, route, model, key_id)
      ) WITHOUT ROWID;
    `,
  },
  {
    // Routed requests roll up per branch too (an A/B is read by branch): the key gains a column,
    // so the table is rebuilt; rows written before are no route's ('').
    version: 2,
    sql: `
      CREATE TABLE rollups_v2 (
        grain INTEGER NOT NULL,
        start INTEGER NOT NULL,
        route TEXT NOT NULL,
        model TEXT NOT NULL,
        key_id TEXT NOT NULL,
        branch TEXT NOT NULL,
        requests INTEGER NOT NULL,
        errors INTEGER NOT NULL,
        error_codes TEXT NOT NULL,
        input_tokens INTEGER NOT NULL,
        output_tokens INTEGER NOT NULL,
        cost_micro_usd INTEGER NOT NULL,
        cache_lookups INTEGER NOT NULL,
        cache_hits INTEGER NOT NULL,
        latency_hist TEXT NOT NULL,
        ttft_hist TEXT NOT NULL,
        PRIMARY KEY (grain, start, route, model, key_id, branch)
      ) WITHOUT ROWID;
      INSERT INTO rollups_v2 SELECT grain, start, route, model, key_id, '', requests, errors, error_codes,
        input_tokens, output_tokens, cost_micro_usd, cache_lookups, cache_hits, latency_hist, ttft_hist
        FROM rollups;
      DROP TABLE rollups;
      ALTER TABLE rollups_v2 RENAME TO rollups;
    `,
  },
  {
    // JSON object: "<rule>:<action>" → guardrail decisions; '{}' for rows written before guardrails.
    version: 3,
    sql: "ALTER TABLE rollups ADD COLUMN guardrails TEXT NOT NULL DEFAULT '{}';",
  },
];

/** What `model` holds for a request that chose no model, by how it ended. */
export const NO_MODEL_MARKERS = {
  /** Succeeded without a model call. */
  none: '',
  /** Refused (4xx) before a model was chosen. */
  refused: '!refused',
  /** Failed (5xx, or an error code on a success status) before a model was chosen. */
  failed: '!failed',
} as const;

// Row shapes are `type`s: SqlStorage needs an index signature, which interfaces do not get.
export type RollupRow = {
  grain: number;
  start: number;
  route: string;
  model: string;
  key_id: string;
  /** `route@version/branch` of a routed request; '' for one that took no route. */
  branch: string;
  requests: number;
  errors: number;
  /** JSON object: error code → count. */
  error_codes: string;
  input_tokens: number;
  output_tokens: number;
  cost_micro_usd: number;
  cache_lookups: number;
  cache_hits: number;
  /** JSON objects: histogram bucket index → count (see histogram.ts). */
  latency_hist: string;
  ttft_hist: string;
  /** JSON object: `<rule>:<action>` → count. */
  guardrails: string;
};
export type MetaRow = { value: string };
