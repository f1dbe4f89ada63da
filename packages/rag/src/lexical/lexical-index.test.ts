import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '@aigw/core';
import { freshTenant, localStore, ragDeps } from '../../test/helpers.ts';
import { deleteDocument, getDocument, ingestDocuments } from '../ingest/index.ts';
import { retrieve } from '../retrieval/index.ts';
import { RETRIEVAL_MODES } from '@aigw/rag/settings';
import type { TenantScope } from '../scope/index.ts';
import { LATENT_OPTIONS } from './latent-store.ts';
import { LexicalIndex } from './lexical-index.ts';
import type { IndexedChunk } from './types.ts';

const lexical = (scope: TenantScope) => new LexicalIndex(env.LEXICAL_INDEX, scope);

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GatewayError);
  return (error as GatewayError).code;
}

/** Ids of the vectors the tenant's local index returns for a query (all of them). */
async function vectorIds(scope: TenantScope): Promise<string[]> {
  const store = localStore(scope);
  const { vectorCount, dimensions } = await store.describe();
  if (vectorCount === 0 || dimensions === null) return [];
  const { matches } = await store.query(new Array<number>(dimensions).fill(1), { topK: 100 });
  return matches.map((match) => match.id).sort();
}

describe('workerd SQLite', () => {
  it('provides FTS5 with bm25(), which the lexical index is built on', async () => {
    const stub = env.LEXICAL_INDEX.getByName(freshTenant('fts').tenantId);
    const found = await runInDurableObject(stub, (_instance, state) => {
      const sql = state.storage.sql;
      sql.exec(`CREATE VIRTUAL TABLE probe USING fts5(body)`);
      sql.exec(`INSERT INTO probe (body) VALUES ('lighthouse keeper'), ('harbour master')`);
      return sql
        .exec<{ rowid: number; score: number }>(
          `SELECT rowid, bm25(probe) AS score FROM probe WHERE probe MATCH 'keeper' ORDER BY score`,
        )
        .toArray();
    });
    expect(found.map((row) => row.rowid)).toEqual([1]);
    expect(found[0]?.score).toBeLessThan(0);
  });
});

describe('lexical index', () => {
  it('follows ingest, re-ingest and delete exactly, and a deleted document is found by neither index', async () => {
    const scope = freshTenant();
    const deps = ragDeps({ chunkTokens: 32, overlapTokens: 0 });
    const long = Array.from({ length: 12 }, (_, i) => `Lantern note ${i} covers the wick trimming routine.`);
    await ingestDocuments(deps, scope, [
      { id: 'lantern', title: 'Lanterns', text: long.join('\n\n') },
      { id: 'quay', text: 'The quay crane lifts containers at the zircon terminal.' },
    ]);
    const before = await getDocument(deps, scope, 'lantern');
    expect(before.chunkIds.length).toBeGreaterThan(3);
    expect(await lexical(scope).describe()).toMatchObject({
      documents: 2,
      chunks: before.chunkIds.length + 1,
    });
    const hits = await lexical(scope).search('wick trimming', { limit: 100 });
    expect(hits.hits.map((hit) => hit.id).sort()).toEqual([...before.chunkIds].sort());

    // Re-ingest with fewer chunks: exactly the new ones remain, in both indexes.
    await ingestDocuments(deps, scope, [
      { id: 'lantern', title: 'Lanterns', text: 'Wick trimming is now monthly.' },
    ]);
    const after = await getDocument(deps, scope, 'lantern');
    expect(after.chunkIds).toHaveLength(1);
    const again = await lexical(scope).search('wick trimming', { limit: 100 });
    expect(again.hits.map((hit) => hit.id)).toEqual(after.chunkIds);
    expect(await lexical(scope).describe()).toMatchObject({ documents: 2, chunks: 2 });

    await deleteDocument(deps, scope, 'quay');
    expect((await lexical(scope).search('zircon crane', { limit: 100 })).hits).toEqual([]);
    const quay = (await vectorIds(scope)).length;
    expect(quay).toBe(1);
    for (const retrieval of RETRIEVAL_MODES) {
      const modeDeps = ragDeps({ retrieval, scoreFloor: -1 });
      const { passages } = await retrieve(modeDeps, scope, { query: 'zircon terminal quay crane', topK: 20 });
      expect(
        passages.map((p) => p.documentId),
        retrieval,
      ).not.toContain('quay');
    }
    expect(await lexical(scope).describe()).toMatchObject({ documents: 1, chunks: 1 });
  });

  it("scores tenant B only against B's own chunks and statistics", async () => {
    const a = freshTenant('a');
    const b = freshTenant('b');
    const deps = ragDeps();
    await ingestDocuments(deps, b, [
      { id: 'b1', text: 'Ferries leave the pier every hour in summer.' },
      { id: 'b2', text: 'The pier cafe sells ferry tickets.' },
    ]);
    const alone = await lexical(b).search('ferry pier tickets', { limit: 10 });
    const statsAlone = await lexical(b).chunks([], alone.terms);
    // Tenant A fills its own index with the same words (and one B never had).
    await ingestDocuments(
      deps,
      a,
      Array.from({ length: 20 }, (_, i) => ({
        id: `a${i}`,
        text: `Ferry ${i} docks at the pier; tickets for the ferry are sold at the pier. Quokka.`,
      })),
    );
    const withA = await lexical(b).search('ferry pier tickets', { limit: 10 });
    expect(withA).toEqual(alone);
    expect((await lexical(b).chunks([], alone.terms)).stats).toEqual(statsAlone.stats);
    expect((await lexical(b).search('quokka', { limit: 10 })).hits).toEqual([]);
    // A's chunk ids are not B's: reading them through B's index finds nothing.
    const aIds = (await getDocument(deps, a, 'a1')).chunkIds;
    expect((await lexical(b).chunks(aIds, [])).chunks).toEqual([]);
    const { passages } = await retrieve(ragDeps({ scoreFloor: -1 }), b, { query: 'quokka ferry', topK: 20 });
    expect(new Set(passages.map((p) => p.documentId))).toEqual(new Set(['b1', 'b2']));
    // The object is bound to its tenant: a stub for it cannot be used as another tenant.
    const stub = env.LEXICAL_INDEX.getByName(b.tenantId);
    const refused = await stub.search(a.tenantId, 'ferry', { limit: 10 });
    expect(refused).toMatchObject({ ok: false, error: { code: 'internal' } });
  });

  it('answers a query of only stop words or punctuation plainly, in every mode', async () => {
    const scope = freshTenant();
    await ingestDocuments(ragDeps(), scope, [{ id: 'd', text: 'The harbour opens at dawn.' }]);
    for (const retrieval of RETRIEVAL_MODES) {
      for (const query of ['what is the', '?!... -- ***', 'how do I do it?']) {
        const result = await retrieve(ragDeps({ retrieval }), scope, { query });
        expect(result, `${retrieval}: ${query}`).toMatchObject({ passages: [], unsearchable: 'no_terms' });
      }
    }
    expect((await lexical(scope).search('the of and', { limit: 5 })).hits).toEqual([]);
  });

  it('switches retrieval mode per tenant', async () => {
    const scope = freshTenant();
    // "ERR_SOCKET_TIMEOUT" is one exact token; the misspelt "sockt" only shares character trigrams.
    await ingestDocuments(ragDeps(), scope, [
      { id: 'errors', text: 'ERR_SOCKET_TIMEOUT is raised when the socket times out.' },
      { id: 'pool', text: 'The pool keeps idle connections open for reuse.' },
    ]);
    const first = async (retrieval: (typeof RETRIEVAL_MODES)[number], query: string) =>
      (await retrieve(ragDeps({ retrieval, scoreFloor: 0 }), scope, { query })).passages[0]?.documentId;
    expect(await first('lexical', 'ERR_SOCKET_TIMEOUT')).toBe('errors');
    expect(await first('lexical', 'sockt tmeout')).toBeUndefined();
    expect(await first('vector', 'sockt tmeout')).toBe('errors');
    expect(await first('hybrid', 'sockt tmeout')).toBe('errors');
    const modes = await Promise.all(
      RETRIEVAL_MODES.map(
        async (retrieval) => (await retrieve(ragDeps({ retrieval }), scope, { query: 'socket' })).mode,
      ),
    );
    expect(modes).toEqual(RETRIEVAL_MODES);
  });
});

describe('size bound', () => {
  /** ~1 KB of varied technical prose per chunk, like a real 256-token chunk. */
  function chunkText(doc: number, chunk: number): string {
    const words = [
      'socket',
      'pool',
      'retry',
      'header',
      'timeout',
      'proxy',
      'cache',
      'stream',
      'body',
      'agent',
    ];
    return Array.from(
      { length: 24 },
      (_, i) =>
        `The ${words[(doc + i) % 10] ?? ''} option ${doc}-${chunk}-${i} controls ${words[(chunk * 7 + i) % 10] ?? ''} handling.`,
    ).join(' ');
  }
  const chunksOf = (doc: number, count: number): IndexedChunk[] =>
    Array.from({ length: count }, (_, chunk) => ({
      id: `v-${doc}-${chunk}`,
      chunk,
      title: `Guide ${doc}`,
      heading: `Section ${chunk % 7}`,
      text: chunkText(doc, chunk),
      metadata: { tenant: 'x', documentId: `doc-${doc}`, chunk, heading: `Section ${chunk % 7}` },
    }));

  it('holds 5,000 chunks within its bound, and refuses the next document before changing anything', async () => {
    const scope = freshTenant('big');
    const index = lexical(scope);
    const maxChunks = 5000;
    for (let doc = 0; doc < 50; doc += 1)
      await index.replaceDocument(`doc-${doc}`, chunksOf(doc, 100), maxChunks);
    // A search that asks for the latent list builds the latent model (from a sample of 2,048
    // chunks) and gives every chunk its vector: the bound includes them.
    await index.search('timeout proxy', { limit: 100, latent: true });
    const full = await index.describe();
    expect(full).toMatchObject({ chunks: 5000, documents: 50 });
    expect(full.latent.terms).toBeGreaterThan(0);
    expect(full.latent.terms).toBeLessThanOrEqual(LATENT_OPTIONS.maxTerms);
    expect(full.latent.dimensions).toBeGreaterThan(0);
    expect(full.latent.dimensions).toBeLessThanOrEqual(LATENT_OPTIONS.dimensions);
    // Text, metadata, analysed terms, the two FTS5 indexes (chunks and whole documents, with
    // positions) and the latent model and vectors: under 6 KiB for a chunk
    // of ~1.2 KB of text (docs/search.md), so the default 100,000 chunks stay under ~600 MB.
    expect(full.bytes / full.chunks).toBeLessThan(6 * 1024);
    console.log(
      `[lexical index] 5,000 chunks: ${(full.bytes / 1024 / 1024).toFixed(1)} MiB, ${Math.round(full.bytes / full.chunks)} bytes a chunk`,
    );
    expect(await codeOf(index.replaceDocument('doc-50', chunksOf(50, 1), maxChunks))).toBe('index_full');
    // Replacing a document with as many chunks fits; the refused one left nothing behind.
    await index.replaceDocument('doc-0', chunksOf(0, 100), maxChunks);
    expect(await index.describe()).toMatchObject({ chunks: 5000, documents: 50 });
    const hits = await index.search('timeout proxy', { limit: 100 });
    expect(hits.hits).toHaveLength(100);
  }, 60_000);

  it('refuses an ingest past rag.maxChunks with index_full, leaving no trace of the document', async () => {
    const scope = freshTenant();
    const deps = ragDeps({ maxChunks: 2, chunkTokens: 32, overlapTokens: 0 });
    await ingestDocuments(deps, scope, [{ id: 'one', text: 'A single short note about lanterns.' }]);
    const text = Array.from({ length: 10 }, (_, i) => `Paragraph ${i} about quays and cranes.`).join('\n\n');
    const result = await ingestDocuments(deps, scope, [{ id: 'two', text }]);
    expect(result.failed).toMatchObject([{ id: 'two', code: 'index_full' }]);
    expect(await lexical(scope).describe()).toMatchObject({ chunks: 1, documents: 1 });
    expect(await vectorIds(scope)).toHaveLength(1);
  });
});
