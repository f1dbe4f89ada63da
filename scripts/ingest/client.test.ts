import { afterEach, describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_RETRY, GatewayClient, Interrupted, parseRetryAfter } from './client.ts';
import { startGateway, type ScriptedGateway, type Step } from './testing/gateway.ts';

const KEY = 'gwk_test';
const docs = [
  { id: 'a.md', text: 'alpha', title: 'a.md', metadata: { path: 'a.md', bytes: 5, modified: 'x' } },
];
const envelope = (code: string, message: string) => ({ error: { code, message }, requestId: 'req_scripted' });

let gateway: ScriptedGateway | undefined;
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

/** A client against a scripted gateway; waits are recorded instead of slept. */
async function clientWith(script: Step[]) {
  gateway = await startGateway({ key: KEY, script });
  const waits: number[] = [];
  const client = new GatewayClient({
    url: gateway.url,
    key: KEY,
    sleep: (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
    random: () => 1,
  });
  return { client, waits, gateway };
}

describe('retry policy', () => {
  it('retries a 429 after its Retry-After, then succeeds', async () => {
    const { client, waits, gateway } = await clientWith([
      { status: 429, headers: { 'retry-after': '0' }, body: envelope('rate_limited', 'Slow down.') },
      { status: 429, headers: { 'retry-after': '2' }, body: envelope('rate_limited', 'Slow down.') },
    ]);
    const result = await client.ingest(docs);
    expect(result).toMatchObject({ ok: true, attempts: 3, value: { added: ['a.md'] } });
    expect(waits).toEqual([0, 2000]);
    expect(gateway.requests.filter((r) => r.path === '/ingest')).toHaveLength(3);
  });

  it('retries a 500 with exponential backoff, then succeeds', async () => {
    const { client, waits } = await clientWith([
      { status: 500, body: envelope('internal', 'Boom.') },
      { status: 503, body: 'not json' },
    ]);
    const result = await client.ingest(docs);
    expect(result).toMatchObject({ ok: true, attempts: 3 });
    expect(waits).toEqual([DEFAULT_RETRY.baseDelayMs, DEFAULT_RETRY.baseDelayMs * 2]);
  });

  it('retries network errors', async () => {
    const { client, waits } = await clientWith(['drop']);
    expect(await client.ingest(docs)).toMatchObject({ ok: true, attempts: 2 });
    expect(waits).toHaveLength(1);
  });

  it('does not retry a 413 and returns the gateway error with its request id', async () => {
    const { client, waits } = await clientWith([
      { status: 413, body: envelope('payload_too_large', "The request body exceeds this tenant's limit.") },
    ]);
    const result = await client.ingest(docs);
    expect(result).toEqual({
      ok: false,
      attempts: 1,
      error: {
        status: 413,
        code: 'payload_too_large',
        message: "The request body exceeds this tenant's limit.",
        requestId: 'req_scripted',
      },
    });
    expect(waits).toEqual([]);
  });

  it('does not retry other 4xx', async () => {
    const { client } = await clientWith([{ status: 400, body: envelope('invalid_request', 'Bad.') }]);
    expect(await client.ingest(docs)).toMatchObject({
      ok: false,
      attempts: 1,
      error: { code: 'invalid_request' },
    });
  });

  it('gives up after 5 attempts and reports the last failure', async () => {
    const { client, waits, gateway } = await clientWith(
      Array.from({ length: 6 }, () => ({ status: 502, body: envelope('upstream_error', 'Down.') })),
    );
    const result = await client.ingest(docs);
    expect(result).toMatchObject({ ok: false, attempts: 5, error: { status: 502, code: 'upstream_error' } });
    expect(waits).toHaveLength(4);
    expect(gateway.requests).toHaveLength(5);
  });

  it('stands in a code for a body that is not the gateway envelope, with x-request-id', async () => {
    const { client } = await clientWith([{ status: 404, body: '<html>' }]);
    expect(await client.ingest(docs)).toMatchObject({
      ok: false,
      error: { status: 404, code: 'http_404', requestId: 'req_1' },
    });
  });

  it('stops waiting when interrupted', async () => {
    gateway = await startGateway({
      key: KEY,
      script: [{ status: 429, headers: { 'retry-after': '60' }, body: envelope('rate_limited', 'Wait.') }],
    });
    const controller = new AbortController();
    const client = new GatewayClient({
      url: gateway.url,
      key: KEY,
      signal: controller.signal,
      onRetry: () => {
        controller.abort();
      },
    });
    await expect(client.ingest(docs)).rejects.toBeInstanceOf(Interrupted);
  });
});

describe('retry timing', () => {
  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('doubles the backoff per attempt, jittered to 50–100 %, capped', () => {
    const policy = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 500 };
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, policy, () => 1))).toEqual([100, 200, 400, 500]);
    expect(backoffDelay(2, policy, () => 0)).toBe(100);
  });
});

describe('GET /tenant', () => {
  it('sends the key as a bearer token', async () => {
    const { client, gateway } = await clientWith([]);
    expect(await client.tenant()).toMatchObject({ ok: true, value: { tenant: { id: 'acme' } } });
    expect(gateway.requests[0]?.authorization).toBe(`Bearer ${KEY}`);
  });

  it('works under a path prefix', async () => {
    gateway = await startGateway({ key: KEY });
    const client = new GatewayClient({ url: `${gateway.url}/api`, key: KEY });
    await client.tenant();
    expect(gateway.requests[0]?.path).toBe('/api/tenant');
  });
});
