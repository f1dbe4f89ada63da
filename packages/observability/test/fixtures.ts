import { GatewayError } from '@aigw/core';
import { expect } from 'vitest';
import type { UsageEventInput } from '../src/index.ts';

let counter = 0;
/** A tenant id no other test uses: the tests share one Durable Object storage. */
export function freshTenantId(): string {
  return `t${Date.now().toString(36)}-${++counter}`;
}

/** A fixed instant on a UTC day boundary, so bucket edges in tests are easy to read. */
export const T0 = Date.UTC(2026, 10, 20);
export const MIN = 60_000;
export const HOUR = 3_600_000;

/** A successful `/chat` call on `local/echo-1` at `time`, overridable field by field. */
export function chatEvent(time: number, overrides: Partial<UsageEventInput> = {}): UsageEventInput {
  return {
    time,
    route: '/chat',
    status: 200,
    keyId: 'key-a',
    model: 'local/echo-1',
    inputTokens: 10,
    outputTokens: 20,
    costUsd: 0.000135,
    latencyMs: 100,
    ttftMs: 40,
    cacheHit: null,
    ...overrides,
  };
}

/** The `GatewayError` a promise rejects with (fails the test if it resolves or throws another). */
export async function rejection(promise: Promise<unknown>): Promise<GatewayError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GatewayError);
  return error as GatewayError;
}
