import { GatewayError, isGatewayError } from '@aigw/core';
import {
  estimateMessagesTokens,
  estimateTokens,
  routeChat,
  type AttemptRecord,
  type ChatEvent,
  type ChatMessage,
  type FinishReason,
  type ModelRoute,
  type RouterDeps,
  type RoutedChat,
  type ToolCall,
  type ToolSpec,
} from '@aigw/ai';
import type { ApiKeyConfig, TenantConfig } from '@aigw/tenancy';
import { costOf, type UsageRecord } from '@aigw/observability';

export interface ChatInput {
  tenant: TenantConfig;
  apiKey: ApiKeyConfig;
  requestId: string;
  /** The HTTP route, for usage records ("/chat", "/v1/chat/completions"). */
  httpRoute: string;
  modelRoute: ModelRoute;
  requestedModel?: string | undefined;
  messages: ChatMessage[];
  maxTokens?: number | undefined;
  temperature?: number | undefined;
  tools?: ToolSpec[] | undefined;
  stream: boolean;
  /** Output tokens the caller's budget covers; an answer running past it ends with budget_exceeded. */
  outputTokenLimit?: number | undefined;
}

/** How a call ended, with its usage record; resolved once, whatever happened. */
export interface ChatOutcome {
  usage: UsageRecord;
  text: string;
  toolCalls: ToolCall[];
  finishReason: FinishReason | undefined;
  error: GatewayError | undefined;
}

/** A call that has produced its first token: its stream is committed. */
export interface ChatRun {
  modelId: string;
  providerName: string;
  attempts: AttemptRecord[];
  ttftMs: number;
  /** The model's events; consume once. Throws `GatewayError` if the upstream fails mid-stream. */
  events: AsyncIterable<ChatEvent>;
  /** Aborts the upstream call (client disconnected). */
  cancel(): void;
  outcome: Promise<ChatOutcome>;
}

/**
 * Starts a model call and accounts for it: tokens (provider figures, else estimates marked as
 * such), time to first token, latency, attempts and cost. Throws before the first token (the
 * caller can still answer with an HTTP error); after it, failures surface in `events` and in the
 * outcome, which is recorded as incomplete.
 */
export async function startChat(
  deps: RouterDeps,
  input: ChatInput,
  report: (usage: Promise<UsageRecord>) => void,
): Promise<ChatRun> {
  const started = Date.now();
  const controller = new AbortController();
  const base = {
    requestId: input.requestId,
    tenantId: input.tenant.id,
    keyId: input.apiKey.id,
    route: input.httpRoute,
    cached: false,
  };

  let routed: RoutedChat;
  try {
    routed = await routeChat(deps, {
      tenant: input.tenant,
      route: input.modelRoute,
      requestId: input.requestId,
      requestedModel: input.requestedModel,
      messages: input.messages,
      maxTokens: input.maxTokens,
      temperature: input.temperature,
      tools: input.tools,
      stream: input.stream,
      signal: controller.signal,
    });
  } catch (error) {
    const gatewayError = isGatewayError(error)
      ? error
      : new GatewayError('internal', undefined, { cause: error });
    const attempts = (gatewayError.details?.attempts as AttemptRecord[] | undefined) ?? [];
    const modelId = attempts.at(-1)?.modelId ?? input.requestedModel ?? input.tenant.models.chat;
    report(
      Promise.resolve({
        ...base,
        model: modelId,
        provider: modelId.slice(0, modelId.indexOf('/')),
        attempts: attempts.length,
        status: 'error',
        errorCode: gatewayError.code,
        inputTokens: 0,
        outputTokens: 0,
        estimated: false,
        ttftMs: null,
        latencyMs: Date.now() - started,
        costUsd: 0,
        priced: true,
      }),
    );
    throw gatewayError;
  }

  let resolveOutcome: (outcome: ChatOutcome) => void = () => undefined;
  const outcome = new Promise<ChatOutcome>((resolve) => {
    resolveOutcome = resolve;
  });
  report(outcome.then((o) => o.usage));

  const { target, attempts, ttftMs } = routed;
  const state = {
    text: '',
    toolCalls: [] as ToolCall[],
    reported: undefined as { inputTokens: number; outputTokens: number } | undefined,
    finishReason: undefined as FinishReason | undefined,
    error: undefined as GatewayError | undefined,
    settled: false,
  };

  /** Resolves the outcome once, from whatever was streamed; a run with no finish was cancelled. */
  const settle = (): void => {
    if (state.settled) return;
    state.settled = true;
    const inputTokens = state.reported?.inputTokens ?? estimateMessagesTokens(input.messages);
    const outputTokens = state.reported?.outputTokens ?? estimateTokens(state.text);
    const cost = costOf(target.modelId, inputTokens, outputTokens);
    const status = state.error ? 'incomplete' : state.finishReason === undefined ? 'cancelled' : 'complete';
    resolveOutcome({
      text: state.text,
      toolCalls: state.toolCalls,
      finishReason: state.finishReason,
      error: state.error,
      usage: {
        ...base,
        model: target.modelId,
        provider: target.providerName,
        attempts: attempts.length,
        status,
        ...(state.error ? { errorCode: state.error.code } : {}),
        inputTokens,
        outputTokens,
        estimated: state.reported === undefined,
        ttftMs,
        latencyMs: Date.now() - started,
        costUsd: cost.costUsd,
        priced: cost.priced,
      },
    });
  };

  async function* accounted(): AsyncIterable<ChatEvent> {
    try {
      for await (const event of routed.events) {
        if (event.type === 'delta') {
          state.text += event.text;
          if (input.outputTokenLimit !== undefined && estimateTokens(state.text) > input.outputTokenLimit) {
            // The chunk that crossed the limit is not delivered, so it is not recorded either.
            state.text = state.text.slice(0, state.text.length - event.text.length);
            state.error = new GatewayError(
              'budget_exceeded',
              `The answer reached the ${input.outputTokenLimit} output tokens its budget reservation covers.`,
            );
            controller.abort(state.error);
            throw state.error;
          }
        } else if (event.type === 'tool_calls') state.toolCalls.push(...event.calls);
        else if (event.type === 'usage')
          state.reported = { inputTokens: event.inputTokens, outputTokens: event.outputTokens };
        else state.finishReason = event.reason;
        yield event;
      }
    } catch (thrown) {
      if (thrown === state.error) throw thrown;
      if (!controller.signal.aborted) {
        state.error = isGatewayError(thrown)
          ? thrown
          : new GatewayError('upstream_error', undefined, { cause: thrown });
        throw state.error;
      }
    } finally {
      settle();
    }
  }

  return {
    modelId: target.modelId,
    providerName: target.providerName,
    attempts,
    ttftMs,
    events: accounted(),
    cancel: () => {
      controller.abort(new GatewayError('internal', 'The client closed the connection.'));
      // The consumer may never have started the events (client gone before the first frame).
      settle();
    },
    outcome,
  };
}

/** Consumes a run to its end (non-streamed answers); rethrows a mid-stream failure. */
export async function drain(run: ChatRun): Promise<ChatOutcome> {
  const iterator = run.events[Symbol.asyncIterator]();
  while (!(await iterator.next()).done) {
    // Accounting happens inside the iterator; nothing to do per event here.
  }
  return run.outcome;
}
