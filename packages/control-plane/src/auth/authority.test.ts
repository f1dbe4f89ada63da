import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { GatewayError, sha256Hex, unwrap } from '@aigw/core';
import { parseRuntimeKey, type TenantConfig } from '@aigw/tenancy';
import { author, fields, tenant } from '../../test/fixtures.ts';
import { ControlPlaneCache } from '../cache/cache.ts';
import { controlPlaneStub } from '../store/client.ts';
import { ControlPlaneAuthority, type AuthFailureGuard } from './authority.ts';

/** An isolate: its own cache (driven clock) over the one shared object namespace. */
function isolate(guard?: AuthFailureGuard) {
  let now = Date.now();
  const cache = new ControlPlaneCache({ ttlMs: 5000, clock: () => now });
  const authority = new ControlPlaneAuthority({ namespace: env.CONTROL_PLANE, cache, guard });
  return { authority, advance: (ms: number) => (now += ms) };
}

async function issue(config: TenantConfig) {
  const stub = controlPlaneStub(env.CONTROL_PLANE, config.id);
  const { key, secret } = unwrap(
    await stub.create({ tenantId: config.id, fields: fields(), ...author }),
  ).value;
  return { stub, key, secret };
}

async function query(config: TenantConfig, secret: string, clientIp = '198.51.100.1') {
  const named = parseRuntimeKey(secret);
  return {
    tenant: config,
    keyId: named?.keyId ?? 'rk-000000000000',
    hash: await sha256Hex(secret),
    clientIp,
    now: new Date(),
  };
}

describe('ControlPlaneAuthority', () => {
  it('serves a verified key from the cache until the TTL, so a revocation holds within it', async () => {
    const config = tenant();
    const { stub, key, secret } = await issue(config);
    const a = isolate();
    expect((await a.authority.findKey(await query(config, secret)))?.key.id).toBe(key.id);
    unwrap(await stub.revoke({ tenantId: config.id, keyId: key.id, allowedScopes: null, ...author }));
    // Another isolate asks the object: refused at once.
    expect(await isolate().authority.findKey(await query(config, secret))).toBeUndefined();
    // This one trusts its cache for the TTL, then asks again.
    a.advance(4999);
    expect((await a.authority.findKey(await query(config, secret)))?.key.id).toBe(key.id);
    a.advance(1);
    expect(await a.authority.findKey(await query(config, secret))).toBeUndefined();
  });

  it('caches unknown keys, and limits failed look-ups per IP before asking the object', async () => {
    const config = tenant();
    const waits: string[] = [];
    let failures = 0;
    const guard: AuthFailureGuard = {
      wait: (_tenantId, ip) => {
        waits.push(ip);
        return Promise.resolve(failures >= 2 ? 7 : 0);
      },
      record: () => {
        failures++;
        return Promise.resolve();
      },
    };
    const { authority } = isolate(guard);
    const guess = (n: number) => `gwk_${config.id}_rk-00000000000${n}_${'0'.repeat(32)}`;
    expect(await authority.findKey(await query(config, guess(1)))).toBeUndefined();
    // The same unknown key again: answered from the negative cache, no look-up, no count.
    expect(await authority.findKey(await query(config, guess(1)))).toBeUndefined();
    expect(failures).toBe(1);
    expect(await authority.findKey(await query(config, guess(2)))).toBeUndefined();
    const refused = await authority.findKey(await query(config, guess(3))).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(GatewayError);
    expect(refused).toMatchObject({ code: 'rate_limited', headers: { 'retry-after': '7' } });
    // The isolate remembers the wait: no limiter call for the next guess either.
    const calls = waits.length;
    await expect(authority.findKey(await query(config, guess(4)))).rejects.toMatchObject({
      code: 'rate_limited',
    });
    expect(waits.length).toBe(calls);
  });

  it("caches the tenant's switch for the TTL", async () => {
    const config = tenant();
    const stub = controlPlaneStub(env.CONTROL_PLANE, config.id);
    const { authority, advance } = isolate();
    expect(await authority.isSuspended(config.id)).toBe(false);
    unwrap(await stub.setStatus({ tenantId: config.id, suspended: true, ...author }));
    expect(await authority.isSuspended(config.id)).toBe(false);
    advance(5000);
    expect(await authority.isSuspended(config.id)).toBe(true);
  });
});
