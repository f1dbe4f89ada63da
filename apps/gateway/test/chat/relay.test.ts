import { describe, expect, it } from 'vitest';
import { CHAT_KEY, chatApp } from '../support/chat-app.ts';
import { parseSse } from '../support/sse.ts';

/**
 * Relayed streams (docs/chat.md): a streamed /v1 answer from an OpenAI-compatible upstream, with
 * usage asked for, no tools and no session, is the upstream's own bytes; the gateway still
 * accounts for it, reports a cut and cancels on disconnect.
 */
const relayable = {
  model: 'upstream/primary',
  stream: true,
  stream_options: { include_usage: true },
  messages: [{ role: 'user', content: 'hi' }],
};

/** What the scripted upstream sends for `text` (support/fake-upstream.ts), as one string. */
async function upstreamBytes(text: string): Promise<string> {
  const { upstream } = await chatApp();
  upstream.script('primary', { kind: 'ok', text });
  const direct = await upstream.fetch('http://upstream.test/v1/chat/completions', {
    method: 'POST',
    body: JSON.stringify({ model: 'primary', stream: true }),
  });
  return direct.text();
}

describe('relayed OpenAI streams', () => {
  it("passes the upstream's bytes through unchanged and records its exact usage", async () => {
    const { post, upstream, usage } = await chatApp();
    upstream.script('primary', { kind: 'ok', text: 'relayed as it is, byte for byte' });
    const res = await post('/v1/chat/completions', relayable);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    expect(res.headers.get('x-gateway-model')).toBe('upstream/primary');
    const body = await res.text();
    expect(body).toBe(await upstreamBytes('relayed as it is, byte for byte'));
    expect(parseSse(body).at(-1)?.data).toBe('[DONE]');
    expect(await usage()).toMatchObject({
      status: 'complete',
      model: 'upstream/primary',
      inputTokens: 11,
      outputTokens: 7,
      estimated: false,
    });
  });

  it('relays an answer that arrives in a single read', async () => {
    const { post, upstream, usage } = await chatApp();
    upstream.script('primary', { kind: 'ok', text: 'all at once' });
    const scripted = upstream.fetch;
    upstream.fetch = async (input, init) => {
      const response = await scripted(input, init);
      const whole = new Uint8Array(await response.arrayBuffer());
      const oneRead = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(whole);
          controller.close();
        },
      });
      return new Response(oneRead, { headers: response.headers });
    };
    const body = await (await post('/v1/chat/completions', relayable)).text();
    expect(body).toBe(await upstreamBytes('all at once'));
    expect((await usage()).status).toBe('complete');
  });

  it('ends a cut relayed stream with an error chunk and no [DONE], recorded incomplete', async () => {
    const { post, upstream, usage } = await chatApp();
    upstream.script('primary', { kind: 'cut', afterDeltas: 2 });
    const res = await post('/v1/chat/completions', relayable);
    const events = parseSse(await res.text());
    expect(events.map((e) => e.data).join('')).toContain('"content":"one "');
    expect(events.at(-1)?.json).toMatchObject({ error: { code: 'upstream_error' } });
    expect(events.some((e) => e.data === '[DONE]')).toBe(false);
    // No retry after the first token, and what was delivered is what is accounted.
    expect(upstream.callsFor('primary')).toHaveLength(1);
    expect(await usage()).toMatchObject({
      status: 'incomplete',
      errorCode: 'upstream_error',
      estimated: true,
    });
  });

  it('reports a stream the upstream closed cleanly before finishing', async () => {
    const { post, upstream, usage } = await chatApp();
    // The connection closes in order: no error, just no finish and no [DONE].
    upstream.script('primary', { kind: 'cut', afterDeltas: 3, clean: true });
    const res = await post('/v1/chat/completions', relayable);
    const events = parseSse(await res.text());
    expect(events.at(-1)?.json).toMatchObject({
      error: { code: 'upstream_error', message: expect.stringContaining('before it finished') as string },
    });
    expect(events.some((e) => e.data === '[DONE]')).toBe(false);
    expect(await usage()).toMatchObject({ status: 'incomplete' });
  });

  it('cancels the upstream call when the client disconnects (the request is aborted)', async () => {
    const { app, upstream, env, usage } = await chatApp();
    upstream.script('primary', { kind: 'stall', afterDeltas: 2 });
    const disconnect = new AbortController();
    const request = new Request('http://gateway.test/v1/chat/completions', {
      method: 'POST',
      headers: { authorization: `Bearer ${CHAT_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(relayable),
      signal: disconnect.signal,
    });
    const res = await app.request(request, undefined, env);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    disconnect.abort();
    expect((await usage()).status).toBe('cancelled');
    expect(upstream.callsFor('primary')[0]?.aborted).toBe(true);
  });

  it('cancels the upstream call when the client stops reading a stream still in flight', async () => {
    const { post, upstream, usage } = await chatApp();
    const long = Array.from({ length: 200 }, (_, i) => `w${i}`).join(' ');
    upstream.script('primary', { kind: 'ok', text: long, frameDelayMs: 5 });
    const res = await post('/v1/chat/completions', relayable);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    await reader.cancel();
    const record = await usage();
    expect(record.status).toBe('cancelled');
    expect(upstream.callsFor('primary')[0]?.aborted).toBe(true);
  });

  it('still retries and falls back before the first token', async () => {
    const { post, upstream, usage } = await chatApp();
    upstream.script('primary', { kind: 'status', status: 503 });
    upstream.script('backup', { kind: 'ok', text: 'from the fallback' });
    const res = await post('/v1/chat/completions', relayable);
    expect(res.headers.get('x-gateway-model')).toBe('upstream/backup');
    const events = parseSse(await res.text());
    expect(events.map((e) => (e.json as { model?: string } | null)?.model).filter(Boolean)).toContain(
      'backup',
    );
    expect(events.at(-1)?.data).toBe('[DONE]');
    expect(await usage()).toMatchObject({ status: 'complete', model: 'upstream/backup', attempts: 4 });
  });

  it("is not used when the client did not ask for usage: the gateway's own chunks, no usage chunk", async () => {
    const { post, upstream } = await chatApp();
    upstream.script('primary', { kind: 'ok', text: 'framed by the gateway' });
    const res = await post('/v1/chat/completions', { ...relayable, stream_options: undefined });
    const events = parseSse(await res.text());
    const chunks = events.filter((e) => e.data !== '[DONE]').map((e) => e.json as Record<string, unknown>);
    expect(chunks.every((chunk) => chunk.model === 'upstream/primary')).toBe(true);
    expect(chunks.every((chunk) => String(chunk.id).startsWith('chatcmpl-req_'))).toBe(true);
    expect(chunks.some((chunk) => 'usage' in chunk)).toBe(false);
    // The gateway still asked the upstream for usage, for its own accounting.
    expect(upstream.calls[0]?.body).toMatchObject({ stream_options: { include_usage: true } });
  });

  it('is not used when tools are offered: the gateway runs its loop between chunks', async () => {
    const { post, upstream } = await chatApp();
    upstream.script('primary', { kind: 'ok', text: 'no tool needed' });
    const res = await post('/v1/chat/completions', {
      ...relayable,
      tools: [{ type: 'function', function: { name: 'client_lookup', parameters: { type: 'object' } } }],
    });
    const chunks = parseSse(await res.text())
      .filter((e) => e.data !== '[DONE]')
      .map((e) => e.json as Record<string, unknown>);
    expect(chunks.every((chunk) => chunk.model === 'upstream/primary')).toBe(true);
  });

  it('is not used when the budget caps the answer and the request sets no max_tokens', async () => {
    const { post, upstream } = await chatApp({
      tenant: {
        id: 'relaybudget',
        limits: { budgets: { tenant: { tokensPerDay: 1_000_000 } }, reserveOutputTokens: 3 },
      },
    });
    upstream.script('primary', { kind: 'ok', text: 'one two three four five six seven eight nine ten' });
    const res = await post('/v1/chat/completions', relayable);
    const events = parseSse(await res.text());
    // The gateway enforced the reservation itself, mid-stream.
    expect(events.at(-1)?.json).toMatchObject({ error: { code: 'budget_exceeded' } });
  });
});
