import { describe, expect, it } from 'vitest';
import { chatApp } from '../support/chat-app.ts';
import { parseSse } from '../support/sse.ts';

interface ChatJson {
  text: string;
  model: string;
  provider: string;
  finishReason: string;
  usage: { inputTokens: number; outputTokens: number; estimated: boolean; costUsd: number };
}

describe('providers, end to end through /chat', () => {
  it('local: streams the offline answer token by token with usage', async () => {
    const { post, usage } = await chatApp();
    const res = await post('/chat', { message: 'hello gateway', model: 'local/echo-1' });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const events = parseSse(await res.text());
    const deltas = events.filter((e) => e.event === 'delta');
    expect(deltas.length).toBeGreaterThan(3);
    const text = deltas.map((e) => (e.json as { text: string }).text).join('');
    expect(text).toContain('You said: hello gateway');
    expect(events.map((e) => e.event).filter((name) => name !== 'delta')).toEqual(['meta', 'usage', 'done']);
    expect(events[0]?.json).toMatchObject({ model: 'local/echo-1', provider: 'local' });
    const record = await usage();
    expect(record).toMatchObject({
      status: 'complete',
      model: 'local/echo-1',
      provider: 'local',
      attempts: 1,
      estimated: false,
    });
    expect(record.outputTokens).toBeGreaterThan(0);
  });

  it('openai-compatible: sends the secret, config headers and stream options; uses upstream usage and prices it', async () => {
    const { post, upstream, usage } = await chatApp();
    upstream.script('primary', { kind: 'ok', text: 'four score and seven' });
    const res = await post('/chat', {
      message: 'hi',
      system: 'be brief',
      stream: false,
      maxTokens: 50,
      temperature: 0.2,
    });
    expect(res.status).toBe(200);
    const body = await res.json<ChatJson>();
    expect(body).toMatchObject({
      text: 'four score and seven',
      model: 'upstream/primary',
      provider: 'upstream',
      finishReason: 'stop',
    });
    expect(body.usage).toMatchObject({ inputTokens: 11, outputTokens: 7, estimated: false });
    const [call] = upstream.calls;
    expect(call?.headers.get('authorization')).toBe('Bearer sk-upstream-secret');
    expect(call?.headers.get('x-upstream-org')).toBe('chatco');
    expect(call?.body).toMatchObject({
      model: 'primary',
      max_tokens: 50,
      temperature: 0.2,
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'hi' },
      ],
    });
    expect((await usage()).status).toBe('complete');
  });

  it('openai-compatible: streams and asks the upstream for usage', async () => {
    const { post, upstream } = await chatApp();
    const events = parseSse(await (await post('/chat', { message: 'hi' })).text());
    expect(upstream.calls[0]?.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(events.find((e) => e.event === 'usage')?.json).toMatchObject({
      inputTokens: 11,
      outputTokens: 7,
      estimated: false,
    });
    expect(events.at(-1)?.event).toBe('done');
  });

  it('openai-compatible: reads a finished stream to its end rather than cancelling it, so the connection is reused', async () => {
    const { post, upstream } = await chatApp();
    const events = parseSse(await (await post('/chat', { message: 'hi' })).text());
    expect(events.at(-1)?.event).toBe('done');
    // The body's end is read after the answer is complete, off the client's path.
    await expect.poll(() => upstream.calls[0]?.answer).not.toBe('open');
    expect(upstream.calls[0]?.answer).toBe('read');
  });

  it('estimates tokens (and says so) when the upstream reports no usage', async () => {
    const { post, upstream } = await chatApp();
    upstream.script('primary', { kind: 'ok', text: 'no usage here', usage: false });
    const events = parseSse(await (await post('/chat', { message: 'hi' })).text());
    const usageEvent = events.find((e) => e.event === 'usage')?.json as ChatJson['usage'];
    expect(usageEvent.estimated).toBe(true);
    expect(usageEvent.outputTokens).toBeGreaterThan(0);
  });

  it('refuses a missing upstream secret as provider_unavailable, without calling it', async () => {
    const { post, upstream, env } = await chatApp({
      tenant: { models: { chat: 'upstream/primary', allowed: ['upstream/primary'] } },
    });
    const res = await post('/chat', { message: 'hi' }, { env: { ...env, UPSTREAM_API_KEY: undefined } });
    expect(res.status).toBe(503);
    expect((await res.json<{ error: { code: string; message: string } }>()).error).toMatchObject({
      code: 'provider_unavailable',
      message: expect.stringContaining('UPSTREAM_API_KEY') as string,
    });
    expect(upstream.calls).toHaveLength(0);
  });

  it('workers-ai: runs through the tenant AI Gateway with tenant, request and route metadata', async () => {
    const { post, ai, usage } = await chatApp();
    const res = await post('/chat', { message: 'hi', model: 'workers-ai/@cf/meta/llama-3.1-8b-instruct' });
    const events = parseSse(await res.text());
    const text = events
      .filter((e) => e.event === 'delta')
      .map((e) => (e.json as { text: string }).text)
      .join('');
    expect(text).toBe('Hello from Workers AI');
    const [run] = ai.runs;
    expect(run?.model).toBe('@cf/meta/llama-3.1-8b-instruct');
    expect(run?.inputs).toMatchObject({ stream: true, messages: [{ role: 'user', content: 'hi' }] });
    expect(run?.options.gateway).toEqual({
      id: 'gw-chatco',
      skipCache: true,
      cacheTtl: 60,
      metadata: { tenantId: 'chatco', requestId: res.headers.get('x-request-id'), route: 'chat' },
    });
    const record = await usage();
    expect(record).toMatchObject({
      inputTokens: 9,
      outputTokens: 4,
      estimated: false,
      provider: 'workers-ai',
      priced: true,
    });
    expect(record.costUsd).toBeGreaterThan(0);
  });

  it('workers-ai: answers 503 provider_unavailable where the AI binding does not exist (local dev)', async () => {
    const { post, env } = await chatApp({
      tenant: {
        models: {
          chat: 'workers-ai/@cf/meta/llama-3.1-8b-instruct',
          allowed: ['workers-ai/@cf/meta/llama-3.1-8b-instruct'],
        },
      },
    });
    const res = await post('/chat', { message: 'hi' }, { env: { ...env, AI: undefined } });
    expect(res.status).toBe(503);
    const body = await res.json<{ error: { code: string; message: string } }>();
    expect(body.error.code).toBe('provider_unavailable');
    expect(body.error.message).toContain('staging and production');
  });

  it('names the chosen model and provider in response headers', async () => {
    const { post } = await chatApp();
    const res = await post('/chat', { message: 'hi', stream: false });
    expect(res.headers.get('x-gateway-model')).toBe('upstream/primary');
    expect(res.headers.get('x-gateway-provider')).toBe('upstream');
    expect(res.headers.get('x-request-id')).toMatch(/^req_/);
  });

  it('refuses a model outside the allow-list with model_not_allowed, before any upstream call', async () => {
    const { post, upstream } = await chatApp();
    const res = await post('/chat', { message: 'hi', model: 'upstream/gpt-9' });
    expect(res.status).toBe(400);
    const body = await res.json<{ error: { code: string; details: { allowed: string[] } } }>();
    expect(body.error.code).toBe('model_not_allowed');
    expect(body.error.details.allowed).toContain('upstream/primary');
    expect(upstream.calls).toHaveLength(0);
  });
});
