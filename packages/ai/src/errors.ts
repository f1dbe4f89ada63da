import type { ErrorCode } from '@aigw/core';

export interface ProviderErrorOptions {
  status?: number | undefined;
  retryable: boolean;
  /** From Retry-After, when the upstream sent one. */
  retryAfterMs?: number | undefined;
  code?: ErrorCode;
  cause?: unknown;
}

/** A classified upstream failure. `retryable` covers 429, 5xx, timeouts and network errors. */
export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  readonly status: number | undefined;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly code: ErrorCode;

  constructor(message: string, options: ProviderErrorOptions) {
    super(message, { cause: options.cause });
    this.status = options.status;
    this.retryable = options.retryable;
    this.retryAfterMs = options.retryAfterMs;
    this.code = options.code ?? 'upstream_error';
  }
}

export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
