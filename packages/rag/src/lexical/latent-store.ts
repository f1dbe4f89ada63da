import { readMeta, writeMeta } from '@aigw/core/sqlite';
import { buildLatentModel, embedTerms, type LatentModel, type LatentOptions } from '../latent/model.ts';

/** The model's shape for this index: fixed a priori (docs/search.md), bounded in size. */
export const LATENT_OPTIONS: LatentOptions = {
  dimensions: 96,
  maxTerms: 8192,
  minChunks: 2,
  maxShare: 0.5,
  sigmaPower: 0.5,
  iterations: 1,
  seed: 20,
};
/** The SVD sees at most this many chunks (every k-th by row), which bounds a rebuild's cost. */
export const LATENT_SAMPLE = 2048;
/** Below this many chunks co-occurrence says little; no model is built. */
export const LATENT_MIN_CHUNKS = 64;
/** Terms per stored block: a block of vectors stays well under SQLite's 2 MB value limit. */
const BLOCK_TERMS = 1024;
/** Chunk vectors are stored as signed bytes: a unit vector times this. */
const QUANT = 127;

interface LoadedModel {
  index: Map<string, number>;
  idf: Float32Array;
  vectors: Float32Array;
  dimensions: number;
}

interface ChunkVectors {
  rowids: number[];
  ids: string[];
  documents: string[];
  vectors: Int8Array;
}

/** A chunk found by latent similarity: its row, ids and cosine with the query in the model's space. */
export interface LatentMatch {
  rowid: number;
  id: string;
  documentId: string;
  score: number;
}

/**
 * The latent semantic part of a tenant's lexical index (see ../latent/model.ts): term vectors
 * from an SVD of the tenant's own chunks, and one vector per chunk, kept in the same SQLite
 * database and written in the same transactions as the chunks, so a deleted chunk's vector goes
 * with it and a new chunk gets one at once (the current model's weighted sum of its terms).
 *
 * The model itself is rebuilt, from the chunks then in the index, by the first search that finds
 * it missing or stale: more than a third of the chunks written or deleted since it was built. It
 * is bounded: at most `LATENT_OPTIONS.maxTerms` term vectors of `dimensions` floats, plus
 * `dimensions` bytes a chunk.
 */
export class LatentStore {
  readonly #sql: SqlStorage;
  readonly #transaction: <T>(run: () => T) => T;
  /** Loaded on first use, dropped when rebuilt; `null`: there is no model. */
  #model: LoadedModel | null | undefined;
  /** Every chunk vector, loaded on first search, dropped at every write. */
  #chunks: ChunkVectors | undefined;

  constructor(sql: SqlStorage, transaction: <T>(run: () => T) => T) {
    this.#sql = sql;
    this.#transaction = transaction;
  }

  /** A chunk was inserted (inside the write's transaction). */
  added(rowid: number, terms: readonly string[]): void {
    this.#changed();
    const model = this.#load();
    if (model === null) return;
    this.#sql.exec(
      'INSERT INTO latent_chunks (rowid, vector) VALUES (?, ?)',
      rowid,
      quantise(embedTerms(model, model.index, terms)).buffer,
    );
  }

  /** A chunk was deleted (inside the write's transaction). */
  removed(rowid: number): void {
    this.#changed();
    this.#sql.exec('DELETE FROM latent_chunks WHERE rowid = ?', rowid);
  }

  /**
   * Chunks by cosine similarity with the query terms in the model's space, best first; those
   * `accept` refuses are skipped. Rebuilds the model first if it is missing or stale.
   */
  search(terms: readonly string[], limit: number, accept?: (rowid: number) => boolean): LatentMatch[] {
    this.#refresh();
    const model = this.#load();
    if (model === null || limit <= 0) return [];
    const query = embedTerms(model, model.index, terms);
    if (!query.some((value) => value !== 0)) return [];
    const chunks = this.#loadChunks();
    const d = model.dimensions;
    const scored: { at: number; score: number }[] = [];
    for (let at = 0; at < chunks.ids.length; at += 1) {
      let sum = 0;
      const offset = at * d;
      for (let r = 0; r < d; r += 1) sum += (query[r] ?? 0) * (chunks.vectors[offset + r] ?? 0);
      if (sum > 0) scored.push({ at, score: sum / QUANT });
    }
    scored.sort((a, b) => b.score - a.score || a.at - b.at);
    const matches: LatentMatch[] = [];
    for (const { at, score } of scored) {
      if (matches.length >= limit) break;
      const rowid = chunks.rowids[at] ?? 0;
      if (accept && !accept(rowid)) continue;
      matches.push({ rowid, id: chunks.ids[at] ?? '', documentId: chunks.documents[at] ?? '', score });
    }
    return matches;
  }

  /** Size of the model: its vocabulary and dimensions (0 and 0 without one). */
  describe(): { terms: number; dimensions: number } {
    const model = this.#load();
    return model === null
      ? { terms: 0, dimensions: 0 }
      : { terms: model.index.size, dimensions: model.dimensions };
  }

  #changed(): void {
    this.#chunks = undefined;
    writeMeta(this.#sql, 'latent.changed', String(Number(readMeta(this.#sql, 'latent.changed') ?? '0') + 1));
  }

  #refresh(): void {
    const count = this.#sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM chunks').one().n;
    const built = readMeta(this.#sql, 'latent.built');
    const changed = Number(readMeta(this.#sql, 'latent.changed') ?? '0');
    const stale = built === undefined ? count >= LATENT_MIN_CHUNKS : changed * 3 > count;
    if (stale) this.#rebuild(count);
  }

  #rebuild(count: number): void {
    const rows = this.#sql
      .exec<{ rowid: number; analysed: string }>('SELECT rowid, analysed FROM chunks ORDER BY rowid')
      .toArray();
    const terms = rows.map((row) => (row.analysed === '' ? [] : row.analysed.split(' ')));
    const stride = Math.ceil(terms.length / LATENT_SAMPLE);
    const model =
      count >= LATENT_MIN_CHUNKS
        ? buildLatentModel(
            terms.filter((_terms, i) => i % stride === 0),
            LATENT_OPTIONS,
          )
        : undefined;
    this.#transaction(() => {
      this.#sql.exec('DELETE FROM latent_terms');
      this.#sql.exec('DELETE FROM latent_chunks');
      if (model !== undefined && model.dimensions > 0) {
        writeModel(this.#sql, model);
        const index = new Map(model.terms.map((term, i) => [term, i]));
        rows.forEach((row, i) => {
          this.#sql.exec(
            'INSERT INTO latent_chunks (rowid, vector) VALUES (?, ?)',
            row.rowid,
            quantise(embedTerms(model, index, terms[i] ?? [])).buffer,
          );
        });
      }
      writeMeta(this.#sql, 'latent.built', String(count));
      writeMeta(this.#sql, 'latent.changed', '0');
    });
    this.#model = undefined;
    this.#chunks = undefined;
  }

  #load(): LoadedModel | null {
    if (this.#model !== undefined) return this.#model;
    const blocks = this.#sql
      .exec<{ terms: string; idf: ArrayBuffer; vectors: ArrayBuffer; dimensions: number }>(
        'SELECT terms, idf, vectors, dimensions FROM latent_terms ORDER BY block',
      )
      .toArray();
    const dimensions = blocks[0]?.dimensions ?? 0;
    if (dimensions === 0) {
      this.#model = null;
      return null;
    }
    const terms = blocks.flatMap((block) => block.terms.split(' '));
    const idf = new Float32Array(terms.length);
    const vectors = new Float32Array(terms.length * dimensions);
    let at = 0;
    for (const block of blocks) {
      const blockIdf = new Float32Array(block.idf);
      idf.set(blockIdf, at);
      vectors.set(new Float32Array(block.vectors), at * dimensions);
      at += blockIdf.length;
    }
    this.#model = { index: new Map(terms.map((term, i) => [term, i])), idf, vectors, dimensions };
    return this.#model;
  }

  #loadChunks(): ChunkVectors {
    if (this.#chunks) return this.#chunks;
    const rows = this.#sql
      .exec<{ rowid: number; id: string; document_id: string; vector: ArrayBuffer }>(
        `SELECT l.rowid AS rowid, c.id AS id, c.document_id AS document_id, l.vector AS vector
         FROM latent_chunks l JOIN chunks c ON c.rowid = l.rowid ORDER BY l.rowid`,
      )
      .toArray();
    const d = this.#model?.dimensions ?? 0;
    const vectors = new Int8Array(rows.length * d);
    rows.forEach((row, i) => {
      vectors.set(new Int8Array(row.vector), i * d);
    });
    this.#chunks = {
      rowids: rows.map((row) => row.rowid),
      ids: rows.map((row) => row.id),
      documents: rows.map((row) => row.document_id),
      vectors,
    };
    return this.#chunks;
  }
}

function quantise(vector: Float32Array): Int8Array {
  return Int8Array.from(vector, (value) => Math.max(-QUANT, Math.min(QUANT, Math.round(value * QUANT))));
}

function writeModel(sql: SqlStorage, model: LatentModel): void {
  const d = model.dimensions;
  for (let start = 0, block = 0; start < model.terms.length; start += BLOCK_TERMS, block += 1) {
    const end = Math.min(start + BLOCK_TERMS, model.terms.length);
    sql.exec(
      'INSERT INTO latent_terms (block, terms, idf, vectors, dimensions) VALUES (?, ?, ?, ?, ?)',
      block,
      model.terms.slice(start, end).join(' '),
      model.idf.slice(start, end).buffer,
      model.vectors.slice(start * d, end * d).buffer,
      d,
    );
  }
}
