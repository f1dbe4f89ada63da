import { exports } from 'cloudflare:workers';
import { createOpenAI } from '@ai-sdk/openai';
import { generateText, stepCountIs, streamText, tool } from 'ai';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { chatApp, CHAT_KEY } from '../support/chat-app.ts';
import { expectValid, expectValidEvent } from '../support/openai-spec/index.ts';

const BASE_URL = 'http://127.0.0.1:8787/v1';
type Fetcher = (request: Request) => Promise<Response> | Response;
const worker: Fetcher = (request) => exports.default.fetch(request);

/** The official client, pointed at the gateway Worker exactly as a tenant app would be. */
function openai(apiKey = 'gwk_demo_acme', fetcher: Fetcher = worker) {
  return new OpenAI({
    apiKey,
    baseURL: BASE_URL,
    maxRetries: 0,
    fetch: (input: RequestInfo | URL, init?: RequestInit) =>
      Promise.resolve(fetcher(new Request(input, init))),
  });
}

const weather = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'Weather for a city',
  parameters: {
    type: 'object',
    properties: { city: { type: 'string' } },
    required: ['city'],
    additionalProperties: false,
  },
  strict: true,
};

describe('the official openai client (v7): responses', () => {
  it('creates a response and reads output_text and usage', async () => {
    const response = await openai().responses.create({
      model: 'local/echo-1',
      instructions: 'Be terse.',
      input: 'ping from the sdk',
    });
    expectValid('responses', 'Response', response);
    expect(response.status).toBe('completed');
    expect(response.output_text).toContain('ping from the sdk');
    expect(response.usage?.total_tokens).toBe(
      (response.usage?.input_tokens ?? 0) + (response.usage?.output_tokens ?? 0),
    );
  });

  it('streams events and gives the final response', async () => {
    const stream = await openai().responses.create({
      model: 'local/echo-1',
      input: 'stream me',
      stream: true,
    });
    const types: string[] = [];
    let text = '';
    for await (const event of stream) {
      expectValidEvent('responses', 'ResponseStreamEvent', event);
      types.push(event.type);
      if (event.type === 'response.output_text.delta') text += event.delta;
    }
    expect(types[0]).toBe('response.created');
    expect(types.at(-1)).toBe('response.completed');
    expect(text).toContain('stream me');

    const helper = openai().responses.stream({ model: 'local/echo-1', input: 'final please' });
    const final = await helper.finalResponse();
    expect(final.status).toBe('completed');
    expect(final.output_text).toContain('final please');
  });

  it('continues with previous_response_id, retrieves and deletes', async () => {
    const client = openai();
    const first = await client.responses.create({ model: 'local/echo-1', input: 'first turn' });
    const second = await client.responses.create({
      model: 'local/echo-1',
      input: 'second turn',
      previous_response_id: first.id,
    });
    expect(second.output_text).toContain('turn 2');
    const retrieved = await client.responses.retrieve(first.id);
    expect(retrieved.id).toBe(first.id);
    expect(retrieved.output_text).toBe(first.output_text);
    await client.responses.delete(first.id);
    await expect(client.responses.retrieve(first.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    // Another tenant never sees it.
    await expect(openai('gwk_demo_globex').responses.retrieve(second.id)).rejects.toBeInstanceOf(
      OpenAI.NotFoundError,
    );
  });

  it('round-trips a client function tool', async () => {
    const client = openai();
    const asked = await client.responses.create({
      model: 'local/echo-1',
      input: 'call get_weather({"city":"Paris"})',
      tools: [weather],
    });
    const call = asked.output.find((item) => item.type === 'function_call');
    expect(call).toMatchObject({ name: 'get_weather', arguments: '{"city":"Paris"}', status: 'completed' });
    const answered = await client.responses.create({
      model: 'local/echo-1',
      previous_response_id: asked.id,
      input: [{ type: 'function_call_output', call_id: call?.call_id ?? '', output: '{"temp":21}' }],
      tools: [weather],
    });
    expect(answered.output_text).toBe('Tool result: {"temp":21}');
  });

  it('runs a gateway tool inside the gateway', async () => {
    const response = await openai().responses.create({
      model: 'local/echo-1',
      input: 'call classify_intent({"text":"I was charged twice"})',
      tools: [{ type: 'function', name: 'classify_intent', parameters: null, strict: false }],
    });
    expect(response.output.map((item) => item.type)).toEqual(['message']);
    expect(response.output_text).toMatch(/^Tool result: \{"label":"billing"/);
  });

  it('raises typed errors: unknown model, unsupported feature', async () => {
    const client = openai();
    const error = await client.responses
      .create({ model: 'openai/gpt-9', input: 'x' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({ code: 'model_not_allowed', param: 'model' });
    const builtin = await client.responses
      .create({ model: 'local/echo-1', input: 'x', tools: [{ type: 'web_search' }] })
      .catch((e: unknown) => e);
    expect(builtin).toMatchObject({ status: 400, param: 'tools.0.type' });
  });

  it('ends a stream cut mid-answer with response.failed, never response.completed', async () => {
    const { app, upstream, env } = await chatApp();
    upstream.script('primary', { kind: 'cut', afterDeltas: 2 });
    const stream = await openai(CHAT_KEY, (request) => app.fetch(request, env)).responses.create({
      model: 'upstream/primary',
      input: 'hi',
      stream: true,
    });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    expect(types.at(-1)).toBe('response.failed');
    expect(types).not.toContain('response.completed');
  });
});

describe('the Vercel AI SDK (v7) with @ai-sdk/openai: its default Responses path', () => {
  const provider = createOpenAI({
    baseURL: BASE_URL,
    apiKey: 'gwk_demo_acme',
    fetch: (input, init) => Promise.resolve(worker(new Request(input, init))),
  });

  it('generateText', async () => {
    const result = await generateText({
      model: provider('local/echo-1'),
      instructions: 'Be terse.',
      prompt: 'hello ai sdk',
    });
    expect(result.text).toContain('hello ai sdk');
    expect(result.finishReason).toBe('stop');
    expect(result.usage.outputTokens).toBeGreaterThan(0);
    expect(result.finalStep.response.id).toMatch(/^resp_/);
  });

  it('streamText', async () => {
    const result = streamText({ model: provider('local/echo-1'), prompt: 'stream via ai sdk' });
    let text = '';
    for await (const part of result.textStream) text += part;
    expect(text).toContain('stream via ai sdk');
    expect(await result.finishReason).toBe('stop');
  });

  it('calls a client tool and answers with its result', async () => {
    const result = await generateText({
      model: provider('local/echo-1'),
      prompt: 'call get_weather({"city":"Oslo"})',
      tools: {
        get_weather: tool({
          description: 'Weather for a city',
          inputSchema: z.object({ city: z.string() }),
          execute: ({ city }) => Promise.resolve({ city, temp: 3 }),
        }),
      },
      stopWhen: stepCountIs(2),
    });
    expect(result.steps).toHaveLength(2);
    expect(result.steps[0]?.toolCalls[0]).toMatchObject({ toolName: 'get_weather', input: { city: 'Oslo' } });
    expect(result.text).toBe('Tool result: {"city":"Oslo","temp":3}');
  });
});
