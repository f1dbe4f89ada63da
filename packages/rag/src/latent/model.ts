import { truncatedSvd, type SparseColumns } from './svd.ts';

/**
 * Latent semantic analysis (Deerwester et al., 1990) of one tenant's chunks: a truncated SVD of
 * the term-by-chunk matrix places terms that occur in similar chunks near each other, even terms
 * that never occur together ("bar" and "eta" through "progress", "scratch" and "temporary"
 * through "file" and "cleanup", when the corpus says so). Chunks and queries become the weighted
 * sums of their terms' vectors, so a question can match a passage that shares few of its words.
 * Everything comes from the tenant's own text; nothing is downloaded or shipped.
 */
export interface LatentModel {
  /** The model's vocabulary, in the order of `vectors`' rows. */
  terms: string[];
  /** Each term's inverse document frequency in the chunks the model was built from. */
  idf: Float32Array;
  /** Term vectors, `terms.length` x `dimensions`, row-major. */
  vectors: Float32Array;
  dimensions: number;
  /** Chunks the model was built from. */
  chunks: number;
}

export interface LatentOptions {
  /** Dimensions kept (rank of the SVD). */
  dimensions: number;
  /** Largest vocabulary: the terms in the most chunks are kept. */
  maxTerms: number;
  /** Terms in fewer chunks carry no co-occurrence information and are left out. */
  minChunks: number;
  /** Terms in more than this share of the chunks say nothing about a topic. */
  maxShare: number;
  /**
   * Exponent of the singular values scaling term vectors (0: the bare singular vectors, every
   * direction counts the same; 1: directions weigh as much as the corpus variance they explain).
   */
  sigmaPower: number;
  iterations: number;
  seed: number;
}

export const DEFAULT_LATENT_OPTIONS: LatentOptions = {
  dimensions: 128,
  maxTerms: 16_384,
  minChunks: 2,
  maxShare: 0.5,
  sigmaPower: 0.5,
  iterations: 2,
  seed: 20,
};

/** A term's weight in a chunk: sublinear frequency times rarity (the usual LSA tf-idf). */
function weight(frequency: number, idf: number): number {
  return (1 + Math.log(frequency)) * idf;
}

/** Builds the model from chunks given as their analysed terms. */
export function buildLatentModel(
  chunks: readonly (readonly string[])[],
  options: LatentOptions = DEFAULT_LATENT_OPTIONS,
): LatentModel {
  const n = chunks.length;
  const df = new Map<string, number>();
  for (const chunk of chunks) for (const term of new Set(chunk)) df.set(term, (df.get(term) ?? 0) + 1);
  const terms = [...df]
    .filter(([, count]) => count >= options.minChunks && count <= n * options.maxShare)
    // Most frequent first, then by term, so the vocabulary does not depend on insertion order.
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, options.maxTerms)
    .map(([term]) => term);
  const index = new Map(terms.map((term, i) => [term, i]));
  const idf = Float32Array.from(terms, (term) => Math.log(n / (df.get(term) ?? n)));
  const empty: LatentModel = {
    terms: [],
    idf: new Float32Array(0),
    vectors: new Float32Array(0),
    dimensions: 0,
    chunks: n,
  };
  if (terms.length < 2 || n < 2) return empty;

  // Columns: each chunk's tf-idf over the vocabulary, unit length (long chunks do not dominate).
  const start = new Int32Array(n + 1);
  const rows: number[] = [];
  const values: number[] = [];
  chunks.forEach((chunk, j) => {
    const tf = new Map<number, number>();
    for (const term of chunk) {
      const i = index.get(term);
      if (i !== undefined) tf.set(i, (tf.get(i) ?? 0) + 1);
    }
    const column = [...tf].map(([i, f]) => [i, weight(f, idf[i] ?? 0)] as const);
    const norm = Math.sqrt(column.reduce((sum, [, w]) => sum + w * w, 0)) || 1;
    for (const [i, w] of column) {
      rows.push(i);
      values.push(w / norm);
    }
    start[j + 1] = rows.length;
  });
  const matrix: SparseColumns = {
    rows: terms.length,
    columns: n,
    start,
    row: Int32Array.from(rows),
    value: Float32Array.from(values),
  };
  const svd = truncatedSvd(matrix, {
    rank: options.dimensions,
    iterations: options.iterations,
    seed: options.seed,
  });
  const dimensions = svd.rank;
  const vectors = new Float32Array(terms.length * dimensions);
  for (let r = 0; r < dimensions; r += 1) {
    const scale = (svd.sigma[r] ?? 0) ** options.sigmaPower;
    for (let i = 0; i < terms.length; i += 1) {
      vectors[i * dimensions + r] = (svd.u[i * dimensions + r] ?? 0) * scale;
    }
  }
  return { terms, idf, vectors, dimensions, chunks: n };
}

/**
 * A text's vector in the model's space, unit length: the sum of its terms' vectors, each weighted
 * by its tf-idf. Terms outside the vocabulary count for nothing; with none inside, all zeros.
 */
export function embedTerms(
  model: Pick<LatentModel, 'idf' | 'vectors' | 'dimensions'>,
  index: ReadonlyMap<string, number>,
  terms: readonly string[],
): Float32Array {
  const out = new Float32Array(model.dimensions);
  const tf = new Map<number, number>();
  for (const term of terms) {
    const i = index.get(term);
    if (i !== undefined) tf.set(i, (tf.get(i) ?? 0) + 1);
  }
  for (const [i, f] of tf) {
    const w = weight(f, model.idf[i] ?? 0);
    const offset = i * model.dimensions;
    for (let r = 0; r < model.dimensions; r += 1)
      out[r] = (out[r] ?? 0) + w * (model.vectors[offset + r] ?? 0);
  }
  let norm = 0;
  for (const value of out) norm += value * value;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let r = 0; r < out.length; r += 1) out[r] = (out[r] ?? 0) / norm;
  return out;
}
