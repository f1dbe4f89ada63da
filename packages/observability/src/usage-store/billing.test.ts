import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { HOUR, T0, chatEvent, freshTenantId, rejection } from '../../test/fixtures.ts';
import { usageStore } from './usage-store.ts';

describe('billing export', () => {
  it('sums requests, errors, tokens and cost per UTC day, key, model and route', async () => {
    const store = usageStore(env.USAGE_STORE, freshTenantId());
    const now = T0 + 3 * 24 * HOUR;
    await store.recordMany([
      chatEvent(T0 + HOUR, { costUsd: 0.001 }),
      chatEvent(T0 + 2 * HOUR, { costUsd: 0.002 }),
      chatEvent(T0 + 3 * HOUR, { keyId: 'key-b', costUsd: 0.004 }),
      chatEvent(T0 + 25 * HOUR, {
        route: '/v1/messages',
        model: 'upstream/x',
        inputTokens: 5,
        outputTokens: 7,
      }),
      chatEvent(T0 + 26 * HOUR, { status: 429, errorCode: 'rate_limited', model: null }),
    ]);
    const bill = await store.billing({ from: T0 + 5 * 60_000, to: new Date(now - HOUR).toISOString() });
    expect(bill).toMatchObject({
      currency: 'USD',
      from: new Date(T0).toISOString(),
      to: new Date(now).toISOString(),
    });
    expect(bill.rows).toEqual([
      {
        day: '2026-11-20',
        keyId: 'key-a',
        model: 'local/echo-1',
        route: '/chat',
        requests: 2,
        errors: 0,
        inputTokens: 20,
        outputTokens: 40,
        costUsd: 0.003,
      },
      {
        day: '2026-11-20',
        keyId: 'key-b',
        model: 'local/echo-1',
        route: '/chat',
        requests: 1,
        errors: 0,
        inputTokens: 10,
        outputTokens: 20,
        costUsd: 0.004,
      },
      {
        day: '2026-11-21',
        keyId: 'key-a',
        model: 'refused before routing',
        route: '/chat',
        requests: 1,
        errors: 1,
        inputTokens: 10,
        outputTokens: 20,
        costUsd: 0.000135,
      },
      {
        day: '2026-11-21',
        keyId: 'key-a',
        model: 'upstream/x',
        route: '/v1/messages',
        requests: 1,
        errors: 0,
        inputTokens: 5,
        outputTokens: 7,
        costUsd: 0.000135,
      },
    ]);
    const tooLong = await rejection(store.billing({ from: T0, to: T0 + 40 * 24 * HOUR }));
    expect([tooLong.code, tooLong.message]).toEqual([
      'invalid_request',
      'to: the export covers at most 31 days (to − from)',
    ]);
  });
});
