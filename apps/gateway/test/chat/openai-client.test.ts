import { exports } from 'cloudflare:workers';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { chatApp, CHAT_KEY } from '../support/chat-app.ts';
import { parseSse } from '../support/sse.ts';
import { toolGateway, WEATHER_TOOL } from '../clients/support.ts';

/** The official client, pointed at the gateway Worker exactly as a tenant app would be. */
function client(
  apiKey: string,
  fetchImpl: (request: Request) => Promise<Response> | Response = (r) => exports.default.fetch(r),
) {
  return new OpenAI({
    apiKey,
    baseURL: 'http://127.0.0.1:8787/v1',
    maxRetries: 0,
    fetch: (input: RequestInfo | URL, init?: RequestInit) =>
      Promise.resolve(fetchImpl(new Request(input, init))),
  });
}

describe('the official openai client against the gateway', () => {
  it('completes without streaming (demo tenant, local model)', async () => {
    const completion = await client('gwk_demo_acme').chat.completions.create({
      model: 'local/echo-1',
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'ping from the sdk' },
      ],
    });
    expect(completion.object).toBe('chat.completion');
    expect(completion.model).toBe('local/echo-1');
    expect(completion.choices[0]?.message.content).toContain('ping from the sdk');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage?.total_tokens).toBe(
      (completion.usage?.prompt_tokens ?? 0) + (completion.usage?.completion_tokens ?? 0),
    );
  });

  it('streams chunks and the usage chunk', async () => {
    const stream = await client('gwk_demo_acme').chat.completions.create({
      model: 'local/echo-1',
      messages: [{ role: 'user', content: 'stream me' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      usage = chunk.usage ?? usage;
    }
    expect(text).toContain('stream me');
    expect(finish).toBe('stop');
    expect(usage?.completion_tokens).toBeGreaterThan(0);
  });

  it('lists the tenant allowed models', async () => {
    const models = await client('gwk_demo_globex').models.list();
    expect(models.data.map((m) => m.id)).toEqual(['local/echo-1', 'local/hash-384']);
  });

  it('raises typed errors from OpenAI-shaped bodies', async () => {
    await expect(client('gwk_wrong').models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    const error = await client('gwk_demo_acme')
      .chat.completions.create({ model: 'openai/gpt-9', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).code).toBe('model_not_allowed');
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('model');
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).requestID).toMatch(/^req_/);
  });

  it('returns a client tool call, without and with streaming', async () => {
    const gateway = await toolGateway();
    const sdk = client(gateway.key, gateway.fetch);
    const request = {
      model: 'upstream/primary',
      messages: [{ role: 'user' as const, content: 'weather?' }],
      tools: [
        {
          type: 'function' as const,
          function: {
            name: WEATHER_TOOL.name,
            description: WEATHER_TOOL.description,
            parameters: { type: 'object', properties: { city: { type: 'string' } } },
          },
        },
      ],
    };
    const completion = await sdk.chat.completions.create(request);
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
    const call = completion.choices[0]?.message.tool_calls?.[0];
    expect(
      call?.type === 'function' ? [call.function.name, JSON.parse(call.function.arguments)] : call,
    ).toEqual([WEATHER_TOOL.name, WEATHER_TOOL.args]);

    let name = '';
    let args = '';
    let finish: string | null = null;
    for await (const chunk of await sdk.chat.completions.create({ ...request, stream: true })) {
      const delta = chunk.choices[0]?.delta.tool_calls?.[0];
      name += delta?.function?.name ?? '';
      args += delta?.function?.arguments ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect([name, JSON.parse(args)]).toEqual([WEATHER_TOOL.name, WEATHER_TOOL.args]);
    expect(finish).toBe('tool_calls');
  });

  it('raises an APIError mid-stream when the upstream is cut after the first token', async () => {
    const { app, upstream, env } = await chatApp();
    upstream.script('primary', { kind: 'cut', afterDeltas: 2 });
    const stream = await client(CHAT_KEY, (request) => app.fetch(request, env)).chat.completions.create({
      model: 'upstream/primary',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
    });
    let text = '';
    const consume = async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    };
    await expect(consume()).rejects.toBeInstanceOf(OpenAI.APIError);
    expect(text).toBe('one two ');
  });
});

describe('SSE framing', () => {
  it('native: every frame parses, meta first, exactly one terminal event, last', async () => {
    const res = await exports.default.fetch('http://127.0.0.1:8787/chat', {
      method: 'POST',
      headers: { authorization: 'Bearer gwk_demo_acme', 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'frame check' }),
    });
    const events = parseSse(await res.text());
    expect(events[0]?.event).toBe('meta');
    const terminal = events.filter((e) => e.event === 'done' || e.event === 'error');
    expect(terminal).toHaveLength(1);
    expect(events.at(-1)).toBe(terminal[0]);
    expect(events.every((e) => ['meta', 'delta', 'usage', 'done', 'error'].includes(e.event))).toBe(true);
  });

  it('openai: data-only frames, a finish chunk, then [DONE] last', async () => {
    const res = await exports.default.fetch('http://127.0.0.1:8787/v1/chat/completions', {
      method: 'POST',
      headers: { authorization: 'Bearer gwk_demo_acme', 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'local/echo-1',
        stream: true,
        messages: [{ role: 'user', content: 'x' }],
      }),
    });
    const events = parseSse(await res.text());
    expect(events.every((e) => e.event === 'message')).toBe(true);
    expect(events.at(-1)?.data).toBe('[DONE]');
    expect(events.filter((e) => e.data === '[DONE]')).toHaveLength(1);
    const finish = events.at(-2)?.json as { choices: { finish_reason: string }[] };
    expect(finish.choices[0]?.finish_reason).toBe('stop');
  });

  it('validates OpenAI requests with OpenAI-shaped errors naming the field', async () => {
    const res = await exports.default.fetch('http://127.0.0.1:8787/v1/chat/completions', {
      method: 'POST',
      headers: { authorization: 'Bearer gwk_demo_acme', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'local/echo-1', messages: [{ role: 'user', content: 42 }], n: 3 }),
    });
    expect(res.status).toBe(400);
    const body = await res.json<{ error: { type: string; code: string; param: string } }>();
    expect(body.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_request' });
    expect(body.error.param).toMatch(/^messages\.0\.content|^n$/);
  });
});
