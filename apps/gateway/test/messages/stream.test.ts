import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { chatApp } from '../support/chat-app.ts';
import { parseSse, type SseEvent } from '../support/sse.ts';

/** /v1/messages with stream: true, read as raw SSE: order, the one terminal event, cuts, disconnects. */

interface AnthropicError {
  error: { type: string; details: { error_code: string } };
}

const messages = (body: unknown) =>
  exports.default.fetch('http://127.0.0.1:8787/v1/messages', {
    method: 'POST',
    headers: { 'x-api-key': 'gwk_demo_acme', 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

const ask = (content: string, extra: Record<string, unknown> = {}) => ({
  model: 'local/echo-1',
  max_tokens: 128,
  messages: [{ role: 'user', content }],
  ...extra,
});

/** The stream's events with their JSON bodies. */
const events = async (res: Response): Promise<SseEvent[]> => parseSse(await res.text());
const TERMINAL = ['message_stop', 'error'];

describe('the event stream', () => {
  it('ends every successful stream with exactly one message_stop, after message_delta', async () => {
    const all = await events(await messages(ask('frame check', { stream: true })));
    expect(all.every((event) => (event.json as { type: string }).type === event.event)).toBe(true);
    expect(all.filter((event) => TERMINAL.includes(event.event)).map((event) => event.event)).toEqual([
      'message_stop',
    ]);
    expect(all.at(-1)?.event).toBe('message_stop');
    expect(all.at(-2)?.json).toMatchObject({
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { output_tokens: expect.any(Number) as number, input_tokens: expect.any(Number) as number },
    });
    expect(all[0]?.json).toMatchObject({
      type: 'message_start',
      message: { type: 'message', role: 'assistant', model: 'local/echo-1', content: [] },
    });
  });

  it('ends a stream cut after the first token with one error event, no message_stop, usage incomplete', async () => {
    const { post, upstream, usage } = await chatApp();
    upstream.script('primary', { kind: 'cut', afterDeltas: 2 });
    const res = await post('/v1/messages', {
      model: 'upstream/primary',
      max_tokens: 64,
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(res.status).toBe(200);
    const all = await events(res);
    expect(all.filter((event) => TERMINAL.includes(event.event)).map((event) => event.event)).toEqual([
      'error',
    ]);
    expect(all.at(-1)?.json).toMatchObject({
      type: 'error',
      error: { type: 'api_error', details: { error_code: 'upstream_error' } },
      request_id: res.headers.get('x-request-id'),
    });
    // The cut text block is never closed, and no stop reason is claimed.
    expect(all.some((event) => event.event === 'content_block_stop' || event.event === 'message_delta')).toBe(
      false,
    );
    expect(all.filter((event) => event.event === 'content_block_delta')).toHaveLength(2);
    expect(await usage()).toMatchObject({
      status: 'incomplete',
      errorCode: 'upstream_error',
      route: '/v1/messages',
    });
  });

  it('answers a failure before the first token with an HTTP error, not a stream', async () => {
    const { post, upstream } = await chatApp();
    upstream.script('primary', { kind: 'status', status: 500 });
    upstream.script('backup', { kind: 'status', status: 500 });
    const res = await post('/v1/messages', {
      model: 'upstream/primary',
      max_tokens: 64,
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(res.status).toBe(502);
    expect((await res.json<AnthropicError>()).error).toMatchObject({
      type: 'api_error',
      details: { error_code: 'upstream_error' },
    });
  });

  it('cancels the upstream call when the client closes the stream, and records it cancelled', async () => {
    const { post, upstream, usage } = await chatApp();
    upstream.script('primary', { kind: 'stall', afterDeltas: 2 });
    const res = await post('/v1/messages', {
      model: 'upstream/primary',
      max_tokens: 64,
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    await reader.cancel();
    expect((await usage()).status).toBe('cancelled');
    expect(upstream.callsFor('primary')[0]?.aborted).toBe(true);
  });

  it('cancels a call still waiting for its first token when the client leaves: no fallback', async () => {
    const { post, upstream, usage, leavingClient } = await chatApp();
    upstream.script('primary', { kind: 'hang' });
    const signal = leavingClient();
    const res = await post(
      '/v1/messages',
      {
        model: 'upstream/primary',
        max_tokens: 64,
        stream: true,
        messages: [{ role: 'user', content: 'hi' }],
      },
      { signal },
    );
    expect(res.status).toBe(499);
    expect(upstream.callsFor('primary')[0]?.aborted).toBe(true);
    expect(upstream.callsFor('backup')).toHaveLength(0);
    expect(await usage()).toMatchObject({ status: 'cancelled', outputTokens: 0 });
  });
});
