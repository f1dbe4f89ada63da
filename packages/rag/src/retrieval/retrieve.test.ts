import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '@aigw/core';
import { freshTenant, localStore, ragDeps } from '../../test/helpers.ts';
import { HashingEmbedder } from '../embedders/index.ts';
import { ingestDocuments } from '../ingest/index.ts';
import { DocumentRegistry } from '../registry/index.ts';
import { TenantVectorIndex } from '../vector/index.ts';
import type { Reranker } from './rerank/index.ts';
import { retrieve } from './retrieve.ts';

const DOCS = Array.from({ length: 30 }, (_, i) => ({
  id: `d${i}`,
  text: `Harbour note ${i}: boats, tides and moorings in the harbour.`,
  metadata: { rank: i, kind: i % 2 === 0 ? 'even' : 'odd' },
}));

describe('retrieve', async () => {
  const scope = freshTenant();
  const deps = ragDeps({ scoreFloor: 0 });
  await ingestDocuments(deps, scope, DOCS);

  it('clamps topK to 1..20 instead of failing', async () => {
    expect((await retrieve(deps, scope, { query: 'harbour boats', topK: 500 })).passages).toHaveLength(20);
    const one = await retrieve(deps, scope, { query: 'harbour boats', topK: -3 });
    expect(one.topK).toBe(1);
    expect(one.passages).toHaveLength(1);
    expect((await retrieve(deps, scope, { query: 'harbour boats' })).passages).toHaveLength(5);
  });

  it('validates the caller filter and applies it to caller metadata', async () => {
    const { passages } = await retrieve(deps, scope, {
      query: 'harbour',
      topK: 20,
      filter: { kind: 'odd', rank: { $gte: 20 } },
    });
    expect(passages.map((p) => p.documentId).sort()).toEqual(['d21', 'd23', 'd25', 'd27', 'd29']);
    const error: unknown = await retrieve(deps, scope, {
      query: 'x',
      filter: { kind: { $regex: '.*' } } as never,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe('invalid_request');
    expect((error as GatewayError).details?.issues?.[0]?.path).toEqual(['filter', 'kind']);
    await expect(retrieve(deps, scope, { query: '   ' })).rejects.toMatchObject({ code: 'invalid_request' });
  });

  it('runs the rerank hook over the fused candidates and keeps its order', async () => {
    const seen: number[] = [];
    const reverse: Reranker = {
      id: 'test/reverse-rank',
      rerank: (_query, candidates) => {
        seen.push(candidates.length);
        return Promise.resolve(candidates.map((c, i) => ({ id: c.id, score: i })));
      },
    };
    const result = await retrieve({ ...deps, reranker: reverse }, scope, {
      query: 'harbour moorings',
      topK: 3,
    });
    // Every document matches: the whole pool (beyond topK) reaches the reranker.
    expect(seen).toEqual([DOCS.length]);
    expect(result.reranked).toBe(true);
    expect(result.passages.map((p) => p.rerankScore)).toEqual([
      DOCS.length - 1,
      DOCS.length - 2,
      DOCS.length - 3,
    ]);
    const off = await retrieve(
      { ...deps, reranker: reverse, settings: { ...deps.settings, rerank: false } },
      scope,
      {
        query: 'harbour moorings',
        topK: 3,
      },
    );
    expect(off.reranked).toBe(false);
    expect(seen).toEqual([DOCS.length]);
  });

  it('drops passages under the score floor', async () => {
    // Vector mode: the floor is on cosine similarity.
    const strict = {
      ...deps,
      settings: { ...deps.settings, retrieval: 'vector' as const, scoreFloor: 0.99 },
    };
    const result = await retrieve(strict, scope, { query: 'boats' });
    expect(result.passages).toEqual([]);
    expect(result.belowFloor).toBe(result.candidates);
    // Hybrid: on the better of cosine and the share of the question a passage holds. Every note
    // has "boats", none has "submarines", so half of the question's weight is the most any holds.
    const hybrid = { ...deps, settings: { ...deps.settings, scoreFloor: 0.6 } };
    const half = await retrieve(hybrid, scope, { query: 'boats submarines' });
    expect(half.passages).toEqual([]);
    expect(half.candidates).toBeGreaterThan(0);
    const all = await retrieve(hybrid, scope, { query: 'boats moorings' });
    expect(all.passages.length).toBeGreaterThan(0);
    for (const passage of all.passages) expect(passage.score).toBeCloseTo(1, 6);
  });
});

describe('TenantVectorIndex', () => {
  it('always writes and reads the tenant namespace, whatever the caller passes', async () => {
    const scope = freshTenant();
    const embedder = new HashingEmbedder(8);
    const index = new TenantVectorIndex({
      store: localStore(scope),
      scope,
      embedder,
      manifest: new DocumentRegistry(env.DOCUMENT_REGISTRY, scope),
    });
    const sneaky = { id: 'v', values: [1, 0, 0, 0, 0, 0, 0, 0], namespace: 'other' };
    await index.upsert([sneaky]);
    const [stored] = await localStore(scope).getByIds(['v']);
    expect(stored?.namespace).toBe(scope.tenantId);
    // A vector in another namespace of the same store is invisible through the wrapper.
    await localStore(scope).upsert([{ id: 'foreign', values: [1, 0, 0, 0, 0, 0, 0, 0], namespace: 'other' }]);
    const sneakyQuery = { namespace: 'other' } as object;
    expect((await index.query([1, 0, 0, 0, 0, 0, 0, 0], sneakyQuery)).matches.map((m) => m.id)).toEqual([
      'v',
    ]);
    expect(await index.getByIds(['foreign'])).toEqual([]);
    expect(await index.deleteByIds(['foreign'])).toEqual({ ids: [], count: 0 });
    expect(await localStore(scope).getByIds(['foreign'])).toHaveLength(1);
    await expect(index.query([1, 0])).rejects.toMatchObject({ code: 'embedding_mismatch' });
  });
});
