import { z } from 'zod';
import { budgetLimitsSchema } from '@aigw/limits/settings';

/** Inputs of the BudgetDO's RPC methods; the object parses each one. */

const tenantId = z.string().min(1).max(64);
/**
 * Who holds a reservation: an id the gateway generates for one model call (`newId('rsv')`), never
 * one a client chose. Reserving again under a held id replaces that reservation, so two calls
 * sharing an id would hold the budget once between them.
 */
const reservationId = z.string().min(1).max(128);
/** Test clock, ms since the epoch; production callers leave it out. */
const now = z.number().int().nonnegative().optional();

export const reserveInputSchema = z.object({
  tenantId,
  reservationId,
  /** The most the request can use: prompt estimate + max output tokens. */
  tokens: z.int().min(0),
  /** The most the request can cost, in USD. */
  usd: z.number().min(0),
  limits: budgetLimitsSchema,
  /** How long an unsettled reservation holds budget; default 10 minutes. */
  ttlMs: z.int().min(1000).max(3_600_000).optional(),
  now,
});
export type ReserveInput = z.infer<typeof reserveInputSchema>;

export const settleInputSchema = z.object({
  tenantId,
  reservationId,
  tokens: z.int().min(0),
  usd: z.number().min(0),
  now,
});
export type SettleInput = z.infer<typeof settleInputSchema>;

export const releaseInputSchema = z.object({ tenantId, reservationId });
export type ReleaseInput = z.infer<typeof releaseInputSchema>;

export const usageInputSchema = z.object({ tenantId, limits: budgetLimitsSchema, now });

/** Tokens and micro-dollars (integers: a lease's figures are summed over many calls). */
const amount = z.object({ tokens: z.int().min(0), usdMicros: z.int().min(0) });
export type BudgetAmount = z.infer<typeof amount>;

// Money is kept in micro-dollars: sums of floats would drift over a month of requests.
const MICROS = 1_000_000;
export const toMicros = (usd: number): number => Math.round(usd * MICROS);
export const fromMicros = (micros: number): number => micros / MICROS;

export const budgetLeaseInputSchema = z.object({
  tenantId,
  /** The isolate's lease: a server-made id, one per isolate and budget at a time. */
  leaseId: z.string().min(1).max(64),
  limits: budgetLimitsSchema,
  /** What the isolate has spent under this lease so far, cumulative: booked as it grows. */
  spent: amount,
  /** Unspent budget the isolate wants the lease to hold after this call. */
  hold: amount,
  /** Refuse (and grow nothing) unless at least this much can be held: the request that asked. */
  need: amount.optional(),
  /** The lease ends: book `spent`, hold nothing. */
  final: z.boolean().optional(),
  /** How long the hold outlives this call without another (an isolate that died releases it then). */
  ttlMs: z.int().min(1000).max(3_600_000),
  now,
});
export type BudgetLeaseInput = z.infer<typeof budgetLeaseInputSchema>;
export type UsageInput = z.infer<typeof usageInputSchema>;

/** One limit in the current window. `limit`/`remaining` are null when the limit is not set. */
export interface BudgetLine {
  window: string;
  used: number;
  reserved: number;
  limit: number | null;
  remaining: number | null;
  /** ISO 8601 start of the next window. */
  resetsAt: string;
}

export interface BudgetUsage {
  tokensPerDay: BudgetLine;
  usdPerMonth: BudgetLine;
}

export type BudgetLimitName = keyof BudgetUsage;

export type ReserveResult =
  | { ok: true; reservationId: string; tokens: number; usd: number; expiresAt: number }
  | {
      ok: false;
      code: 'budget_exceeded';
      limit: BudgetLimitName;
      max: number;
      used: number;
      reserved: number;
      requested: number;
      /** Seconds until the window resets (Retry-After). */
      retryAfterSeconds: number;
    };

export type BudgetLeaseResult =
  | { ok: true; leaseId: string; hold: BudgetAmount; expiresAt: number }
  | (Extract<ReserveResult, { ok: false }> & { leaseId: string; hold: BudgetAmount; expiresAt: number });
