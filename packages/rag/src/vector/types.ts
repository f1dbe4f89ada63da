import { z } from 'zod';

/**
 * Vectorize's data model, restated so the local index and the binding share one vocabulary.
 * Numbers are plain arrays at this boundary because they cross Durable Object RPC as JSON-like data.
 */

export type MetadataScalar = string | number | boolean;
/** Vectorize allows scalars, string lists and one level of nesting. */
export type MetadataValue = MetadataScalar | string[] | Record<string, MetadataScalar | string[]>;
export type VectorMetadata = Record<string, MetadataValue>;

export interface VectorRecord {
  id: string;
  values: number[];
  namespace?: string;
  metadata?: VectorMetadata;
}

export interface VectorMatch {
  id: string;
  score: number;
  values?: number[];
  metadata?: VectorMetadata;
  namespace?: string;
}

export interface VectorMatches {
  matches: VectorMatch[];
  count: number;
}

export interface VectorMutation {
  ids: string[];
  count: number;
}

export type MetadataReturn = 'none' | 'indexed' | 'all';

export interface VectorQueryOptions {
  /** Defaults to 5, as in Vectorize. */
  topK?: number;
  namespace?: string;
  returnValues?: boolean;
  /** `true` means `'all'` and `false` means `'none'`, as in Vectorize. */
  returnMetadata?: boolean | MetadataReturn;
  filter?: MetadataFilter;
}

/** A store with Vectorize's semantics: the binding in production, the local index elsewhere. */
export interface VectorStore {
  upsert(vectors: VectorRecord[]): Promise<VectorMutation>;
  query(vector: number[], options?: VectorQueryOptions): Promise<VectorMatches>;
  getByIds(ids: string[]): Promise<VectorRecord[]>;
  deleteByIds(ids: string[]): Promise<VectorMutation>;
}

const filterScalar = z.union([z.string(), z.number(), z.boolean()]);
const rangeValue = z.union([z.string(), z.number()]);

const operatorSchema = z
  .object({
    $eq: filterScalar.nullable().optional(),
    $ne: filterScalar.nullable().optional(),
    $in: z.array(filterScalar.nullable()).min(1).optional(),
    $nin: z.array(filterScalar.nullable()).min(1).optional(),
    $lt: rangeValue.optional(),
    $lte: rangeValue.optional(),
    $gt: rangeValue.optional(),
    $gte: rangeValue.optional(),
  })
  .strict()
  .superRefine((ops, ctx) => {
    const used = Object.keys(ops).filter((key) => ops[key as keyof typeof ops] !== undefined);
    if (used.length === 0) {
      ctx.addIssue({ code: 'custom', message: 'an operator object needs one operator' });
      return;
    }
    // Vectorize allows one equality/set operator, or a lower bound combined with an upper bound.
    const lower = used.filter((op) => op === '$gt' || op === '$gte');
    const upper = used.filter((op) => op === '$lt' || op === '$lte');
    const isRange = lower.length + upper.length === used.length;
    if (used.length > 1 && (!isRange || lower.length > 1 || upper.length > 1)) {
      ctx.addIssue({
        code: 'custom',
        message: `operators ${used.join(', ')} cannot be combined; only a lower bound with an upper bound can`,
      });
    }
  });

const filterKeySchema = z
  .string()
  .min(1)
  .max(512)
  .refine((key) => !key.startsWith('$'), 'a filter key may not start with "$"')
  .refine((key) => !key.includes('"'), 'a filter key may not contain a double quote')
  .refine((key) => key.split('.').every((part) => part.length > 0), 'empty segment in a dotted filter key');

/**
 * Vectorize's metadata filter: `{ field: value }` (implicit `$eq`), `{ field: null }`, or
 * `{ field: { $op: value } }`; dotted keys reach into nested metadata. The whole filter must be a
 * non-empty object whose compact JSON is under 2048 bytes.
 */
export const metadataFilterSchema = z
  .record(filterKeySchema, z.union([filterScalar, z.null(), operatorSchema]))
  .refine((filter) => Object.keys(filter).length > 0, 'a filter must not be empty')
  .refine(
    (filter) => new TextEncoder().encode(JSON.stringify(filter)).byteLength < 2048,
    'a filter must be under 2048 bytes as compact JSON',
  );

export type MetadataFilter = z.infer<typeof metadataFilterSchema>;
export type FilterOperators = z.infer<typeof operatorSchema>;
