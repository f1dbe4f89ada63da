import type { Migration } from '@aigw/core/sqlite';

/**
 * The RequestLogDO's SQLite schema. `entries` has a column for every field a list filters on and
 * keeps the rest of the entry as JSON (`detail`); attempts are child rows (`attempts`), bodies a
 * row of their own (`bodies`) that lists never read. `seq` orders entries written at the same
 * millisecond and is the cursor's tie-breaker.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE entries (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        time INTEGER NOT NULL,
        key_id TEXT NOT NULL,
        route TEXT NOT NULL,
        status INTEGER NOT NULL,
        error_code TEXT,
        is_error INTEGER NOT NULL,
        model TEXT,
        model_requested TEXT,
        user TEXT,
        cost_micro_usd INTEGER NOT NULL,
        duration_ms REAL NOT NULL,
        metadata TEXT NOT NULL,
        detail TEXT NOT NULL,
        has_bodies INTEGER NOT NULL,
        feedback TEXT
      );
      CREATE INDEX entries_by_time ON entries (time, seq);
      CREATE INDEX entries_by_user ON entries (user) WHERE user IS NOT NULL;
      CREATE TABLE attempts (
        entry_seq INTEGER NOT NULL,
        n INTEGER NOT NULL,
        model TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        outcome TEXT NOT NULL,
        status INTEGER,
        start_ms REAL NOT NULL,
        latency_ms REAL NOT NULL,
        purpose TEXT NOT NULL,
        message TEXT,
        PRIMARY KEY (entry_seq, n)
      ) WITHOUT ROWID;
      CREATE TABLE bodies (entry_seq INTEGER PRIMARY KEY, body TEXT NOT NULL);
    `,
  },
];

// Row shapes are `type`s: SqlStorage needs an index signature, which interfaces do not get.
export type EntryRow = {
  seq: number;
  id: string;
  time: number;
  key_id: string;
  route: string;
  status: number;
  error_code: string | null;
  is_error: number;
  model: string | null;
  model_requested: string | null;
  user: string | null;
  cost_micro_usd: number;
  duration_ms: number;
  /** JSON object: the caller's metadata. */
  metadata: string;
  /** JSON: the entry's other fields (`EntryDetail`). */
  detail: string;
  has_bodies: number;
  /** JSON `{ score, comment?, at }`, once given. */
  feedback: string | null;
};
export type AttemptRow = {
  n: number;
  model: string;
  attempt: number;
  outcome: string;
  status: number | null;
  start_ms: number;
  latency_ms: number;
  purpose: string;
  message: string | null;
};
export type BodyRow = { body: string };
export type MetaRow = { value: string };
