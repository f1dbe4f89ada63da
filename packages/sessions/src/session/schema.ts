import type { RpcResult } from '@aigw/core';
import { z } from 'zod';

/**
 * The shapes that cross the SessionDO's RPC boundary. The object parses every input with these
 * schemas (a caller in another Worker version may send anything), and the TypeScript types of the
 * RPC methods are inferred from them.
 */

export const MESSAGE_ROLES = ['system', 'user', 'assistant', 'tool'] as const;
export const messageRoleSchema = z.enum(MESSAGE_ROLES);
export type MessageRole = z.infer<typeof messageRoleSchema>;

/**
 * `complete`: the model finished. `incomplete`: the answer was cut (client abort, stream cut,
 * budget reached) and the caller chose to keep the part it had. `error`: kept for the record but
 * never sent back to the model.
 */
export const MESSAGE_STATUSES = ['complete', 'incomplete', 'error'] as const;
export const messageStatusSchema = z.enum(MESSAGE_STATUSES);
export type MessageStatus = z.infer<typeof messageStatusSchema>;

/** Client-chosen session ids (`x-session-id`): safe in a Durable Object name and a URL path. */
export const sessionIdSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/,
    'letters, digits, ".", "_" and "-", 1 to 128, not starting with punctuation',
  );

const tenantIdSchema = z.string().min(1).max(64);
const requestIdSchema = z.string().min(1).max(128);
/** Optional clock for tests: milliseconds since the epoch. Production callers leave it out. */
const nowSchema = z.number().int().nonnegative().optional();

/** The tenant's retention settings (`sessions.retentionDays`, `sessions.maxMessages`). */
export const retentionSchema = z.object({
  retentionDays: z.int().min(1).max(3650),
  maxMessages: z.int().min(2).max(100_000),
});
export type RetentionSettings = z.infer<typeof retentionSchema>;

export const beginTurnInputSchema = z.object({
  tenantId: tenantIdSchema,
  requestId: requestIdSchema,
  userMessage: z.string(),
  system: z.string().optional(),
  /** The tenant's `sessions.contextTokens`. */
  contextTokens: z.int().min(1),
  /** How long the turn may hold the session; after it another turn may start. Default 5 minutes. */
  lockTtlMs: z.int().min(1000).max(3_600_000).optional(),
  now: nowSchema,
});
export type BeginTurnInput = z.infer<typeof beginTurnInputSchema>;

const newMessageSchema = z.object({
  content: z.string(),
  /** Real count when the provider reported one; left out, the content is estimated. */
  tokens: z.int().min(0).optional(),
  model: z.string().max(200).optional(),
});

export const commitTurnInputSchema = z.object({
  tenantId: tenantIdSchema,
  requestId: requestIdSchema,
  user: newMessageSchema,
  assistant: newMessageSchema.extend({ status: messageStatusSchema }),
  retention: retentionSchema,
  now: nowSchema,
});
export type CommitTurnInput = z.infer<typeof commitTurnInputSchema>;

export const turnRefSchema = z.object({ tenantId: tenantIdSchema, requestId: requestIdSchema });
export type TurnRef = z.infer<typeof turnRefSchema>;

export const historyInputSchema = z.object({
  tenantId: tenantIdSchema,
  limit: z.int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});
export type HistoryInput = z.input<typeof historyInputSchema>;

export const tenantRefSchema = z.object({ tenantId: tenantIdSchema });
export type TenantRef = z.infer<typeof tenantRefSchema>;

/** A stored message as `history` returns it. */
export interface StoredMessage {
  id: number;
  role: MessageRole;
  content: string;
  tokens: number;
  model: string | null;
  requestId: string;
  /** ISO 8601. */
  createdAt: string;
  status: MessageStatus;
}

export interface HistoryPage {
  messages: StoredMessage[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/** The refusals a SessionDO reports as data (see `SessionResult`). */
export type SessionErrorCode = 'not_found' | 'session_busy' | 'invalid_request';

/**
 * What every SessionDO RPC returns. Refusals are data because an error thrown inside a Durable
 * Object reaches the caller as a plain `Error`: its class and `code` do not survive RPC. The
 * client (`sessionStub`) turns `ok: false` back into a `GatewayError`.
 */
export type SessionResult<T> = RpcResult<T, SessionErrorCode>;
