import type { Context } from 'hono';
import { isGatewayError, sha256Hex, canonicalJson } from '@aigw/core';
import {
  guardFor,
  keywordSafety,
  llamaGuard,
  policyFor,
  type Guard,
  type GuardPorts,
  type GuardrailDecision,
  type Surface,
} from '@aigw/guardrails';
import { auditLedger } from '@aigw/tools';
import type { GatewayEnv } from '../context.ts';
import { waitUntil } from '../lib/wait-until.ts';

/**
 * Where a request's guardrail decisions go: onto the request (its log line and usage event count
 * them per rule and action), and for a block outside the tools surface, into the tenant's audit
 * ledger as a "(guardrail)" entry (a blocked tool call is audited by the dispatcher, in its own
 * entry). The hazard classifier is Llama Guard where the environment binds Workers AI, the
 * offline keyword stand-in elsewhere.
 */
export function guardPorts(c: Context<GatewayEnv>): GuardPorts {
  const tenant = c.get('tenant');
  return {
    record: (decision) => {
      // Set by the request log middleware, which every request of the app passes first.
      c.get('guardrails').push(decision);
      if (decision.action === 'block' && decision.surface !== 'tools') auditBlock(c, decision);
    },
    safety: c.env.AI === undefined ? keywordSafety : llamaGuard(c.env.AI, tenant.guardrails.safetyModel),
  };
}

/** The caller's guard on `surface` (its key's policy, else its tenant's); undefined without rules there. */
export function guardOf(c: Context<GatewayEnv>, surface: Surface): Guard | undefined {
  return guardFor(policyFor(c.get('tenant'), c.get('apiKey')), surface, guardPorts(c));
}

/** A block's audit entry: the rule and detector, hashed as the entry's arguments; never the text. */
function auditBlock(c: Context<GatewayEnv>, decision: GuardrailDecision): void {
  const guardrail = {
    rule: decision.rule,
    detector: decision.detector,
    on: decision.on,
    surface: decision.surface,
  };
  const clientRequestId = c.get('clientRequestId');
  const ledger = auditLedger(c.env.AUDIT_LEDGER, c.get('tenant').id);
  const written = sha256Hex(canonicalJson(guardrail))
    .then((argsHash) =>
      ledger.append({
        requestId: c.get('requestId'),
        ...(clientRequestId !== undefined ? { clientRequestId } : {}),
        keyId: c.get('apiKey').id,
        tool: '(guardrail)',
        argsHash,
        outcome: 'guardrail_blocked',
        latencyMs: 0,
        guardrail,
      }),
    )
    .catch((error: unknown) => {
      console.error(
        JSON.stringify({ level: 'error', msg: 'guardrail block not audited', error: String(error) }),
      );
    });
  waitUntil(c, written);
}

/** The decisions as usage counts them: `<rule>:<action>` → n; undefined when there were none. */
export function guardrailCounts(decisions: readonly GuardrailDecision[]): Record<string, number> | undefined {
  if (decisions.length === 0) return undefined;
  const counts: Record<string, number> = {};
  for (const { rule, action } of decisions)
    counts[`${rule}:${action}`] = (counts[`${rule}:${action}`] ?? 0) + 1;
  return counts;
}

/**
 * The decisions for the request's log line: grouped, with the safety verdicts' categories and
 * classifier. Rules, detectors and counts only; nothing a rule matched is ever logged.
 */
export function guardrailLog(
  decisions: readonly GuardrailDecision[],
): (GuardrailDecision & { count: number })[] {
  const grouped = new Map<string, GuardrailDecision & { count: number }>();
  for (const decision of decisions) {
    const key = JSON.stringify([
      decision.rule,
      decision.action,
      decision.on,
      decision.surface,
      decision.categories,
    ]);
    const seen = grouped.get(key);
    if (seen === undefined) grouped.set(key, { ...decision, count: 1 });
    else seen.count += 1;
  }
  return [...grouped.values()];
}

/** One document the ingest guard refused. */
export interface GuardedFailure {
  id: string;
  code: string;
  message: string;
}

/**
 * Ingested documents through the tenant's "ingest" rules (a rule applies to documents only when
 * it lists that surface): text and title redacted in place; a blocked document is left out and
 * reported as failed, the others go on. Malformed entries pass untouched for ingestion to refuse.
 */
export async function guardDocuments(
  guard: Guard | undefined,
  docs: readonly unknown[],
): Promise<{ docs: unknown[]; failed: GuardedFailure[] }> {
  if (guard?.checksInput !== true) return { docs: [...docs], failed: [] };
  const out: unknown[] = [];
  const failed: GuardedFailure[] = [];
  for (const [position, raw] of docs.entries()) {
    if (typeof raw !== 'object' || raw === null || typeof (raw as { text?: unknown }).text !== 'string') {
      out.push(raw);
      continue;
    }
    const doc = raw as { id?: unknown; text: string; title?: unknown };
    const fields = { text: doc.text, ...(typeof doc.title === 'string' ? { title: doc.title } : {}) };
    try {
      out.push({ ...doc, ...((await guard.inputValue(fields)) as typeof fields) });
    } catch (error) {
      if (!isGatewayError(error) || error.code !== 'guardrail_blocked') throw error;
      failed.push({
        id: typeof doc.id === 'string' ? doc.id : `#${position}`,
        code: error.code,
        message: error.message,
      });
    }
  }
  return { docs: out, failed };
}
