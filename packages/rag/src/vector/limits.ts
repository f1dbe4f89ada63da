import { GatewayError, invalidRequest } from '@aigw/core';
import {
  metadataFilterSchema,
  type MetadataFilter,
  type MetadataReturn,
  type VectorQueryOptions,
  type VectorRecord,
} from './types.ts';

/** Vectorize's published limits; the local index enforces the same ones so code behaves alike. */
export const VECTORIZE_LIMITS = {
  maxDimensions: 1536,
  maxIdBytes: 64,
  maxNamespaceBytes: 64,
  defaultTopK: 5,
  /** topK ceiling when neither values nor all metadata are returned. */
  maxTopK: 100,
  /** topK ceiling when values or all metadata are returned. */
  maxTopKWithPayload: 20,
  maxMetadataBytes: 10 * 1024,
  maxUpsertBatch: 1000,
  /** Indexed string metadata is filterable (and returned by `indexed`) on its first 64 bytes. */
  indexedStringBytes: 64,
} as const;

const encoder = new TextEncoder();

export function byteLength(text: string): number {
  return encoder.encode(text).byteLength;
}

function invalid(message: string, details: Record<string, unknown> = {}): GatewayError {
  return new GatewayError('invalid_request', message, { details });
}

export interface ResolvedQuery {
  topK: number;
  namespace: string | undefined;
  returnValues: boolean;
  returnMetadata: MetadataReturn;
  filter: MetadataFilter | undefined;
}

/** The largest topK a query may ask for with these return options. */
export function maxTopKFor(options: {
  returnValues?: boolean;
  returnMetadata?: boolean | MetadataReturn;
}): number {
  const metadata = normaliseMetadataReturn(options.returnMetadata);
  return options.returnValues === true || metadata === 'all'
    ? VECTORIZE_LIMITS.maxTopKWithPayload
    : VECTORIZE_LIMITS.maxTopK;
}

function normaliseMetadataReturn(value: boolean | MetadataReturn | undefined): MetadataReturn {
  if (value === true) return 'all';
  if (value === false || value === undefined) return 'none';
  return value;
}

/** Validates query options the way Vectorize does and fills its defaults. Throws `invalid_request`. */
export function resolveQueryOptions(vector: number[], options: VectorQueryOptions = {}): ResolvedQuery {
  checkValues(vector, 'query vector');
  const returnMetadata = normaliseMetadataReturn(options.returnMetadata);
  const returnValues = options.returnValues === true;
  const topK = options.topK ?? VECTORIZE_LIMITS.defaultTopK;
  const limit = maxTopKFor({ returnValues, returnMetadata });
  if (!Number.isInteger(topK) || topK < 1 || topK > limit) {
    throw invalid(
      `topK must be an integer from 1 to ${limit} when ${
        limit === VECTORIZE_LIMITS.maxTopK
          ? 'neither values nor all metadata are'
          : 'values or all metadata are'
      } returned; got ${topK}.`,
      { limit, topK },
    );
  }
  if (options.namespace !== undefined) checkNamespace(options.namespace);
  let filter: MetadataFilter | undefined;
  if (options.filter !== undefined) {
    const parsed = metadataFilterSchema.safeParse(options.filter);
    if (!parsed.success) throw invalidRequest(parsed.error, 'filter');
    filter = parsed.data;
  }
  return { topK, namespace: options.namespace, returnValues, returnMetadata, filter };
}

function checkValues(values: number[], what: string): void {
  if (!Array.isArray(values) || values.length === 0) throw invalid(`The ${what} has no values.`);
  if (values.length > VECTORIZE_LIMITS.maxDimensions) {
    throw invalid(
      `The ${what} has ${values.length} dimensions; the limit is ${VECTORIZE_LIMITS.maxDimensions}.`,
      {
        limit: VECTORIZE_LIMITS.maxDimensions,
      },
    );
  }
  if (!values.every((value) => typeof value === 'number' && Number.isFinite(value))) {
    throw invalid(`The ${what} contains a value that is not a finite number.`);
  }
}

function checkNamespace(namespace: string): void {
  if (namespace.length === 0 || byteLength(namespace) > VECTORIZE_LIMITS.maxNamespaceBytes) {
    throw invalid(`A namespace must be 1 to ${VECTORIZE_LIMITS.maxNamespaceBytes} bytes.`, {
      limit: VECTORIZE_LIMITS.maxNamespaceBytes,
    });
  }
}

export function checkId(id: string): void {
  if (typeof id !== 'string' || id.length === 0 || byteLength(id) > VECTORIZE_LIMITS.maxIdBytes) {
    throw invalid(
      `A vector id must be 1 to ${VECTORIZE_LIMITS.maxIdBytes} bytes; got "${id.slice(0, 80)}".`,
      {
        limit: VECTORIZE_LIMITS.maxIdBytes,
      },
    );
  }
}

function checkMetadataKeys(metadata: Record<string, unknown>, depth: number): void {
  for (const [key, value] of Object.entries(metadata)) {
    if (
      key.length === 0 ||
      key.startsWith('$') ||
      key.includes('.') ||
      key.includes('"') ||
      key.length > 512
    ) {
      throw invalid(`Metadata key "${key}" is not allowed (empty, starts with "$", or contains "." or '"').`);
    }
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      if (depth > 0) throw invalid('Metadata may nest one level deep.');
      checkMetadataKeys(value as Record<string, unknown>, depth + 1);
    }
  }
}

/**
 * Validates an upsert batch. `dimensions` is the index's fixed dimension, or undefined when the
 * index is empty (the first upsert then fixes it, as creating a Vectorize index does).
 */
export function checkUpsert(vectors: VectorRecord[], dimensions: number | undefined): void {
  if (vectors.length > VECTORIZE_LIMITS.maxUpsertBatch) {
    throw invalid(`At most ${VECTORIZE_LIMITS.maxUpsertBatch} vectors per upsert.`, {
      limit: VECTORIZE_LIMITS.maxUpsertBatch,
    });
  }
  const expected = dimensions ?? vectors[0]?.values.length;
  for (const vector of vectors) {
    checkId(vector.id);
    checkValues(vector.values, `vector "${vector.id}"`);
    if (vector.values.length !== expected) {
      throw new GatewayError(
        'embedding_mismatch',
        `Vector "${vector.id}" has ${vector.values.length} dimensions; the index has ${expected}.`,
        { details: { expected, actual: vector.values.length } },
      );
    }
    if (vector.namespace !== undefined) checkNamespace(vector.namespace);
    if (vector.metadata !== undefined) {
      checkMetadataKeys(vector.metadata, 0);
      if (byteLength(JSON.stringify(vector.metadata)) > VECTORIZE_LIMITS.maxMetadataBytes) {
        throw invalid(
          `Metadata of vector "${vector.id}" exceeds ${VECTORIZE_LIMITS.maxMetadataBytes} bytes.`,
          {
            limit: VECTORIZE_LIMITS.maxMetadataBytes,
          },
        );
      }
    }
  }
}
