import type { Context } from 'hono';
import type { RequestLogLine } from '@aigw/core';
import { requestLogStore, type LogBodies, type LogEntryInput } from '@aigw/observability';
import { optionalCaller, type GatewayEnv } from '../context.ts';
import { IsolateBatcher } from './batcher.ts';
import { contentRedactor } from './bodies.ts';
import { entryOf } from './entry.ts';
import { exportSpans } from './exporter.ts';
import { observationOf } from './observation.ts';
import { requestSpans } from './spans.ts';

/** How long entries of one tenant gather before they are written together. */
export const LOG_FLUSH_MS = 200;
/** A batch this large is written at once. */
export const LOG_MAX_BATCH = 200;

const entries = new IsolateBatcher<LogEntryInput>({
  flushMs: LOG_FLUSH_MS,
  maxItems: LOG_MAX_BATCH,
  what: 'request log entries',
});

/** This isolate's request log writes: entries written, and entries a failed write lost. */
export const requestLogStats = entries.stats;

export interface RecordContext {
  /** From the response's cache headers: HIT, MISS, or null when no cache was consulted. */
  cache: 'HIT' | 'MISS' | null;
  /** The request's bodies, when the tenant keeps them: settled once the response has ended. */
  bodies: { settle: () => Promise<LogBodies> } | undefined;
  /** A read of the log itself, or of the gateway's own state: traced, not logged. */
  notLogged: boolean;
}

/**
 * A finished request into its tenant's request log and its trace exporters, both batched per
 * isolate and written in `waitUntil`. A request without a tenant (a 401) is not recorded: it is
 * on the operator's console line only. Never throws; a failed write is counted by its batcher.
 */
export async function recordRequest(
  c: Context<GatewayEnv>,
  line: RequestLogLine,
  context: RecordContext,
): Promise<void> {
  const { tenant, caller } = optionalCaller(c);
  if (tenant === undefined || caller === undefined) return;
  const observation = observationOf(c);
  const exporter = observation.exporters(c);
  const entry = entryOf({
    line,
    observation,
    keyKind: caller.source,
    modelCalls: c.get('modelCalls'),
    guardrails: c.get('guardrails'),
    cache: context.cache,
    metadataHeader: c.req.header('x-gateway-metadata'),
  });
  // A request continues its caller's trace even when the gateway exports none of its own.
  const traceId = exporter !== undefined ? observation.traceId : observation.parent?.traceId;
  if (traceId !== undefined) entry.traceId = traceId;

  if (exporter !== undefined) {
    const redact = contentRedactor(c).value;
    for (const target of exporter.targets) {
      exportSpans(
        c,
        target,
        requestSpans(observation, entry, tenant.id, target.content ? { redact } : undefined),
      );
    }
  }
  if (!tenant.logs.enabled || context.notLogged) return;
  if (context.bodies !== undefined) {
    try {
      entry.bodies = await context.bodies.settle();
    } catch (error) {
      // The entry is still worth keeping without its bodies.
      console.error(JSON.stringify({ level: 'error', msg: 'request bodies not kept', error: String(error) }));
    }
  }
  const namespace = c.env.REQUEST_LOG;
  const retention = tenant.logs.retention;
  entries.add(c, tenant.id, entry, async (batch) => {
    await requestLogStore(namespace, tenant.id).write(batch, retention);
  });
}
