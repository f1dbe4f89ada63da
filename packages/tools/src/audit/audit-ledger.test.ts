import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { freshTenantId, rejection } from '../../test/fixtures.ts';
import { AuditLedgerDO } from './audit-ledger-do.ts';
import { AuditLedger, auditLedger } from './audit-ledger.ts';
import { GENESIS_HASH, entryHash } from './chain.ts';
import type { AuditEntryInput } from './schema.ts';
import { MIGRATIONS } from './tables.ts';
import { migrate } from '@aigw/core/sqlite';

const ARGS_HASH = 'a'.repeat(64);

function entry(n: number, outcome: AuditEntryInput['outcome'] = 'ok'): AuditEntryInput {
  return {
    requestId: `req-${n}`,
    keyId: 'key-1',
    tool: 'summarize',
    argsHash: ARGS_HASH,
    outcome,
    latencyMs: n,
  };
}

async function seeded(count: number) {
  const tenantId = freshTenantId();
  const ledger = auditLedger(env.AUDIT_LEDGER, tenantId);
  for (let n = 1; n <= count; n++) await ledger.append(entry(n, n % 2 === 0 ? 'tool_timeout' : 'ok'));
  return { tenantId, ledger, stub: env.AUDIT_LEDGER.getByName(tenantId) };
}

/** Runs SQL inside the live object, as an attacker with storage access would. */
function tamper(stub: DurableObjectStub<AuditLedgerDO>, query: string, ...bindings: (string | number)[]) {
  return runInDurableObject(stub, (_instance, state) => {
    state.storage.sql.exec(query, ...bindings);
  });
}

describe('audit ledger chain', () => {
  it('appends entries linked by hash, starting from the genesis hash', async () => {
    const { tenantId, ledger } = await seeded(3);
    const { entries, nextCursor } = await ledger.page();
    expect(nextCursor).toBeNull();
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(entries[0]?.prevHash).toBe(GENESIS_HASH);
    expect(entries[1]?.prevHash).toBe(entries[0]?.hash);
    expect(entries[2]?.prevHash).toBe(entries[1]?.hash);
    expect(entries[1]).toMatchObject({
      tenant: tenantId,
      requestId: 'req-2',
      keyId: 'key-1',
      tool: 'summarize',
      argsHash: ARGS_HASH,
      outcome: 'tool_timeout',
      latencyMs: 2,
    });
    for (const e of entries) {
      const { hash, ...fields } = e;
      expect(await entryHash(fields)).toBe(hash);
      expect(Number.isNaN(Date.parse(e.time))).toBe(false);
    }
    await expect(ledger.verify()).resolves.toEqual({ ok: true, entries: 3, head: entries[2]?.hash });
  });

  it('keeps one chain under concurrent appends', async () => {
    const tenantId = freshTenantId();
    const ledger = auditLedger(env.AUDIT_LEDGER, tenantId);
    await Promise.all(Array.from({ length: 20 }, (_, i) => ledger.append(entry(i + 1))));
    const { entries } = await ledger.page({ limit: 200 });
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(new Set(entries.map((e) => e.prevHash)).size).toBe(20);
    await expect(ledger.verify()).resolves.toMatchObject({ ok: true, entries: 20 });
  });

  it('pages oldest first with an opaque cursor until the last page', async () => {
    const { ledger } = await seeded(5);
    const first = await ledger.page({ limit: 2 });
    expect(first.entries.map((e) => e.seq)).toEqual([1, 2]);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await ledger.page({ limit: 2, cursor: first.nextCursor ?? '' });
    expect(second.entries.map((e) => e.seq)).toEqual([3, 4]);
    const third = await ledger.page({ limit: 2, cursor: second.nextCursor ?? '' });
    expect(third.entries.map((e) => e.seq)).toEqual([5]);
    expect(third.nextCursor).toBeNull();
  });

  it('refuses a cursor it did not issue and a limit out of range', async () => {
    const { ledger } = await seeded(1);
    expect((await rejection(ledger.page({ cursor: 'not-a-cursor' }))).code).toBe('invalid_request');
    expect((await rejection(ledger.page({ limit: 0 }))).code).toBe('invalid_request');
  });

  it('refuses an entry that is not well formed', async () => {
    const { ledger } = await seeded(0);
    const bad = { ...entry(1), argsHash: 'xyz' };
    expect((await rejection(ledger.append(bad))).code).toBe('invalid_request');
    const badOutcome = { ...entry(1), outcome: 'exploded' } as unknown as AuditEntryInput;
    expect((await rejection(ledger.append(badOutcome))).code).toBe('invalid_request');
  });

  it('reports an empty ledger as intact without creating anything', async () => {
    const tenantId = freshTenantId();
    const ledger = auditLedger(env.AUDIT_LEDGER, tenantId);
    await expect(ledger.verify()).resolves.toEqual({ ok: true, entries: 0, head: null });
    await expect(ledger.page()).resolves.toEqual({ entries: [], nextCursor: null });
    const tables = await runInDurableObject(env.AUDIT_LEDGER.getByName(tenantId), (_instance, state) =>
      state.storage.sql.exec("SELECT name FROM sqlite_master WHERE type = 'table'").toArray(),
    );
    expect(tables).toEqual([]);
  });

  it('exposes no RPC method that changes or removes entries', () => {
    // Every public method of a Durable Object is reachable over RPC; helpers must be `#private`.
    const methods = Object.getOwnPropertyNames(AuditLedgerDO.prototype).filter(
      (name) => name !== 'constructor',
    );
    expect(methods.sort()).toEqual(['append', 'page', 'verify']);
  });
});

describe("audit ledger: the client's request id", () => {
  it('stores it beside the server id, in the hash, and leaves entries without it as they were', async () => {
    const { ledger } = await seeded(1);
    const withClient = await ledger.append({ ...entry(2), clientRequestId: 'client-trace-9' });
    expect(withClient.clientRequestId).toBe('client-trace-9');
    const { entries } = await ledger.page();
    expect(entries[0]).not.toHaveProperty('clientRequestId');
    expect(entries[1]).toMatchObject({ requestId: 'req-2', clientRequestId: 'client-trace-9' });
    const { hash, ...fields } = withClient;
    expect(await entryHash({ ...fields, clientRequestId: 'someone-else' })).not.toBe(hash);
    await expect(ledger.verify()).resolves.toMatchObject({ ok: true, entries: 2 });
  });

  it('reads and extends a ledger written before the field existed', async () => {
    const tenantId = freshTenantId();
    const stub = env.AUDIT_LEDGER.getByName(tenantId);
    // A ledger at schema version 1, with one entry hashed the way version 1 hashed it.
    const old = {
      ...entry(1),
      seq: 1,
      time: new Date().toISOString(),
      tenant: tenantId,
      prevHash: GENESIS_HASH,
    };
    const oldHash = await entryHash(old);
    await runInDurableObject(stub, (_instance, state) => {
      migrate(state.storage, MIGRATIONS.slice(0, 1), Date.now());
      const { sql } = state.storage;
      sql.exec(
        "INSERT INTO meta (key, value) VALUES ('tenant_id', ?), ('head_seq', '1'), ('head_hash', ?)",
        tenantId,
        oldHash,
      );
      sql.exec(
        `INSERT INTO entries (seq, time, tenant, request_id, key_id, tool, args_hash, outcome, latency_ms, prev_hash, hash)
         VALUES (1, ?, ?, 'req-1', 'key-1', 'summarize', ?, 'ok', 1, ?, ?)`,
        old.time,
        tenantId,
        ARGS_HASH,
        GENESIS_HASH,
        oldHash,
      );
    });
    const ledger = auditLedger(env.AUDIT_LEDGER, tenantId);
    expect((await ledger.page()).entries.map((e) => e.hash)).toEqual([oldHash]);
    await ledger.append({ ...entry(2), clientRequestId: 'client-2' });
    await expect(ledger.verify()).resolves.toMatchObject({ ok: true, entries: 2 });
  });
});

describe('audit ledger tampering', () => {
  it('detects an edited row at its seq', async () => {
    const { ledger, stub } = await seeded(4);
    await tamper(stub, "UPDATE entries SET outcome = 'ok' WHERE seq = ?", 2);
    await expect(ledger.verify()).resolves.toEqual({
      ok: false,
      brokenAt: 2,
      reason: "hash does not match the entry's contents",
    });
  });

  it('detects an edited row whose hash was recomputed, at the next entry', async () => {
    const { ledger, stub } = await seeded(4);
    const { entries } = await ledger.page();
    const original = entries[1];
    if (!original) throw new Error('seed missing');
    // entryHash ignores `hash`, so the old one may stay in the object it is given.
    await tamper(
      stub,
      'UPDATE entries SET latency_ms = 0, hash = ? WHERE seq = 2',
      await entryHash({ ...original, latencyMs: 0 }),
    );
    await expect(ledger.verify()).resolves.toEqual({
      ok: false,
      brokenAt: 3,
      reason: "prevHash does not match the previous entry's hash",
    });
  });

  it('detects a removed row in the middle', async () => {
    const { ledger, stub } = await seeded(4);
    await tamper(stub, 'DELETE FROM entries WHERE seq = ?', 3);
    await expect(ledger.verify()).resolves.toEqual({ ok: false, brokenAt: 3, reason: 'entry 3 is missing' });
  });

  it('detects a truncated tail against the recorded head', async () => {
    const { ledger, stub } = await seeded(4);
    await tamper(stub, 'DELETE FROM entries WHERE seq >= ?', 3);
    await expect(ledger.verify()).resolves.toEqual({
      ok: false,
      brokenAt: 3,
      reason: 'entries 3 to 4 are missing (the ledger head is entry 4)',
    });
  });
});

describe('audit ledger isolation', () => {
  it("never shows one tenant another tenant's entries", async () => {
    const a = await seeded(2);
    const b = auditLedger(env.AUDIT_LEDGER, freshTenantId());
    await b.append(entry(9));
    const page = await b.page();
    expect(page.entries.map((e) => e.requestId)).toEqual(['req-9']);
    expect((await a.ledger.page()).entries).toHaveLength(2);
  });

  it("refuses tenant B on tenant A's object as if it did not exist", async () => {
    const a = await seeded(2);
    // Reaching A's object directly (the client never would) and naming B.
    const intruder = new AuditLedger(a.stub, 'intruder');
    // One call at a time: calls started together could reject before anyone awaits them.
    for (const call of [() => intruder.page(), () => intruder.verify(), () => intruder.append(entry(1))]) {
      const error = await rejection(call());
      expect(error.code).toBe('not_found');
    }
    // And nothing was written to A's ledger by the refused append.
    await expect(a.ledger.verify()).resolves.toMatchObject({ ok: true, entries: 2 });
  });
});

describe('control-plane changes in the ledger', () => {
  it('records a change with its hash, in the same chain as tool runs, and verifies both', async () => {
    const { ledger } = await seeded(2);
    const change = {
      action: 'keys.rotate',
      target: 'rk-0123456789ab',
      before: { prefix: 'gwk_x_rk-0123456789ab_ab12…' },
      after: { prefix: 'gwk_x_rk-0123456789ab_cd34…', graceEndsAt: '2026-01-01T00:01:00.000Z' },
    };
    const written = await ledger.appendChange({ requestId: 'req-9', keyId: 'operator', change });
    expect(written).toMatchObject({ seq: 3, tool: 'keys.rotate', outcome: 'ok', keyId: 'operator', change });
    const { entries } = await ledger.page();
    expect(entries[2]?.change).toEqual(change);
    expect(entries[1]?.change).toBeUndefined();
    await expect(ledger.verify()).resolves.toMatchObject({ ok: true, entries: 3 });
  });

  it('detects an edited change', async () => {
    const tenantId = freshTenantId();
    const ledger = auditLedger(env.AUDIT_LEDGER, tenantId);
    await ledger.appendChange({
      requestId: 'req-1',
      keyId: 'operator',
      change: {
        action: 'tenant.suspend',
        target: tenantId,
        before: { status: 'active' },
        after: { status: 'suspended' },
      },
    });
    await tamper(
      env.AUDIT_LEDGER.getByName(tenantId),
      `UPDATE entries SET change = ? WHERE seq = 1`,
      JSON.stringify({
        action: 'tenant.suspend',
        after: { status: 'active' },
        before: { status: 'active' },
        target: tenantId,
      }),
    );
    await expect(ledger.verify()).resolves.toMatchObject({ ok: false, brokenAt: 1 });
  });

  it('refuses a change whose tool or argsHash does not match it', async () => {
    const ledger = auditLedger(env.AUDIT_LEDGER, freshTenantId());
    const change = { action: 'keys.revoke', target: 'rk-0123456789ab', before: null, after: null };
    await expect(ledger.append({ ...entry(1), tool: 'keys.revoke', change })).rejects.toMatchObject({
      code: 'invalid_request',
    });
  });
});
