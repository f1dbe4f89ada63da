/**
 * A truncated singular value decomposition of a sparse matrix, by the randomised range finder of
 * Halko, Martinsson and Tropp (2011, algorithm 4.4 with power iterations): the few hundred
 * thousand non-zeros of a tenant's term-by-chunk matrix need a few hundred million
 * multiply-adds, not the dense decomposition's cube of the vocabulary size. Deterministic: the
 * random test matrix comes from a seeded generator, so one corpus always gives one model.
 */

/** A sparse matrix by columns: column `j` holds rows `rows[start[j]..start[j+1]]`. */
export interface SparseColumns {
  rows: number;
  columns: number;
  start: Int32Array;
  row: Int32Array;
  value: Float32Array;
}

export interface TruncatedSvd {
  /** Left singular vectors, `rows` x `rank`, row-major. */
  u: Float64Array;
  /** Singular values, largest first. */
  sigma: Float64Array;
  rank: number;
}

export interface SvdOptions {
  rank: number;
  /** Extra random directions beyond `rank` (the usual 10–20). */
  oversample?: number;
  /** Power iterations: each sharpens the captured subspace when singular values decay slowly. */
  iterations?: number;
  seed?: number;
}

/** mulberry32: small, fast and good enough for a test matrix. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `A X` for X given as `width` dense columns of length `a.columns`; returns columns of length `a.rows`. */
function times(a: SparseColumns, x: Float64Array[]): Float64Array[] {
  return x.map((column) => {
    const out = new Float64Array(a.rows);
    for (let j = 0; j < a.columns; j += 1) {
      const factor = column[j] ?? 0;
      if (factor === 0) continue;
      for (let k = a.start[j] ?? 0, end = a.start[j + 1] ?? 0; k < end; k += 1) {
        const i = a.row[k] ?? 0;
        out[i] = (out[i] ?? 0) + (a.value[k] ?? 0) * factor;
      }
    }
    return out;
  });
}

/** `Aᵀ Y` for Y given as dense columns of length `a.rows`; returns columns of length `a.columns`. */
function transposeTimes(a: SparseColumns, y: Float64Array[]): Float64Array[] {
  return y.map((column) => {
    const out = new Float64Array(a.columns);
    for (let j = 0; j < a.columns; j += 1) {
      let sum = 0;
      for (let k = a.start[j] ?? 0, end = a.start[j + 1] ?? 0; k < end; k += 1) {
        sum += (a.value[k] ?? 0) * (column[a.row[k] ?? 0] ?? 0);
      }
      out[j] = sum;
    }
    return out;
  });
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i += 1) sum += (a[i] ?? 0) * (b[i] ?? 0);
  return sum;
}

/**
 * Orthonormalises columns in place (modified Gram-Schmidt, twice: "twice is enough" for the
 * orthogonality a range finder needs). A column that vanishes becomes zero and stays out.
 */
function orthonormalise(columns: Float64Array[]): Float64Array[] {
  for (let pass = 0; pass < 2; pass += 1) {
    for (let i = 0; i < columns.length; i += 1) {
      const v = columns[i];
      if (v === undefined) continue;
      for (let j = 0; j < i; j += 1) {
        const u = columns[j];
        if (u === undefined) continue;
        const d = dot(v, u);
        for (let k = 0; k < v.length; k += 1) v[k] = (v[k] ?? 0) - d * (u[k] ?? 0);
      }
      const norm = Math.sqrt(dot(v, v));
      if (norm < 1e-10) v.fill(0);
      else for (let k = 0; k < v.length; k += 1) v[k] = (v[k] ?? 0) / norm;
    }
  }
  return columns;
}

/** Eigen-decomposition of a small symmetric matrix (row-major, n x n) by cyclic Jacobi rotations. */
export function symmetricEigen(
  matrix: Float64Array,
  n: number,
): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i += 1) v[i * n + i] = 1;
  const at = (i: number, j: number): number => a[i * n + j] ?? 0;
  for (let sweep = 0; sweep < 60; sweep += 1) {
    let off = 0;
    for (let p = 0; p < n; p += 1) for (let q = p + 1; q < n; q += 1) off += at(p, q) ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < n; p += 1) {
      for (let q = p + 1; q < n; q += 1) {
        const apq = at(p, q);
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (at(q, q) - at(p, p)) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k += 1) {
          const akp = at(k, p);
          const akq = at(k, q);
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k += 1) {
          const apk = at(p, k);
          const aqk = at(q, k);
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k += 1) {
          const vkp = v[k * n + p] ?? 0;
          const vkq = v[k * n + q] ?? 0;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i += 1) values[i] = at(i, i);
  return { values, vectors: v };
}

/** The `rank` largest singular values of `a` and their left singular vectors. */
export function truncatedSvd(a: SparseColumns, options: SvdOptions): TruncatedSvd {
  const width = Math.min(options.rank + (options.oversample ?? 16), a.rows, a.columns);
  const rank = Math.min(options.rank, width);
  const next = random(options.seed ?? 1);
  // Rademacher test matrix: as good as Gaussian for a range finder, and cheaper to draw.
  const omega = Array.from({ length: width }, () =>
    Float64Array.from({ length: a.columns }, () => (next() < 0.5 ? -1 : 1)),
  );
  let q = orthonormalise(times(a, omega));
  for (let i = 0; i < (options.iterations ?? 2); i += 1) {
    q = orthonormalise(times(a, orthonormalise(transposeTimes(a, q))));
  }
  // B = Qᵀ A (width x columns), kept as its rows; B Bᵀ's eigenvectors are B's left singular vectors.
  const b = transposeTimes(a, q);
  const gram = new Float64Array(width * width);
  for (let i = 0; i < width; i += 1) {
    for (let j = i; j < width; j += 1) {
      const d = dot(b[i] ?? new Float64Array(0), b[j] ?? new Float64Array(0));
      gram[i * width + j] = d;
      gram[j * width + i] = d;
    }
  }
  const { values, vectors } = symmetricEigen(gram, width);
  const order = Array.from(values.keys()).sort((x, y) => (values[y] ?? 0) - (values[x] ?? 0));
  const sigma = new Float64Array(rank);
  const u = new Float64Array(a.rows * rank);
  for (let r = 0; r < rank; r += 1) {
    const e = order[r] ?? 0;
    sigma[r] = Math.sqrt(Math.max(values[e] ?? 0, 0));
    // U[:, r] = Q · (eigenvector e of B Bᵀ).
    for (let l = 0; l < width; l += 1) {
      const weight = vectors[l * width + e] ?? 0;
      if (weight === 0) continue;
      const column = q[l];
      if (column === undefined) continue;
      for (let i = 0; i < a.rows; i += 1)
        u[i * rank + r] = (u[i * rank + r] ?? 0) + weight * (column[i] ?? 0);
    }
  }
  return { u, sigma, rank };
}
