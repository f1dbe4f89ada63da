import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '@aigw/core';
import { axis, freshTenant, localStore } from '../../test/helpers.ts';
import { VECTORIZE_LIMITS } from './limits.ts';
import type { VectorRecord } from './types.ts';

async function rejects(promise: Promise<unknown>, code: string, message?: RegExp): Promise<GatewayError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GatewayError);
  const gatewayError = error as GatewayError;
  expect(gatewayError.code).toBe(code);
  if (message) expect(gatewayError.message).toMatch(message);
  return gatewayError;
}

function many(count: number, dims = 4): VectorRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `v${i}`,
    values: [1, i / count, 0, 0].slice(0, dims),
    metadata: { i },
  }));
}

describe('VectorIndexDO (local index with Vectorize rules)', () => {
  it('stores Float32 blobs and ranks by cosine similarity', async () => {
    const store = localStore(freshTenant());
    await store.upsert([
      { id: 'x', values: [1, 0, 0] },
      { id: 'xy', values: [1, 1, 0] },
      { id: 'y', values: [0, 2, 0] },
      { id: 'neg', values: [-1, 0, 0] },
    ]);
    const { matches, count } = await store.query([1, 0, 0], { topK: 4 });
    expect(count).toBe(4);
    expect(matches.map((m) => m.id)).toEqual(['x', 'xy', 'y', 'neg']);
    expect(matches[0]?.score).toBeCloseTo(1, 6);
    expect(matches[1]?.score).toBeCloseTo(Math.SQRT1_2, 6);
    expect(matches[2]?.score).toBeCloseTo(0, 6);
    expect(matches[3]?.score).toBeCloseTo(-1, 6);
    // Values come back at float32 precision, the precision Vectorize stores.
    await store.upsert([{ id: 'p', values: [0.1, 0.2, 0.3] }]);
    const [p] = await store.getByIds(['p']);
    expect(p?.values).toEqual(Array.from(new Float32Array([0.1, 0.2, 0.3])));
  });

  it('keeps vectors as blobs in SQLite', async () => {
    const scope = freshTenant();
    await localStore(scope).upsert([{ id: 'a', values: [0.5, 0.25] }]);
    const stub = env.VECTOR_INDEX.getByName(scope.tenantId);
    const bytes = await runInDurableObject(stub, (_instance, state) => {
      const row = state.storage.sql
        .exec<{ vals: ArrayBuffer }>('SELECT vals FROM vectors WHERE id = ?', 'a')
        .one();
      return row.vals.byteLength;
    });
    expect(bytes).toBe(2 * Float32Array.BYTES_PER_ELEMENT);
  });

  it('defaults topK to 5 and returns no values or metadata unless asked', async () => {
    const store = localStore(freshTenant());
    await store.upsert(many(8));
    const { matches } = await store.query([1, 0, 0, 0]);
    expect(matches).toHaveLength(5);
    expect(matches[0]).not.toHaveProperty('values');
    expect(matches[0]).not.toHaveProperty('metadata');
  });

  it('allows topK up to 100 without values or all metadata, and refuses 101', async () => {
    const store = localStore(freshTenant());
    await store.upsert(many(120));
    expect((await store.query([1, 0, 0, 0], { topK: 100 })).count).toBe(100);
    expect((await store.query([1, 0, 0, 0], { topK: 100, returnMetadata: 'indexed' })).count).toBe(100);
    const error = await rejects(store.query([1, 0, 0, 0], { topK: 101 }), 'invalid_request', /1 to 100/);
    expect(error.details).toMatchObject({ limit: 100 });
    await rejects(store.query([1, 0, 0, 0], { topK: 0 }), 'invalid_request');
    await rejects(store.query([1, 0, 0, 0], { topK: 2.5 }), 'invalid_request');
  });

  it.each([
    ['returnValues', { returnValues: true }],
    ["returnMetadata 'all'", { returnMetadata: 'all' as const }],
    ['returnMetadata true', { returnMetadata: true }],
  ])('caps topK at 20 with %s', async (_label, options) => {
    const store = localStore(freshTenant());
    await store.upsert(many(30));
    const { matches } = await store.query([1, 0, 0, 0], { ...options, topK: 20 });
    expect(matches).toHaveLength(20);
    const error = await rejects(
      store.query([1, 0, 0, 0], { ...options, topK: 21 }),
      'invalid_request',
      /1 to 20/,
    );
    expect(error.details).toMatchObject({ limit: 20 });
  });

  it('returns indexed metadata as top-level scalars with strings cut to 64 bytes', async () => {
    const store = localStore(freshTenant());
    const long = 'é'.repeat(40); // 80 bytes
    await store.upsert([
      { id: 'm', values: [1, 0], metadata: { long, n: 3, ok: true, list: ['a'], nested: { k: 'v' } } },
    ]);
    const indexed = await store.query([1, 0], { returnMetadata: 'indexed' });
    expect(indexed.matches[0]?.metadata).toEqual({ long: 'é'.repeat(32), n: 3, ok: true });
    const all = await store.query([1, 0], { returnMetadata: 'all', returnValues: true });
    expect(all.matches[0]?.metadata).toEqual({ long, n: 3, ok: true, list: ['a'], nested: { k: 'v' } });
    expect(all.matches[0]?.values).toEqual([1, 0]);
  });

  it('accepts 1536 dimensions and refuses 1537', async () => {
    const store = localStore(freshTenant());
    await store.upsert([{ id: 'big', values: axis(1536, 7) }]);
    expect((await store.query(axis(1536, 7))).matches[0]?.id).toBe('big');
    const wide = freshTenant();
    await rejects(localStore(wide).upsert([{ id: 'w', values: axis(1537, 0) }]), 'invalid_request', /1536/);
    await rejects(localStore(wide).query(axis(1537, 0)), 'invalid_request', /1536/);
  });

  it('fixes the dimension at the first upsert and refuses others', async () => {
    const store = localStore(freshTenant());
    await store.upsert([{ id: 'a', values: [1, 0, 0] }]);
    await rejects(store.upsert([{ id: 'b', values: [1, 0] }]), 'embedding_mismatch');
    await rejects(store.query([1, 0]), 'embedding_mismatch');
    expect(await store.describe()).toEqual({ vectorCount: 1, dimensions: 3 });
    // Emptied, the index forgets its dimension (a tenant may rebuild with another embedder).
    await store.deleteByIds(['a']);
    expect(await store.describe()).toEqual({ vectorCount: 0, dimensions: null });
    await store.upsert([{ id: 'b', values: [1, 0] }]);
  });

  it('accepts ids up to 64 bytes and refuses longer or empty ones', async () => {
    const store = localStore(freshTenant());
    await store.upsert([{ id: 'a'.repeat(64), values: [1, 0] }]);
    await rejects(store.upsert([{ id: 'a'.repeat(65), values: [1, 0] }]), 'invalid_request', /64 bytes/);
    // Bytes, not characters: 22 three-byte characters are 66 bytes.
    await rejects(store.upsert([{ id: '€'.repeat(22), values: [1, 0] }]), 'invalid_request', /64 bytes/);
    await rejects(store.upsert([{ id: '', values: [1, 0] }]), 'invalid_request');
    await rejects(store.getByIds(['b'.repeat(65)]), 'invalid_request');
    await rejects(store.deleteByIds(['b'.repeat(65)]), 'invalid_request');
  });

  it('refuses metadata over 10 KiB and keys Vectorize forbids', async () => {
    const store = localStore(freshTenant());
    await rejects(
      store.upsert([
        { id: 'a', values: [1], metadata: { big: 'x'.repeat(VECTORIZE_LIMITS.maxMetadataBytes) } },
      ]),
      'invalid_request',
      /10240 bytes/,
    );
    for (const key of ['$x', 'a.b', 'q"', '']) {
      await rejects(store.upsert([{ id: 'a', values: [1], metadata: { [key]: 1 } }]), 'invalid_request');
    }
  });

  it('upsert replaces a vector with the same id', async () => {
    const store = localStore(freshTenant());
    await store.upsert([{ id: 'a', values: [1, 0], metadata: { v: 1 } }]);
    await store.query([1, 0]); // loads the in-memory copy, which the next upsert must update
    await store.upsert([{ id: 'a', values: [0, 1], metadata: { v: 2 } }]);
    const { matches } = await store.query([0, 1], { returnMetadata: 'all' });
    expect(matches).toEqual([{ id: 'a', score: expect.closeTo(1, 6) as number, metadata: { v: 2 } }]);
  });

  it('searches only the namespace asked for, and everything without one', async () => {
    const store = localStore(freshTenant());
    await store.upsert([
      { id: 'a1', values: [1, 0], namespace: 'a' },
      { id: 'b1', values: [1, 0.1], namespace: 'b' },
      { id: 'none', values: [1, 0.2] },
    ]);
    const inA = await store.query([1, 0], { namespace: 'a' });
    expect(inA.matches.map((m) => [m.id, m.namespace])).toEqual([['a1', 'a']]);
    expect((await store.query([1, 0], { namespace: 'b' })).matches.map((m) => m.id)).toEqual(['b1']);
    expect((await store.query([1, 0], { namespace: 'c' })).matches).toEqual([]);
    expect((await store.query([1, 0])).matches.map((m) => m.id)).toEqual(['a1', 'b1', 'none']);
    await rejects(store.query([1, 0], { namespace: 'n'.repeat(65) }), 'invalid_request');
  });

  it('deletes by id and reports the ids processed', async () => {
    const store = localStore(freshTenant());
    await store.upsert(many(3));
    await store.query([1, 0, 0, 0]);
    expect(await store.deleteByIds(['v0', 'v2'])).toEqual({ ids: ['v0', 'v2'], count: 2 });
    expect((await store.query([1, 0, 0, 0])).matches.map((m) => m.id)).toEqual(['v1']);
    expect((await store.getByIds(['v0', 'v1'])).map((v) => v.id)).toEqual(['v1']);
  });

  it("refuses a stub of another tenant's object (the object records its tenant)", async () => {
    const a = freshTenant();
    await localStore(a).upsert([{ id: 'secret', values: [1, 0] }]);
    const stub = env.VECTOR_INDEX.getByName(a.tenantId);
    const result = await stub.query('someone-else', [1, 0], { topK: 1 });
    expect(result.ok).toBe(false);
  });
});
