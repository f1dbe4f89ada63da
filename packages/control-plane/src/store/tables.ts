import type { Migration } from '@aigw/core/sqlite';

/** The ControlPlaneDO's SQLite schema. Shipped steps are never edited; new ones are added. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      -- One row per runtime key; spec holds the JSON of scopes, models, rates, budget, metadata.
      CREATE TABLE keys (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        spec TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        expires_at INTEGER,
        revoked_at INTEGER,
        last_used_at INTEGER,
        created_by TEXT NOT NULL
      );
      -- The SHA-256 of each live secret: the current one (expires_at NULL) and, during a rotation's
      -- grace period, the one it replaced. Plaintext is never stored.
      CREATE TABLE secrets (
        hash TEXT PRIMARY KEY,
        key_id TEXT NOT NULL,
        prefix TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER
      );
      CREATE INDEX secrets_by_key ON secrets (key_id);
      -- Audit events written with the change they describe (one transaction), until the gateway
      -- has appended them to the tenant's audit ledger and acknowledged them. A change hands its
      -- caller the events nobody holds (claimed_until past), and claims them for a while, so two
      -- concurrent changes never deliver the same event twice.
      CREATE TABLE outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        event TEXT NOT NULL,
        claimed_until INTEGER NOT NULL DEFAULT 0
      );
    `,
  },
];

// Row shapes are `type`s: SqlStorage needs an index signature, which interfaces do not get.
export type KeyRow = {
  id: string;
  name: string;
  spec: string;
  created_at: number;
  updated_at: number;
  expires_at: number | null;
  revoked_at: number | null;
  last_used_at: number | null;
  created_by: string;
};
export type SecretRow = {
  hash: string;
  key_id: string;
  prefix: string;
  created_at: number;
  expires_at: number | null;
};
export type OutboxRow = { seq: number; event: string };
