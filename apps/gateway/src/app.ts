import { OpenAPIHono } from '@hono/zod-openapi';
import { cors } from 'hono/cors';
import { GatewayError, consoleSink, invalidRequest, type LogSink } from '@aigw/core';
import type { TenantRegistry } from '@aigw/tenancy';
import type { GatewayApp, GatewayEnv } from './context.ts';
import { tenantBodyLimit } from './middleware/body-limit/index.ts';
import { notFound, onError } from './middleware/errors/index.ts';
import { rateLimit } from './middleware/rate-limit/index.ts';
import { requestIds } from './middleware/request-id/index.ts';
import { requestLog } from './middleware/request-log/index.ts';
import { tenantMiddleware } from './middleware/tenant/index.ts';
import { OPERATOR_PREFIX, operatorOnly } from './middleware/operator/index.ts';
import { lazyControlPlaneCache } from './lib/control-plane.ts';
import { KEYS_PAGE_PATH } from './dashboard/index.ts';
import { registerKeyRoutes } from './routes/keys/keys.ts';
import { registerAdminRoutes } from './routes/keys/admin.ts';
import type { ControlPlaneCacheOptions } from '@aigw/control-plane';
import { ASSET_PATHS, registerAssetRoutes } from './routes/assets.ts';
import { registerHealthRoutes } from './routes/health.ts';
import { registerTenantRoutes, registerTenantUsageRoutes } from './routes/tenant.ts';
import { registerNativeChatRoutes } from './routes/chat/native.ts';
import { registerMessagesRoutes } from './routes/chat/messages.ts';
import { registerOpenAIRoutes } from './routes/chat/openai.ts';
import { registerResponsesRoutes } from './routes/chat/responses.ts';
import { registerSessionRoutes } from './routes/chat/sessions.ts';
import { DOCS_PATH, OPENAPI_PATH, registerDocsRoutes } from './routes/docs.ts';
import { registerDocumentRoutes } from './routes/rag/documents.ts';
import { registerEmbeddingRoutes } from './routes/rag/embeddings.ts';
import { registerSearchRoutes } from './routes/rag/search.ts';
import { registerToolRoutes } from './routes/tools/tools.ts';
import { registerSpeechRoutes } from './routes/tts.ts';
import { DASHBOARD_PATH, SERIES_PATH, registerUsageRoutes } from './routes/usage.ts';
import { LOGS_PAGE_PATH, LOGS_PATH, registerLogRoutes } from './routes/logs/logs.ts';
import { timedPhase } from './logs/index.ts';
import { CircuitBreakers } from '@aigw/ai';
import { IsolateLeases } from '@aigw/limits';

/** A feature module: registers its routes (and their schemas) on the app. */
export type RouteModule = (app: GatewayApp) => void;

/** The routes the gateway serves, in registration order. */
export const GATEWAY_ROUTES: readonly RouteModule[] = [
  registerHealthRoutes,
  registerTenantRoutes,
  registerTenantUsageRoutes,
  registerUsageRoutes,
  registerKeyRoutes,
  registerAdminRoutes,
  registerLogRoutes,
  registerNativeChatRoutes,
  registerSessionRoutes,
  registerOpenAIRoutes,
  registerMessagesRoutes,
  registerResponsesRoutes,
  registerDocumentRoutes,
  registerSearchRoutes,
  registerEmbeddingRoutes,
  registerToolRoutes,
  registerSpeechRoutes,
  registerDocsRoutes,
  registerAssetRoutes,
];

export interface AppOptions {
  registry: TenantRegistry;
  /** Defaults to `GATEWAY_ROUTES`; a dedicated Worker (or a test) may serve a different set. */
  routes?: readonly RouteModule[];
  logSink?: LogSink;
  now?: () => Date;
  /** The fetch model upstreams are called with; defaults to the runtime's. */
  upstreamFetch?: typeof fetch;
  /** The fetch trace exports (OTLP/HTTP) are sent with; defaults to the runtime's. */
  telemetryFetch?: typeof fetch;
  /** Circuit breakers; one set per app (per isolate in production). */
  breakers?: CircuitBreakers;
  /**
   * The control plane's per-isolate cache: its TTL (default the `CONTROL_PLANE_CACHE_TTL_MS` var,
   * else 5 s) and clock (tests drive it to cross the revocation bound). One cache per app.
   */
  controlPlane?: ControlPlaneCacheOptions;
  /** Leases for tenants in leased mode; one set per app (per isolate in production). */
  leases?: IsolateLeases;
}

/** Paths served without an API key. */
export const PUBLIC_PATHS = [
  '/health',
  OPENAPI_PATH,
  DOCS_PATH,
  DASHBOARD_PATH,
  KEYS_PAGE_PATH,
  LOGS_PAGE_PATH,
  ...ASSET_PATHS,
] as const;
/**
 * The gateway's reads of its own state, and its public pages: logged like any request, never
 * counted as a tenant's usage (the dashboard polls the first three every few seconds).
 */
export const OWN_READ_PATHS = ['/tenant', '/tenant/usage', SERIES_PATH, ...PUBLIC_PATHS] as const;
/** Reads of the request log itself: a log page polling the log does not fill it with its reads. */
export const LOG_READ_ROUTES = [LOGS_PATH, `${LOGS_PATH}/:id`] as const;

export function createApp(options: AppOptions): GatewayApp {
  const app = new OpenAPIHono<GatewayEnv>({
    // Schema failures become `invalid_request` with every issue's path, rendered by `onError`.
    // @hono/zod-validator hands the hook the input too (its types leave it out): with it each
    // issue names what the request held next to the limit it broke.
    defaultHook: (result) => {
      if (!result.success) {
        const input: unknown = 'data' in result ? result.data : undefined;
        throw invalidRequest(result.error, result.target === 'json' ? 'body' : result.target, input);
      }
    },
  });
  const logSink = options.logSink ?? consoleSink;
  const services = {
    // Bound late so a replaced global fetch (or the runtime's own) is always the one used.
    upstreamFetch:
      options.upstreamFetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init)),
    breakers: options.breakers ?? new CircuitBreakers(),
    controlPlane: lazyControlPlaneCache(options.controlPlane),
    telemetryFetch:
      options.telemetryFetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init)),
    leases: options.leases ?? new IsolateLeases(),
  };

  app.onError(onError);
  app.notFound(notFound);

  app.use(requestIds());
  app.use(async (c, next) => {
    c.set('registry', options.registry);
    c.set('logSink', logSink);
    c.set('services', services);
    await next();
  });
  app.use(
    requestLog({
      notUsage: OWN_READ_PATHS,
      notLogged: (method, route) =>
        (OWN_READ_PATHS as readonly string[]).includes(route) ||
        (method === 'GET' && (LOG_READ_ROUTES as readonly string[]).includes(route)),
    }),
  );
  app.use(
    cors({
      origin: '*',
      allowHeaders: [
        'authorization',
        'x-api-key',
        'content-type',
        'x-request-id',
        'x-client-request-id',
        'x-session-id',
        'x-gateway-metadata',
        'x-gateway-cache',
        'cache-control',
        // W3C Trace Context: a browser app's trace continues through the gateway (docs/logs.md#traceparent).
        'traceparent',
        'tracestate',
        // Sent by Anthropic SDKs; accepted and ignored (the gateway speaks one Messages version).
        'anthropic-version',
        'anthropic-beta',
        'anthropic-dangerous-direct-browser-access',
      ],
      exposeHeaders: [
        'x-request-id',
        'x-client-request-id',
        'request-id',
        'x-gateway-model',
        'x-gateway-provider',
        'x-gateway-route',
        'x-gateway-cache',
        'x-session-id',
        'retry-after',
        'ratelimit-limit',
        'ratelimit-remaining',
        'ratelimit-reset',
      ],
      maxAge: 600,
    }),
  );
  // Authentication and limits are timed as phases of the request: each is a span of its trace.
  app.use(
    timedPhase(
      'auth',
      tenantMiddleware({
        publicPaths: PUBLIC_PATHS,
        skipPrefixes: [OPERATOR_PREFIX],
        ...(options.now ? { now: options.now } : {}),
      }),
    ),
  );
  // Every path under /admin/ is the operator's, unknown ones included (they need the key to 404).
  app.use(`${OPERATOR_PREFIX}*`, operatorOnly());
  app.use(timedPhase('limits', rateLimit()));
  app.use(tenantBodyLimit());

  for (const register of options.routes ?? GATEWAY_ROUTES) register(app);

  installMethodNotAllowed(app);
  return app;
}

/**
 * A path that exists with other methods answers 405 with `Allow`, not 404. Registered last, so a
 * route for the right method always wins.
 */
function installMethodNotAllowed(app: GatewayApp): void {
  const methodsByPath = new Map<string, Set<string>>();
  for (const route of app.routes) {
    if (route.method === 'ALL') continue;
    const methods = methodsByPath.get(route.path) ?? new Set<string>();
    methods.add(route.method);
    if (route.method === 'GET') methods.add('HEAD');
    methodsByPath.set(route.path, methods);
  }
  for (const [path, methods] of methodsByPath) {
    const allow = [...methods, 'OPTIONS'].join(', ');
    app.all(path, (c) => {
      throw new GatewayError(
        'method_not_allowed',
        `${c.req.method} is not allowed on ${path}. Allowed: ${allow}.`,
        {
          headers: { allow },
        },
      );
    });
  }
}
