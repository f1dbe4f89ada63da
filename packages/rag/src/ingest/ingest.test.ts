import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '@aigw/core';
import { freshTenant, localStore, ragDeps } from '../../test/helpers.ts';
import { HashingEmbedder } from '../embedders/index.ts';
import { DocumentRegistry } from '../registry/index.ts';
import { retrieve } from '../retrieval/index.ts';
import { vectorId } from '../vector/index.ts';
import { deleteDocument, getDocument, ingestDocuments, listDocuments } from './ingest.ts';

const LONG = Array.from(
  { length: 30 },
  (_, i) => `Paragraph ${i} explains the lighthouse keeper routine number ${i} in some detail.\n\n`,
).join('');

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GatewayError);
  return (error as GatewayError).code;
}

describe('ingestDocuments', () => {
  it('adds, skips unchanged content by hash, and replaces changed documents', async () => {
    const scope = freshTenant();
    const deps = ragDeps({ chunkTokens: 64, overlapTokens: 8 });
    const first = await ingestDocuments(deps, scope, [
      { id: 'long', text: LONG, title: 'Keeper' },
      { id: 'short', text: 'The harbour opens at dawn.' },
    ]);
    expect(first).toMatchObject({
      added: ['long', 'short'],
      updated: [],
      unchanged: [],
      failed: [],
      corpusVersion: 2,
    });
    const before = await getDocument(deps, scope, 'long');
    expect(before.chunkIds.length).toBeGreaterThan(3);

    const again = await ingestDocuments(deps, scope, [
      { id: 'long', text: LONG, title: 'Keeper' },
      { id: 'short', text: 'The harbour opens at dawn.' },
    ]);
    expect(again).toMatchObject({
      added: [],
      updated: [],
      unchanged: ['long', 'short'],
      chunks: 0,
      corpusVersion: 2,
    });

    // Shorter new content: the chunks it no longer has must disappear from the index.
    const changed = await ingestDocuments(deps, scope, [
      { id: 'long', text: 'The keeper retired in spring.', title: 'Keeper' },
    ]);
    expect(changed).toMatchObject({ updated: ['long'], corpusVersion: 3 });
    const after = await getDocument(deps, scope, 'long');
    expect(after.chunkIds).toHaveLength(1);
    const stale = before.chunkIds.filter((id) => !after.chunkIds.includes(id));
    expect(stale.length).toBeGreaterThan(0);
    expect(await localStore(scope).getByIds(stale)).toEqual([]);
    expect((await localStore(scope).describe()).vectorCount).toBe(2);
    const { passages } = await retrieve(deps, scope, { query: 'lighthouse keeper routine', topK: 5 });
    expect(passages.every((passage) => !passage.text.includes('routine'))).toBe(true);
  });

  it('delete removes the vectors and the registry entry and bumps the version', async () => {
    const scope = freshTenant();
    const deps = ragDeps();
    await ingestDocuments(deps, scope, [
      { id: 'a', text: 'Alpha text about tides.' },
      { id: 'b', text: 'Beta text about winds.' },
    ]);
    const record = await getDocument(deps, scope, 'a');
    const deleted = await deleteDocument(deps, scope, 'a');
    expect(deleted).toEqual({ id: 'a', chunks: 1, corpusVersion: 3 });
    expect(await localStore(scope).getByIds(record.chunkIds)).toEqual([]);
    expect(await codeOf(getDocument(deps, scope, 'a'))).toBe('not_found');
    expect(await codeOf(deleteDocument(deps, scope, 'a'))).toBe('not_found');
    expect((await listDocuments(deps, scope)).documents.map((doc) => doc.id)).toEqual(['b']);
  });

  it('lists documents in pages', async () => {
    const scope = freshTenant();
    const deps = ragDeps();
    await ingestDocuments(
      deps,
      scope,
      ['c', 'a', 'b'].map((id) => ({ id, text: `Document ${id}.` })),
    );
    const page1 = await listDocuments(deps, scope, { limit: 2 });
    expect(page1.documents.map((doc) => doc.id)).toEqual(['a', 'b']);
    expect(page1.nextCursor).toBe('b');
    const page2 = await listDocuments(deps, scope, { limit: 2, after: 'b' });
    expect(page2).toMatchObject({ documents: [{ id: 'c' }], nextCursor: null });
  });

  it('keeps caller metadata from overwriting gateway fields', async () => {
    const scope = freshTenant();
    const deps = ragDeps();
    const result = await ingestDocuments(deps, scope, [
      {
        id: 'doc',
        text: 'Metadata isolation test content.',
        source: 'wiki',
        metadata: { tenant: 'other-tenant', documentId: 'forged', chunk: 99, text: 'forged', category: 'x' },
      },
    ]);
    expect(result.failed).toEqual([]);
    const [id] = (await getDocument(deps, scope, 'doc')).chunkIds;
    const [vector] = await localStore(scope).getByIds([id ?? '']);
    expect(vector?.metadata).toMatchObject({
      tenant: scope.tenantId,
      documentId: 'doc',
      chunk: 0,
      text: 'Metadata isolation test content.',
      source: 'wiki',
      meta: { tenant: 'other-tenant', documentId: 'forged', chunk: 99, text: 'forged', category: 'x' },
    });
    // Caller filters address the caller's own keys.
    const hit = await retrieve(deps, scope, { query: 'metadata isolation', filter: { category: 'x' } });
    expect(hit.passages.map((p) => p.documentId)).toEqual(['doc']);
    const forged = await retrieve(deps, scope, {
      query: 'metadata isolation',
      filter: { documentId: 'forged' },
    });
    expect(forged.passages).toEqual([]);
  });

  it('reports invalid documents as failed without stopping the batch', async () => {
    const scope = freshTenant();
    const result = await ingestDocuments(ragDeps(), scope, [
      { id: '', text: 'no id' },
      { id: 'ok', text: 'Fine.' },
      { id: 'bad-meta', text: 'x', metadata: { 'a.b': 1 } },
      { id: 'blank', text: '   \n  ' },
    ]);
    expect(result.added).toEqual(['ok']);
    expect(result.failed.map((f) => [f.id, f.code])).toEqual([
      ['#0', 'invalid_request'],
      ['bad-meta', 'invalid_request'],
      ['blank', 'invalid_request'],
    ]);
  });

  it('refuses a different embedder for a non-empty index, and accepts it once emptied', async () => {
    const scope = freshTenant();
    await ingestDocuments(ragDeps(), scope, [{ id: 'a', text: 'Built with 384 dimensions.' }]);
    const other = ragDeps({ embedder: 'local/hash-256' }, new HashingEmbedder(256));
    const result = await ingestDocuments(other, scope, [{ id: 'b', text: 'Another embedder.' }]);
    expect(result.failed).toMatchObject([{ id: 'b', code: 'embedding_mismatch' }]);
    expect(await codeOf(retrieve(other, scope, { query: 'anything' }))).toBe('embedding_mismatch');
    await deleteDocument(ragDeps(), scope, 'a');
    expect((await ingestDocuments(other, scope, [{ id: 'b', text: 'Another embedder.' }])).added).toEqual([
      'b',
    ]);
  });
});

describe('tenant isolation', () => {
  it('tenant B never sees A’s documents or vectors, even with the same document ids', async () => {
    const a = freshTenant('a');
    const b = freshTenant('b');
    const deps = ragDeps();
    await ingestDocuments(deps, a, [
      { id: 'doc-1', text: 'Secret launch codes for project Zephyr are kept in the vault.' },
    ]);
    await ingestDocuments(deps, b, [{ id: 'doc-1', text: 'Public cafeteria menu: soup on Mondays.' }]);

    const idA = await vectorId(a, 'doc-1', 0);
    const idB = await vectorId(b, 'doc-1', 0);
    expect(idA).not.toBe(idB);
    expect(new TextEncoder().encode(idA).byteLength).toBeLessThanOrEqual(64);

    const found = await retrieve(deps, b, { query: 'project Zephyr launch codes vault', topK: 20 });
    expect(found.passages.every((p) => !p.text.includes('Zephyr'))).toBe(true);
    expect((await getDocument(deps, b, 'doc-1')).hash).not.toBe((await getDocument(deps, a, 'doc-1')).hash);
    expect((await listDocuments(deps, b)).documents).toHaveLength(1);
    // Reading A's vector id through B's index finds nothing.
    expect(await localStore(b).getByIds([idA])).toEqual([]);
    // Deleting B's doc-1 leaves A's in place.
    await deleteDocument(deps, b, 'doc-1');
    expect(await localStore(a).getByIds([idA])).toHaveLength(1);
    expect((await retrieve(deps, a, { query: 'project Zephyr launch codes' })).passages[0]?.documentId).toBe(
      'doc-1',
    );
  });

  it('fails closed without a tenant', async () => {
    const deps = ragDeps();
    for (const scope of [undefined, null, { tenantId: '' }, { tenantId: 'Bad Id' }]) {
      expect(await codeOf(retrieve(deps, scope as never, { query: 'x' }))).toBe('internal');
      expect(await codeOf(ingestDocuments(deps, scope as never, [{ id: 'x', text: 'y' }]))).toBe('internal');
    }
    expect(() => new DocumentRegistry(env.DOCUMENT_REGISTRY, { tenantId: '' })).toThrow(GatewayError);
  });
});
