/** One schema step. Versions only grow; a shipped step is never edited, a new one is added. */
export interface Migration {
  version: number;
  sql: string;
}

/**
 * The UsageStoreDO's SQLite schema. `rollups` holds one row per period × route × model × key at
 * two grains: minutes (60000) and hours (3600000). Every event updates both, so hour and day
 * series read ~60× fewer rows than minutes would give them. `model` is '' for requests that
 * called no model (it is part of the primary key, which must not be NULL).
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
];

// Row shapes are `type`s: SqlStorage needs an index signature, which interfaces do not get.
export type RollupRow = {
  grain: number;
  start: number;
  route: string;
  model: string;
  key_id: string;
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
};
export type MetaRow = { value: string };

/** True once `migrate` has run (a read needs no schema to answer "empty"). */
export function hasSchema(sql: SqlStorage): boolean {
  return (
    sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_migrations'").toArray().length > 0
  );
}

/** Brings the schema up to the last migration in one synchronous transaction. */
export function migrate(storage: DurableObjectStorage, now: number): void {
  storage.transactionSync(() => {
    const { sql } = storage;
    sql.exec(
      'CREATE TABLE IF NOT EXISTS _migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)',
    );
    let current =
      sql.exec<{ version: number | null }>('SELECT MAX(version) AS version FROM _migrations').one().version ??
      0;
    for (const migration of MIGRATIONS) {
      if (migration.version <= current) continue;
      sql.exec(migration.sql);
      sql.exec('INSERT INTO _migrations (version, applied_at) VALUES (?, ?)', migration.version, now);
      current = migration.version;
    }
  });
}
