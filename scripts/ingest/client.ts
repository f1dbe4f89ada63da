import { setTimeout as delay } from 'node:timers/promises';
import { errorMessage, type IngestDocument } from './discover.ts';

/** Why a request failed: the gateway's error envelope, or what went wrong before one arrived. */
export interface RequestFailure {
  /** HTTP status; null when no response arrived (network error, timeout). */
  status: number | null;
  code: string;
  message: string;
  requestId: string | null;
}

export type Outcome<T> =
  { ok: true; value: T; attempts: number } | { ok: false; error: RequestFailure; attempts: number };

/** The part of `GET /tenant` the CLI uses. */
export interface TenantSummary {
  tenant: { id: string; features: { rag: boolean }; limits: { maxBodyBytes: number } };
  key: { id: string; scopes: string[] };
}

/** The `POST /ingest` response. */
export interface IngestResult {
  added: string[];
  updated: string[];
  unchanged: string[];
  failed: { id: string; code: string; message: string }[];
  chunks: number;
  corpusVersion: number;
}

export interface RetryPolicy {
  /** Attempts in all, the first one included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 30_000 };
// A Retry-After beyond this is treated as "not within this run" rather than waited out.
const MAX_RETRY_AFTER_MS = 10 * 60_000;

export interface RetryNotice {
  attempt: number;
  delayMs: number;
  failure: RequestFailure;
}

export interface ClientOptions {
  url: string;
  key: string;
  retry?: Partial<RetryPolicy>;
  /** Per attempt. */
  timeoutMs?: number;
  /** Aborts the request in flight and any backoff wait (Ctrl-C). */
  signal?: AbortSignal;
  onRetry?: (notice: RetryNotice) => void;
  /** Test seams. */
  fetch?: typeof fetch;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  now?: () => number;
}

/** Thrown when the caller's signal aborts a request or a wait: the run stops, nothing is failed. */
export class Interrupted extends Error {
  constructor() {
    super('interrupted');
    this.name = 'Interrupted';
  }
}

/** 429, 5xx and no response at all are worth another attempt; any other 4xx will not change. */
export function isRetryable(failure: RequestFailure): boolean {
  return failure.status === null || failure.status === 429 || failure.status >= 500;
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; undefined when absent or invalid. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Exponential backoff with jitter in [50%, 100%] of the step, capped. `attempt` counts from 1. */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(step * (0.5 + random() * 0.5));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

function isIngestResult(value: unknown): value is IngestResult {
  return (
    isRecord(value) &&
    isStringArray(value.added) &&
    isStringArray(value.updated) &&
    isStringArray(value.unchanged) &&
    Array.isArray(value.failed) &&
    typeof value.corpusVersion === 'number'
  );
}

function isTenantSummary(value: unknown): value is TenantSummary {
  return (
    isRecord(value) &&
    isRecord(value.tenant) &&
    typeof value.tenant.id === 'string' &&
    isRecord(value.key) &&
    isStringArray(value.key.scopes)
  );
}

/** The gateway's `{ error: { code, message }, requestId }`, or a stand-in for other bodies. */
async function failureFrom(response: Response): Promise<RequestFailure> {
  const text = await response.text().catch(() => '');
  const headerId = response.headers.get('x-request-id');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (isRecord(body) && isRecord(body.error) && typeof body.error.code === 'string') {
    return {
      status: response.status,
      code: body.error.code,
      message: typeof body.error.message === 'string' ? body.error.message : response.statusText,
      requestId: typeof body.requestId === 'string' ? body.requestId : headerId,
    };
  }
  // Not the gateway's envelope: a proxy or load balancer in front of it answered.
  return {
    status: response.status,
    code: `http_${response.status}`,
    message: `${response.status} ${response.statusText}`.trim(),
    requestId: headerId,
  };
}

/**
 * The two gateway calls the CLI makes. Every call is retried on 429, 5xx and network errors with
 * exponential backoff (Retry-After wins when the gateway sends it). Retrying `POST /ingest` is safe:
 * the gateway skips documents whose content hash it already holds.
 */
export class GatewayClient {
  private readonly base: URL;
  private readonly policy: RetryPolicy;
  private readonly fetch: typeof fetch;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;

  constructor(private readonly options: ClientOptions) {
    // A trailing slash makes relative paths resolve under a path prefix (a gateway behind /api/).
    this.base = new URL(options.url.endsWith('/') ? options.url : `${options.url}/`);
    this.policy = { ...DEFAULT_RETRY, ...options.retry };
    this.fetch = options.fetch ?? globalThis.fetch;
    this.sleep = options.sleep ?? ((ms, signal) => delay(ms, undefined, { signal }));
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
  }

  async tenant(): Promise<Outcome<TenantSummary>> {
    return this.request('tenant', { method: 'GET' }, isTenantSummary);
  }

  async ingest(documents: IngestDocument[]): Promise<Outcome<IngestResult>> {
    return this.request(
      'ingest',
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ documents }),
      },
      isIngestResult,
    );
  }

  private async request<T>(
    path: string,
    init: RequestInit,
    isValid: (body: unknown) => body is T,
  ): Promise<Outcome<T>> {
    const url = new URL(path, this.base);
    const { signal } = this.options;
    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) throw new Interrupted();
      const result = await this.attempt(url, init, isValid);
      if (result.ok) return { ok: true, value: result.value, attempts: attempt };
      const { failure, retryAfterMs } = result;
      if (!isRetryable(failure) || attempt >= this.policy.maxAttempts) {
        return { ok: false, error: failure, attempts: attempt };
      }
      if (retryAfterMs !== undefined && retryAfterMs > MAX_RETRY_AFTER_MS) {
        return { ok: false, error: failure, attempts: attempt };
      }
      const delayMs = retryAfterMs ?? backoffDelay(attempt, this.policy, this.random);
      this.options.onRetry?.({ attempt, delayMs, failure });
      try {
        await this.sleep(delayMs, signal);
      } catch (error) {
        if (signal?.aborted) throw new Interrupted();
        throw error;
      }
    }
  }

  private async attempt<T>(
    url: URL,
    init: RequestInit,
    isValid: (body: unknown) => body is T,
  ): Promise<{ ok: true; value: T } | { ok: false; failure: RequestFailure; retryAfterMs?: number }> {
    const timeout = AbortSignal.timeout(this.options.timeoutMs ?? 120_000);
    const signal = this.options.signal ? AbortSignal.any([this.options.signal, timeout]) : timeout;
    let response: Response;
    try {
      response = await this.fetch(url, {
        ...init,
        headers: {
          ...(init.headers as Record<string, string> | undefined),
          authorization: `Bearer ${this.options.key}`,
          'user-agent': 'aigw-ingest',
        },
        signal,
      });
    } catch (error) {
      if (this.options.signal?.aborted) throw new Interrupted();
      const cause =
        error instanceof Error && error.cause !== undefined ? `: ${errorMessage(error.cause)}` : '';
      const timedOut = timeout.aborted;
      return {
        ok: false,
        failure: {
          status: null,
          code: timedOut ? 'timeout' : 'network_error',
          message: timedOut ? `no response from ${url.origin} in time` : `${errorMessage(error)}${cause}`,
          requestId: null,
        },
      };
    }
    if (!response.ok) {
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), this.now());
      return {
        ok: false,
        failure: await failureFrom(response),
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      };
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      if (this.options.signal?.aborted) throw new Interrupted();
      // The connection broke mid-body: as good as no response, so worth another attempt.
      return {
        ok: false,
        failure: { status: null, code: 'network_error', message: errorMessage(error), requestId: null },
      };
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (isValid(body)) return { ok: true, value: body };
    return {
      ok: false,
      failure: {
        status: response.status,
        code: 'bad_response',
        message: `the gateway answered ${url.pathname} with a body this CLI does not understand`,
        requestId: response.headers.get('x-request-id'),
      },
    };
  }
}
