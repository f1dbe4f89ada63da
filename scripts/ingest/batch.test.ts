import { describe, expect, it } from 'vitest';
import { batchDocuments, documentBytes } from './batch.ts';

const doc = (id: string, size: number) => ({ id, text: 'x'.repeat(size) });
const body = (docs: unknown[]) => Buffer.byteLength(JSON.stringify({ documents: docs }));

describe('batchDocuments', () => {
  it('reports the exact size of the request body', () => {
    const docs = [doc('a', 10), doc('b', 20), doc('ü', 5)];
    const [batch] = batchDocuments(docs, { maxBytes: 10_000, maxDocs: 100 });
    expect(batch?.items).toEqual(docs);
    expect(batch?.bytes).toBe(body(docs));
  });

  it('keeps every request body within the byte budget, in order', () => {
    const docs = Array.from({ length: 50 }, (_, i) => doc(`d${i}`, 100 + ((i * 37) % 400)));
    const batches = batchDocuments(docs, { maxBytes: 2_000, maxDocs: 100 });
    expect(batches.length).toBeGreaterThan(1);
    for (const batch of batches) {
      expect(batch.bytes).toBe(body(batch.items));
      expect(batch.bytes).toBeLessThanOrEqual(2_000);
    }
    expect(batches.flatMap((b) => b.items)).toEqual(docs);
  });

  it('fills a batch up to exactly the budget', () => {
    const a = doc('a', 100);
    const exact = body([a, a]);
    expect(batchDocuments([a, a, a], { maxBytes: exact, maxDocs: 100 }).map((b) => b.items.length)).toEqual([
      2, 1,
    ]);
    expect(batchDocuments([a, a], { maxBytes: exact - 1, maxDocs: 100 }).map((b) => b.items.length)).toEqual([
      1, 1,
    ]);
  });

  it('puts at most maxDocs documents in a batch', () => {
    const docs = Array.from({ length: 250 }, (_, i) => doc(`d${i}`, 1));
    const sizes = batchDocuments(docs, { maxBytes: 1 << 20, maxDocs: 100 }).map((b) => b.items.length);
    expect(sizes).toEqual([100, 100, 50]);
  });

  it('sends a document larger than the budget on its own', () => {
    const docs = [doc('small1', 10), doc('huge', 5_000), doc('small2', 10)];
    const batches = batchDocuments(docs, { maxBytes: 1_000, maxDocs: 100 });
    expect(batches.map((b) => b.items.map((d) => d.id))).toEqual([['small1'], ['huge'], ['small2']]);
    expect(batches[1]?.bytes).toBeGreaterThan(1_000);
  });

  it('measures documents as UTF-8 JSON', () => {
    expect(documentBytes({ t: 'é"' })).toBe(Buffer.byteLength('{"t":"é\\""}'));
  });
});
