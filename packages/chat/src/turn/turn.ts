import { GatewayError } from '@aigw/core';
import { resolveTargets, selectModel, type ChatMessage, type RouteTaken, type ToolCall } from '@aigw/ai';
import { routeBudgetScope } from '@aigw/limits';
import type { EngineDeps, RagContext } from '../deps.ts';
import type { ChatOutcome, ToolOutcome, TurnEnd, TurnEvent } from '../events.ts';
import type { Caller, ChatRequest } from '../request.ts';
import { startRun } from '../run/run.ts';
import { turnTools } from '../tools/tools.ts';
import { holdBudget, settleLater, type BudgetHold } from './budget.ts';
import { endOf } from './end.ts';
import { routeLimits } from './route-limits.ts';
import { chatGuard, guardedMessages } from './guardrails.ts';
import { beginSessionTurn, sessionInputOf, systemPromptOf, type SessionTurn } from './session.ts';
import { startShadow } from './shadow.ts';
import { lookupCache, replay, type CacheStatus } from './cache.ts';

/**
 * How long a streamed frame may wait unread before the client counts as gone, on a turn that holds
 * a session lock or a budget reservation. workerd does not always report a disconnect: when the
 * next frame is ready at once, the body is simply no longer read (no abort, no cancel), which
 * would leave the call, its lock and its hold waiting for their timeouts. A live client reads
 * within this even when slow, like nginx's `send_timeout`; time spent waiting for the upstream does
 * not count.
 */
export const CLIENT_IDLE_MS = 30_000;

/** A gateway tool the model called and what it returned, for a JSON answer that lists them. */
export interface ToolStep {
  call: ToolCall;
  outcome: ToolOutcome;
}

/** A finished turn, for an API that answers with one JSON body. */
export interface TurnResult {
  outcome: ChatOutcome;
  finishReason: Extract<TurnEnd, { ok: true }>['finishReason'];
  toolSteps: ToolStep[];
  sources: TurnEnd['sources'];
}

/** A turn that has its first token: what a codec renders. */
export interface Turn {
  /** The model that answers (a fallback's id when one did) and its provider. */
  modelId: string;
  providerName: string;
  /** The session the turn is stored in, if any. */
  sessionId: string | undefined;
  /** The route the request took, when it named one (`x-gateway-route`). */
  route: RouteTaken | undefined;
  /** What the response cache did, when the tenant has one (`x-gateway-cache`). */
  cache: CacheStatus | undefined;
  /** The events, ending with exactly one `end`; never throws. Consume once, or call `result`. */
  events: AsyncIterable<TurnEvent>;
  /** Consumes the events to the end; throws the turn's failure (nothing incomplete is returned). */
  result: () => Promise<TurnResult>;
  /**
   * The upstream's own OpenAI chunk stream, relayed as bytes, when the turn has nothing to change
   * in it: no session, no tools, no budget cap the provider does not enforce. Undefined otherwise.
   */
  relay: (renderError: (error: GatewayError) => string) => ReadableStream<Uint8Array> | undefined;
  /** The client went away: cancels the upstream call; the turn is still settled. */
  cancel: () => void;
  /**
   * How long a streamed frame may wait unread before the client counts as gone: `CLIENT_IDLE_MS`
   * when the turn holds a session lock or a budget reservation, which a vanished client must not
   * keep; undefined otherwise (the call then ends at its total timeout).
   */
  clientIdleMs: number | undefined;
}

/**
 * Starts a chat turn, the same way for every API: tools and model resolved (an unknown tool, a
 * model not allowed or a parameter its provider cannot honour is refused before anything is
 * locked or reserved), retrieval on a RAG turn, the session turn begun, the worst case reserved in
 * the budgets, then the model called with retries and fallback. Throws before the first token
 * (with everything taken released); after it, the turn always ends with its `end` event, its
 * session turn written and its budget settled first, even when the client has gone.
 */
export async function startTurn(deps: EngineDeps, caller: Caller, request: ChatRequest): Promise<Turn> {
  const { tenant } = caller;
  const modelRoute = request.modelRoute ?? 'chat';
  const tools = turnTools(deps, tenant, request.tools, request.params.toolChoice);
  // An alias, a route walked to its model (its limit nodes checked), a model id, or the default.
  const selection = await selectModel(
    tenant,
    modelRoute,
    request.model,
    {
      api: request.api,
      user: request.params.user,
      sessionId: request.sessionId,
      keyId: caller.apiKey.id,
      keyMetadata: caller.apiKey.metadata,
      metadata: request.metadata ?? {},
      requestId: caller.requestId,
    },
    routeLimits(deps, tenant),
  );
  const [primary] = resolveTargets(tenant, selection, request.params, request.paramNames);
  // Guardrails on input: what the cache, the model, the session and retrieval see from here on. A
  // blocked request is refused before the cache is read, so no cached answer can get around it.
  const guard = chatGuard(deps, caller, request);
  const asked = await guardedMessages(guard, request.messages);
  const cache = await lookupCache(deps, caller, request, {
    selection,
    messages: asked,
    tools: tools?.specs,
    gatewayTools: tools?.gateway ?? false,
  });
  if (cache?.hit) {
    // Served from the cache: no model call, no budget hold, no session (cached turns have none).
    const { events, usage } = replay(caller, request, cache.hit, selection);
    deps.reportUsage(Promise.resolve(usage));
    return {
      modelId: cache.hit.model,
      providerName: cache.hit.provider,
      sessionId: undefined,
      route: selection.route,
      cache: 'hit',
      events,
      result: () => resultOf(events),
      relay: () => undefined,
      cancel: () => undefined,
      clientIdleMs: undefined,
    };
  }
  const session = request.sessionId === undefined ? undefined : sessionInputOf(request.sessionId, asked);
  const rag = request.rag === true ? await retrieval(deps, tenant.features.rag, asked) : undefined;

  // The request stays alive until the turn is settled or has failed: a client that disconnects
  // before the first token must still have its lock and its reservation released.
  const ended = deps.keepAlive();
  let turn: SessionTurn | undefined;
  let hold: BudgetHold | undefined;
  try {
    turn =
      session === undefined
        ? undefined
        : await beginSessionTurn(
            deps.sessions,
            caller,
            { ...session, prompt: rag?.prompt, system: rag?.system ?? session.system },
            deps.keepAlive,
          );
    const messages = turn?.messages ?? (rag ? withRag(asked, rag) : asked);
    const branchBudget = selection.route?.budget;
    hold = await holdBudget(
      deps,
      caller,
      { messages, maxTokens: request.params.maxTokens, modelId: primary?.modelId ?? selection.model },
      branchBudget && selection.route
        ? [routeBudgetScope(selection.route.name, branchBudget.node, branchBudget.tokensPerDay)]
        : [],
    );
    const held = hold;
    const finish = async (outcome: ChatOutcome): Promise<TurnEnd> => {
      deps.reportOutcome?.(outcome);
      // Settled off the response path (the end event does not wait for it): until it lands the
      // hold still counts the whole worst case, so nothing can be overspent meanwhile.
      if (held !== undefined) settleLater(deps, caller.requestId, () => held.settle(outcome.usage));
      const saveError = await turn?.finish(outcome);
      if (cache !== undefined && cache.status !== 'skip') {
        // Written off the response path: the client's end event does not wait for KV.
        const stored = deps.keepAlive();
        void cache.store(outcome).finally(stored);
      }
      return endOf(outcome, saveError, rag?.sources);
    };
    const run = await startRun(
      deps.router,
      {
        caller,
        api: request.api,
        modelRoute,
        selection,
        messages,
        params: request.params,
        paramNames: request.paramNames,
        tools: tools?.specs,
        stream: request.stream,
        outputTokenLimit: hold?.outputLimit,
        signal: caller.signal,
        // Guardrails on output, only when the policy has some: no layer on a chunk's path otherwise.
        output: guard?.stream(),
        // A stored answer, or one the caller keeps, needs its text, relayed or not.
        keepText: request.keepText === true || (cache !== undefined && cache.status !== 'skip'),
      },
      deps.reportUsage,
      finish,
      tools?.loop,
    );
    void run.end.finally(ended);
    // A challenger model gets a copy off the response path, once the answer is settled.
    if (selection.route?.shadow) {
      const shadow = selection.route.shadow;
      const route = selection.route;
      void run.end.then(() =>
        startShadow(deps, caller, { api: request.api, route, shadow, messages, params: request.params }),
      );
    }
    return {
      modelId: run.modelId,
      providerName: run.providerName,
      sessionId: turn?.sessionId,
      route: selection.route,
      cache: cache?.status,
      events: run.events,
      result: () => resultOf(run.events),
      // A session turn is written from events the gateway reads itself.
      relay: (renderError) => (turn === undefined ? run.relay(renderError) : undefined),
      cancel: run.cancel,
      clientIdleMs: turn !== undefined || hold !== undefined ? CLIENT_IDLE_MS : undefined,
    };
  } catch (error) {
    await Promise.allSettled([hold?.release(), turn?.abort()]);
    ended();
    throw error;
  }
}

async function retrieval(
  deps: EngineDeps,
  enabled: boolean,
  messages: readonly ChatMessage[],
): Promise<RagContext> {
  if (!enabled)
    throw new GatewayError('feature_disabled', 'The "rag" feature is not enabled for this tenant.');
  const question = messages.at(-1);
  if (question?.role !== 'user') {
    throw new GatewayError('invalid_request', 'A RAG turn needs the question as the last message.', {
      param: 'messages',
    });
  }
  return deps.retrieve(question.content, systemPromptOf(messages));
}

/** The conversation with the retrieval prompt: its system prompt first, the question with sources last. */
function withRag(messages: readonly ChatMessage[], rag: RagContext): ChatMessage[] {
  const turns = messages.filter((message) => message.role !== 'system');
  return [
    { role: 'system', content: rag.system },
    ...turns.slice(0, -1),
    { role: 'user', content: rag.prompt },
  ];
}

async function resultOf(events: AsyncIterable<TurnEvent>): Promise<TurnResult> {
  const toolSteps: ToolStep[] = [];
  for await (const event of events) {
    if (event.type === 'tool_result') toolSteps.push({ call: event.call, outcome: event.outcome });
    else if (event.type === 'end') {
      const { end } = event;
      if (!end.ok) throw end.error;
      return { outcome: end.outcome, finishReason: end.finishReason, toolSteps, sources: end.sources };
    }
  }
  // The engine always ends its events with `end`; reaching here is a bug.
  throw new GatewayError('internal', 'The turn ended without its end event.');
}
