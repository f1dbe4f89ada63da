import { describe, expect, it } from 'vitest';
import { backoff } from '@aigw/ai';
import { routingSchema } from '@aigw/tenancy';
import { chatApp } from '../support/chat-app.ts';
import { parseSse } from '../support/sse.ts';

interface ErrorJson {
  error: {
    code: string;
    message: string;
    details?: { attempts?: { modelId: string; outcome: string; status?: number }[] };
  };
}

describe('retries', () => {
  it('retries a 503 and succeeds on the same model', async () => {
    const { post, upstream, usage } = await chatApp();
    upstream.script(
      'primary',
      { kind: 'status', status: 503 },
      { kind: 'status', status: 502 },
      { kind: 'ok' },
    );
    const res = await post('/chat', { message: 'hi', stream: false });
    expect(res.status).toBe(200);
    expect(upstream.callsFor('primary')).toHaveLength(3);
    expect(upstream.callsFor('backup')).toHaveLength(0);
    expect((await usage()).attempts).toBe(3);
  });

  it('retries a 429 after its Retry-After and on a dropped connection', async () => {
    const { post, upstream } = await chatApp();
    upstream.script(
      'primary',
      { kind: 'status', status: 429, retryAfter: '0.01' },
      { kind: 'throw' },
      { kind: 'ok' },
    );
    expect((await post('/chat', { message: 'hi', stream: false })).status).toBe(200);
    expect(upstream.callsFor('primary')).toHaveLength(3);
  });

  it('does not retry a 400 from the upstream (it would fail again) but falls back', async () => {
    const { post, upstream } = await chatApp();
    upstream.script('primary', { kind: 'status', status: 400 });
    const res = await post('/chat', { message: 'hi', stream: false });
    expect(res.status).toBe(200);
    expect(upstream.callsFor('primary')).toHaveLength(1);
    expect(res.headers.get('x-gateway-model')).toBe('upstream/backup');
  });

  it('waits at least Retry-After, and backs off exponentially with jitter within bounds', () => {
    const settings = routingSchema.parse({ backoffBaseMs: 100, backoffMaxMs: 1000 });
    expect(backoff(settings, 1, 5000, () => 0)).toBe(5000);
    expect(backoff(settings, 1, undefined, () => 0)).toBe(50);
    expect(backoff(settings, 1, undefined, () => 1)).toBe(100);
    expect(backoff(settings, 3, undefined, () => 1)).toBe(400);
    expect(backoff(settings, 10, undefined, () => 1)).toBe(1000);
  });
});

describe('fallback', () => {
  it('falls back to the next model when the first keeps failing with 5xx', async () => {
    const { post, upstream, usage } = await chatApp();
    upstream.script('primary', { kind: 'status', status: 500 });
    upstream.script('backup', { kind: 'ok', text: 'from the backup' });
    const res = await post('/chat', { message: 'hi', stream: false });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ text: 'from the backup', model: 'upstream/backup' });
    expect(upstream.callsFor('primary')).toHaveLength(3);
    const record = await usage();
    expect(record).toMatchObject({ model: 'upstream/backup', attempts: 4, status: 'complete' });
  });

  it('falls back when the first model gives no first token in time, aborting the slow call', async () => {
    const { post, upstream } = await chatApp({
      tenant: { routing: { maxAttempts: 1, firstTokenTimeoutMs: 100, backoffBaseMs: 1, backoffMaxMs: 2 } },
    });
    upstream.script('primary', { kind: 'hang' });
    const res = await post('/chat', { message: 'hi' });
    const events = parseSse(await res.text());
    expect(events[0]?.json).toMatchObject({ model: 'upstream/backup' });
    expect(events.at(-1)?.event).toBe('done');
    expect(upstream.callsFor('primary')[0]?.aborted).toBe(true);
  });

  it('answers 502 upstream_error with every attempt when all models fail before the first token', async () => {
    const { post, upstream, usage } = await chatApp();
    upstream.script('primary', { kind: 'status', status: 500 });
    upstream.script('backup', { kind: 'status', status: 503 });
    const res = await post('/chat', { message: 'hi' });
    expect(res.status).toBe(502);
    const body = await res.json<ErrorJson>();
    expect(body.error.code).toBe('upstream_error');
    expect(body.error.details?.attempts?.map((a) => `${a.modelId}:${a.status ?? ''}`)).toEqual([
      'upstream/primary:500',
      'upstream/primary:500',
      'upstream/primary:500',
      'upstream/backup:503',
      'upstream/backup:503',
      'upstream/backup:503',
    ]);
    expect(await usage()).toMatchObject({ status: 'error', errorCode: 'upstream_error', attempts: 6 });
  });

  it('answers 504 upstream_timeout when every attempt timed out', async () => {
    const { post, upstream } = await chatApp({
      tenant: { routing: { maxAttempts: 1, firstTokenTimeoutMs: 100 } },
    });
    upstream.script('primary', { kind: 'hang' });
    upstream.script('backup', { kind: 'hang' });
    const res = await post('/v1/chat/completions', {
      model: 'upstream/primary',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(res.status).toBe(504);
    expect(await res.json()).toMatchObject({ error: { code: 'upstream_timeout', type: 'api_error' } });
  });
});

describe('circuit breaker', () => {
  it('opens after consecutive failures, skips the dead target, and half-opens after the cool-down', async () => {
    let now = 1_000_000;
    const { post, upstream, breakers } = await chatApp({
      now: () => now,
      tenant: {
        routing: {
          maxAttempts: 1,
          breakerThreshold: 2,
          breakerCooldownMs: 30_000,
          backoffBaseMs: 1,
          backoffMaxMs: 2,
        },
      },
    });
    upstream.script('primary', { kind: 'status', status: 500 });
    await post('/chat', { message: 'one', stream: false });
    await post('/chat', { message: 'two', stream: false });
    expect(upstream.callsFor('primary')).toHaveLength(2);
    expect(breakers.stateOf('chatco:upstream/primary')).toBe('open');

    // Open: the primary is skipped without a call; the backup answers.
    const skipped = await post('/chat', { message: 'three', stream: false });
    expect(skipped.status).toBe(200);
    expect(skipped.headers.get('x-gateway-model')).toBe('upstream/backup');
    expect(upstream.callsFor('primary')).toHaveLength(2);

    // After the cool-down one trial call goes through; success closes the circuit.
    now += 30_000;
    upstream.script('primary', { kind: 'ok' });
    const trial = await post('/chat', { message: 'four', stream: false });
    expect(trial.headers.get('x-gateway-model')).toBe('upstream/primary');
    expect(upstream.callsFor('primary')).toHaveLength(3);
    expect(breakers.stateOf('chatco:upstream/primary')).toBe('closed');
  });

  it('lets only one trial through while half-open', async () => {
    let now = 0;
    const { breakers } = await chatApp({ now: () => now });
    const settings = { threshold: 1, cooldownMs: 10 };
    breakers.failure('k', settings);
    expect(breakers.tryAcquire('k')).toBe(false);
    now = 10;
    expect(breakers.tryAcquire('k')).toBe(true);
    expect(breakers.tryAcquire('k')).toBe(false);
    breakers.failure('k', settings);
    expect(breakers.stateOf('k')).toBe('open');
  });
});

describe('failures after the first token', () => {
  it('ends a native stream with usage then an error event, never done, and records it incomplete', async () => {
    const { post, upstream, usage } = await chatApp();
    upstream.script('primary', { kind: 'cut', afterDeltas: 3 });
    const res = await post('/chat', { message: 'hi' });
    expect(res.status).toBe(200);
    const events = parseSse(await res.text());
    expect(events.filter((e) => e.event === 'delta')).toHaveLength(3);
    expect(events.slice(-2).map((e) => e.event)).toEqual(['usage', 'error']);
    expect(events.some((e) => e.event === 'done')).toBe(false);
    expect(events.at(-1)?.json).toMatchObject({
      code: 'upstream_error',
      requestId: res.headers.get('x-request-id'),
    });
    // No retry after the first token: the answer was already being delivered.
    expect(upstream.callsFor('primary')).toHaveLength(1);
    expect(upstream.callsFor('backup')).toHaveLength(0);
    expect(await usage()).toMatchObject({ status: 'incomplete', errorCode: 'upstream_error' });
  });

  it('ends an OpenAI stream with an error chunk and no [DONE]', async () => {
    const { post, upstream } = await chatApp();
    upstream.script('primary', { kind: 'cut', afterDeltas: 2 });
    const res = await post('/v1/chat/completions', {
      model: 'upstream/primary',
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    });
    const events = parseSse(await res.text());
    expect(events.at(-1)?.json).toMatchObject({ error: { code: 'upstream_error' } });
    expect(events.some((e) => e.data === '[DONE]')).toBe(false);
  });

  it('never takes a truncated non-streamed upstream body as an answer: it retries, then falls back', async () => {
    const { post, upstream } = await chatApp();
    upstream.script('primary', { kind: 'cut', afterDeltas: 2 });
    upstream.script('backup', { kind: 'ok', text: 'whole answer' });
    const res = await post('/chat', { message: 'hi', stream: false });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ text: 'whole answer', model: 'upstream/backup' });
    expect(upstream.callsFor('primary')).toHaveLength(3);
  });
});

describe('client abort', () => {
  it('cancels the upstream call when the client closes the stream, and records it cancelled', async () => {
    const { post, upstream, usage } = await chatApp();
    upstream.script('primary', { kind: 'stall', afterDeltas: 2 });
    const res = await post('/chat', { message: 'hi' });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    await reader.cancel();
    const record = await usage();
    expect(record.status).toBe('cancelled');
    expect(upstream.callsFor('primary')[0]?.aborted).toBe(true);
  });

  it.each(['/chat', '/v1/chat/completions'])(
    'cancels a call still waiting for its first token on %s: no fallback for a client that is gone',
    async (route) => {
      const { post, upstream, usage, leavingClient } = await chatApp();
      // The primary never answers: without the client's abort the gateway would wait out the
      // first-token timeout and then try the backup.
      upstream.script('primary', { kind: 'hang' });
      const signal = leavingClient();
      const body =
        route === '/chat'
          ? { message: 'hi' }
          : { model: 'upstream/primary', stream: true, messages: [{ role: 'user', content: 'hi' }] };
      const res = await post(route, body, { signal });
      // Nobody reads this answer; the status is what the log line and the usage record keep.
      expect(res.status).toBe(499);
      expect(upstream.callsFor('primary')).toHaveLength(1);
      expect(upstream.callsFor('primary')[0]?.aborted).toBe(true);
      expect(upstream.callsFor('backup')).toHaveLength(0);
      const record = await usage();
      expect(record).toMatchObject({ status: 'cancelled', attempts: 1, outputTokens: 0, costUsd: 0 });
      expect(record.errorCode).toBeUndefined();
    },
  );
});
