import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { freshTenant, ragDeps } from '../../test/helpers.ts';
import { deleteDocument, getDocument, ingestDocuments } from '../ingest/index.ts';
import { truncatedSvd } from '../latent/svd.ts';
import { retrieve } from '../retrieval/index.ts';
import type { TenantScope } from '../scope/index.ts';
import { LATENT_MIN_CHUNKS, LATENT_OPTIONS } from './latent-store.ts';
import { LexicalIndex } from './lexical-index.ts';

const lexical = (scope: TenantScope) => new LexicalIndex(env.LEXICAL_INDEX, scope);
const FILLER = ['alpha', 'brisk', 'cobalt', 'dune', 'ember', 'fjord', 'granite', 'hollow', 'ivory', 'jasper'];

/**
 * A corpus with two topics. "bar" occurs only in the progress documents, next to "eta" and
 * "tick"; the `eta-guide` shares those two words with them but never says "bar" or "progress".
 */
function corpus(progress: number, harbour: number, lantern = harbour) {
  const word = (i: number) => FILLER[i % FILLER.length] ?? 'alpha';
  return [
    ...Array.from({ length: progress }, (_, i) => ({
      id: `progress-${i}`,
      text: `The progress bar shows the eta of the ${word(i)} task. Each bar tick advances as ${word(i + 3)} work completes.`,
    })),
    ...Array.from({ length: harbour }, (_, i) => ({
      id: `harbour-${i}`,
      text: `The harbour crane lifts ${word(i)} containers at the quay. Cranes on the quay move ${word(i + 5)} cargo.`,
    })),
    ...Array.from({ length: lantern }, (_, i) => ({
      id: `lantern-${i}`,
      text: `The lantern keeper trims the ${word(i)} wick at dusk. Lanterns need ${word(i + 7)} oil.`,
    })),
    { id: 'eta-guide', text: 'Every tick updates the eta column while the job runs.' },
  ];
}

/** Rows of the chunk and latent tables, read inside the tenant's object. */
async function rows(scope: TenantScope): Promise<{ chunks: number; vectors: number; built: string | null }> {
  return runInDurableObject(env.LEXICAL_INDEX.getByName(scope.tenantId), (_instance, state) => {
    const sql = state.storage.sql;
    const count = (table: string) => sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`).one().n;
    const built = sql
      .exec<{ value: string }>(`SELECT value FROM meta WHERE key = 'latent.built'`)
      .toArray()[0];
    return { chunks: count('chunks'), vectors: count('latent_chunks'), built: built?.value ?? null };
  });
}

describe('truncatedSvd', () => {
  it('recovers the largest singular values and their left vectors', () => {
    // A 30 x 20 matrix with 8, 4, 2, 1, 0.5, ... on its diagonal: the top three are known.
    const n = 20;
    const svd = truncatedSvd(
      {
        rows: 30,
        columns: n,
        start: Int32Array.from({ length: n + 1 }, (_, j) => j),
        row: Int32Array.from({ length: n }, (_, j) => j),
        value: Float32Array.from({ length: n }, (_, j) => 8 / 2 ** j),
      },
      { rank: 3, oversample: 8, iterations: 2 },
    );
    expect([...svd.sigma].map((s) => Number(s.toFixed(5)))).toEqual([8, 4, 2]);
    for (let r = 0; r < 3; r += 1) {
      const column = Array.from({ length: 30 }, (_, i) => Math.abs(svd.u[i * svd.rank + r] ?? 0));
      expect(column[r]).toBeCloseTo(1, 5);
      expect(column.reduce((sum, x) => sum + x * x, 0)).toBeCloseTo(1, 6);
    }
  });
});

describe('latent semantic index', () => {
  it('finds a passage through co-occurrence, without a word of the query', async () => {
    const scope = freshTenant('latent');
    // 15 progress documents: fewer than the 20 passages a search returns.
    await ingestDocuments(ragDeps(), scope, corpus(15, 30));
    const index = lexical(scope);
    // Not built until a search asks for it.
    expect((await index.describe()).latent).toEqual({ terms: 0, dimensions: 0 });
    const result = await index.search('progress bar', { limit: 100, latent: true });
    const guide = (await getDocument(ragDeps(), scope, 'eta-guide')).chunkIds[0];
    expect(result.hits.map((hit) => hit.id)).not.toContain(guide);
    const latent = result.latent.map((hit) => hit.documentId);
    expect(latent).toContain('eta-guide');
    expect(latent.indexOf('eta-guide')).toBeLessThan(
      Math.min(...latent.map((id, i) => (id.startsWith('harbour') ? i : Infinity))),
    );
    const { latent: size } = await index.describe();
    expect(size.terms).toBeGreaterThan(5);
    expect(size.dimensions).toBeGreaterThan(1);
    expect(size.dimensions).toBeLessThanOrEqual(LATENT_OPTIONS.dimensions);
    // Without `latent`, no latent list.
    expect((await index.search('progress bar', { limit: 100 })).latent).toEqual([]);

    // Hybrid retrieval uses it by default and not when the tenant turns it off.
    const documents = async (latentOn: boolean) =>
      (
        await retrieve(ragDeps({ latent: latentOn }), scope, { query: 'progress bar', topK: 20 })
      ).passages.map((p) => p.documentId);
    expect(await documents(true)).toContain('eta-guide');
    expect(await documents(false)).not.toContain('eta-guide');
  });

  it('follows ingest, re-ingest and delete exactly, and rebuilds once a third of the index changed', async () => {
    const scope = freshTenant('latent');
    const deps = ragDeps();
    await ingestDocuments(deps, scope, corpus(30, 30));
    await lexical(scope).search('progress bar', { limit: 10, latent: true });
    expect(await rows(scope)).toEqual({ chunks: 91, vectors: 91, built: '91' });

    await deleteDocument(deps, scope, 'eta-guide');
    const after = await lexical(scope).search('progress bar', { limit: 100, latent: true });
    expect(after.latent.map((hit) => hit.documentId)).not.toContain('eta-guide');
    expect(await rows(scope)).toEqual({ chunks: 90, vectors: 90, built: '91' });

    // A new or changed document gets its vector from the current model at once.
    await ingestDocuments(deps, scope, [
      { id: 'eta-guide', text: 'Each tick refreshes the eta column of the running job.' },
      { id: 'harbour-0', text: 'The quay crane unloads cargo at dawn.' },
    ]);
    expect(await rows(scope)).toEqual({ chunks: 91, vectors: 91, built: '91' });
    const again = await lexical(scope).search('progress bar', { limit: 100, latent: true });
    expect(again.latent.map((hit) => hit.documentId)).toContain('eta-guide');

    // 46 more chunks: over a third of the index is new, so the next search rebuilds the model.
    await ingestDocuments(
      deps,
      scope,
      corpus(46, 0, 0)
        .map((doc) => ({ ...doc, id: `more-${doc.id}` }))
        .slice(0, 46),
    );
    expect((await rows(scope)).built).toBe('91');
    await lexical(scope).search('progress bar', { limit: 10, latent: true });
    expect(await rows(scope)).toEqual({ chunks: 137, vectors: 137, built: '137' });
  });

  it("keeps tenants apart: B never sees A's model or chunks", async () => {
    const a = freshTenant('a');
    const b = freshTenant('b');
    const deps = ragDeps();
    await ingestDocuments(deps, a, corpus(30, 30));
    await ingestDocuments(deps, b, [
      { id: 'b1', text: 'A progress bar for the upload, with an eta.' },
      { id: 'b2', text: 'The harbour opens at dawn.' },
    ]);
    await lexical(a).search('progress bar', { limit: 10, latent: true });
    expect((await lexical(a).describe()).latent.terms).toBeGreaterThan(0);
    // B has too few chunks for a model of its own, and A's is not used for it.
    const fromB = await lexical(b).search('progress bar eta', { limit: 100, latent: true });
    expect(fromB.latent).toEqual([]);
    expect(await lexical(b).describe()).toMatchObject({ chunks: 2, latent: { terms: 0, dimensions: 0 } });
    expect(LATENT_MIN_CHUNKS).toBeGreaterThan(2);
    // Once B has a model, it is built from B's chunks only.
    await ingestDocuments(
      deps,
      b,
      Array.from({ length: LATENT_MIN_CHUNKS }, (_, i) => ({
        id: `b-note-${i}`,
        text:
          i % 2 === 0
            ? `Lantern ${FILLER[i % FILLER.length] ?? ''} wick trimming note for the keeper.`
            : `Harbour ${FILLER[i % FILLER.length] ?? ''} crane cargo note for the quay.`,
      })),
    );
    const later = await lexical(b).search('lantern wick', { limit: 100, latent: true });
    expect(later.latent.length).toBeGreaterThan(0);
    expect(later.latent.every((hit) => hit.documentId === 'b1' || hit.documentId.startsWith('b-'))).toBe(
      true,
    );
    const aIds = new Set((await getDocument(deps, a, 'eta-guide')).chunkIds);
    expect(later.latent.some((hit) => aIds.has(hit.id))).toBe(false);
  });
});
