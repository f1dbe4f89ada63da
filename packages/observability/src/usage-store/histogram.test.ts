import { describe, expect, it } from 'vitest';
import {
  HISTOGRAM_EDGES_MS,
  MAX_RELATIVE_ERROR,
  OVERFLOW_BUCKET,
  addTo,
  bucketOf,
  emptyDense,
  mergeInto,
  percentile,
  type Histogram,
} from './histogram.ts';

/** Exact nearest-rank percentile, the definition the estimate approximates. */
function exact(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1] ?? NaN;
}

/** A deterministic PRNG (mulberry32), so a failure reproduces. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function dense(values: number[]): number[] {
  const sparse: Histogram = {};
  for (const v of values) addTo(sparse, v);
  const out = emptyDense();
  mergeInto(out, sparse);
  return out;
}

describe('latency histogram', () => {
  it('has four log-spaced buckets per doubling from 1 ms to 2^19 ms, plus under- and overflow', () => {
    expect(HISTOGRAM_EDGES_MS).toHaveLength(OVERFLOW_BUCKET + 1);
    expect(HISTOGRAM_EDGES_MS.slice(0, 6)).toEqual([0, 1, 2 ** 0.25, 2 ** 0.5, 2 ** 0.75, 2]);
    expect(HISTOGRAM_EDGES_MS.at(-1)).toBe(2 ** 19);
    expect(MAX_RELATIVE_ERROR).toBeCloseTo(0.0905, 4);
  });

  it('puts every edge in the bucket it starts and values just below it in the one before', () => {
    for (let i = 1; i < HISTOGRAM_EDGES_MS.length; i++) {
      const edge = HISTOGRAM_EDGES_MS[i] ?? NaN;
      expect(bucketOf(edge)).toBe(i);
      expect(bucketOf(edge * (1 - 1e-9))).toBe(i - 1);
    }
    expect(bucketOf(0)).toBe(0);
    expect(bucketOf(0.99)).toBe(0);
    expect(bucketOf(3_600_000)).toBe(OVERFLOW_BUCKET);
  });

  it('estimates p50 and p95 within the documented relative error', () => {
    const next = random(7);
    for (const shape of ['uniform', 'lognormal', 'bimodal'] as const) {
      const values = Array.from({ length: 2000 }, () => {
        if (shape === 'uniform') return 1 + next() * 2000;
        if (shape === 'bimodal') return next() < 0.8 ? 20 + next() * 10 : 900 + next() * 300;
        // Box–Muller: median ~150 ms with a long tail.
        const z = Math.sqrt(-2 * Math.log(next() || 1e-12)) * Math.cos(2 * Math.PI * next());
        return Math.exp(5 + z);
      });
      const histogram = dense(values);
      for (const q of [0.5, 0.95]) {
        const truth = exact(values, q);
        const estimate = percentile(histogram, q) ?? NaN;
        expect(Math.abs(estimate - truth) / truth, `${shape} p${q * 100}`).toBeLessThanOrEqual(
          MAX_RELATIVE_ERROR + 1e-12,
        );
      }
    }
  });

  it('has no percentile without samples', () => {
    expect(percentile(emptyDense(), 0.5)).toBeNull();
  });
});
