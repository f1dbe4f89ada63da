import { describe, expect, it } from 'vitest';
import { RRF_K, fuse } from './fusion.ts';

describe('fuse', () => {
  const lexical = [
    { id: 'a', score: 12 },
    { id: 'b', score: 8 },
    { id: 'c', score: 1 },
  ];
  const vector = [
    { id: 'c', score: 0.9 },
    { id: 'a', score: 0.5 },
    { id: 'd', score: 0.4 },
  ];

  it('rrf: sums 1 / (60 + rank) over the lists, best first, scaled so the best is 1', () => {
    const fused = fuse([lexical, vector], 'rrf');
    expect(fused.map((c) => c.id)).toEqual(['a', 'c', 'b', 'd']);
    const a = 1 / (RRF_K + 1) + 1 / (RRF_K + 2);
    const c = 1 / (RRF_K + 3) + 1 / (RRF_K + 1);
    expect(fused[1]?.score).toBeCloseTo(c / a, 10);
    expect(fused[0]?.score).toBe(1);
  });

  it('weighted: averages min-max normalised scores, a missing candidate counting 0', () => {
    const fused = fuse([lexical, vector], 'weighted');
    // a: (1 + 0.2) / 2, c: (0 + 1) / 2, b: (7/11) / 2, d: 0
    expect(fused.map((c) => c.id)).toEqual(['a', 'c', 'b', 'd']);
    expect(fused[1]?.score).toBeCloseTo(0.5 / 0.6, 10);
    expect(fused.at(-1)?.score).toBe(0);
  });

  it("gives a document's rank to its best candidate only", () => {
    const documents = {
      ranked: ['doc-d', 'doc-a'],
      documentOf: new Map([
        ['a', 'doc-a'],
        ['b', 'doc-a'],
        ['c', 'doc-c'],
        ['d', 'doc-d'],
      ]),
    };
    const fused = fuse([lexical, vector], 'rrf', documents);
    // d (rank 1 document) jumps over b; b, a's second chunk, gets nothing from it.
    expect(fused.map((c) => c.id)).toEqual(['a', 'c', 'd', 'b']);
  });

  it('keeps first-appearance order for ties and handles empty lists', () => {
    expect(fuse([], 'rrf')).toEqual([]);
    expect(fuse([[{ id: 'x', score: 1 }], []], 'weighted')).toEqual([{ id: 'x', score: 1 }]);
    const tied = fuse([[{ id: 'p', score: 1 }], [{ id: 'q', score: 1 }]], 'rrf');
    expect(tied.map((c) => c.id)).toEqual(['p', 'q']);
  });
});
