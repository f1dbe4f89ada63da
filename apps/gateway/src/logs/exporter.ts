import type { Context } from 'hono';
import { otlpTraceRequest, parseOtlpHeaders, type OtlpSpan, type TraceParent } from '@aigw/observability';
import { optionalCaller, type GatewayEnv } from '../context.ts';
import { GATEWAY_VERSION } from '../version.ts';
import { IsolateBatcher } from './batcher.ts';
import { keepsBodies } from './bodies.ts';

/** The deployment's own collector, for every tenant (the standard OpenTelemetry variable names). */
export const DEPLOYMENT_ENDPOINT_VAR = 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT';
export const DEPLOYMENT_HEADERS_SECRET = 'OTEL_EXPORTER_OTLP_HEADERS';

/** How long spans for one endpoint gather before they are sent together. */
export const TRACE_FLUSH_MS = 500;
/** A batch this large is sent at once. */
export const TRACE_MAX_SPANS = 512;
/** An export that takes longer is abandoned (and counted as failed). */
export const TRACE_EXPORT_TIMEOUT_MS = 10_000;

/** One place a request's trace goes. */
export interface TraceTarget {
  /** Names the batch: spans for the same endpoint with the same credentials go together. */
  key: string;
  endpoint: string;
  /** The name of the secret holding the headers (read when the batch is sent). */
  headersSecret: string | undefined;
  /** Prompts, answers and tool arguments may be in the spans (the tenant's own endpoint only). */
  content: boolean;
  tenantId: string;
}

export interface TraceExporterConfig {
  targets: TraceTarget[];
}

function envString(env: Env, name: string): string | undefined {
  const value = (env as unknown as Record<string, unknown>)[name];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/**
 * Where the request's trace goes: the tenant's endpoint (`tracing` in its config), the
 * deployment's (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`), both or neither. A caller's sampled flag
 * decides first (parent-based sampling); otherwise the tenant's `sampleRate`. Only the tenant's own
 * endpoint may receive content, and only when its log keeps bodies for this key. Undefined until
 * the tenant is known, and for a request that is not exported.
 */
export function exporterFor(
  c: Context<GatewayEnv>,
  parent: TraceParent | undefined,
): TraceExporterConfig | undefined {
  const { tenant } = optionalCaller(c);
  if (tenant === undefined) return undefined;
  const sampled = (rate: number): boolean => (parent !== undefined ? parent.sampled : Math.random() < rate);
  const targets: TraceTarget[] = [];
  const { endpoint, headersSecret, sampleRate } = tenant.tracing;
  if (endpoint !== undefined && sampled(sampleRate)) {
    targets.push({
      key: `tenant ${tenant.id} ${endpoint} ${headersSecret ?? ''}`,
      endpoint,
      headersSecret,
      content: keepsBodies(c),
      tenantId: tenant.id,
    });
  }
  const deployment = envString(c.env, DEPLOYMENT_ENDPOINT_VAR);
  if (deployment !== undefined && sampled(1)) {
    targets.push({
      key: `deployment ${deployment}`,
      endpoint: deployment,
      headersSecret: DEPLOYMENT_HEADERS_SECRET,
      content: false,
      tenantId: tenant.id,
    });
  }
  return targets.length === 0 ? undefined : { targets };
}

const exports = new IsolateBatcher<{ tenantId: string; spans: OtlpSpan[] }>({
  flushMs: TRACE_FLUSH_MS,
  maxItems: TRACE_MAX_SPANS / 8,
  what: 'trace spans',
});

/** This isolate's trace exports: requests whose spans were sent, and those whose export failed. */
export const traceExportStats = exports.stats;

/** Queues one request's spans for a target; sent in a batch with `waitUntil`, never awaited. */
export function exportSpans(c: Context<GatewayEnv>, target: TraceTarget, spans: OtlpSpan[]): void {
  const { env } = c;
  const send = c.get('services').telemetryFetch;
  exports.add(c, target.key, { tenantId: target.tenantId, spans }, async (batch) => {
    const headers = {
      ...parseOtlpHeaders(
        target.headersSecret === undefined ? undefined : envString(env, target.headersSecret),
      ),
      'content-type': 'application/json',
    };
    // One resource per tenant: a deployment collector tells tenants apart by `tenant.id`.
    const byTenant = new Map<string, OtlpSpan[]>();
    for (const item of batch) {
      const spans = byTenant.get(item.tenantId);
      if (spans === undefined) byTenant.set(item.tenantId, [...item.spans]);
      else spans.push(...item.spans);
    }
    const body = {
      resourceSpans: [...byTenant].flatMap(
        ([tenantId, tenantSpans]) =>
          otlpTraceRequest(
            { 'service.name': 'aigw-gateway', 'service.version': GATEWAY_VERSION, 'tenant.id': tenantId },
            { name: '@aigw/gateway', version: GATEWAY_VERSION },
            tenantSpans,
          ).resourceSpans,
      ),
    };
    const response = await send(target.endpoint, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(TRACE_EXPORT_TIMEOUT_MS),
    });
    // The body is not needed; reading it frees the connection.
    await response.body?.cancel();
    if (!response.ok) throw new Error(`${target.endpoint} answered ${response.status}`);
  });
}
