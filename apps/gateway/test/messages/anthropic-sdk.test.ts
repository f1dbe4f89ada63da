import { exports } from 'cloudflare:workers';
import Anthropic, { APIError, AuthenticationError, BadRequestError, RateLimitError } from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { chatApp, CHAT_KEY } from '../support/chat-app.ts';

/** The official client, pointed at the gateway Worker exactly as a tenant app would be. */
function client(
  apiKey: string,
  fetchImpl: (request: Request) => Promise<Response> | Response = (r) => exports.default.fetch(r),
) {
  return new Anthropic({
    apiKey,
    baseURL: 'http://127.0.0.1:8787',
    maxRetries: 0,
    fetch: (input: RequestInfo | URL, init?: RequestInit) =>
      Promise.resolve(fetchImpl(new Request(input, init))),
  });
}

const acme = () => client('gwk_demo_acme');

describe('the official Anthropic client against /v1/messages', () => {
  it('creates a message without streaming', async () => {
    let sent: Request | undefined;
    const message = await client('gwk_demo_acme', (request) => {
      sent = request.clone();
      return exports.default.fetch(request);
    }).messages.create({
      model: 'local/echo-1',
      max_tokens: 256,
      system: 'You are terse.',
      messages: [{ role: 'user', content: 'ping from the anthropic sdk' }],
    });
    // The SDK names its API version; the gateway accepts and ignores it.
    expect(sent?.headers.get('anthropic-version')).not.toBeNull();
    expect(message).toMatchObject({ type: 'message', role: 'assistant', model: 'local/echo-1' });
    expect(message.id).toMatch(/^msg_/);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.stop_sequence).toBeNull();
    const [block] = message.content;
    expect(block?.type).toBe('text');
    expect(block?.type === 'text' ? block.text : '').toContain('ping from the anthropic sdk');
    expect(message.usage.input_tokens).toBeGreaterThan(0);
    expect(message.usage.output_tokens).toBeGreaterThan(0);
    expect(message._request_id).toMatch(/^req_/);
  });

  it('takes the key from x-api-key, as Anthropic clients send it', async () => {
    let sent: Request | undefined;
    const keyed = new Anthropic({
      apiKey: null,
      defaultHeaders: { 'x-api-key': 'gwk_demo_acme' },
      baseURL: 'http://127.0.0.1:8787',
      maxRetries: 0,
      fetch: (input: RequestInfo | URL, init?: RequestInit) => {
        sent = new Request(input, init);
        return exports.default.fetch(sent.clone());
      },
    });
    const message = await keyed.messages.create({
      model: 'local/echo-1',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'keyed' }],
    });
    expect(sent?.headers.get('authorization')).toBeNull();
    expect(message.stop_reason).toBe('end_turn');
  });

  it('passes the system prompt (string or text blocks) to the model as its system message', async () => {
    const { upstream, app, env } = await chatApp();
    await client(CHAT_KEY, (request) => app.fetch(request, env)).messages.create({
      model: 'upstream/primary',
      max_tokens: 64,
      system: [
        { type: 'text', text: 'Answer in French.' },
        { type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } },
      ],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Hello' }] },
        { role: 'assistant', content: 'Bonjour' },
        { role: 'user', content: 'How are you?' },
      ],
    });
    expect(upstream.calls[0]?.body).toMatchObject({
      model: 'primary',
      max_tokens: 64,
      messages: [
        { role: 'system', content: 'Answer in French.\n\nBe brief.' },
        { role: 'user', content: 'Hello' },
        { role: 'assistant', content: 'Bonjour' },
        { role: 'user', content: 'How are you?' },
      ],
    });
  });

  it('streams with stream: true, events in Anthropic order', async () => {
    const stream = await acme().messages.create({
      model: 'local/echo-1',
      max_tokens: 256,
      messages: [{ role: 'user', content: 'stream me please' }],
      stream: true,
    });
    const types: string[] = [];
    let text = '';
    let stop: string | null = null;
    let outputTokens = 0;
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
      if (event.type === 'message_delta') {
        stop = event.delta.stop_reason;
        outputTokens = event.usage.output_tokens;
      }
    }
    expect(text).toContain('stream me please');
    expect(stop).toBe('end_turn');
    expect(outputTokens).toBeGreaterThan(0);
    const deltas = types.filter((type) => type === 'content_block_delta').length;
    expect(deltas).toBeGreaterThan(1);
    expect(types).toEqual([
      'message_start',
      'content_block_start',
      ...Array<string>(deltas).fill('content_block_delta'),
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
  });

  it('messages.stream() accumulates the final message', async () => {
    const stream = acme().messages.stream({
      model: 'local/echo-1',
      max_tokens: 256,
      messages: [{ role: 'user', content: 'accumulate this' }],
    });
    let streamed = '';
    stream.on('text', (delta) => {
      streamed += delta;
    });
    const message = await stream.finalMessage();
    const block = message.content[0];
    expect(block?.type === 'text' ? block.text : '').toBe(streamed);
    expect(streamed).toContain('accumulate this');
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage.output_tokens).toBeGreaterThan(0);
    expect(message.usage.input_tokens).toBeGreaterThan(0);
  });

  it('ends with stop_reason max_tokens when the answer reaches max_tokens', async () => {
    const message = await acme().messages.create({
      model: 'local/echo-1',
      max_tokens: 3,
      messages: [{ role: 'user', content: 'a rather long message that will not fit in three tokens' }],
    });
    expect(message.stop_reason).toBe('max_tokens');
  });
});

const weather: Anthropic.Tool = {
  name: 'get_weather',
  description: 'The weather in a city.',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

describe('tools over /v1/messages', () => {
  it('hands a client tool call over as tool_use and takes its tool_result back', async () => {
    const first = await acme().messages.create({
      model: 'local/echo-1',
      max_tokens: 256,
      tools: [weather],
      messages: [{ role: 'user', content: 'call get_weather({"city":"Oslo"})' }],
    });
    expect(first.stop_reason).toBe('tool_use');
    const use = first.content.find((block) => block.type === 'tool_use');
    expect(use).toMatchObject({ type: 'tool_use', name: 'get_weather', input: { city: 'Oslo' } });
    if (use?.type !== 'tool_use') throw new Error('expected a tool_use block');

    const second = await acme().messages.create({
      model: 'local/echo-1',
      max_tokens: 256,
      tools: [weather],
      messages: [
        { role: 'user', content: 'call get_weather({"city":"Oslo"})' },
        { role: 'assistant', content: first.content },
        {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: use.id, content: '{"temp_c":4,"sky":"rain"}' }],
        },
      ],
    });
    expect(second.stop_reason).toBe('end_turn');
    const text = second.content[0];
    // The offline model answers a tool result by quoting it: the result reached the model.
    expect(text?.type === 'text' ? text.text : '').toBe('Tool result: {"temp_c":4,"sky":"rain"}');
  });

  it('sends the tool_use and tool_result history to the upstream as OpenAI tool messages', async () => {
    const { upstream, app, env } = await chatApp();
    await client(CHAT_KEY, (request) => app.fetch(request, env)).messages.create({
      model: 'upstream/primary',
      max_tokens: 64,
      tools: [weather],
      messages: [
        { role: 'user', content: 'Weather in Oslo?' },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Checking.' },
            { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Oslo' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: 'rain' }] },
            { type: 'text', text: 'And tomorrow?' },
          ],
        },
      ],
    });
    const body = upstream.calls[0]?.body as { messages: unknown[]; tools: unknown[] };
    expect(body.messages).toEqual([
      { role: 'user', content: 'Weather in Oslo?' },
      expect.objectContaining({
        role: 'assistant',
        content: 'Checking.',
        tool_calls: [
          {
            id: 'toolu_1',
            type: 'function',
            function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
          },
        ],
      }),
      { role: 'tool', tool_call_id: 'toolu_1', content: 'rain' },
      { role: 'user', content: 'And tomorrow?' },
    ]);
    expect(body.tools).toEqual([
      expect.objectContaining({
        type: 'function',
        function: expect.objectContaining({
          name: 'get_weather',
          parameters: weather.input_schema,
        }) as unknown,
      }),
    ]);
  });

  it('streams a client tool call as a tool_use block with input_json_delta', async () => {
    const stream = acme().messages.stream({
      model: 'local/echo-1',
      max_tokens: 256,
      tools: [weather],
      messages: [{ role: 'user', content: 'call get_weather({"city":"Bergen"})' }],
    });
    const message = await stream.finalMessage();
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toEqual([
      expect.objectContaining({ type: 'tool_use', name: 'get_weather', input: { city: 'Bergen' } }),
    ]);
  });

  it('runs a gateway tool in the gateway and returns the final answer', async () => {
    const message = await acme().messages.create({
      model: 'local/echo-1',
      max_tokens: 512,
      tools: [{ name: 'classify_intent', input_schema: { type: 'object' } }],
      messages: [
        { role: 'user', content: 'call classify_intent({"text":"I was charged twice on my invoice"})' },
      ],
    });
    expect(message.stop_reason).toBe('end_turn');
    expect(message.content.some((block) => block.type === 'tool_use')).toBe(false);
    const text = message.content[0];
    expect(text?.type === 'text' ? text.text : '').toMatch(/^Tool result: .*"label":"billing"/);
  });
});

describe('errors as the Anthropic SDK types them', () => {
  it('raises AuthenticationError for a bad key', async () => {
    const error = await client('gwk_wrong')
      .messages.create({ model: 'local/echo-1', max_tokens: 8, messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as APIError).type).toBe('authentication_error');
    expect((error as APIError).errorCode).toBe('invalid_api_key');
    expect((error as APIError).requestID).toMatch(/^req_/);
  });

  it('raises BadRequestError for a model the tenant may not use, naming the field', async () => {
    const error = await acme()
      .messages.create({
        model: 'anthropic/claude-x',
        max_tokens: 8,
        messages: [{ role: 'user', content: 'x' }],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as APIError).type).toBe('invalid_request_error');
    expect((error as APIError).errorCode).toBe('model_not_allowed');
  });

  it('raises RateLimitError when the tenant is rate limited', async () => {
    const { app, env } = await chatApp({
      tenant: { id: 'messages-limited', limits: { rates: { key: { rate: 60, burst: 1 } } } },
    });
    const limited = client(CHAT_KEY, (request) => app.fetch(request, env));
    const ask = () =>
      limited.messages.create({
        model: 'local/echo-1',
        max_tokens: 8,
        messages: [{ role: 'user', content: 'x' }],
      });
    await ask();
    const error = await ask().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as APIError).type).toBe('rate_limit_error');
    expect((error as APIError).headers?.get('retry-after')).not.toBeNull();
  });

  it('raises an APIError mid-stream when the upstream is cut after the first token', async () => {
    const { app, upstream, env } = await chatApp();
    upstream.script('primary', { kind: 'cut', afterDeltas: 2 });
    const stream = client(CHAT_KEY, (request) => app.fetch(request, env)).messages.stream({
      model: 'upstream/primary',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'hi' }],
    });
    let text = '';
    stream.on('text', (delta) => {
      text += delta;
    });
    const error = await stream.finalMessage().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).type).toBe('api_error');
    expect((error as APIError).errorCode).toBe('upstream_error');
    expect(text).toBe('one two ');
  });
});
