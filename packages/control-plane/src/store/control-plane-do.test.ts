import { runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { sha256Hex, unwrap } from '@aigw/core';
import { parseRuntimeKey } from '@aigw/tenancy';
import { author, fields, freshTenantId } from '../../test/fixtures.ts';
import { controlPlaneStub } from './client.ts';

const stubFor = (tenantId: string) => controlPlaneStub(env.CONTROL_PLANE, tenantId);

async function created(tenantId: string, now = Date.now()) {
  const result = unwrap(await stubFor(tenantId).create({ tenantId, fields: fields(), ...author, now }));
  return { ...result.value, events: result.events };
}

async function verify(tenantId: string, secret: string, now = Date.now()) {
  const named = parseRuntimeKey(secret);
  if (!named) throw new Error('not a runtime key');
  return unwrap(
    await stubFor(tenantId).verify({ tenantId, keyId: named.keyId, hash: await sha256Hex(secret), now }),
  );
}

describe('ControlPlaneDO keys', () => {
  it('issues a key that names its tenant, stores only its hash and verifies it', async () => {
    const tenantId = freshTenantId();
    const { key, secret, events } = await created(tenantId);
    expect(parseRuntimeKey(secret)).toEqual({ tenantId, keyId: key.id });
    expect(key.prefix).toBe(`${secret.slice(0, secret.lastIndexOf('_') + 5)}…`);
    expect(events).toHaveLength(1);
    expect(events[0]?.change).toMatchObject({ action: 'keys.create', target: key.id, before: null });
    expect(JSON.stringify(events)).not.toContain(secret.slice(-28));
    const verified = await verify(tenantId, secret);
    expect(verified).toMatchObject({ key: { id: key.id }, validUntil: null, suspended: false });
    expect(verified?.key.lastUsedAt).toEqual(expect.any(Number));
    // One character off: not the key.
    const wrong = secret.slice(0, -1) + (secret.endsWith('0') ? '1' : '0');
    expect(await verify(tenantId, wrong)).toBeNull();
    const stored = await runInObject(tenantId);
    expect(stored).not.toContain(secret);
  });

  it("answers another tenant's key ids exactly like missing ones", async () => {
    const a = freshTenantId();
    const b = freshTenantId();
    const { key, secret } = await created(a);
    const get = await stubFor(b).get({ tenantId: b, keyId: key.id });
    expect(get).toMatchObject({ ok: false, error: { code: 'key_not_found' } });
    // B's own object, asked about A's key id: the same answer as a typo.
    const missing = await stubFor(a).get({ tenantId: a, keyId: 'rk-000000000000' });
    expect(missing).toMatchObject({ ok: false, error: { code: 'key_not_found' } });
    // A's object, called with B's tenant id (a bug in a caller): not found, nothing revealed.
    const crossed = await stubFor(a).revoke({ tenantId: b, keyId: key.id, allowedScopes: null, ...author });
    expect(crossed).toMatchObject({ ok: false, error: { code: 'key_not_found' } });
    expect(await verify(a, secret)).not.toBeNull();
  });

  it('revokes: the secret is refused at once by the object, revoking again changes nothing', async () => {
    const tenantId = freshTenantId();
    const { key, secret } = await created(tenantId);
    const first = unwrap(
      await stubFor(tenantId).revoke({ tenantId, keyId: key.id, allowedScopes: null, ...author }),
    );
    expect(first.changed).toBe(true);
    expect(first.value.revokedAt).toEqual(expect.any(Number));
    expect(await verify(tenantId, secret)).toBeNull();
    const again = unwrap(
      await stubFor(tenantId).revoke({ tenantId, keyId: key.id, allowedScopes: null, ...author }),
    );
    expect(again.changed).toBe(false);
    const rotate = await stubFor(tenantId).rotate({
      tenantId,
      keyId: key.id,
      gracePeriodSeconds: 0,
      allowedScopes: null,
      ...author,
    });
    expect(rotate).toMatchObject({ ok: false, error: { code: 'key_conflict' } });
  });

  it('rotates: the old secret works for the grace period, then not; a second rotation meanwhile is a conflict', async () => {
    const tenantId = freshTenantId();
    const t0 = Date.now();
    const { key, secret: old } = await created(tenantId, t0);
    const rotate = (now: number) =>
      stubFor(tenantId).rotate({
        tenantId,
        keyId: key.id,
        gracePeriodSeconds: 60,
        allowedScopes: null,
        ...author,
        now,
      });
    const rotated = unwrap(await rotate(t0 + 1000)).value;
    expect(rotated.key.id).toBe(key.id);
    expect(rotated.secret).not.toBe(old);
    expect(rotated.key.previous).toEqual({ prefix: key.prefix, expiresAt: t0 + 61_000 });
    expect((await verify(tenantId, old, t0 + 60_999))?.validUntil).toBe(t0 + 61_000);
    expect(await verify(tenantId, rotated.secret, t0 + 60_999)).not.toBeNull();
    expect(await rotate(t0 + 30_000)).toMatchObject({ ok: false, error: { code: 'key_conflict' } });
    expect(await verify(tenantId, old, t0 + 61_000)).toBeNull();
    expect(await verify(tenantId, rotated.secret, t0 + 61_000)).not.toBeNull();
    // After the grace period a new rotation is fine; with no grace the old secret goes at once.
    const next = unwrap(
      await stubFor(tenantId).rotate({
        tenantId,
        keyId: key.id,
        gracePeriodSeconds: 0,
        allowedScopes: null,
        ...author,
        now: t0 + 62_000,
      }),
    ).value;
    expect(await verify(tenantId, rotated.secret, t0 + 62_000)).toBeNull();
    expect(await verify(tenantId, next.secret, t0 + 62_000)).not.toBeNull();
  });

  it('refuses to change a key that holds scopes the caller lacks', async () => {
    const tenantId = freshTenantId();
    const stub = stubFor(tenantId);
    const admin = unwrap(
      await stub.create({ tenantId, fields: fields({ scopes: ['chat', 'admin'] }), ...author }),
    ).value;
    const refused = [
      await stub.revoke({ tenantId, keyId: admin.key.id, allowedScopes: ['chat', 'keys'], ...author }),
      await stub.rotate({
        tenantId,
        keyId: admin.key.id,
        gracePeriodSeconds: 0,
        allowedScopes: ['chat', 'keys'],
        ...author,
      }),
      await stub.update({
        tenantId,
        keyId: admin.key.id,
        fields: { name: 'x' },
        allowedScopes: ['chat', 'keys'],
        ...author,
      }),
    ];
    for (const result of refused)
      expect(result).toMatchObject({ ok: false, error: { code: 'insufficient_scope' } });
  });

  it('keeps one consistent store under concurrent creates and revokes, and hands each event out once', async () => {
    const tenantId = freshTenantId();
    const stub = stubFor(tenantId);
    const first = await Promise.all(Array.from({ length: 10 }, () => created(tenantId)));
    const ids = first.map((k) => k.key.id);
    // Creates and revokes (each key revoked twice at once) all in flight together.
    const creates = Promise.all(
      Array.from({ length: 10 }, () => stub.create({ tenantId, fields: fields(), ...author })),
    );
    const revokes = Promise.all(
      ids
        .slice(0, 5)
        .flatMap((keyId) => [
          stub.revoke({ tenantId, keyId, allowedScopes: null, ...author }),
          stub.revoke({ tenantId, keyId, allowedScopes: null, ...author }),
        ]),
    );
    const [madeNow, revoked] = await Promise.all([creates, revokes]);
    const keys = unwrap(await stub.list({ tenantId }));
    expect(keys).toHaveLength(20);
    expect(new Set(keys.map((k) => k.id)).size).toBe(20);
    expect(
      keys
        .filter((k) => k.revokedAt !== null)
        .map((k) => k.id)
        .sort(),
    ).toEqual(ids.slice(0, 5).sort());
    const changes = [...madeNow.map((r) => unwrap(r)), ...revoked.map((r) => unwrap(r))];
    expect(changes.filter((c) => c.changed)).toHaveLength(15);
    // Every event of every change was handed out exactly once (none acknowledged yet).
    const seqs = [...first.flatMap((k) => k.events), ...changes.flatMap((c) => c.events)].map((e) => e.seq);
    expect(seqs).toHaveLength(25);
    expect(new Set(seqs).size).toBe(25);
  });

  it('suspends and resumes the tenant; a fresh object is active and creates nothing', async () => {
    const tenantId = freshTenantId();
    const stub = stubFor(tenantId);
    expect(unwrap(await stub.state({ tenantId }))).toEqual({ suspended: false });
    const suspended = unwrap(await stub.setStatus({ tenantId, suspended: true, ...author }));
    expect(suspended).toMatchObject({ value: { suspended: true }, changed: true });
    expect(suspended.events[0]?.change).toEqual({
      action: 'tenant.suspend',
      target: tenantId,
      before: { status: 'active' },
      after: { status: 'suspended' },
    });
    expect(unwrap(await stub.setStatus({ tenantId, suspended: true, ...author })).changed).toBe(false);
    expect(unwrap(await stub.state({ tenantId }))).toEqual({ suspended: true });
    unwrap(await stub.setStatus({ tenantId, suspended: false, ...author }));
    expect(unwrap(await stub.state({ tenantId }))).toEqual({ suspended: false });
  });
});

/** Everything the object stores, as text: to show no plaintext secret is among it. */
async function runInObject(tenantId: string): Promise<string> {
  return runInDurableObject(stubFor(tenantId), (_instance, state) => {
    const tables = ['meta', 'keys', 'secrets', 'outbox'];
    return JSON.stringify(tables.map((table) => state.storage.sql.exec(`SELECT * FROM ${table}`).toArray()));
  });
}
