import type { RpcResult } from '@aigw/core';
import { z } from 'zod';

/**
 * The shapes that cross the ResponseStoreDO's RPC boundary. The object stores what the gateway's
 * Responses codec hands it as opaque JSON text (the response object and the conversation items);
 * it owns only the tenant check, the retention and the bounds.
 */

/** Server-generated: `resp_` and 32 hex digits (see `newId`). */
export const responseIdSchema = z
  .string()
  .regex(/^resp_[0-9a-f]{32}$/, 'not a response id this API returned');

const tenantIdSchema = z.string().min(1).max(64);
/** Optional clock for tests: milliseconds since the epoch. Production callers leave it out. */
const nowSchema = z.number().int().nonnegative().optional();
/** One JSON document; a Durable Object SQLite value holds at most 2 MB. */
const jsonText = z.string().min(2).max(1_000_000);

export const putResponseInputSchema = z.object({
  tenantId: tenantIdSchema,
  responseId: responseIdSchema,
  /** The response object as the API returns it. */
  response: jsonText,
  /** The conversation a continuation starts from: every input item of the chain, then the output. */
  items: z.array(jsonText).max(10_000),
  retentionDays: z.int().min(1).max(3650),
  now: nowSchema,
});
export type PutResponseInput = z.infer<typeof putResponseInputSchema>;

export const responseRefSchema = z.object({ tenantId: tenantIdSchema, now: nowSchema });
export type ResponseRef = z.infer<typeof responseRefSchema>;

export interface StoredResponse {
  /** The response object's JSON text. */
  response: string;
  /** The conversation items' JSON texts, oldest first. */
  items: string[];
}

export type ResponseStoreErrorCode = 'not_found' | 'invalid_request';
export type ResponseStoreResult<T> = RpcResult<T, ResponseStoreErrorCode>;
