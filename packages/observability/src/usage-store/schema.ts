import { z } from 'zod';

/** A guardrail decision's key in usage: the rule id, a colon, the action. */
export const GUARDRAIL_KEY = /^[a-z0-9][a-z0-9-]{0,47}:(?:block|redact|flag)$/;

/**
 * One request, as the usage store and Analytics Engine see it. Every request a tenant makes is one
 * event (model calls and others), and each model call a tool makes for it one more (route
 * `<route>#tool`, the request's id); `model` is null when the request called no model. Build it from
 * the request log line with `usageEventFrom`.
 */
export const usageEventSchema = z.object({
  /** When the request started, ms since the epoch. */
  time: z.number().int().min(0),
  /** The matched route pattern (`/chat`, `/v1/chat/completions`), never the raw path. */
  route: z.string().min(1).max(200),
  /** The HTTP status of the response. */
  status: z.int().min(100).max(599),
  /** The error code, when the request failed (or a stream failed after a 200). */
  errorCode: z
    .string()
    .regex(/^[a-z0-9_.-]{1,64}$/i)
    .optional(),
  keyId: z.string().min(1).max(128),
  model: z.string().min(1).max(200).nullable(),
  inputTokens: z.int().min(0).default(0),
  outputTokens: z.int().min(0).default(0),
  costUsd: z.number().min(0).default(0),
  latencyMs: z.number().min(0),
  ttftMs: z.number().min(0).nullable().default(null),
  /** True/false when a cache was consulted (hit/miss); null when the route has no cache. */
  cacheHit: z.boolean().nullable().default(null),
  /** The route branch that served a routed request (`demo-ab@1/b`, see `branchOf`); null otherwise. */
  branch: z.string().max(200).nullable().default(null),
  /** Carried to Analytics Engine (as a blob); not kept in rollups. */
  requestId: z.string().max(128).optional(),
  /** Guardrail decisions the request caused, counted by `<rule>:<action>` (docs/guardrails.md). */
  guardrails: z
    .record(z.string().regex(GUARDRAIL_KEY), z.int().min(1).max(1_000_000))
    .refine((counts) => Object.keys(counts).length <= 64, 'at most 64 rule and action pairs')
    .optional(),
});
export type UsageEventInput = z.input<typeof usageEventSchema>;
export type UsageEvent = z.output<typeof usageEventSchema>;
/** An event with its tenant, as Analytics Engine stores it (the tenant is the index). */
export type TenantUsageEvent = UsageEventInput & { tenantId: string };

export const GRANULARITIES = ['minute', 'hour', 'day'] as const;
export type Granularity = (typeof GRANULARITIES)[number];
export const GROUP_BYS = ['model', 'route', 'key', 'branch'] as const;
export type GroupBy = (typeof GROUP_BYS)[number];

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
export const GRANULARITY_MS: Readonly<Record<Granularity, number>> = {
  minute: MINUTE_MS,
  hour: HOUR_MS,
  day: DAY_MS,
};
/** The longest `to − from` each granularity accepts. */
export const MAX_RANGE_MS: Readonly<Record<Granularity, number>> = {
  minute: 24 * HOUR_MS,
  hour: 31 * DAY_MS,
  day: 31 * DAY_MS,
};

/** An instant: ms since the epoch (a number or a string of digits, as from a query string) or ISO 8601. */
export const instant = z.union([
  z.number().int().min(0),
  z
    .string()
    .regex(/^\d{1,15}$/)
    .transform(Number),
  z.iso.datetime({ offset: true }).transform((iso) => Date.parse(iso)),
]);

/**
 * The series query, for the RPC and for `GET /tenant/usage/series` alike (its fields are the
 * query parameters). Buckets are aligned to UTC minute/hour/day boundaries: `from` rounds down,
 * `to` rounds up.
 */
export const seriesQuerySchema = z
  .object({
    from: instant,
    to: instant,
    granularity: z.enum(GRANULARITIES),
    groupBy: z.enum(GROUP_BYS).optional(),
  })
  .superRefine((query, ctx) => {
    if (query.from >= query.to) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
      return;
    }
    const max = MAX_RANGE_MS[query.granularity];
    if (query.to - query.from > max) {
      ctx.addIssue({
        code: 'custom',
        path: ['to'],
        message: `${query.granularity} buckets cover at most ${max / HOUR_MS} h (to − from)`,
      });
    }
  });
export type SeriesQueryInput = z.input<typeof seriesQuerySchema>;
export type SeriesQuery = z.output<typeof seriesQuerySchema>;

/** The figures of one bucket, one group or a whole range. */
export interface UsageMetrics {
  requests: number;
  /** Requests that failed (status ≥ 400 or an error code). */
  errors: number;
  /** Failed requests by error code (`http_<status>` when the response carried no code). */
  errorsByCode: Record<string, number>;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  /** Estimated from the rollups' histograms (see docs/usage.md); null when there were no requests. */
  latencyMs: { p50: number | null; p95: number | null };
  /** Over model calls that reported a first token; null when none did. */
  ttftMs: { p50: number | null };
  /** Requests that consulted a cache. */
  cacheLookups: number;
  /** Hits over lookups; null when no request consulted a cache. */
  cacheHitRate: number | null;
  /** Guardrail decisions by rule, then action (`{ "redact-emails": { "redact": 3 } }`). */
  guardrails: Record<string, Record<string, number>>;
}

export interface SeriesBucket {
  /** ISO 8601 start of the bucket (UTC). */
  start: string;
  total: UsageMetrics;
  /** With `groupBy`: the figures of each group that had requests in this bucket. */
  groups?: Record<string, UsageMetrics>;
}

/** What `series` returns (and what `GET /tenant/usage/series` answers with). */
export interface UsageSeries {
  tenantId: string;
  granularity: Granularity;
  groupBy: GroupBy | null;
  /** The aligned range, ISO 8601: the first bucket's start and the last bucket's end. */
  from: string;
  to: string;
  /** Every bucket of the range, oldest first, empty ones included (zeros, null percentiles). */
  buckets: SeriesBucket[];
  /** The whole range. */
  total: UsageMetrics;
  /** With `groupBy`: each group over the whole range, most requests first. */
  groups?: { key: string; total: UsageMetrics }[];
}

// Group keys (with `groupBy: 'model'`) for requests that chose no model. Model ids are always
// `provider/model`, so none of these can be taken for one.

/** The `branch` group of requests that took no route (a model id or an alias). */
export const NO_ROUTE = 'no route';

/** The `branch` group key of a routed request: route, version and the model node that answered. */
export function branchOf(routing: { route: string; version: number; branch: string }): string {
  return `${routing.route}@${routing.version}/${routing.branch}`;
}

/** A request that succeeded without calling a model (documents, tools, search, ...). */
export const NO_MODEL = 'no model call';
/** A request refused (4xx) before a model was chosen: bad input, model not allowed, rate limit, budget. */
export const REFUSED_BEFORE_ROUTING = 'refused before routing';
/** A request that failed on the gateway's side (5xx) before a model was chosen. */
export const FAILED_BEFORE_ROUTING = 'failed before routing';
