import type { OpenAPIHono } from '@hono/zod-openapi';
import type { ApiKeyConfig, TenantConfig, TenantRegistry } from '@aigw/tenancy';
import type { ErrorCode, LogSink } from '@aigw/core';

/** Everything a handler may read from the context; set by middleware, typed everywhere. */
export interface GatewayVariables {
  requestId: string;
  registry: TenantRegistry;
  logSink: LogSink;
  /** The resolved tenant; set by the tenant middleware, never from a client header. */
  tenant: TenantConfig;
  /** The API key the tenant was resolved from. */
  apiKey: ApiKeyConfig;
  /** The error code of the response, for the request log line. */
  errorCode: ErrorCode;
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
  errorCode?: ErrorCode;
} {
  // Hono types variables as always set; before their middleware runs they are undefined.
  const tenant: TenantConfig | undefined = c.get('tenant');
  const apiKey: ApiKeyConfig | undefined = c.get('apiKey');
  const errorCode: ErrorCode | undefined = c.get('errorCode');
  return { tenant, apiKey, errorCode };
}
