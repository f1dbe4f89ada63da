import { canonicalJson, isErrorCode, type ErrorCode } from '@aigw/core';
import { z } from 'zod';

/**
 * The shapes that cross the audit ledger's RPC boundary. The object parses every input with these
 * (a caller in another Worker version may send anything); the TypeScript types come from them.
 */

const hexDigest = z.string().regex(/^[0-9a-f]{64}$/, 'a lower-case hex SHA-256 digest');

export type AuditOutcome = 'ok' | ErrorCode;
export const auditOutcomeSchema = z.custom<AuditOutcome>(
  (value) => typeof value === 'string' && (value === 'ok' || isErrorCode(value)),
  'expected "ok" or a registered error code',
);

export const tenantIdSchema = z.string().min(1).max(64);

/** The largest `change` a ledger entry holds, as canonical JSON: key views are far smaller. */
export const MAX_CHANGE_BYTES = 16 * 1024;

/**
 * A control-plane change (a runtime key created, rotated, revoked; a tenant suspended...): what was
 * done, to what, and the state before and after it. Never a secret: key views hold ids, names,
 * prefixes and limits only.
 */
export const auditChangeSchema = z
  .object({
    /** `keys.create`, `keys.update`, `keys.rotate`, `keys.revoke`, `tenant.suspend`, `tenant.resume`. */
    action: z
      .string()
      .regex(/^[a-z]+(\.[a-z]+)+$/)
      .max(64),
    /** The key id, or the tenant id for a tenant switch. */
    target: z.string().min(1).max(128),
    before: z.record(z.string(), z.unknown()).nullable(),
    after: z.record(z.string(), z.unknown()).nullable(),
  })
  .strict()
  .refine((change) => new TextEncoder().encode(canonicalJson(change)).length <= MAX_CHANGE_BYTES, {
    message: `at most ${MAX_CHANGE_BYTES} bytes of canonical JSON`,
  });
export type AuditChange = z.infer<typeof auditChangeSchema>;

/**
 * The guardrail rule behind an entry: a tool call a rule blocked, or a block elsewhere (chat,
 * search, ingest; `tool` is then "(guardrail)"). Names the rule and the detector, never the text.
 */
export const auditGuardrailSchema = z
  .object({
    rule: z.string().regex(/^[a-z0-9][a-z0-9-]{0,47}$/),
    detector: z.string().regex(/^[a-z]{2,16}$/),
    on: z.enum(['input', 'output']),
    surface: z.enum(['chat', 'search', 'tools', 'ingest']),
  })
  .strict();
export type AuditGuardrail = z.infer<typeof auditGuardrailSchema>;

/** What a caller records; the ledger adds seq, time, tenant and the hash chain. */
export const auditEntryInputSchema = z
  .object({
    /** The gateway's own id for the request (`req_…`); never one a client chose. */
    requestId: z.string().min(1).max(128),
    /** The client's id for the request, when it sent one: stored beside the server id for correlation. */
    clientRequestId: z.string().min(1).max(128).optional(),
    keyId: z.string().min(1).max(64),
    /** The tool name as called (possibly one the tenant does not have), cut to 64 characters. */
    tool: z.string().min(1).max(64),
    /** SHA-256 of the canonical JSON of the arguments as sent; the arguments themselves are not kept. */
    argsHash: hexDigest,
    outcome: auditOutcomeSchema,
    latencyMs: z.int().min(0),
    /**
     * Set on control-plane changes (see `AuditLedger.appendChange`): then `tool` repeats
     * `change.action`, `argsHash` is the SHA-256 of the change's canonical JSON and `keyId` is who
     * made it (a key id, or `operator`).
     */
    change: auditChangeSchema.optional(),
    guardrail: auditGuardrailSchema.optional(),
  })
  .strict();
export type AuditEntryInput = z.infer<typeof auditEntryInputSchema>;

/** A control-plane change as its author records it; `AuditLedger.appendChange` fills the rest. */
export interface AuditChangeInput {
  requestId: string;
  clientRequestId?: string | undefined;
  /** Who made the change: the caller's key id, or `operator`. */
  keyId: string;
  change: AuditChange;
}

/** One ledger entry as stored and returned. */
export interface AuditEntry extends AuditEntryInput {
  /** 1, 2, 3… with no gaps. */
  seq: number;
  /** When the ledger recorded it (ISO 8601, the object's clock). */
  time: string;
  tenant: string;
  /** `hash` of the entry before, or 64 zeros for the first. */
  prevHash: string;
  /** SHA-256 over this entry's fields and `prevHash`; see `entryHash`. */
  hash: string;
}

export const auditPageQuerySchema = z
  .object({
    cursor: z.string().min(1).max(200).optional(),
    limit: z.int().min(1).max(200).default(50),
  })
  .strict();
export type AuditPageQuery = z.input<typeof auditPageQuerySchema>;

/** Oldest first; `nextCursor` is null on the last page. */
export interface AuditPage {
  entries: AuditEntry[];
  nextCursor: string | null;
}

export type AuditVerification =
  { ok: true; entries: number; head: string | null } | { ok: false; brokenAt: number; reason: string };

/** Where `executeTool` records each execution; `AuditLedger` (the Durable Object client) is one. */
export interface AuditSink {
  append(entry: AuditEntryInput): Promise<unknown>;
}
