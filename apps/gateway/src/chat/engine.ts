import type { Context } from 'hono';
import { routePath } from 'hono/route';
import { ERROR_CODES, GatewayError, isErrorCode, isGatewayError } from '@aigw/core';
import type { ProviderEnv } from '@aigw/ai';
import {
  completeForTool,
  startTurn,
  type Caller,
  type ChatRequest,
  type EngineDeps,
  type Turn,
} from '@aigw/chat';
import { branchOf, writeUsageEvent, type TenantUsageEvent, type UsageRecord } from '@aigw/observability';
import { ingestDocuments } from '@aigw/rag';
import { auditLedger, executeTool, type ToolExecution, type ToolServices } from '@aigw/tools';
import type { GatewayEnv } from '../context.ts';
import { metadataFromHeader } from '../codecs/params.ts';
import { keepAlive } from '../lib/wait-until.ts';
import { recordUsage } from '../lib/usage-batcher.ts';
import { guardDocuments, guardOf, guardPorts } from '../guardrails/index.ts';
import { chatRagContext } from '../rag/chat-context.ts';
import { attemptObserver, keepsBodies, observationOf } from '../logs/index.ts';
import { ragDeps, scopeOf } from '../rag/deps.ts';

/**
 * The chat engine's collaborators for this request, from the app's bindings and context: the one
 * place where the engine meets Hono. Routes call `startTurn(engineDeps(c), callerOf(c), request)`.
 */
export function engineDeps(c: Context<GatewayEnv>): EngineDeps {
  const { upstreamFetch, breakers } = c.get('services');
  const observation = observationOf(c);
  return {
    // Env carries the AI binding (staging/production) and the secrets tenant configs name.
    router: {
      env: c.env as unknown as ProviderEnv,
      fetch: upstreamFetch,
      breakers,
      // Every attempt into the request log and the trace; its span id goes upstream (traceparent).
      observer: attemptObserver(c),
    },
    sessions: c.env.SESSIONS,
    budgets: c.env.BUDGET,
    // One KV namespace holds each tenant's search answers and chat responses, under separate prefixes.
    responseCache: c.env.SEARCH_CACHE,
    limiters: c.env.RATE_LIMITER,
    leases: c.get('services').leases,
    keepAlive: () => keepAlive(c),
    reportUsage: (usage) => {
      c.set('usage', usage);
    },
    reportOutcome: (outcome) => {
      // The answer's text is a trace's output only where the tenant keeps content.
      observation.output = {
        text: observation.keepContent ? outcome.text : undefined,
        finishReason: outcome.finishReason,
      };
    },
    recordModelCall: (record, startedAt) => {
      recordModelCall(c, record, startedAt);
    },
    runTool: async (name, args, signal) => (await runTool(c, name, args, signal)).result,
    retrieve: (question, system) => observation.timed('retrieval', () => chatRagContext(c, question, system)),
    log: (entry) => {
      console.error(JSON.stringify(entry));
    },
    guardrails: guardPorts(c),
  };
}

/**
 * A chat API's turn: the engine started for this caller, with the request's `x-gateway-metadata`,
 * and the turn's headers set. Routes call it between their codec's decode and encode.
 */
export async function chatTurn(c: Context<GatewayEnv>, request: ChatRequest): Promise<Turn> {
  const metadata = metadataFromHeader(c.req.header('x-gateway-metadata'));
  const cache = cacheModeOf(c.req.header('x-gateway-cache'), c.req.header('cache-control'));
  observeChat(c, request, metadata);
  const keepText = observationOf(c).keepContent;
  const turn = await startTurn(engineDeps(c), callerOf(c), { ...request, metadata, cache, keepText });
  setTurnHeaders(c, turn);
  return turn;
}

/** What the request log entry and the trace keep of a chat request (docs/logs.md). */
function observeChat(
  c: Context<GatewayEnv>,
  request: ChatRequest,
  metadata: Readonly<Record<string, string>> | undefined,
): void {
  const observation = observationOf(c);
  observation.keepContent = keepsBodies(c);
  observation.chat = {
    modelRequested: request.model,
    user: request.params.user,
    metadata: metadata ?? {},
    stream: request.stream,
    sessionId: request.sessionId,
    maxTokens: request.params.maxTokens,
    temperature: request.params.temperature,
    topP: request.params.topP,
    messages: request.messages,
  };
}

/**
 * The response cache mode a request asks for: `x-gateway-cache: skip | refresh`, or HTTP's own
 * `cache-control: no-store` (skip) and `no-cache` (refresh: answer afresh, then store it).
 */
function cacheModeOf(gateway: string | undefined, control: string | undefined): ChatRequest['cache'] {
  const asked = gateway?.trim().toLowerCase();
  if (asked === 'skip' || asked === 'refresh') return asked;
  if (asked !== undefined && asked !== '') {
    throw new GatewayError('invalid_request', 'x-gateway-cache: "skip" or "refresh".', {
      param: 'x-gateway-cache',
    });
  }
  const directives = (control ?? '').toLowerCase();
  if (/\bno-store\b/.test(directives)) return 'skip';
  if (/\bno-cache\b/.test(directives)) return 'refresh';
  return 'default';
}

/**
 * The headers every chat API answers with: the model that answered and its provider, the session,
 * and the route the request took (`x-gateway-route: demo-ab; version=1; branch=b`).
 */
function setTurnHeaders(c: Context<GatewayEnv>, turn: Turn): void {
  c.header('x-gateway-model', turn.modelId);
  c.header('x-gateway-provider', turn.providerName);
  if (turn.sessionId !== undefined) c.header('x-session-id', turn.sessionId);
  if (turn.cache !== undefined) c.header('x-gateway-cache', turn.cache);
  if (turn.route !== undefined) {
    c.header(
      'x-gateway-route',
      `${turn.route.name}; version=${turn.route.version}; branch=${turn.route.branch}`,
    );
  }
}

/** The caller as authentication resolved it, with the client's connection. */
export function callerOf(c: Context<GatewayEnv>): Caller {
  return {
    tenant: c.get('tenant'),
    apiKey: c.get('apiKey'),
    requestId: c.get('requestId'),
    signal: c.req.raw.signal,
  };
}

/**
 * What tools reach the outside world through: the tenant's tools model (route "tools", accounted
 * by the engine) and the RAG ingestion of the caller's own tenant. Nothing here takes a tenant
 * from the arguments.
 */
function toolServices(c: Context<GatewayEnv>): ToolServices {
  return {
    complete: (messages, { signal }) =>
      // The request's route pattern, as on its own usage event.
      completeForTool(engineDeps(c), callerOf(c), { api: routePath(c, -1), messages, signal }),
    ingest: async (docs) => {
      if (!c.get('tenant').features.rag) {
        throw new GatewayError('feature_disabled', 'ingest_documents needs the "rag" feature.');
      }
      // Documents a tool ingests pass the tenant's ingest rules like those sent to /ingest.
      const guarded = await guardDocuments(guardOf(c, 'ingest'), docs);
      const result = await ingestDocuments(ragDeps(c), scopeOf(c), guarded.docs);
      return { ...result, failed: [...guarded.failed, ...result.failed] };
    },
  };
}

/** Runs one gateway tool for the caller: enablement, scopes, validation, timeout and audit. */
export async function runTool(
  c: Context<GatewayEnv>,
  name: string,
  rawArgs: unknown,
  signal?: AbortSignal,
): Promise<ToolExecution> {
  const tenant = c.get('tenant');
  const key = c.get('apiKey');
  const ledger = auditLedger(c.env.AUDIT_LEDGER, tenant.id);
  const clientRequestId = c.get('clientRequestId');
  const observation = observationOf(c);
  const keepContent = keepsBodies(c);
  const startMs = Date.now();
  const record = (ok: boolean, errorCode: string | undefined, result: unknown): void => {
    observation.toolCalls.push({
      name,
      startMs,
      endMs: Date.now(),
      ok,
      errorCode,
      ...(keepContent ? { args: rawArgs, result } : {}),
    });
  };
  try {
    const execution = await executeTool({
      name,
      rawArgs,
      tenant,
      settings: tenant.tools,
      scopes: key.scopes,
      keyId: key.id,
      requestId: c.get('requestId'),
      services: toolServices(c),
      // The client's id goes beside the server's, for correlation; the entry is owned by the server id.
      audit: {
        append: (entry) =>
          ledger.append(clientRequestId === undefined ? entry : { ...entry, clientRequestId }),
      },
      signal,
      // The tenant's tools rules: arguments in (whoever sent them, a client or a model), result out.
      guard: guardOf(c, 'tools'),
    });
    record(true, undefined, execution.result);
    return execution;
  } catch (error) {
    record(false, isGatewayError(error) ? error.code : 'tool_failed', undefined);
    throw error;
  }
}

/**
 * Records a model call the request made besides its own answer (a tool's call to the tools model):
 * one usage event of its own, under the request's server id, in the tenant's usage store and
 * Analytics Engine, and its record on the request's log line (`modelCalls`). The request's own
 * model call is recorded from its log line; this covers every other one.
 */
function recordModelCall(c: Context<GatewayEnv>, record: UsageRecord, time: number): void {
  // Set by the request log middleware, which every request of the app passes first.
  c.get('modelCalls').push(record);
  const event: TenantUsageEvent = {
    tenantId: record.tenantId,
    requestId: record.requestId,
    time,
    route: record.route,
    // A model call has no HTTP status of its own: 200, or the status its error code answers with.
    status:
      record.errorCode !== undefined && isErrorCode(record.errorCode)
        ? ERROR_CODES[record.errorCode].status
        : 200,
    ...(record.errorCode !== undefined ? { errorCode: record.errorCode } : {}),
    keyId: record.keyId,
    model: record.model,
    inputTokens: record.inputTokens,
    outputTokens: record.outputTokens,
    costUsd: record.costUsd,
    latencyMs: record.latencyMs,
    ttftMs: record.ttftMs,
    cacheHit: null,
    // A shadow call is recorded on its route's `shadow` branch, beside the live branches.
    branch: record.routing ? branchOf(record.routing) : null,
  };
  if (c.env.USAGE_EVENTS) writeUsageEvent(c.env.USAGE_EVENTS, event);
  recordUsage(c, event);
}
