import { env } from 'cloudflare:workers';
import { CircuitBreakers } from '@aigw/ai';
import { compileRegistry, hashApiKey, TenantRegistry, type TenantConfigInput } from '@aigw/tenancy';
import type { RequestLogLine } from '@aigw/core';
import type { UsageRecord } from '@aigw/observability';
import { createApp } from '../../src/app.ts';
import { fakeAi, fakeUpstream } from './fake-upstream.ts';

export const CHAT_KEY = 'gwk_test_chat_tenant';

/** A tenant routed to a scripted upstream, with a fallback and fast retry settings. */
export async function chatTenant(overrides: Partial<TenantConfigInput> = {}): Promise<TenantConfigInput> {
  return {
    id: 'chatco',
    name: 'Chat Co',
    environments: ['development'],
    apiKeys: [
      {
        id: 'chat-key',
        hash: await hashApiKey(CHAT_KEY),
        scopes: ['chat', 'search', 'ingest', 'tools', 'admin'],
        label: 'chat',
        createdAt: '2026-01-01T00:00:00Z',
      },
    ],
    providers: {
      upstream: {
        type: 'openai-compatible',
        baseUrl: 'http://upstream.test/v1',
        apiKeySecret: 'UPSTREAM_API_KEY',
        headers: { 'x-upstream-org': 'chatco' },
      },
      'workers-ai': { type: 'workers-ai', gatewayId: 'gw-chatco', skipCache: true, cacheTtl: 60 },
    },
    models: {
      chat: 'upstream/primary',
      fallbacks: ['upstream/backup'],
      allowed: [
        'upstream/primary',
        'upstream/backup',
        'local/echo-1',
        'workers-ai/@cf/meta/llama-3.1-8b-instruct',
      ],
    },
    routing: {
      maxAttempts: 3,
      backoffBaseMs: 1,
      backoffMaxMs: 4,
      retryBudgetMs: 2000,
      firstTokenTimeoutMs: 150,
      totalTimeoutMs: 3000,
      breakerThreshold: 3,
      breakerCooldownMs: 60_000,
    },
    ...overrides,
  };
}

export async function chatApp(
  options: { tenant?: Partial<TenantConfigInput>; now?: () => number; telemetryFetch?: typeof fetch } = {},
) {
  const data = await chatTenant(options.tenant);
  const result = compileRegistry([{ file: `tenants/${data.id}/tenant.config.json`, data }], 'development');
  if (!result.success) throw new Error(JSON.stringify(result.issues));
  const upstream = fakeUpstream();
  const ai = fakeAi();
  const lines: RequestLogLine[] = [];
  const breakers = new CircuitBreakers(options.now);
  const app = createApp({
    registry: new TenantRegistry(result.registry),
    // Late-bound so a test can wrap the scripted upstream after the app is built.
    upstreamFetch: (input, init) => upstream.fetch(input, init),
    breakers,
    logSink: (line) => lines.push(line),
    ...(options.telemetryFetch ? { telemetryFetch: options.telemetryFetch } : {}),
  });
  const testEnv = { ...env, UPSTREAM_API_KEY: 'sk-upstream-secret', AI: ai.ai };

  const post = async (
    path: string,
    body: unknown,
    init: { env?: object; headers?: Record<string, string>; signal?: AbortSignal } = {},
  ): Promise<Response> =>
    app.request(
      path,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${CHAT_KEY}`, 'content-type': 'application/json', ...init.headers },
        body: JSON.stringify(body),
        ...(init.signal ? { signal: init.signal } : {}),
      },
      init.env ?? testEnv,
    );

  /** The usage record of the n-th request, once its (possibly streamed) call has ended. */
  const usage = async (index = 0): Promise<UsageRecord> => {
    for (let i = 0; i < 100 && lines[index]?.usage === undefined; i++)
      await new Promise((r) => setTimeout(r, 5));
    const record = lines[index]?.usage as UsageRecord | undefined;
    if (record === undefined) throw new Error(`request ${index} logged no usage`);
    return record;
  };

  /**
   * A client that disconnects `afterMs` after the gateway has called the upstream (while it waits
   * for the first token): pass the signal with the request.
   */
  const leavingClient = (afterMs = 10): AbortSignal => {
    const client = new AbortController();
    const call = upstream.fetch;
    upstream.fetch = (input, init) => {
      setTimeout(() => {
        client.abort();
      }, afterMs);
      return call(input, init);
    };
    return client.signal;
  };

  return { app, upstream, ai, lines, breakers, env: testEnv, post, usage, leavingClient };
}
