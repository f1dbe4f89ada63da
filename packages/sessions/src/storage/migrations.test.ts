import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
// The migration runner lives in @aigw/core; it is tested here, where a SQLite Durable Object is bound.
import { hasSchema, migrate, type Migration } from '@aigw/core/sqlite';

const v1: Migration = { version: 1, sql: 'CREATE TABLE a (x INTEGER)' };
const v2: Migration = { version: 2, sql: 'CREATE TABLE b (y INTEGER); INSERT INTO b VALUES (1)' };

describe('migrate', () => {
  it('applies each step once, in order, and records its version', async () => {
    const stub = env.SESSIONS.getByName('migrations:test');
    await runInDurableObject(stub, (_instance, state) => {
      expect(hasSchema(state.storage.sql)).toBe(false);
      expect(migrate(state.storage, [v1], 1)).toBe(1);
      expect(migrate(state.storage, [v1, v2], 2)).toBe(2);
      expect(migrate(state.storage, [v1, v2], 3)).toBe(2);
      expect(hasSchema(state.storage.sql)).toBe(true);
      expect(
        state.storage.sql.exec('SELECT version, applied_at FROM _migrations ORDER BY version').toArray(),
      ).toEqual([
        { version: 1, applied_at: 1 },
        { version: 2, applied_at: 2 },
      ]);
      expect(state.storage.sql.exec('SELECT COUNT(*) AS n FROM b').one()).toEqual({ n: 1 });
    });
  });

  it('rolls a failing step back whole', async () => {
    const stub = env.SESSIONS.getByName('migrations:broken');
    await runInDurableObject(stub, (_instance, state) => {
      const broken: Migration = {
        version: 1,
        sql: 'CREATE TABLE c (z INTEGER); INSERT INTO nowhere VALUES (1)',
      };
      expect(() => migrate(state.storage, [broken], 1)).toThrow();
      expect(hasSchema(state.storage.sql)).toBe(false);
      expect(state.storage.sql.exec("SELECT name FROM sqlite_master WHERE name = 'c'").toArray()).toEqual([]);
    });
  });
});
