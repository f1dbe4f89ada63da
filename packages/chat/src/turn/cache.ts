import { z } from 'zod';
import { canonicalJson, sha256Hex } from '@aigw/core';
import type { ChatMessage, Selection, ToolSpec } from '@aigw/ai';
import { ResponseCache } from '@aigw/cache';
import type { UsageRecord } from '@aigw/observability';
import type { TenantConfig } from '@aigw/tenancy';
import type { EngineDeps } from '../deps.ts';
import type { ChatOutcome, TurnEvent } from '../events.ts';
import type { Caller, ChatRequest } from '../request.ts';
import { selectionFields } from '../run/run.ts';

/**
 * The exact-match response cache (docs/routing.md), opt-in per tenant (`responseCache.enabled`)
 * and per request (`cache: skip | refresh`). A hit is served without a model call, a budget hold
 * or a session; it is recorded in usage as a hit, with the tokens it saved.
 */

/** How a request asks the cache to treat it: as usual, not at all, or by writing a fresh answer. */
export type CacheMode = 'default' | 'skip' | 'refresh';

/** What the turn did with the cache, for the `x-gateway-cache` header. */
export type CacheStatus = 'hit' | 'miss' | 'skip' | 'refresh';

const cachedAnswer = z.object({
  model: z.string(),
  provider: z.string(),
  text: z.string(),
  toolCalls: z.array(z.object({ id: z.string(), name: z.string(), arguments: z.string() })),
  finishReason: z.enum(['stop', 'length', 'tool_calls', 'content_filter']),
  usage: z.object({ inputTokens: z.int(), outputTokens: z.int(), costUsd: z.number() }),
});
export type CachedAnswer = z.infer<typeof cachedAnswer>;

/** Answers larger than this are not cached: a KV value is read whole on every hit. */
const MAX_CACHED_CHARS = 256 * 1024;

/** One fingerprint per config object (the registry's objects live as long as the isolate). */
const fingerprints = new WeakMap<TenantConfig, Promise<string>>();

function fingerprint(tenant: TenantConfig): Promise<string> {
  let version = fingerprints.get(tenant);
  if (version === undefined) {
    version = sha256Hex(canonicalJson(tenant)).then((hex) => hex.slice(0, 16));
    fingerprints.set(tenant, version);
  }
  return version;
}

/** The cache lookup of one turn: its key, and the entry when there was one. */
export interface CacheLookup {
  status: CacheStatus;
  hit: CachedAnswer | undefined;
  /** Stores the turn's answer under the lookup's key (a miss or a refresh); never throws. */
  store: (outcome: ChatOutcome) => Promise<void>;
}

/**
 * Looks the request up, when the tenant caches and the request may be cached: not on a session
 * (its history is not in the request), not with gateway tools (they act) nor RAG (the corpus
 * changes), and not when the client asks to skip. Undefined when the cache is not consulted.
 */
export async function lookupCache(
  deps: Pick<EngineDeps, 'responseCache' | 'log'>,
  caller: Caller,
  request: ChatRequest,
  key: {
    selection: Selection;
    messages: ChatMessage[];
    tools: ToolSpec[] | undefined;
    gatewayTools: boolean;
  },
): Promise<CacheLookup | undefined> {
  const settings = caller.tenant.responseCache;
  const kv = deps.responseCache;
  if (!settings.enabled || kv === undefined) return undefined;
  const mode = request.cache ?? 'default';
  if (mode === 'skip' || request.sessionId !== undefined || request.rag === true || key.gatewayTools) {
    return { status: 'skip', hit: undefined, store: () => Promise.resolve() };
  }
  const cache = new ResponseCache<CachedAnswer>({
    kv,
    tenantId: caller.tenant.id,
    version: await fingerprint(caller.tenant),
    ttlSeconds: settings.ttlSeconds,
    decode: (value) => cachedAnswer.safeParse(value).data,
  });
  const entryKey = await cache.keyFor({
    // The model after aliasing or routing: two names for one model share answers, one name moved
    // to another model does not serve the old one's.
    model: key.selection.model,
    fallbacks: key.selection.fallbacks,
    messages: key.messages,
    params: request.params,
    tools: key.tools ?? [],
  });
  const hit = mode === 'refresh' ? undefined : await cache.get(entryKey).catch(() => undefined);
  return {
    status: hit ? 'hit' : mode === 'refresh' ? 'refresh' : 'miss',
    hit,
    store: async (outcome) => {
      // Only a whole answer is kept: never a cut, a cancelled or an oversized one.
      if (outcome.error || outcome.finishReason === undefined || outcome.text.length > MAX_CACHED_CHARS)
        return;
      const { usage } = outcome;
      await cache
        .put(entryKey, {
          model: usage.model,
          provider: usage.provider,
          text: outcome.text,
          toolCalls: outcome.toolCalls,
          finishReason: outcome.finishReason,
          usage: { inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, costUsd: usage.costUsd },
        })
        .catch((error: unknown) => {
          deps.log({
            level: 'warn',
            msg: 'response not cached',
            requestId: caller.requestId,
            error: String(error),
          });
        });
    },
  };
}

/**
 * A cached answer replayed as a turn's events: the text in word-sized deltas (so a stream is a
 * stream, in the API's own framing), the client's tool calls, then the end. The client is shown
 * the answer as it was made (its token counts, as a cache in front of any API returns them) at no
 * cost; the usage record the gateway keeps is a hit: no tokens spent, what it saved beside.
 */
export function replay(
  caller: Caller,
  request: ChatRequest,
  hit: CachedAnswer,
  selection: Selection,
): { events: AsyncIterable<TurnEvent>; usage: UsageRecord } {
  const usage: UsageRecord = {
    requestId: caller.requestId,
    tenantId: caller.tenant.id,
    keyId: caller.apiKey.id,
    route: request.api,
    model: hit.model,
    provider: hit.provider,
    attempts: 0,
    status: 'complete',
    inputTokens: 0,
    outputTokens: 0,
    estimated: false,
    ttftMs: 0,
    latencyMs: 0,
    costUsd: 0,
    priced: true,
    cached: true,
    saved: hit.usage,
    ...selectionFields(selection),
  };
  const outcome: ChatOutcome = {
    usage: { ...usage, inputTokens: hit.usage.inputTokens, outputTokens: hit.usage.outputTokens },
    text: hit.text,
    toolCalls: hit.toolCalls,
    finishReason: hit.finishReason,
    error: undefined,
  };
  // eslint-disable-next-line @typescript-eslint/require-await -- a synchronous source meeting the AsyncIterable contract
  async function* events(): AsyncIterable<TurnEvent> {
    for (const text of hit.text.split(/(?<=\s)/)) if (text !== '') yield { type: 'delta', text };
    if (hit.toolCalls.length > 0) yield { type: 'tool_calls', calls: hit.toolCalls };
    yield { type: 'end', end: { ok: true, outcome, finishReason: hit.finishReason, sources: undefined } };
  }
  return { events: events(), usage };
}
