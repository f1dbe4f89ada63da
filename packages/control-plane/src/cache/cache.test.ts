import { describe, expect, it } from 'vitest';
import { tenant } from '../../test/fixtures.ts';
import { effectiveCaller } from '../keys/view.ts';
import { ControlPlaneCache } from './cache.ts';

function clocked(ttlMs = 5000, maxEntries = 100) {
  let now = 1_000_000;
  const cache = new ControlPlaneCache({ ttlMs, maxEntries, clock: () => now });
  return { cache, advance: (ms: number) => (now += ms) };
}

const caller = effectiveCaller(
  tenant('acme'),
  {
    id: 'rk-0123456789ab',
    name: 'app',
    scopes: ['chat'],
    models: null,
    rates: {},
    budget: {},
    metadata: {},
    createdAt: 0,
    updatedAt: 0,
    expiresAt: null,
    revokedAt: null,
    lastUsedAt: null,
    createdBy: 'operator',
    prefix: 'p',
    previous: null,
  },
  'h1',
);

describe('ControlPlaneCache', () => {
  it('keeps an answer for the TTL and not a millisecond longer', () => {
    const { cache, advance } = clocked();
    cache.setKey('h1', caller, null);
    cache.setUnknown('h2', 'acme', 'rk-000000000000');
    advance(4999);
    expect(cache.key('h1')).toBe(caller);
    expect(cache.key('h2')).toBeNull();
    advance(1);
    expect(cache.key('h1')).toBeUndefined();
    expect(cache.key('h2')).toBeUndefined();
  });

  it("never outlives the secret: a rotation's grace end comes first", () => {
    const { cache, advance } = clocked();
    cache.setKey('h1', caller, cache.clock() + 1000);
    advance(1000);
    expect(cache.key('h1')).toBeUndefined();
  });

  it('forgets a key or a tenant at once in the isolate that changed it', () => {
    const { cache } = clocked();
    cache.setKey('h1', caller, null);
    cache.setSuspended('acme', false);
    cache.forgetKey('acme', 'rk-0123456789ab');
    cache.forgetTenant('acme');
    expect(cache.key('h1')).toBeUndefined();
    expect(cache.suspended('acme')).toBeUndefined();
  });

  it('remembers the last switch after it expires, for when the object cannot be reached', () => {
    const { cache, advance } = clocked();
    cache.setSuspended('acme', true);
    advance(10_000);
    expect(cache.suspended('acme')).toBeUndefined();
    expect(cache.lastKnownSuspended('acme')).toBe(true);
  });

  it('holds at most maxEntries per map, dropping the oldest', () => {
    const { cache } = clocked(5000, 3);
    for (let i = 0; i < 5; i++) cache.setUnknown(`h${i}`, 'acme', 'rk-000000000000');
    expect(cache.key('h0')).toBeUndefined();
    expect(cache.key('h1')).toBeUndefined();
    expect(cache.key('h4')).toBeNull();
  });

  it('refuses a TTL past the documented maximum', () => {
    expect(() => new ControlPlaneCache({ ttlMs: 60_001 })).toThrow(RangeError);
  });
});
