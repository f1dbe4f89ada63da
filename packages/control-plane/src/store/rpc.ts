import { z } from 'zod';
import { scopeSchema } from '@aigw/tenancy';
import {
  MAX_GRACE_SECONDS,
  keyBudgetSchema,
  keyRatesSchema,
  metadataSchema,
  type KeyView,
  type StoredKey,
} from '../keys/schema.ts';

/**
 * The shapes that cross the ControlPlaneDO's RPC boundary. The object parses every input with
 * these (a caller in another Worker version may send anything). Policy (ceilings, who may grant
 * what) is checked by the caller against the tenant config, which the object does not have.
 */

const tenantId = z.string().regex(/^[a-z][a-z0-9-]{1,31}$/);
const keyId = z.string().regex(/^rk-[0-9a-f]{12}$/);
/** Test clock, ms since the epoch; production callers leave it out. */
const now = z.number().int().nonnegative().optional();

/** Who made a change and for which request: what the audit entry records. */
const author = {
  /** A key id, or `operator`. */
  actor: z.string().min(1).max(64),
  requestId: z.string().min(1).max(128),
  clientRequestId: z.string().min(1).max(128).optional(),
};

/**
 * The scopes the caller holds: the object refuses to change a key holding any other (the check
 * must be atomic with the change). null for the operator.
 */
const allowedScopes = z.array(scopeSchema).nullable();

export const keyFieldsSchema = z
  .object({
    name: z.string().min(1).max(100),
    scopes: z.array(scopeSchema).min(1),
    models: z.array(z.string().min(1).max(200)).max(100).nullable(),
    rates: keyRatesSchema,
    budget: keyBudgetSchema,
    expiresAt: z.number().int().nullable(),
    metadata: metadataSchema,
  })
  .strict();

export const verifyInputSchema = z.object({ tenantId, keyId, hash: z.string().regex(/^[0-9a-f]{64}$/), now });
export type VerifyInput = z.input<typeof verifyInputSchema>;

export const createInputSchema = z.object({ tenantId, fields: keyFieldsSchema, ...author, now });
export type CreateInput = z.input<typeof createInputSchema>;

export const updateInputSchema = z.object({
  tenantId,
  keyId,
  fields: keyFieldsSchema.partial(),
  allowedScopes,
  ...author,
  now,
});
export type UpdateInput = z.input<typeof updateInputSchema>;

export const revokeInputSchema = z.object({ tenantId, keyId, allowedScopes, ...author, now });
export type RevokeInput = z.input<typeof revokeInputSchema>;

export const rotateInputSchema = z.object({
  tenantId,
  keyId,
  gracePeriodSeconds: z.int().min(0).max(MAX_GRACE_SECONDS),
  allowedScopes,
  ...author,
  now,
});
export type RotateInput = z.input<typeof rotateInputSchema>;

export const statusInputSchema = z.object({ tenantId, suspended: z.boolean(), ...author, now });
export type StatusInput = z.input<typeof statusInputSchema>;

export const readInputSchema = z.object({ tenantId, now });
export type ReadInput = z.input<typeof readInputSchema>;

export const keyRefSchema = z.object({ tenantId, keyId, now });
export type KeyRef = z.input<typeof keyRefSchema>;

export const ackInputSchema = z.object({ tenantId, seqs: z.array(z.int().min(1)).max(1000) });
export type AckInput = z.input<typeof ackInputSchema>;

/** An audit entry waiting in the object's outbox; the shape `AuditLedger.appendChange` takes. */
export interface PendingEvent {
  seq: number;
  requestId: string;
  clientRequestId?: string;
  keyId: string;
  change: {
    action: string;
    target: string;
    before: AuditState | null;
    after: AuditState | null;
  };
}

/** What a change records before and after it: a key's view (no secret), or a tenant's switch. */
export type AuditState = Partial<KeyView> | { status: 'active' | 'suspended' };

/** What every change returns: its result, and the audit events still to be appended. */
export interface Changed<T> {
  value: T;
  /** False when nothing changed (revoking a revoked key, suspending a suspended tenant). */
  changed: boolean;
  events: PendingEvent[];
}

/** A key with the plaintext of a secret just made: returned once, by create and rotate. */
export interface Issued {
  key: StoredKey;
  secret: string;
}

/** What verification of a key's secret returns to the gateway's cache. */
export interface Verified {
  key: StoredKey;
  /** When this secret stops working (its grace period or the key's expiry); null: never by time. */
  validUntil: number | null;
  suspended: boolean;
}
