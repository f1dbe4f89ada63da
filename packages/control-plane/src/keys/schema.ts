import { z } from 'zod';
import { budgetLimitsSchema, rateLimitSchema } from '@aigw/limits/settings';
import { scopeSchema } from '@aigw/tenancy';

/**
 * The shapes of runtime API keys: what a caller sends (create, update, rotate), what the
 * control-plane object stores, and what the API shows. Limit and budget fields are the tenant
 * config's own (`rate`/`burst`, `tokensPerDay`, `usdPerMonth`), so one vocabulary covers both.
 */

/** Bounds on free metadata: enough to tag a key with its app and owner, not a document store. */
export const METADATA_LIMITS = { entries: 16, keyChars: 64, valueChars: 256, bytes: 2048 } as const;
/** The longest grace period a rotation may give the old secret: 7 days. */
export const MAX_GRACE_SECONDS = 7 * 24 * 3600;
/** Keys a tenant may hold that are not revoked; each one is a row every list reads. */
export const MAX_LIVE_KEYS = 1000;

const modelIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}\/\S+$/, 'a model id "provider/model"');

export const metadataSchema = z
  .record(
    z
      .string()
      .min(1)
      .max(METADATA_LIMITS.keyChars)
      .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, "_", "." and "-"'),
    z.string().max(METADATA_LIMITS.valueChars),
  )
  .refine((metadata) => Object.keys(metadata).length <= METADATA_LIMITS.entries, {
    message: `at most ${METADATA_LIMITS.entries} entries`,
  })
  .refine((metadata) => new TextEncoder().encode(JSON.stringify(metadata)).length <= METADATA_LIMITS.bytes, {
    message: `metadata too large: at most ${METADATA_LIMITS.bytes} bytes of JSON`,
  })
  .describe('Free string → string tags (at most 16 entries, 2 KiB of JSON).');

export const keyRatesSchema = z
  .object({
    requests: rateLimitSchema
      .optional()
      .describe('Requests per minute (`rate`) and at once (`burst`), beside the tenant limits.'),
    tokens: rateLimitSchema
      .optional()
      .describe('Tokens (prompt + completion) per minute (`rate`) and at once (`burst`).'),
  })
  .strict();
export type KeyRates = z.infer<typeof keyRatesSchema>;

export const keyBudgetSchema = budgetLimitsSchema.describe(
  "The key's own budget: tokens per UTC day and/or USD per UTC month, beside the tenant's.",
);
export type KeyBudget = z.infer<typeof keyBudgetSchema>;

const isoDateTime = z.iso.datetime({ offset: true });

/** `POST /keys`. */
export const createKeySchema = z
  .object({
    name: z.string().trim().min(1).max(100).describe('What the key is for; shown in lists.'),
    scopes: z
      .array(scopeSchema)
      .min(1)
      .max(10)
      .describe('Route groups: a subset of the scopes the tenant config grants, and of the caller’s.'),
    models: z
      .array(modelIdSchema)
      .min(1)
      .max(100)
      .optional()
      .describe("Models the key may use: a subset of the tenant's `models.allowed`; default all of them."),
    rates: keyRatesSchema.optional(),
    budget: keyBudgetSchema.optional(),
    expiresAt: isoDateTime.optional().describe('After this instant the key is refused (ISO 8601, future).'),
    metadata: metadataSchema.optional(),
  })
  .strict();
export type CreateKeyInput = z.infer<typeof createKeySchema>;

/** `PATCH /keys/{id}`: the fields given replace the stored ones; `null` clears an optional one. */
export const updateKeySchema = z
  .object({
    name: createKeySchema.shape.name.optional(),
    scopes: createKeySchema.shape.scopes.optional(),
    models: createKeySchema.shape.models.unwrap().nullable().optional(),
    rates: keyRatesSchema.nullable().optional(),
    budget: keyBudgetSchema.nullable().optional(),
    expiresAt: isoDateTime.nullable().optional(),
    metadata: metadataSchema.optional(),
  })
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, { message: 'name at least one field to change' });
export type UpdateKeyInput = z.infer<typeof updateKeySchema>;

/** `POST /keys/{id}/rotate`. */
export const rotateKeySchema = z
  .object({
    gracePeriodSeconds: z
      .int()
      .min(0)
      .max(MAX_GRACE_SECONDS)
      .default(0)
      .describe('How long the old secret keeps working (0: refused at once; at most 7 days).'),
  })
  .strict();
export type RotateKeyInput = z.infer<typeof rotateKeySchema>;

/** A key as stored: the request's fields, normalised, plus its lifecycle. No secret, no hash. */
export interface StoredKey {
  id: string;
  name: string;
  scopes: z.infer<typeof scopeSchema>[];
  /** null: every model the tenant allows. */
  models: string[] | null;
  rates: KeyRates;
  budget: KeyBudget;
  metadata: Record<string, string>;
  /** ms since the epoch. */
  createdAt: number;
  updatedAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
  lastUsedAt: number | null;
  /** Who created it: a key id, or `operator`. */
  createdBy: string;
  /** The first characters of the current secret (`runtimeKeyPrefix`). */
  prefix: string;
  /** The secret a rotation replaced, while its grace period lasts. */
  previous: { prefix: string; expiresAt: number } | null;
}

/** A key as the API shows it (camelCase, ISO 8601 times, a derived status). */
export const keyViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string().describe('The start of the current secret, to recognise it; never the secret.'),
  status: z.enum(['active', 'expired', 'revoked']),
  scopes: z.array(scopeSchema),
  models: z.array(z.string()).nullable().describe('null: every model the tenant allows.'),
  rates: keyRatesSchema,
  budget: keyBudgetSchema,
  metadata: z.record(z.string(), z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
  lastUsedAt: z
    .string()
    .nullable()
    .describe('Last verification by a gateway isolate: at most one cache period behind the last request.'),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  createdBy: z.string(),
  rotation: z
    .object({ previousPrefix: z.string(), graceEndsAt: z.string() })
    .nullable()
    .describe('The replaced secret, while its grace period runs.'),
});
export type KeyView = z.infer<typeof keyViewSchema>;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function keyStatus(key: StoredKey, now: number): KeyView['status'] {
  if (key.revokedAt !== null) return 'revoked';
  if (key.expiresAt !== null && key.expiresAt <= now) return 'expired';
  return 'active';
}

export function toKeyView(key: StoredKey, now: number): KeyView {
  const previous = key.previous !== null && key.previous.expiresAt > now ? key.previous : null;
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    status: keyStatus(key, now),
    scopes: key.scopes,
    models: key.models,
    rates: key.rates,
    budget: key.budget,
    metadata: key.metadata,
    createdAt: new Date(key.createdAt).toISOString(),
    updatedAt: new Date(key.updatedAt).toISOString(),
    lastUsedAt: iso(key.lastUsedAt),
    expiresAt: iso(key.expiresAt),
    revokedAt: iso(key.revokedAt),
    createdBy: key.createdBy,
    rotation:
      previous === null
        ? null
        : { previousPrefix: previous.prefix, graceEndsAt: new Date(previous.expiresAt).toISOString() },
  };
}

/** What the audit ledger records of a key: its view without usage times (they are not changes). */
export function auditView(key: StoredKey, now: number): Partial<KeyView> {
  const view: Partial<KeyView> = toKeyView(key, now);
  delete view.lastUsedAt;
  delete view.updatedAt;
  return view;
}
