import type { Context, MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AttemptObserver, AttemptRecord, ChatMessage, ModelRoute } from '@aigw/ai';
import {
  formatTraceparent,
  newSpanId,
  newTraceId,
  parseTraceparent,
  type TraceParent,
} from '@aigw/observability';
import type { GatewayEnv } from '../context.ts';
import { exporterFor, type TraceExporterConfig } from './exporter.ts';

/** A stretch of the request the trace shows as a span of its own. */
export interface Phase {
  name: 'auth' | 'limits' | 'retrieval';
  startMs: number;
  endMs: number;
  error?: string | undefined;
}

export interface ObservedAttempt {
  record: AttemptRecord;
  route: ModelRoute;
  /** The attempt's span, when the request is traced (its id went upstream as the traceparent). */
  spanId: string | undefined;
}

export interface ObservedToolCall {
  name: string;
  startMs: number;
  endMs: number;
  ok: boolean;
  errorCode?: string | undefined;
  /** Kept only when the request may keep content (the tenant's bodies opt-in). */
  args?: unknown;
  result?: unknown;
}

/** What the chat engine's request said, as `chatTurn` saw it (every chat API passes there). */
export interface ObservedChat {
  modelRequested: string | undefined;
  user: string | undefined;
  metadata: Readonly<Record<string, string>>;
  stream: boolean;
  sessionId: string | undefined;
  maxTokens: number | undefined;
  temperature: number | undefined;
  topP: number | undefined;
  /** The conversation as the engine took it; read only for content the tenant lets traces keep. */
  messages: readonly ChatMessage[];
}

/**
 * Everything about one request that its log entry and its trace need beyond the log line: the
 * caller's trace context, timed phases (auth, limits, retrieval), every model attempt, every tool
 * call and what the chat request asked for. Created by the request-log middleware for every
 * request; filled as the request runs; read once, when it has ended.
 */
export class RequestObservation {
  readonly startedAt = Date.now();
  /** The caller's `traceparent`, when it sent a valid one: this request continues that trace. */
  readonly parent: TraceParent | undefined;
  readonly phases: Phase[] = [];
  readonly attempts: ObservedAttempt[] = [];
  readonly toolCalls: ObservedToolCall[] = [];
  chat: ObservedChat | undefined;
  /** How the answer ended; its text only when content may be kept (a trace's output). */
  output: { text: string | undefined; finishReason: string | undefined } | undefined;
  /** Whether tool arguments and results may be kept (set when the tenant is known). */
  keepContent = false;
  #traceId: string | undefined;
  #rootSpanId: string | undefined;
  /** Decided once the tenant is known: where this request's trace goes, or undefined. */
  #exporter: TraceExporterConfig | null | undefined;

  constructor(headers: Headers) {
    this.parent = parseTraceparent(
      headers.get('traceparent') ?? undefined,
      headers.get('tracestate') ?? undefined,
    );
  }

  get traceId(): string {
    this.#traceId ??= this.parent?.traceId ?? newTraceId();
    return this.#traceId;
  }

  /** The request's own (server) span: every other span's parent. */
  get rootSpanId(): string {
    this.#rootSpanId ??= newSpanId();
    return this.#rootSpanId;
  }

  /** Where the trace is exported (a tenant's endpoint, the deployment's, or both); memoised. */
  exporters(c: Context<GatewayEnv>): TraceExporterConfig | undefined {
    if (this.#exporter === undefined) this.#exporter = exporterFor(c, this.parent) ?? null;
    return this.#exporter ?? undefined;
  }

  phase(name: Phase['name'], startMs: number, error?: string): void {
    this.phases.push({ name, startMs, endMs: Date.now(), ...(error === undefined ? {} : { error }) });
  }

  /** Runs `work` as a phase of the request (retrieval): timed, its failure named. */
  async timed<T>(name: Phase['name'], work: () => Promise<T>): Promise<T> {
    const start = Date.now();
    try {
      const result = await work();
      this.phase(name, start);
      return result;
    } catch (error) {
      this.phase(name, start, errorName(error));
      throw error;
    }
  }
}

function errorName(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string')
    return error.code;
  return error instanceof Error ? error.name : 'error';
}

/** The request's observation; the request-log middleware sets it before anything else runs. */
export function observationOf(c: Context<GatewayEnv>): RequestObservation {
  return c.get('observation');
}

/**
 * A middleware timed as a phase of the request: from its start until it hands on (or refuses).
 * The time the rest of the chain takes is not the phase's.
 */
export function timedPhase(
  name: Phase['name'],
  middleware: MiddlewareHandler<GatewayEnv>,
): MiddlewareHandler<GatewayEnv> {
  return createMiddleware<GatewayEnv>(async (c, next) => {
    const observation = observationOf(c);
    const start = Date.now();
    const state = { handedOn: false };
    try {
      await middleware(c, async () => {
        observation.phase(name, start);
        state.handedOn = true;
        await next();
      });
    } catch (error) {
      if (!state.handedOn) observation.phase(name, start, errorName(error));
      throw error;
    }
  });
}

/**
 * The router's attempt observer for this request: each attempt is recorded with its timing and,
 * when the request is traced, gets a span whose id goes upstream as the W3C `traceparent`. A
 * request that is not traced but came with a caller's trace context passes that on unchanged.
 */
export function attemptObserver(c: Context<GatewayEnv>): AttemptObserver {
  const observation = observationOf(c);
  return {
    start: ({ route }) => {
      const traced = observation.exporters(c) !== undefined;
      const spanId = traced ? newSpanId() : undefined;
      const parent = observation.parent;
      const state = parent?.state;
      let headers: Record<string, string> | undefined;
      if (spanId !== undefined) {
        headers = { traceparent: formatTraceparent(observation.traceId, spanId, true) };
      } else if (parent !== undefined) {
        headers = { traceparent: formatTraceparent(parent.traceId, parent.spanId, parent.sampled) };
      }
      if (headers !== undefined && state !== undefined) headers['tracestate'] = state;
      return {
        headers,
        end: (record) => {
          observation.attempts.push({ record, route, spanId });
        },
      };
    },
  };
}
