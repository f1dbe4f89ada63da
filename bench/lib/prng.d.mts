/** mulberry32 (bench/lib/prng.mjs): uniform in [0, 1), deterministic for a seed. */
export function prng(seed: number): () => number;
