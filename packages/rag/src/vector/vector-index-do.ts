import { readMeta, writeMeta } from '@aigw/core/sqlite';
import { DurableObject } from 'cloudflare:workers';
import { GatewayError, capture, type RpcResult } from '@aigw/core';
import { indexedMetadata, matchesFilter } from './filter.ts';
import { checkId, checkUpsert, resolveQueryOptions } from './limits.ts';
import { TopK } from './top-k.ts';
import type {
  VectorMatch,
  VectorMatches,
  VectorMetadata,
  VectorMutation,
  VectorQueryOptions,
  VectorRecord,
} from './types.ts';

interface LoadedVector {
  id: string;
  namespace: string | undefined;
  values: Float32Array;
  norm: number;
  metadata: VectorMetadata | undefined;
}

interface VectorRow extends Record<string, SqlStorageValue> {
  id: string;
  namespace: string | null;
  vals: ArrayBuffer;
  metadata: string | null;
}

/**
 * The local vector index: one object per tenant (name = tenant id), SQLite storage, brute-force
 * cosine similarity. It follows Vectorize's rules (namespaces, topK ceilings, dimension and id
 * limits, metadata filters) so code tested against it behaves the same on the binding.
 *
 * Vectors are stored as Float32 blobs, the precision Vectorize keeps. Decoded vectors stay in
 * memory after the first query: the object is single-threaded and all writes go through it, so the
 * in-memory copy cannot go stale.
 */
export class VectorIndexDO extends DurableObject<unknown> {
  // Helpers are `#private`: every public method of a Durable Object is callable over RPC, and
  // TypeScript's `private` does not exist at run time.
  readonly #sql: SqlStorage;
  #loaded: Map<string, LoadedVector> | undefined;

  constructor(ctx: DurableObjectState, env: unknown) {
    super(ctx, env);
    this.#sql = ctx.storage.sql;
    this.#sql.exec(`CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`);
    this.#sql.exec(
      `CREATE TABLE IF NOT EXISTS vectors (
         id TEXT PRIMARY KEY,
         namespace TEXT,
         vals BLOB NOT NULL,
         metadata TEXT
       )`,
    );
    this.#sql.exec(`CREATE INDEX IF NOT EXISTS vectors_namespace ON vectors (namespace)`);
  }

  upsert(tenantId: string, vectors: VectorRecord[]): RpcResult<VectorMutation> {
    return capture(() => {
      this.#bindTenant(tenantId);
      checkUpsert(vectors, this.#dimensions());
      const first = vectors[0];
      if (first === undefined) return { ids: [], count: 0 };
      this.ctx.storage.transactionSync(() => {
        if (this.#dimensions() === undefined) this.#setMeta('dimensions', String(first.values.length));
        for (const vector of vectors) {
          const values = new Float32Array(vector.values);
          this.#sql.exec(
            `INSERT INTO vectors (id, namespace, vals, metadata) VALUES (?, ?, ?, ?)
             ON CONFLICT (id) DO UPDATE SET namespace = excluded.namespace, vals = excluded.vals,
               metadata = excluded.metadata`,
            vector.id,
            vector.namespace ?? null,
            values.buffer,
            vector.metadata === undefined ? null : JSON.stringify(vector.metadata),
          );
          this.#loaded?.set(vector.id, toLoaded(vector.id, vector.namespace, values, vector.metadata));
        }
      });
      const ids = vectors.map((vector) => vector.id);
      return { ids, count: ids.length };
    });
  }

  query(tenantId: string, vector: number[], options?: VectorQueryOptions): RpcResult<VectorMatches> {
    return capture(() => {
      this.#bindTenant(tenantId);
      const resolved = resolveQueryOptions(vector, options);
      const dimensions = this.#dimensions();
      if (dimensions === undefined) return { matches: [], count: 0 };
      if (vector.length !== dimensions) {
        throw new GatewayError(
          'embedding_mismatch',
          `The query vector has ${vector.length} dimensions; the index has ${dimensions}.`,
          { details: { expected: dimensions, actual: vector.length } },
        );
      }
      const query = new Float32Array(vector);
      const queryNorm = norm(query);
      // Ties are broken by id so results are deterministic.
      const best = new TopK<{ entry: LoadedVector; score: number }>(
        resolved.topK,
        (a, b) => a.score > b.score || (a.score === b.score && a.entry.id < b.entry.id),
      );
      for (const entry of this.#load().values()) {
        // A namespace narrows the search before the metadata filter, as in Vectorize.
        if (resolved.namespace !== undefined && entry.namespace !== resolved.namespace) continue;
        if (resolved.filter !== undefined && !matchesFilter(entry.metadata, resolved.filter)) continue;
        const score = cosine(query, queryNorm, entry);
        const worst = best.threshold;
        if (worst !== undefined && score < worst.score) continue;
        best.offer({ entry, score });
      }
      const matches = best.sorted().map(({ entry, score }) => {
        const match: VectorMatch = { id: entry.id, score };
        if (entry.namespace !== undefined) match.namespace = entry.namespace;
        if (resolved.returnValues) match.values = Array.from(entry.values);
        if (entry.metadata !== undefined && resolved.returnMetadata !== 'none') {
          match.metadata =
            resolved.returnMetadata === 'all' ? entry.metadata : indexedMetadata(entry.metadata);
        }
        return match;
      });
      return { matches, count: matches.length };
    });
  }

  getByIds(tenantId: string, ids: string[]): RpcResult<VectorRecord[]> {
    return capture(() => {
      this.#bindTenant(tenantId);
      ids.forEach(checkId);
      const out: VectorRecord[] = [];
      for (const id of ids) {
        const row = this.#sql.exec<VectorRow>(`SELECT * FROM vectors WHERE id = ?`, id).toArray()[0];
        if (row === undefined) continue;
        const record: VectorRecord = { id: row.id, values: Array.from(new Float32Array(row.vals)) };
        if (row.namespace !== null) record.namespace = row.namespace;
        if (row.metadata !== null) record.metadata = JSON.parse(row.metadata) as VectorMetadata;
        out.push(record);
      }
      return out;
    });
  }

  deleteByIds(tenantId: string, ids: string[]): RpcResult<VectorMutation> {
    return capture(() => {
      this.#bindTenant(tenantId);
      ids.forEach(checkId);
      this.ctx.storage.transactionSync(() => {
        for (const id of ids) {
          this.#sql.exec(`DELETE FROM vectors WHERE id = ?`, id);
          this.#loaded?.delete(id);
        }
        // An emptied index forgets its dimension, so a tenant can rebuild it with another embedder.
        if (this.#count() === 0) this.#sql.exec(`DELETE FROM meta WHERE key = 'dimensions'`);
      });
      return { ids, count: ids.length };
    });
  }

  /** Vector count and fixed dimension, for diagnostics and tests. */
  describe(tenantId: string): RpcResult<{ vectorCount: number; dimensions: number | null }> {
    return capture(() => {
      this.#bindTenant(tenantId);
      return { vectorCount: this.#count(), dimensions: this.#dimensions() ?? null };
    });
  }

  /**
   * The object is named after its tenant; it also records that tenant and refuses any other, so a
   * stub obtained for the wrong name cannot read or write this tenant's vectors.
   */
  #bindTenant(tenantId: string): void {
    const bound = this.#getMeta('tenant');
    if (bound === undefined) this.#setMeta('tenant', tenantId);
    else if (bound !== tenantId) {
      throw new GatewayError('internal', 'This vector index belongs to another tenant.');
    }
  }

  #dimensions(): number | undefined {
    const value = this.#getMeta('dimensions');
    return value === undefined ? undefined : Number(value);
  }

  #count(): number {
    return this.#sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM vectors`).one().n;
  }

  #getMeta(key: string): string | undefined {
    return readMeta(this.#sql, key);
  }

  #setMeta(key: string, value: string): void {
    writeMeta(this.#sql, key, value);
  }

  #load(): Map<string, LoadedVector> {
    if (this.#loaded) return this.#loaded;
    const loaded = new Map<string, LoadedVector>();
    for (const row of this.#sql.exec<VectorRow>(`SELECT * FROM vectors`)) {
      const metadata = row.metadata === null ? undefined : (JSON.parse(row.metadata) as VectorMetadata);
      loaded.set(row.id, toLoaded(row.id, row.namespace ?? undefined, new Float32Array(row.vals), metadata));
    }
    this.#loaded = loaded;
    return loaded;
  }
}

function toLoaded(
  id: string,
  namespace: string | undefined,
  values: Float32Array,
  metadata: VectorMetadata | undefined,
): LoadedVector {
  return { id, namespace, values, norm: norm(values), metadata };
}

function norm(values: Float32Array): number {
  let sum = 0;
  for (const value of values) sum += value * value;
  return Math.sqrt(sum);
}

/** Cosine similarity; a zero vector is similar to nothing (score 0) rather than NaN. */
function cosine(query: Float32Array, queryNorm: number, entry: LoadedVector): number {
  if (queryNorm === 0 || entry.norm === 0) return 0;
  const values = entry.values;
  // The hot loop of every query: indexes are in range (both vectors have the index's dimension,
  // checked on write and query), so the reads are asserted rather than defaulted, and four
  // products are summed per step.
  const n = query.length;
  const tail = n - (n % 4);
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  for (let i = 0; i < tail; i += 4) {
    a += (query[i] as number) * (values[i] as number);
    b += (query[i + 1] as number) * (values[i + 1] as number);
    c += (query[i + 2] as number) * (values[i + 2] as number);
    d += (query[i + 3] as number) * (values[i + 3] as number);
  }
  for (let i = tail; i < n; i += 1) a += (query[i] as number) * (values[i] as number);
  return (a + b + c + d) / (queryNorm * entry.norm);
}
