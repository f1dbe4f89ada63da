/**
 * Fixed log-spaced histogram for latencies (ms), so that per-minute rollups can be merged into any
 * bucket of any series and still give percentiles.
 *
 * Edges: bucket 0 is [0, 1) ms; bucket i (1 ≤ i ≤ 76) is [2^((i-1)/4), 2^(i/4)) ms, i.e. four
 * buckets per doubling from 1 ms to 2^19 ms (≈ 8.7 min); bucket 77 is [2^19 ms, ∞).
 *
 * Estimate: the nearest-rank percentile's sample lies in the bucket where the cumulative count
 * first reaches the rank, and the estimate is that bucket's geometric midpoint. Its relative error
 * is therefore at most √(2^(1/4)) − 1 = 2^(1/8) − 1 ≈ 9.05 % (bucket 0: at most 0.5 ms absolute;
 * the overflow bucket reports its lower edge, a lower bound). See docs/usage.md.
 */
export const BUCKETS_PER_DOUBLING = 4;
export const HISTOGRAM_MAX_EXPONENT = 19;
/** Index of the last, open-ended bucket. */
export const OVERFLOW_BUCKET = HISTOGRAM_MAX_EXPONENT * BUCKETS_PER_DOUBLING + 1;
/** Upper bound of the estimate's relative error (buckets 1 to 76). */
export const MAX_RELATIVE_ERROR = 2 ** (1 / (2 * BUCKETS_PER_DOUBLING)) - 1;

/** Lower edge (ms) of each bucket; `HISTOGRAM_EDGES_MS[i]` starts bucket i. */
export const HISTOGRAM_EDGES_MS: readonly number[] = [
  0,
  ...Array.from({ length: OVERFLOW_BUCKET }, (_, i) => 2 ** (i / BUCKETS_PER_DOUBLING)),
];

/** Sparse counts by bucket index: rollups hold a few distinct buckets each. */
export type Histogram = Record<string, number>;

export function bucketOf(ms: number): number {
  if (!(ms >= 1)) return 0;
  if (ms >= 2 ** HISTOGRAM_MAX_EXPONENT) return OVERFLOW_BUCKET;
  let index = Math.floor(Math.log2(ms) * BUCKETS_PER_DOUBLING) + 1;
  // Float log2 can land one bucket off right at an edge; settle it against the edges themselves.
  if (ms < (HISTOGRAM_EDGES_MS[index] ?? 0)) index--;
  else if (ms >= (HISTOGRAM_EDGES_MS[index + 1] ?? Infinity)) index++;
  return index;
}

/** The value reported for a bucket: its geometric midpoint (see the module comment). */
export function representativeOf(bucket: number): number {
  if (bucket <= 0) return 0.5;
  if (bucket >= OVERFLOW_BUCKET) return 2 ** HISTOGRAM_MAX_EXPONENT;
  return 2 ** ((bucket - 0.5) / BUCKETS_PER_DOUBLING);
}

export function addTo(histogram: Histogram, ms: number, count = 1): void {
  const key = String(bucketOf(ms));
  histogram[key] = (histogram[key] ?? 0) + count;
}

export function mergeInto(target: number[], source: Histogram): void {
  for (const [bucket, count] of Object.entries(source)) {
    const index = Number(bucket);
    target[index] = (target[index] ?? 0) + count;
  }
}

/** A dense histogram to accumulate into. */
export function emptyDense(): number[] {
  return new Array<number>(OVERFLOW_BUCKET + 1).fill(0);
}

/** Nearest-rank percentile estimate (q in (0, 1]); null for an empty histogram. */
export function percentile(dense: readonly number[], q: number): number | null {
  const total = dense.reduce((sum, n) => sum + n, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (let bucket = 0; bucket < dense.length; bucket++) {
    seen += dense[bucket] ?? 0;
    if (seen >= rank) return representativeOf(bucket);
  }
  return null;
}
