import { sha256Hex } from '@aigw/core';
import { canonicalJson } from '@aigw/core';
import type { AuditEntry } from './schema.ts';

/** `prevHash` of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * The hash of an entry: SHA-256 of the canonical JSON of every field except `hash` itself, so
 * changing any field, or the link to the entry before, changes it. Without a secret key this
 * detects edits in place (a changed, removed or reordered row), not a full rewrite of the chain
 * by someone who can also recompute every later hash.
 */
export function entryHash(entry: Omit<AuditEntry, 'hash'>): Promise<string> {
  return sha256Hex(
    canonicalJson({
      seq: entry.seq,
      time: entry.time,
      tenant: entry.tenant,
      requestId: entry.requestId,
      // Left out of the JSON when absent, so entries written before the field existed still verify.
      clientRequestId: entry.clientRequestId,
      keyId: entry.keyId,
      tool: entry.tool,
      argsHash: entry.argsHash,
      outcome: entry.outcome,
      latencyMs: entry.latencyMs,
      // Absent on tool runs, so every entry written before changes were recorded still verifies.
      change: entry.change,
      // Absent (and so left out) on every entry but a guardrail's: older entries still verify.
      guardrail: entry.guardrail,
      prevHash: entry.prevHash,
    }),
  );
}
