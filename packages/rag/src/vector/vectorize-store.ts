import { GatewayError } from '@aigw/core';
import { checkId, checkUpsert, resolveQueryOptions } from './limits.ts';
import type {
  VectorMatch,
  VectorMatches,
  VectorMutation,
  VectorQueryOptions,
  VectorRecord,
  VectorStore,
} from './types.ts';

/** The binding as `wrangler types` declares it (`VectorizeIndex`), or the newer `Vectorize` class. */
export type VectorizeBinding = VectorizeIndex | Vectorize;

/**
 * The `VectorStore` over the `VECTORIZE` binding (staging, production). Requests are checked
 * against the same limits as the local index first, so a bad request fails the same way, with the
 * same error code, in every environment. Note that Vectorize applies mutations asynchronously: a
 * query right after an upsert may not see it yet.
 */
export class VectorizeStore implements VectorStore {
  constructor(private readonly index: VectorizeBinding) {}

  async upsert(vectors: VectorRecord[]): Promise<VectorMutation> {
    checkUpsert(vectors, undefined);
    const ids = vectors.map((vector) => vector.id);
    if (ids.length === 0) return { ids, count: 0 };
    // The two binding versions answer a mutation differently (ids vs. a mutation id); neither is needed.
    await this.call(async () => {
      await this.index.upsert(vectors);
    });
    return { ids, count: ids.length };
  }

  async query(vector: number[], options?: VectorQueryOptions): Promise<VectorMatches> {
    const resolved = resolveQueryOptions(vector, options);
    const result = await this.call(() =>
      this.index.query(vector, {
        topK: resolved.topK,
        returnValues: resolved.returnValues,
        returnMetadata: resolved.returnMetadata,
        ...(resolved.namespace === undefined ? {} : { namespace: resolved.namespace }),
        ...(resolved.filter === undefined ? {} : { filter: resolved.filter }),
      }),
    );
    const matches = result.matches.map((match) => {
      const out: VectorMatch = { id: match.id, score: match.score };
      if (match.values !== undefined) out.values = Array.from(match.values);
      if (match.metadata !== undefined) out.metadata = match.metadata;
      if (match.namespace !== undefined) out.namespace = match.namespace;
      return out;
    });
    return { matches, count: matches.length };
  }

  async getByIds(ids: string[]): Promise<VectorRecord[]> {
    ids.forEach(checkId);
    if (ids.length === 0) return [];
    const vectors = await this.call(() => this.index.getByIds(ids));
    return vectors.map((vector) => {
      const out: VectorRecord = { id: vector.id, values: Array.from(vector.values) };
      if (vector.namespace !== undefined) out.namespace = vector.namespace;
      if (vector.metadata !== undefined) out.metadata = vector.metadata;
      return out;
    });
  }

  async deleteByIds(ids: string[]): Promise<VectorMutation> {
    ids.forEach(checkId);
    if (ids.length > 0) {
      await this.call(async () => {
        await this.index.deleteByIds(ids);
      });
    }
    return { ids, count: ids.length };
  }

  /** A binding failure is an upstream failure; our own validation already ran before the call. */
  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (cause) {
      const message = cause instanceof Error ? cause.message : String(cause);
      throw new GatewayError('upstream_error', `Vectorize request failed: ${message}`, { cause });
    }
  }
}
