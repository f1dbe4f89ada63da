// Durable Object storage helpers: a subpath of its own, so Node code importing @aigw/core never
// needs the Workers runtime types.
/** One schema step. Versions only grow; a shipped step is never edited, a new one is added. */
export interface Migration {
  version: number;
  sql: string;
}

/** True once `migrate` has run in this object's storage (a read needs no schema to answer "empty"). */
export function hasSchema(sql: SqlStorage): boolean {
  return (
    sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_migrations'").toArray().length > 0
  );
}

/**
 * Brings the object's SQLite schema up to the last migration. Runs inside `transactionSync`, so
 * an object is never left between two versions.
 */
export function migrate(
  storage: DurableObjectStorage,
  migrations: readonly Migration[],
  now: number,
): number {
  return storage.transactionSync(() => {
    const { sql } = storage;
    sql.exec(
      'CREATE TABLE IF NOT EXISTS _migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)',
    );
    const row = sql.exec<{ version: number | null }>('SELECT MAX(version) AS version FROM _migrations').one();
    let current = row.version ?? 0;
    for (const migration of migrations) {
      if (migration.version <= current) continue;
      sql.exec(migration.sql);
      sql.exec('INSERT INTO _migrations (version, applied_at) VALUES (?, ?)', migration.version, now);
      current = migration.version;
    }
    return current;
  });
}

/** Reads a value from an object's `meta (key TEXT PRIMARY KEY, value TEXT)` table. */
export function readMeta(sql: SqlStorage, key: string): string | undefined {
  return sql.exec<{ value: string }>('SELECT value FROM meta WHERE key = ?', key).toArray()[0]?.value;
}

/** Writes a value to an object's `meta` table (insert or replace). */
export function writeMeta(sql: SqlStorage, key: string, value: string): void {
  sql.exec(
    'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    key,
    value,
  );
}
