import type { OpenAPIHono } from '@hono/zod-openapi';
import type { ApiKeyConfig, AuthContext, TenantConfig, TenantRegistry } from '@aigw/tenancy';
import type { ControlPlaneCache } from '@aigw/control-plane';
import type { ErrorCode, LogSink } from '@aigw/core';
import type { CircuitBreakers } from '@aigw/ai';
import type { IsolateLeases } from '@aigw/limits';
import type { GuardrailDecision } from '@aigw/guardrails';
import type { UsageRecord } from '@aigw/observability';
import type { RequestObservation } from './logs/observation.ts';

/** Process-wide collaborators, chosen when the app is built (tests substitute the upstream fetch). */
export interface GatewayServices {
  /** The fetch used for model upstreams; the network boundary. */
  upstreamFetch: typeof fetch;
  breakers: CircuitBreakers;
  /** This isolate's memory of the control plane (runtime keys, tenant switches); made on first use. */
  controlPlane: (env: Env) => ControlPlaneCache;
  /** The fetch trace exports go out with (OTLP/HTTP); tests put a collector here. */
  telemetryFetch: typeof fetch;
  /** This isolate's request and budget leases, for tenants in leased mode (docs/limits.md). */
  leases: IsolateLeases;
}

/** Everything a handler may read from the context; set by middleware, typed everywhere. */
export interface GatewayVariables {
  /** The gateway's own id for this request; owns locks, reservations and records. Never the client's. */
  requestId: string;
  /** The client's id for this request, when it sent a well-formed one: correlation only. */
  clientRequestId: string | undefined;
  registry: TenantRegistry;
  logSink: LogSink;
  /** The resolved tenant; set by the tenant middleware, never from a client header. */
  tenant: TenantConfig;
  /** The API key the tenant was resolved from. */
  apiKey: ApiKeyConfig;
  /**
   * The whole resolution: `tenant` and `apiKey` again, where the key is kept (config or runtime)
   * and a runtime key's own token rate. For a runtime key `tenant` is already narrowed by it.
   */
  caller: AuthContext;
  /** The error code of the response, for the request log line. */
  errorCode: ErrorCode;
  services: GatewayServices;
  /** The model call's usage record, once known (after the stream ends, for streams). */
  usage: Promise<UsageRecord>;
  /** The other model calls the request caused (tools' calls to the tools model), as they end. */
  modelCalls: UsageRecord[];
  /** The guardrail decisions the request caused, as they are taken (docs/guardrails.md). */
  guardrails: GuardrailDecision[];
  /** What the request log entry and the trace need beyond the log line (docs/logs.md). */
  observation: RequestObservation;
}

export interface GatewayEnv {
  Bindings: Env;
  Variables: GatewayVariables;
}

export type GatewayApp = OpenAPIHono<GatewayEnv>;

/**
 * Reads the caller when it may not be resolved yet (public routes, errors raised before the tenant
 * middleware ran). Handlers behind the tenant middleware use `c.get('tenant')` directly.
 */
export function optionalCaller(c: { get<K extends keyof GatewayVariables>(key: K): GatewayVariables[K] }): {
  tenant?: TenantConfig;
  apiKey?: ApiKeyConfig;
  caller?: AuthContext;
  errorCode?: ErrorCode;
  usage?: Promise<UsageRecord>;
} {
  // Hono types variables as always set; before their middleware runs they are undefined.
  const tenant: TenantConfig | undefined = c.get('tenant');
  const apiKey: ApiKeyConfig | undefined = c.get('apiKey');
  const caller: AuthContext | undefined = c.get('caller');
  const errorCode: ErrorCode | undefined = c.get('errorCode');
  const usage: Promise<UsageRecord> | undefined = c.get('usage');
  return { tenant, apiKey, caller, errorCode, usage };
}
