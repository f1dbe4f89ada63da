import { z } from 'zod';

/**
 * Model aliases and routes: what a tenant app names in `model` instead of a vendor model, so the
 * platform team can move it, split it or guard it without the app changing (docs/routing.md).
 * Plain schemas (ADR 0007); the graph checks that need the whole tenant (models allowed, nodes
 * reachable, no cycles) are `routeIssues`, run by the tenant schema.
 */

const modelIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}\/\S+$/, 'a model id "provider/model"');

/** A name clients send in `model`: no `/`, so it can never be taken for a model id. */
export const routeNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'lower-case letters, digits, ".", "_" and "-", at most 64, no "/"');

const nodeNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,47}$/, 'lower-case letters, digits, "_" and "-"');

/** A data-residency region: providers carry one, tenants and routes may require one. */
export const regionSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{1,15}$/, 'a region tag such as "eu" or "us"')
  .describe('Data-residency region tag, e.g. "eu".');

export const aliasSchema = z.union([
  modelIdSchema,
  z
    .object({
      model: modelIdSchema,
      fallbacks: z.array(modelIdSchema).max(8).default([]).describe('Tried in order before the first token.'),
    })
    .strict(),
]);
export type AliasConfig = z.infer<typeof aliasSchema>;

/** What an alias names, whichever way it is written: its model and the fallbacks after it. */
export function aliasTarget(alias: AliasConfig): { model: string; fallbacks: string[] } {
  return typeof alias === 'string' ? { model: alias, fallbacks: [] } : alias;
}

/** What a condition may look at: never the body, only what a request says about itself. */
export const conditionFieldSchema = z
  .string()
  .regex(
    /^(api|user|key\.id|metadata\.[A-Za-z0-9_-]{1,64}|key\.metadata\.[A-Za-z0-9_-]{1,64})$/,
    'one of api, user, key.id, metadata.<name>, key.metadata.<name>',
  );

export const conditionSchema = z
  .object({
    field: conditionFieldSchema.describe(
      "`metadata.<k>`: the x-gateway-metadata header (JSON); `key.metadata.<k>`: the API key's metadata; `key.id`; `api` (the route, e.g. /v1/messages); `user` (the request's user).",
    ),
    op: z.enum(['eq', 'in', 'prefix', 'exists']),
    value: z.union([z.string().max(256), z.array(z.string().max(256)).max(64)]).optional(),
  })
  .strict()
  .superRefine((condition, ctx) => {
    const list = Array.isArray(condition.value);
    const ok =
      condition.op === 'exists'
        ? condition.value === undefined
        : condition.op === 'in'
          ? list
          : typeof condition.value === 'string';
    if (!ok) {
      ctx.addIssue({
        code: 'custom',
        path: ['value'],
        message:
          condition.op === 'exists'
            ? '"exists" takes no value'
            : condition.op === 'in'
              ? '"in" takes a list of strings'
              : `"${condition.op}" takes one string`,
      });
    }
  });
export type Condition = z.infer<typeof conditionSchema>;

export const STICKY_FIELDS = ['user', 'session', 'key', 'request'] as const;

export const routeNodeSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('model'),
      model: modelIdSchema,
      fallbacks: z.array(modelIdSchema).max(8).default([]),
    })
    .strict()
    .describe('Ends the route: this model answers (then its fallbacks).'),
  z
    .object({
      type: z.literal('conditional'),
      branches: z
        .array(z.object({ when: z.array(conditionSchema).min(1).max(8), next: nodeNameSchema }).strict())
        .min(1)
        .max(16)
        .describe('The first branch whose conditions all hold is taken.'),
      else: nodeNameSchema,
    })
    .strict(),
  z
    .object({
      type: z.literal('split'),
      by: z
        .enum(STICKY_FIELDS)
        .describe(
          "What keeps a caller on one branch: the request's user, its session id, its API key, or nothing (request: drawn per request).",
        ),
      branches: z
        .array(z.object({ weight: z.int().min(0).max(100), next: nodeNameSchema }).strict())
        .min(1)
        .max(16),
    })
    .strict(),
  z
    .object({
      type: z.literal('limit'),
      rate: z
        .object({ rate: z.int().min(1).max(1_000_000), burst: z.int().min(1).max(1_000_000) })
        .strict()
        .optional()
        .describe('Requests per minute (GCRA) this branch admits before it falls through.'),
      tokensPerDay: z.int().min(1).optional().describe('Tokens this branch may spend per UTC day.'),
      next: nodeNameSchema,
      fallback: nodeNameSchema.describe('Where a request goes once the limit is reached.'),
    })
    .strict(),
]);
export type RouteNode = z.infer<typeof routeNodeSchema>;

export const routeSchema = z
  .object({
    version: z.int().min(1).default(1).describe('Bump on every change: usage and logs record it.'),
    description: z.string().max(500).optional(),
    start: nodeNameSchema,
    nodes: z.record(nodeNameSchema, routeNodeSchema),
    region: regionSchema.optional().describe('Only providers tagged with this region may serve the route.'),
    shadow: z
      .object({
        model: modelIdSchema,
        percent: z.number().min(0).max(100).default(100).describe('Share of requests copied to it.'),
        chargeBudget: z.boolean().default(false).describe('Count its tokens against the budgets.'),
      })
      .strict()
      .optional()
      .describe('A challenger model sent a copy of each request off the response path; never returned.'),
  })
  .strict();
export type RouteConfig = z.infer<typeof routeSchema>;

export const responseCacheSchema = z
  .object({
    enabled: z.boolean().default(false).describe('Serve identical chat requests from KV.'),
    ttlSeconds: z
      .int()
      .min(60)
      .max(86_400 * 30)
      .default(300),
  })
  .strict();
export type ResponseCacheSettings = z.infer<typeof responseCacheSchema>;

export interface RouteIssue {
  path: (string | number)[];
  message: string;
}

/**
 * The checks a route graph needs beyond its shape: every node named exists, the start reaches
 * every node, no cycle, split weights sum to 100, and every model is one the tenant allows.
 */
export function routeIssues(name: string, route: RouteConfig, allowed: readonly string[]): RouteIssue[] {
  const issues: RouteIssue[] = [];
  const at = (...path: (string | number)[]) => ['routes', name, ...path];
  const nodes = route.nodes;
  const exists = (node: string) => Object.hasOwn(nodes, node);
  if (!exists(route.start)) issues.push({ path: at('start'), message: `no node named "${route.start}"` });
  const edges = (node: RouteNode): string[] =>
    node.type === 'model'
      ? []
      : node.type === 'conditional'
        ? [...node.branches.map((branch) => branch.next), node.else]
        : node.type === 'split'
          ? node.branches.map((branch) => branch.next)
          : [node.next, node.fallback];
  for (const [nodeName, node] of Object.entries(nodes)) {
    for (const next of edges(node)) {
      if (!exists(next))
        issues.push({ path: at('nodes', nodeName), message: `leads to "${next}", which is not a node` });
    }
    if (node.type === 'split') {
      const total = node.branches.reduce((sum, branch) => sum + branch.weight, 0);
      if (total !== 100)
        issues.push({ path: at('nodes', nodeName, 'branches'), message: `weights sum to ${total}, not 100` });
    }
    if (node.type === 'model') {
      for (const model of [node.model, ...node.fallbacks]) {
        if (!allowed.includes(model))
          issues.push({ path: at('nodes', nodeName), message: `model "${model}" is not in models.allowed` });
      }
    }
    if (node.type === 'limit' && node.rate === undefined && node.tokensPerDay === undefined) {
      issues.push({ path: at('nodes', nodeName), message: 'a limit node needs rate or tokensPerDay' });
    }
  }
  if (route.shadow && !allowed.includes(route.shadow.model)) {
    issues.push({
      path: at('shadow', 'model'),
      message: `model "${route.shadow.model}" is not in models.allowed`,
    });
  }
  if (issues.length > 0 || !exists(route.start)) return issues;
  // Depth-first from the start: a node met again on the current path closes a cycle.
  const reached = new Set<string>();
  const visit = (node: string, path: string[]): void => {
    if (path.includes(node)) {
      issues.push({ path: at('nodes', node), message: `cycle: ${[...path, node].join(' → ')}` });
      return;
    }
    if (reached.has(node)) return;
    reached.add(node);
    const config = nodes[node];
    if (config) for (const next of edges(config)) visit(next, [...path, node]);
  };
  visit(route.start, []);
  for (const nodeName of Object.keys(nodes)) {
    if (!reached.has(nodeName))
      issues.push({ path: at('nodes', nodeName), message: `unreachable from "${route.start}"` });
  }
  return issues;
}
