import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '@aigw/core';
import { canonicalJson, normaliseQuery, searchCacheKey } from './key.ts';
import { TenantCache, type CorpusVersionSource } from './tenant-cache.ts';

interface Answer {
  answer: string;
}

const decodeAnswer = (value: unknown): Answer | undefined =>
  value !== null && typeof value === 'object' && typeof (value as Answer).answer === 'string'
    ? (value as Answer)
    : undefined;

/**
 * The corpus version as the document registry reports it. The registry's bumps are tested in
 * @aigw/rag; here a settable version shows what the cache does when it changes.
 */
class Versions implements CorpusVersionSource {
  constructor(public version = 1) {}
  corpusVersion(): Promise<number> {
    return Promise.resolve(this.version);
  }
}

let counter = 0;
function tenant(prefix: string): { tenantId: string } {
  counter += 1;
  return { tenantId: `${prefix}-${counter}-${crypto.randomUUID().slice(0, 8)}` };
}

function cacheFor(
  scope: { tenantId: string },
  versions = new Versions(),
  ttlSeconds = 300,
): TenantCache<Answer> {
  return new TenantCache({ kv: env.SEARCH_CACHE, scope, versions, ttlSeconds, decode: decodeAnswer });
}

const request = {
  query: 'How do refunds work?',
  topK: 5,
  filter: { source: 'billing' },
  model: 'local/echo-1',
};

describe('cache keys', () => {
  it('has the form tenant/<id>/v<version>/<sha256 hex>', async () => {
    expect(await searchCacheKey('acme', 3, request)).toMatch(/^tenant\/acme\/v3\/[0-9a-f]{64}$/);
  });

  it('normalises the query and canonicalises the filter', async () => {
    expect(normaliseQuery('  How DO\n refunds   work?  ')).toBe('how do refunds work?');
    const base = await searchCacheKey('acme', 1, request);
    expect(await searchCacheKey('acme', 1, { ...request, query: '  how do REFUNDS  work? ' })).toBe(base);
    expect(canonicalJson({ b: 1, a: { d: 2, c: [3, { f: 4, e: 5 }] } })).toBe(
      '{"a":{"c":[3,{"e":5,"f":4}],"d":2},"b":1}',
    );
    const reordered = { ...request, filter: { rank: { $lt: 3, $gt: 1 }, source: 'billing' } };
    const ordered = { ...request, filter: { source: 'billing', rank: { $gt: 1, $lt: 3 } } };
    expect(await searchCacheKey('acme', 1, reordered)).toBe(await searchCacheKey('acme', 1, ordered));
  });

  it.each([
    ['topK', { topK: 6 }],
    ['filter', { filter: { source: 'security' } }],
    ['no filter', { filter: undefined }],
    ['model', { model: 'workers-ai/@cf/meta/llama-3.1-8b-instruct' }],
    ['query', { query: 'How do invoices work?' }],
  ])('changes with the %s', async (_label, change) => {
    expect(await searchCacheKey('acme', 1, { ...request, ...change })).not.toBe(
      await searchCacheKey('acme', 1, request),
    );
  });

  it('changes with the tenant and the corpus version', async () => {
    const base = await searchCacheKey('acme', 1, request);
    expect(await searchCacheKey('globex', 1, request)).not.toBe(base);
    expect(await searchCacheKey('acme', 2, request)).not.toBe(base);
  });
});

describe('TenantCache over KV', () => {
  it('stores and serves an answer', async () => {
    const cache = cacheFor(tenant('a'));
    const miss = await cache.lookup(request);
    expect(miss).toMatchObject({ hit: false, value: undefined, corpusVersion: 1 });
    await cache.store(miss, { answer: 'Within 14 days [1].' });
    const hit = await cache.lookup({ ...request, query: 'how do refunds work?' });
    expect(hit).toMatchObject({ hit: true, value: { answer: 'Within 14 days [1].' }, key: miss.key });
  });

  it('never lets tenant B read tenant A’s entry, even for the same query and version', async () => {
    const a = tenant('a');
    const b = tenant('b');
    const cacheA = cacheFor(a);
    const cacheB = cacheFor(b);
    await cacheA.store(await cacheA.lookup(request), { answer: 'A’s private answer' });

    const fromB = await cacheB.lookup(request);
    expect(fromB.hit).toBe(false);
    expect(fromB.key.startsWith(`tenant/${b.tenantId}/`)).toBe(true);
    expect((await env.SEARCH_CACHE.list({ prefix: `tenant/${b.tenantId}/` })).keys).toEqual([]);
    expect((await env.SEARCH_CACHE.list({ prefix: `tenant/${a.tenantId}/` })).keys).toHaveLength(1);
    expect((await cacheA.lookup(request)).value).toEqual({ answer: 'A’s private answer' });
  });

  it('refuses to store B’s lookup through A’s cache', async () => {
    const cacheA = cacheFor(tenant('a'));
    const lookupB = await cacheFor(tenant('b')).lookup(request);
    await expect(cacheA.store(lookupB, { answer: 'x' })).rejects.toBeInstanceOf(GatewayError);
  });

  it('treats an entry whose envelope names another tenant as a miss', async () => {
    const a = tenant('a');
    const cache = cacheFor(a);
    const lookup = await cache.lookup(request);
    await env.SEARCH_CACHE.put(
      lookup.key,
      JSON.stringify({ tenantId: 'someone-else', corpusVersion: 1, value: { answer: 'forged' } }),
      { expirationTtl: 60 },
    );
    expect((await cache.lookup(request)).hit).toBe(false);
  });

  it('serves nothing stale after the corpus version changes', async () => {
    const versions = new Versions(4);
    const cache = cacheFor(tenant('a'), versions);
    const before = await cache.lookup(request);
    await cache.store(before, { answer: 'old corpus' });
    expect((await cache.lookup(request)).hit).toBe(true);

    versions.version = 5; // an ingest or delete happened
    const after = await cache.lookup(request);
    expect(after.hit).toBe(false);
    expect(after.key).not.toBe(before.key);
    expect(after.key).toContain('/v5/');
    // An answer computed from the old corpus, filed with its own lookup, stays unreachable.
    await cache.store(before, { answer: 'old corpus, late write' });
    expect((await cache.lookup(request)).hit).toBe(false);
  });

  it('turns an undecodable entry into a miss', async () => {
    const cache = cacheFor(tenant('a'));
    const lookup = await cache.lookup(request);
    await env.SEARCH_CACHE.put(
      lookup.key,
      JSON.stringify({ tenantId: cache.tenantId, corpusVersion: 1, value: 42 }),
    );
    expect((await cache.lookup(request)).hit).toBe(false);
  });

  it('raises a TTL under KV’s 60-second minimum (KV itself would refuse the write)', async () => {
    const cache = cacheFor(tenant('a'), new Versions(), 5);
    expect(cache.ttlSeconds).toBe(60);
    const lookup = await cache.lookup(request);
    await cache.store(lookup, { answer: 'short-lived' }, { ttlSeconds: 1 });
    expect((await cache.lookup(request)).hit).toBe(true);
    await expect(env.SEARCH_CACHE.put('probe', 'x', { expirationTtl: 5 })).rejects.toThrow();
  });

  it('cannot be built without a valid tenant', () => {
    for (const scope of [{ tenantId: '' }, { tenantId: 'Bad/Id' }, {} as { tenantId: string }]) {
      expect(() => cacheFor(scope)).toThrow(GatewayError);
    }
  });
});
