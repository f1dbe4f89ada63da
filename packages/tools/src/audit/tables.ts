import type { Migration } from '@aigw/core/sqlite';

/** The AuditLedgerDO's SQLite schema. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE entries (
        seq INTEGER PRIMARY KEY,
        time TEXT NOT NULL,
        tenant TEXT NOT NULL,
        request_id TEXT NOT NULL,
        key_id TEXT NOT NULL,
        tool TEXT NOT NULL,
        args_hash TEXT NOT NULL,
        outcome TEXT NOT NULL,
        latency_ms INTEGER NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
      );
    `,
  },
  {
    // NULL for entries written before clients' request ids were kept, and for requests without one.
    version: 2,
    sql: 'ALTER TABLE entries ADD COLUMN client_request_id TEXT;',
  },
  {
    // Control-plane changes (canonical JSON of { action, target, before, after }); NULL for tool runs.
    version: 3,
    sql: 'ALTER TABLE entries ADD COLUMN change TEXT;',
  },
  {
    // JSON of the guardrail that blocked (docs/guardrails.md); NULL for every other entry.
    version: 4,
    sql: 'ALTER TABLE entries ADD COLUMN guardrail TEXT;',
  },
];

// Row shapes are `type`s: SqlStorage needs an index signature, which interfaces do not get.
export type EntryRow = {
  seq: number;
  time: string;
  tenant: string;
  request_id: string;
  client_request_id: string | null;
  change: string | null;
  key_id: string;
  tool: string;
  args_hash: string;
  outcome: string;
  latency_ms: number;
  prev_hash: string;
  hash: string;
  guardrail: string | null;
};
export type MetaRow = { value: string };
