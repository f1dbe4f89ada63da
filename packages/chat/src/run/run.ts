import { GatewayError, TokenCounter, isGatewayError } from '@aigw/core';
import {
  ProviderError,
  estimateMessagesTokens,
  estimateTokens,
  routeChat,
  type AttemptRecord,
  type ChatMessage,
  type FinishReason,
  type GenerationParam,
  type GenerationParams,
  type ModelRoute,
  type RouterDeps,
  type RoutedChat,
  type Selection,
  type ToolCall,
  type ToolSpec,
} from '@aigw/ai';
import { costOf, type UsageRecord } from '@aigw/observability';
import type { Caller } from '../request.ts';
import type { ChatOutcome, ToolOutcome, TurnEnd, TurnEvent } from '../events.ts';
import { filteredCalls, type OutputFilter } from './output.ts';
import { relayBody } from './relay.ts';

/** One model call as the engine makes it: the turn's, or a tool's call to the tools model. */
export interface RunInput {
  caller: Caller;
  /** The HTTP route, for usage records ("/chat", "/v1/chat/completions", "/chat#tool"). */
  api: string;
  modelRoute: ModelRoute;
  /** The model and fallbacks chosen for the request, and how (`selectModel`). */
  selection: Selection;
  messages: ChatMessage[];
  params: GenerationParams;
  paramNames?: Partial<Record<GenerationParam, string>> | undefined;
  /** Tools the model is offered: the gateway's (run here, see `ToolLoop`) and the client's. */
  tools?: ToolSpec[] | undefined;
  stream: boolean;
  /** Output tokens the caller's budget covers; an answer running past it ends with budget_exceeded. */
  outputTokenLimit?: number | undefined;
  /**
   * Aborts the call: the client's connection (before the first token too: no retry or fallback
   * then runs for a client that is gone), or a tool's own timeout.
   */
  signal: AbortSignal;
  /** Rewrites the answer on its way to the client (output guardrails); none when undefined. */
  output?: OutputFilter | undefined;
  /**
   * The outcome must carry the answer's text even when it is relayed as bytes (the response cache
   * stores it): the relayed text is then parsed whole at its end, not only its tail.
   */
  keepText?: boolean | undefined;
}

/**
 * How the gateway runs the model's calls to its own tools: each call is executed (permission,
 * validation, audit included) and its result fed back, for at most `maxSteps` rounds. Calls to
 * tools the gateway does not own are the client's and end the answer with `tool_calls`.
 */
export interface ToolLoop {
  isGatewayTool(name: string): boolean;
  execute(call: ToolCall, signal: AbortSignal): Promise<ToolOutcome>;
  maxSteps: number;
}

/** A call that has produced its first token: its stream is committed. */
export interface Run {
  modelId: string;
  providerName: string;
  attempts: AttemptRecord[];
  ttftMs: number;
  /** The events, ending with one `end` (after `end` below has run); never throws. Consume once. */
  events: AsyncIterable<TurnEvent>;
  /**
   * The answer as the upstream's own OpenAI chunk stream, relayed by the runtime (`relayBody`)
   * instead of `events`, and accounted from the relayed text at its end. Undefined unless the
   * provider offers its raw stream and the gateway has nothing to do between chunks: no tools
   * offered, and any budget cap enforced by the provider itself (the request's max tokens).
   * `renderError` makes the terminal event written after a cut-off answer.
   */
  relay: (renderError: (error: GatewayError) => string) => ReadableStream<Uint8Array> | undefined;
  /** Aborts the upstream call (client disconnected). */
  cancel: () => void;
  /** The call's outcome, as soon as it is known. */
  outcome: Promise<ChatOutcome>;
  /** The turn's end: `finish` run on the outcome, once. */
  end: Promise<TurnEnd>;
}

/**
 * What a usage record says of how its model was chosen: usage and logs show both what was asked
 * for (an alias, a route) and the model that answered, and a routed request's branch.
 */
export function selectionFields(selection: Selection): Pick<UsageRecord, 'requested' | 'routing'> {
  return {
    ...(selection.by === 'alias' || selection.by === 'route' ? { requested: selection.asked } : {}),
    ...(selection.route
      ? {
          routing: {
            route: selection.route.name,
            version: selection.route.version,
            branch: selection.route.branch,
          },
        }
      : {}),
  };
}

/** The error for a run that stopped without finishing (and without an error of its own). */
export function unfinishedError(): GatewayError {
  return new GatewayError('upstream_error', 'The model stopped without finishing.');
}

/**
 * Starts a model call and accounts for it: tokens (provider figures, else estimates marked as
 * such), time to first token, latency, attempts and cost, summed over tool steps. Throws before
 * the first token (the caller can still answer with an HTTP error); after it, failures end the
 * event stream with an `end` that says so, and the usage record says `incomplete`.
 *
 * `finish` runs once on the outcome (store the session turn, settle the budget) before the `end`
 * event, so a client that starts its next turn on the terminal event finds its session free.
 */
export async function startRun(
  deps: RouterDeps,
  input: RunInput,
  report: (usage: Promise<UsageRecord>) => void,
  finish: (outcome: ChatOutcome) => Promise<TurnEnd>,
  loop?: ToolLoop,
): Promise<Run> {
  const started = Date.now();
  const { caller } = input;
  const controller = new AbortController();
  /** Aborts the upstream call for a client that went away. */
  const clientGone = (): void => {
    controller.abort(new GatewayError('client_closed', 'The client closed the connection.'));
  };
  /** What the client leaving does: before the first token, abort the attempt; after it, `cancel`. */
  let onClientGone = clientGone;
  if (input.signal.aborted) clientGone();
  else
    input.signal.addEventListener(
      'abort',
      () => {
        onClientGone();
      },
      { once: true },
    );
  const { selection } = input;
  const base = {
    requestId: caller.requestId,
    tenantId: caller.tenant.id,
    keyId: caller.apiKey.id,
    route: input.api,
    cached: false,
    ...selectionFields(selection),
  };
  const callModel = (messages: ChatMessage[], tools: ToolSpec[] | undefined, params: GenerationParams) =>
    routeChat(deps, {
      tenant: caller.tenant,
      route: input.modelRoute,
      requestId: caller.requestId,
      choice: selection,
      messages,
      params,
      paramNames: input.paramNames,
      tools,
      stream: input.stream,
      signal: controller.signal,
    });

  let first: RoutedChat;
  try {
    first = await callModel(input.messages, input.tools, input.params);
  } catch (error) {
    // A client gone before the first token (routing then throws client_closed): the call was
    // cancelled, not failed.
    const gone = controller.signal.aborted;
    const gatewayError = isGatewayError(error)
      ? error
      : new GatewayError('internal', undefined, { cause: error });
    const attempts = (gatewayError.details?.attempts as AttemptRecord[] | undefined) ?? [];
    const modelId = attempts.at(-1)?.modelId ?? selection.model;
    report(
      Promise.resolve({
        ...base,
        model: modelId,
        provider: modelId.slice(0, modelId.indexOf('/')),
        attempts: attempts.length,
        ...(gone
          ? { status: 'cancelled' as const }
          : { status: 'error' as const, errorCode: gatewayError.code }),
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
  const end = outcome.then(finish);

  const state = {
    target: first.target,
    attempts: first.attempts.length,
    text: '',
    clientCalls: [] as ToolCall[],
    inputTokens: 0,
    outputTokens: 0,
    costUsd: 0,
    estimated: false,
    priced: true,
    finishReason: undefined as FinishReason | undefined,
    error: undefined as GatewayError | undefined,
    settled: false,
  };
  /** The step being streamed; booked into the totals when it ends (or is cut). */
  let step = {
    messages: input.messages,
    text: '',
    reported: undefined as { inputTokens: number; outputTokens: number } | undefined,
  };

  const bookStep = (): void => {
    const inputTokens = step.reported?.inputTokens ?? estimateMessagesTokens(step.messages);
    const outputTokens = step.reported?.outputTokens ?? estimateTokens(step.text);
    const cost = costOf(state.target.modelId, inputTokens, outputTokens);
    state.inputTokens += inputTokens;
    state.outputTokens += outputTokens;
    state.costUsd += cost.costUsd;
    state.estimated ||= step.reported === undefined;
    state.priced &&= cost.priced;
  };

  /** Resolves the outcome once, from whatever was streamed; a run with no finish was cancelled. */
  const settle = (): void => {
    if (state.settled) return;
    state.settled = true;
    bookStep();
    const status = state.error ? 'incomplete' : state.finishReason === undefined ? 'cancelled' : 'complete';
    resolveOutcome({
      text: state.text,
      toolCalls: state.clientCalls,
      finishReason: state.finishReason,
      error: state.error,
      usage: {
        ...base,
        model: state.target.modelId,
        provider: state.target.providerName,
        attempts: state.attempts,
        status,
        ...(state.error ? { errorCode: state.error.code } : {}),
        inputTokens: state.inputTokens,
        outputTokens: state.outputTokens,
        estimated: state.estimated,
        ttftMs: first.ttftMs,
        latencyMs: Date.now() - started,
        costUsd: Math.round(state.costUsd * 1e6) / 1e6,
        priced: state.priced,
      },
    });
  };

  /** How the answer is delivered, once chosen: as events, or relayed as the upstream's bytes. */
  let delivery: 'events' | 'relay' | undefined;
  /** The estimate of `state.text` against the budget's output limit, kept as the text grows. */
  const output = new TokenCounter();

  /**
   * The model's events and the gateway's tool steps between them, then the end. One generator, not
   * two stacked: every streamed chunk passes through it. A failure is recorded and reported by the
   * end, never thrown.
   */
  async function* accounted(): AsyncIterable<TurnEvent> {
    delivery ??= 'events';
    let current: RoutedChat = first;
    const filter = input.output;
    let tools = input.tools;
    let params = input.params;
    let count = 0;
    try {
      for (;;) {
        const calls: ToolCall[] = [];
        let finished: FinishReason | undefined;
        for await (let event of current.events) {
          if (event.type === 'delta') {
            if (filter !== undefined) {
              const text = filter.push(event.text);
              if (text === '') continue;
              event = { type: 'delta', text };
            }
            state.text += event.text;
            step.text += event.text;
            if (input.outputTokenLimit !== undefined && output.append(event.text) > input.outputTokenLimit) {
              // The chunk that crossed the limit is not delivered, so it is not recorded either.
              state.text = state.text.slice(0, state.text.length - event.text.length);
              state.error = new GatewayError(
                'budget_exceeded',
                `The answer reached the ${input.outputTokenLimit} output tokens its budget reservation covers.`,
              );
              controller.abort(state.error);
              throw state.error;
            }
            yield event;
          } else if (event.type === 'tool_calls') calls.push(...event.calls);
          else if (event.type === 'usage')
            step.reported = { inputTokens: event.inputTokens, outputTokens: event.outputTokens };
          // The run's own finish is decided below, after any tool step.
          else finished = event.reason;
        }
        if (filter !== undefined) {
          const held = await filter.flush();
          if (held !== '') {
            state.text += held;
            step.text += held;
            yield { type: 'delta', text: held };
          }
        }

        const ours = loop ? calls.filter((call) => loop.isGatewayTool(call.name)) : [];
        const theirs = calls.filter((call) => !ours.includes(call));
        if (ours.length === 0 || theirs.length > 0 || loop === undefined) {
          // The client's tools (or no tools): the answer ends here, handing those calls over.
          state.clientCalls =
            filter === undefined || theirs.length === 0 ? theirs : await filteredCalls(filter, theirs);
          if (theirs.length > 0) yield { type: 'tool_calls', calls: state.clientCalls };
          state.finishReason = theirs.length > 0 ? 'tool_calls' : (finished ?? 'stop');
          break;
        }

        count += 1;
        const messages: ChatMessage[] = [
          ...step.messages,
          { role: 'assistant', content: step.text, toolCalls: ours },
        ];
        for (const call of ours) {
          yield { type: 'tool_call', call };
          const result = await loop.execute(call, controller.signal);
          yield { type: 'tool_result', call, outcome: result };
          messages.push({
            role: 'tool',
            toolCallId: call.id,
            content: JSON.stringify(
              result.ok
                ? result.result
                : { error: { code: result.error.code, message: result.error.message } },
            ),
          });
        }
        bookStep();
        step = { messages, text: '', reported: undefined };
        // A forced tool choice holds for the first step only: forced again, the model could never
        // answer. After the last allowed step it is asked once more without tools, so it answers.
        if (params.toolChoice !== undefined) params = { ...params, toolChoice: undefined };
        if (count >= loop.maxSteps) tools = undefined;
        current = await callModel(messages, tools, params);
        state.target = current.target;
        state.attempts += current.attempts.length;
      }
    } catch (thrown) {
      if (thrown !== state.error && !controller.signal.aborted) {
        state.error = isGatewayError(thrown)
          ? thrown
          : new GatewayError('upstream_error', undefined, { cause: thrown });
      }
    } finally {
      settle();
    }
    yield { type: 'end', end: await end };
  }

  const cancel = (): void => {
    clientGone();
    // The consumer may never have started the events (client gone before the first frame); a
    // relayed answer is settled when its audit copy ends, with what the client was sent.
    if (delivery !== 'relay') settle();
  };
  // A client that disconnects while no one pulls the stream (its buffer full) would otherwise
  // leave the call, its session lock and its budget hold waiting for timeouts. One that left
  // just as the first token came will never read nor cancel the response: cancelled at once.
  onClientGone = cancel;
  if (input.signal.aborted) cancel();

  return {
    modelId: first.target.modelId,
    providerName: first.target.providerName,
    attempts: first.attempts,
    ttftMs: first.ttftMs,
    events: accounted(),
    relay: (renderError) => {
      const capped = input.outputTokenLimit !== undefined && input.params.maxTokens === undefined;
      // Relayed bytes pass no JavaScript: an answer that output guardrails rewrite is never relayed.
      const filtered = input.output !== undefined;
      if (delivery !== undefined || state.settled || loop !== undefined || capped || filtered)
        return undefined;
      const upstream = first.relay();
      if (upstream === undefined) return undefined;
      delivery = 'relay';
      return relayBody(upstream.head, upstream.body, {
        clientGone,
        end: (text, failure) => {
          const summary = upstream.read(text, { keepText: input.keepText === true });
          for (const event of summary.events) {
            if (event.type === 'delta') {
              state.text += event.text;
              step.text += event.text;
            } else if (event.type === 'tool_calls') state.clientCalls.push(...event.calls);
            else if (event.type === 'usage')
              step.reported = { inputTokens: event.inputTokens, outputTokens: event.outputTokens };
            else state.finishReason = event.reason;
          }
          const problem =
            failure ??
            summary.error ??
            (summary.finished
              ? undefined
              : new ProviderError('The provider closed the stream before it finished', { retryable: true }));
          if (problem !== undefined) {
            state.finishReason = undefined;
            if (!controller.signal.aborted) state.error = upstream.failure(problem);
          }
          settle();
          return state.error && renderError(state.error);
        },
      });
    },
    cancel,
    outcome,
    end,
  };
}
