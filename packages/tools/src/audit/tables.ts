/** One schema step. Versions only grow; a shipped step is never edited, a new one is added. */
export interface Migration {
  version: number;
  sql: string;
}

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
];

// Row shapes are `type`s: SqlStorage needs an index signature, which interfaces do not get.
export type EntryRow = {
  seq: number;
  time: string;
  tenant: string;
  request_id: string;
  key_id: string;
  tool: string;
  args_hash: string;
  outcome: string;
  latency_ms: number;
  prev_hash: string;
  hash: string;
};
export type MetaRow = { value: string };

/**
 * Brings the object's SQLite schema up to the last migration, inside one synchronous transaction
 * so an object is never left between two versions.
 */
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
