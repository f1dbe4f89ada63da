import { GatewayError, sha256Hex } from '@aigw/core';
import { aliasTarget, type Condition, type RouteConfig, type RouteNode } from '@aigw/ai/settings';
import type { TenantConfig } from '@aigw/tenancy';
import type { ModelRoute } from './resolve.ts';

/**
 * Choosing the model for a request (docs/routing.md): a model id as asked; an alias; a route
 * walked node by node (conditions, sticky splits, limits that fall through) down to its model; or
 * the tenant's default. Pure but for the limit checks, which go through `RouteLimits`.
 */

/** What a route's conditions and splits may read about a request: never its body. */
export interface RouteFacts {
  /** The API route (`/v1/chat/completions`). */
  api: string;
  /** The request's end user (`user`, `metadata.user_id`), if it named one. */
  user: string | undefined;
  sessionId: string | undefined;
  keyId: string;
  keyMetadata: Readonly<Record<string, string>>;
  /** The `x-gateway-metadata` header's fields. */
  metadata: Readonly<Record<string, string>>;
  requestId: string;
}

/** The checks of a route's `limit` nodes, against the tenant's limiter and budget objects. */
export interface RouteLimits {
  /** Admits one request on the node's rate; false once it is spent. */
  admit(route: string, node: string, rate: { rate: number; burst: number }): Promise<boolean>;
  /** Whether the node's daily token budget has any left. */
  hasTokens(route: string, node: string, tokensPerDay: number): Promise<boolean>;
}

/** The route a request took: what usage, logs and the `x-gateway-route` header record. */
export interface RouteTaken {
  name: string;
  version: number;
  /** The model node that answered: the branch an A/B is read by. */
  branch: string;
  /** Every node passed, in order. */
  path: string[];
  region: string | undefined;
  shadow: RouteConfig['shadow'];
  /** The daily token budget of the limit node passed last, if any: settled with the call. */
  budget: { node: string; tokensPerDay: number } | undefined;
}

export interface Selection {
  /** What the client sent as `model`, when it named anything. */
  asked: string | undefined;
  /** How `model` was chosen. */
  by: 'model' | 'alias' | 'route' | 'default';
  model: string;
  fallbacks: string[];
  route: RouteTaken | undefined;
}

/** The most nodes a walk passes: validation refuses cycles, this guards the walk all the same. */
const MAX_STEPS = 64;

export async function selectModel(
  tenant: TenantConfig,
  modelRoute: ModelRoute,
  asked: string | undefined,
  facts: RouteFacts,
  limits: RouteLimits,
): Promise<Selection> {
  if (asked === undefined) {
    const model = tenant.models[modelRoute] ?? tenant.models.chat;
    return { asked, by: 'default', model, fallbacks: tenant.models.fallbacks, route: undefined };
  }
  const alias = tenant.models.aliases[asked];
  if (alias !== undefined) {
    const { model, fallbacks } = aliasTarget(alias);
    return { asked, by: 'alias', model, fallbacks, route: undefined };
  }
  const route = tenant.routes[asked];
  if (route !== undefined) return walk(asked, route, facts, limits);
  if (!tenant.models.allowed.includes(asked)) {
    throw new GatewayError('model_not_allowed', `Model "${asked}" is not allowed for this tenant.`, {
      param: 'model',
      details: { model: asked, allowed: tenant.models.allowed },
    });
  }
  return { asked, by: 'model', model: asked, fallbacks: tenant.models.fallbacks, route: undefined };
}

async function walk(
  name: string,
  route: RouteConfig,
  facts: RouteFacts,
  limits: RouteLimits,
): Promise<Selection> {
  const path: string[] = [];
  let budget: RouteTaken['budget'];
  let current = route.start;
  for (let step = 0; step < MAX_STEPS; step++) {
    path.push(current);
    const node: RouteNode | undefined = route.nodes[current];
    // The registry build validates every route; a missing node here is a config bug.
    if (node === undefined)
      throw new GatewayError('misconfigured', `Route "${name}" has no node "${current}".`);
    switch (node.type) {
      case 'model':
        return {
          asked: name,
          by: 'route',
          model: node.model,
          fallbacks: node.fallbacks,
          route: {
            name,
            version: route.version,
            branch: current,
            path,
            region: route.region,
            shadow: route.shadow,
            budget,
          },
        };
      case 'conditional':
        current =
          node.branches.find((branch) => branch.when.every((c) => holds(c, facts)))?.next ?? node.else;
        break;
      case 'split':
        current = await splitBranch(name, route.version, current, node, facts);
        break;
      case 'limit': {
        const admitted =
          (node.rate === undefined || (await limits.admit(name, current, node.rate))) &&
          (node.tokensPerDay === undefined || (await limits.hasTokens(name, current, node.tokensPerDay)));
        if (admitted && node.tokensPerDay !== undefined)
          budget = { node: current, tokensPerDay: node.tokensPerDay };
        current = admitted ? node.next : node.fallback;
        break;
      }
    }
  }
  throw new GatewayError('misconfigured', `Route "${name}" did not reach a model in ${MAX_STEPS} steps.`);
}

/** The value a condition reads, or undefined when the request does not carry it. */
function fieldOf(field: string, facts: RouteFacts): string | undefined {
  if (field === 'api') return facts.api;
  if (field === 'user') return facts.user;
  if (field === 'key.id') return facts.keyId;
  if (field.startsWith('key.metadata.')) return facts.keyMetadata[field.slice('key.metadata.'.length)];
  return facts.metadata[field.slice('metadata.'.length)];
}

export function holds(condition: Condition, facts: RouteFacts): boolean {
  const value = fieldOf(condition.field, facts);
  switch (condition.op) {
    case 'exists':
      return value !== undefined;
    case 'eq':
      return value !== undefined && value === condition.value;
    case 'in':
      return value !== undefined && Array.isArray(condition.value) && condition.value.includes(value);
    case 'prefix':
      return value !== undefined && typeof condition.value === 'string' && value.startsWith(condition.value);
  }
}

/**
 * The branch of a split: a point in [0, 100) from SHA-256 of the route, its version, the node and
 * the sticky value, so the same user (session, key) always lands on the same branch of one route
 * version, and users spread by the weights. Without the sticky value the request id is used.
 */
export async function splitBranch(
  route: string,
  version: number,
  nodeName: string,
  node: Extract<RouteNode, { type: 'split' }>,
  facts: RouteFacts,
): Promise<string> {
  const sticky =
    node.by === 'user'
      ? facts.user
      : node.by === 'session'
        ? facts.sessionId
        : node.by === 'key'
          ? facts.keyId
          : undefined;
  const point = await pointOf(`${route}\u0000${version}\u0000${nodeName}\u0000${sticky ?? facts.requestId}`);
  let upTo = 0;
  for (const branch of node.branches) {
    upTo += branch.weight;
    if (point < upTo) return branch.next;
  }
  // Weights sum to 100 (validated): only rounding can land here.
  return node.branches.at(-1)?.next ?? nodeName;
}

/** A uniform point in [0, 100) from the first 48 bits of the text's SHA-256. */
async function pointOf(text: string): Promise<number> {
  const hex = await sha256Hex(text);
  return (Number.parseInt(hex.slice(0, 12), 16) / 2 ** 48) * 100;
}
