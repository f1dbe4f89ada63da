import { GatewayError, type ErrorCode } from '@aigw/core';
import type { RoutingConfig, TenantConfig } from '@aigw/tenancy';
import { ProviderError } from '../errors.ts';
import { PROVIDERS } from '../providers/registry.ts';
import type {
  ChatEvent,
  ChatMessage,
  GenerationParam,
  GenerationParams,
  ProviderEnv,
  RawChatStream,
  RelaySlot,
  ToolSpec,
} from '../types.ts';
import type { CircuitBreakers } from './breaker.ts';
import { resolveTargets, type ModelRoute, type Target, type TargetChoice } from './resolve.ts';

export interface RouterDeps {
  env: ProviderEnv;
  fetch: typeof fetch;
  breakers: CircuitBreakers;
  now?: () => number;
  random?: () => number;
  /** Hears every attempt (the request log, traces); none when undefined. */
  observer?: AttemptObserver | undefined;
}

/**
 * What the app learns of each attempt: asked before it starts for the headers its upstream call
 * carries (a W3C `traceparent` naming the attempt's span), told when it ends, with its timing.
 */
export interface AttemptObserver {
  start(attempt: { modelId: string; attempt: number; route: ModelRoute }): {
    headers?: Readonly<Record<string, string>> | undefined;
    end(record: AttemptRecord): void;
  };
}

export interface RouteChatRequest {
  tenant: TenantConfig;
  route: ModelRoute;
  requestId: string;
  /** The model and fallbacks chosen for the request (`selectModel`). */
  choice: TargetChoice;
  messages: ChatMessage[];
  params: GenerationParams;
  /** The parameters' names in the client's API, for a refusal (`resolveTargets`). */
  paramNames?: Partial<Record<GenerationParam, string>> | undefined;
  tools?: ToolSpec[] | undefined;
  stream: boolean;
  /** Aborts when the client goes away; cancels the upstream call. */
  signal: AbortSignal;
}

export interface AttemptRecord {
  modelId: string;
  attempt: number;
  /** `cancelled`: the client went away during the attempt. */
  outcome: 'ok' | 'error' | 'timeout' | 'circuit_open' | 'cancelled';
  status?: number | undefined;
  message?: string | undefined;
  /** When the attempt started (ms since the epoch). */
  startedAt: number;
  /** Until its first token (`ok`) or its failure, ms. */
  latencyMs: number;
}

export interface RoutedChat {
  target: Target;
  attempts: AttemptRecord[];
  /** Milliseconds from the start of routing to the first token. */
  ttftMs: number;
  /**
   * Every event from the first token on. Throws `GatewayError` (`upstream_error` or
   * `upstream_timeout`) if the upstream fails after the first token: the answer is then incomplete.
   */
  events: AsyncIterable<ChatEvent>;
  /**
   * Hands over the provider's raw OpenAI-format stream instead of `events`, when the provider
   * offers it (see `RelayedUpstream`); undefined otherwise. Call before consuming `events`.
   */
  relay(): RelayedUpstream | undefined;
}

/** A committed stream relayed as the upstream's own bytes rather than as events. */
export interface RelayedUpstream extends RawChatStream {
  /**
   * The error to report for a relayed stream that failed (`error`: what the body failed with, or
   * what it reported) or stopped unfinished; counts against the target's circuit breaker.
   */
  failure(error: unknown): GatewayError;
}

/**
 * Calls the tenant's models in order until one produces a first token: retries with exponential
 * backoff and jitter on retryable failures (honouring Retry-After) within the attempt and time
 * budget, falls back to the next model on any failure before the first token, and skips targets
 * whose circuit is open. Nothing is retried after the first token: the stream is then committed.
 */
export async function routeChat(deps: RouterDeps, request: RouteChatRequest): Promise<RoutedChat> {
  const now = deps.now ?? Date.now;
  const random = deps.random ?? Math.random;
  const settings = request.tenant.routing;
  const targets = resolveTargets(request.tenant, request.choice, request.params, request.paramNames);
  const started = now();
  const retryDeadline = started + settings.retryBudgetMs;
  const totalTimeout = AbortSignal.timeout(settings.totalTimeoutMs);
  const attempts: AttemptRecord[] = [];
  let lastError: ProviderError | undefined;
  /** The client went away before the first token: what was tried so far goes with the error. */
  const cancelled = (): GatewayError =>
    new GatewayError('client_closed', 'The client closed the connection before the first token.', {
      details: { attempts },
      cause: request.signal.reason,
    });

  for (const target of targets) {
    const breakerKey = `${request.tenant.id}:${target.modelId}`;
    for (let attempt = 1; attempt <= settings.maxAttempts; attempt++) {
      const startedAt = now();
      const observed = deps.observer?.start({ modelId: target.modelId, attempt, route: request.route });
      /** Records how the attempt ended, with its timing, and tells the observer. */
      const ended = (
        outcome: Omit<AttemptRecord, 'modelId' | 'attempt' | 'startedAt' | 'latencyMs'>,
      ): void => {
        const record = {
          modelId: target.modelId,
          attempt,
          ...outcome,
          startedAt,
          latencyMs: now() - startedAt,
        };
        attempts.push(record);
        observed?.end(record);
      };
      if (!deps.breakers.tryAcquire(breakerKey)) {
        ended({ outcome: 'circuit_open' });
        break;
      }
      const controller = new AbortController();
      const signal = AbortSignal.any([request.signal, totalTimeout, controller.signal]);
      const relay: RelaySlot = {};
      const iterator = PROVIDERS[target.config.type]
        .chat(
          {
            ...request.params,
            model: target.model,
            messages: request.messages,
            tools: request.tools,
            stream: request.stream,
            signal,
            relay,
          },
          {
            config: target.config,
            providerName: target.providerName,
            env: deps.env,
            fetch: deps.fetch,
            tenantId: request.tenant.id,
            requestId: request.requestId,
            route: request.route,
            headers: observed?.headers,
          },
        )
        [Symbol.asyncIterator]();

      try {
        const head = await firstToken(iterator, settings.firstTokenTimeoutMs, controller);
        deps.breakers.success(breakerKey);
        ended({ outcome: 'ok' });
        const context = { signal: request.signal, totalTimeout, breakerKey, deps, settings };
        return {
          target,
          attempts,
          ttftMs: now() - started,
          events: continueStream(head, iterator, context),
          relay: () => {
            const raw = relay.detach?.();
            return raw && { ...raw, failure: (error) => cutOff(error, context) };
          },
        };
      } catch (error) {
        controller.abort();
        if (request.signal.aborted) {
          deps.breakers.release(breakerKey);
          ended({ outcome: 'cancelled' });
          throw cancelled();
        }
        const failure = classify(error, totalTimeout.aborted);
        lastError = failure;
        deps.breakers.failure(breakerKey, {
          threshold: settings.breakerThreshold,
          cooldownMs: settings.breakerCooldownMs,
        });
        ended({
          outcome: failure.code === 'upstream_timeout' ? 'timeout' : 'error',
          status: failure.status,
          message: failure.message,
        });
        if (totalTimeout.aborted) throw finalError(attempts, lastError);
        if (!failure.retryable || attempt === settings.maxAttempts) break;
        const delay = backoff(settings, attempt, failure.retryAfterMs, random);
        // Retries stop at the retry budget; the next target (fallback) still gets its first try.
        if (now() + delay > retryDeadline) break;
        await sleep(delay, request.signal).catch(() => {
          throw cancelled();
        });
      }
    }
  }
  throw finalError(attempts, lastError);
}

type Head = { events: ChatEvent[] };

interface StreamContext {
  signal: AbortSignal;
  totalTimeout: AbortSignal;
  breakerKey: string;
  deps: RouterDeps;
  settings: RoutingConfig;
}

/** Pulls events until the first token (text, tool calls or finish), bounded by the first-token timeout. */
async function firstToken(
  iterator: AsyncIterator<ChatEvent>,
  timeoutMs: number,
  controller: AbortController,
): Promise<Head> {
  const events: ChatEvent[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(
        new ProviderError(`No first token within ${timeoutMs} ms`, {
          retryable: true,
          code: 'upstream_timeout',
        }),
      );
    }, timeoutMs);
  });
  try {
    for (;;) {
      const next = await Promise.race([iterator.next(), timeout]);
      if (next.done)
        throw new ProviderError('The provider ended without producing anything', { retryable: true });
      events.push(next.value);
      if (next.value.type !== 'usage') return { events };
    }
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The committed stream: the buffered head, then the provider's events. A plain iterator rather than
 * a generator, since it sits on every streamed chunk's path and adds nothing but error wrapping.
 */
function continueStream(
  head: Head,
  iterator: AsyncIterator<ChatEvent>,
  context: StreamContext,
): AsyncIterable<ChatEvent> {
  let index = 0;
  let closed = false;
  // Ends the upstream call if the consumer stops early (client disconnect) or the stream fails.
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await iterator.return?.();
  };
  const fail = async (error: unknown): Promise<never> => {
    await close().catch(() => undefined);
    if (context.signal.aborted) throw error;
    throw cutOff(error, context);
  };
  const stream: AsyncIterator<ChatEvent> = {
    // Not an async function: it adds no await of its own to an event's path.
    next(): Promise<IteratorResult<ChatEvent>> {
      const buffered = head.events[index];
      if (buffered !== undefined) {
        index += 1;
        return Promise.resolve({ done: false, value: buffered });
      }
      if (closed) return Promise.resolve({ done: true, value: undefined });
      return iterator.next().then((next) => {
        if (next.done) closed = true;
        return next;
      }, fail);
    },
    async return(): Promise<IteratorResult<ChatEvent>> {
      await close();
      return { done: true, value: undefined };
    },
  };
  return { [Symbol.asyncIterator]: () => stream };
}

/** A failure after the first token: counted against the breaker, reported as a cut-off answer. */
function cutOff(error: unknown, context: StreamContext): GatewayError {
  context.deps.breakers.failure(context.breakerKey, {
    threshold: context.settings.breakerThreshold,
    cooldownMs: context.settings.breakerCooldownMs,
  });
  const failure = classify(error, context.totalTimeout.aborted);
  return new GatewayError(failure.code, `The answer was cut off: ${failure.message}`, { cause: error });
}

function classify(error: unknown, totalTimedOut: boolean): ProviderError {
  if (totalTimedOut)
    return new ProviderError('The call exceeded its total timeout', {
      retryable: false,
      code: 'upstream_timeout',
    });
  if (error instanceof ProviderError) return error;
  if (error instanceof GatewayError)
    return new ProviderError(error.message, { retryable: false, code: error.code });
  return new ProviderError(error instanceof Error ? error.message : String(error), {
    retryable: true,
    cause: error,
  });
}

function finalError(attempts: AttemptRecord[], last: ProviderError | undefined): GatewayError {
  const tried = attempts.filter((attempt) => attempt.outcome !== 'circuit_open');
  const code: ErrorCode =
    tried.length > 0 && tried.every((attempt) => attempt.outcome === 'timeout')
      ? 'upstream_timeout'
      : last?.code === 'provider_unavailable' && tried.length === 1
        ? 'provider_unavailable'
        : 'upstream_error';
  const message =
    tried.length === 0
      ? 'Every model for this request has an open circuit (recent consecutive failures); try again shortly.'
      : `No model produced an answer after ${tried.length} attempt${tried.length === 1 ? '' : 's'}: ${last?.message ?? 'unknown error'}`;
  return new GatewayError(code, message, { details: { attempts } });
}

/** Exponential backoff with full jitter in [delay/2, delay], never sooner than Retry-After. */
export function backoff(
  settings: RoutingConfig,
  attempt: number,
  retryAfterMs: number | undefined,
  random: () => number,
): number {
  const exponential = Math.min(settings.backoffMaxMs, settings.backoffBaseMs * 2 ** (attempt - 1));
  const jittered = exponential / 2 + (random() * exponential) / 2;
  return Math.max(jittered, retryAfterMs ?? 0);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason as Error);
      },
      { once: true },
    );
  });
}
