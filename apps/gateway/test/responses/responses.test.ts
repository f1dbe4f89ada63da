import { describe, expect, it } from 'vitest';
import { chatApp } from '../support/chat-app.ts';
import { expectValid } from '../support/openai-spec/index.ts';
import {
  ACME,
  create,
  gateway,
  GLOBEX,
  responseStream,
  textOf,
  type ErrorJson,
  type ResponseJson,
} from './support.ts';

describe('POST /v1/responses', () => {
  it('answers a string input with a valid Response object and usage', async () => {
    const res = await create(ACME, { model: 'local/echo-1', input: 'hello responses' });
    expect(res.status).toBe(200);
    const body = await res.json<ResponseJson>();
    expectValid('responses', 'Response', body);
    expect(body.id).toMatch(/^resp_[0-9a-f]{32}$/);
    expect(body).toMatchObject({ object: 'response', status: 'completed', model: 'local/echo-1' });
    expect(textOf(body)).toContain('hello responses');
    expect(body.usage.output_tokens).toBeGreaterThan(0);
    expect(body.usage.total_tokens).toBe(body.usage.input_tokens + body.usage.output_tokens);
  });

  it('sends instructions and message items (input_text and output_text) to the model in order', async () => {
    const { post, upstream } = await chatApp();
    const body = {
      model: 'upstream/primary',
      instructions: 'Be terse.',
      input: [
        { role: 'user', content: [{ type: 'input_text', text: 'first' }] },
        {
          type: 'message',
          id: 'msg_earlier',
          role: 'assistant',
          status: 'completed',
          content: [{ type: 'output_text', text: 'ok', annotations: [], logprobs: [] }],
        },
        { role: 'developer', content: 'mind the rules' },
        { role: 'user', content: 'second' },
      ],
      max_output_tokens: 64,
      temperature: 0.5,
    };
    expectValid('responses', 'CreateResponse', body);
    const res = await post('/v1/responses', body);
    expect(res.status).toBe(200);
    expectValid('responses', 'Response', await res.json());
    expect(upstream.calls[0]?.body).toMatchObject({
      messages: [
        { role: 'system', content: 'Be terse.' },
        { role: 'user', content: 'first' },
        { role: 'assistant', content: 'ok' },
        { role: 'system', content: 'mind the rules' },
        { role: 'user', content: 'second' },
      ],
      max_tokens: 64,
      temperature: 0.5,
    });
  });

  it('streams typed events: created, in_progress, the item, text deltas, done events, completed', async () => {
    const res = await create(ACME, { model: 'local/echo-1', input: 'stream this please', stream: true });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const events = responseStream(await res.text());
    expect(events.map((event) => event.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      ...events
        .filter((event) => event.type === 'response.output_text.delta')
        .map(() => 'response.output_text.delta'),
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    const deltas = events.filter((event) => event.type === 'response.output_text.delta');
    expect(deltas.length).toBeGreaterThan(1);
    const text = deltas.map((event) => event.delta).join('');
    expect(text).toContain('stream this please');
    const completed = events.at(-1)?.response as ResponseJson;
    expectValid('responses', 'Response', completed);
    expect(textOf(completed)).toBe(text);
    expect(completed.usage.output_tokens).toBeGreaterThan(0);
  });

  it('ends with response.incomplete when max_output_tokens cuts the answer', async () => {
    const input = Array.from({ length: 40 }, (_, index) => `word${String(index)}`).join(' ');
    const res = await create(ACME, { model: 'local/echo-1', input, max_output_tokens: 16 });
    const body = await res.json<ResponseJson & { incomplete_details: unknown }>();
    expectValid('responses', 'Response', body);
    expect(body).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } });
  });
});

describe('stored responses', () => {
  it('continues a stored response with previous_response_id, and GET returns it', async () => {
    const first = await (
      await create(ACME, { model: 'local/echo-1', input: 'remember apples' })
    ).json<ResponseJson>();
    const second = await create(ACME, {
      model: 'local/echo-1',
      input: 'and pears',
      previous_response_id: first.id,
    });
    expect(second.status).toBe(200);
    const body = await second.json<ResponseJson & { previous_response_id: string }>();
    expect(body.previous_response_id).toBe(first.id);
    // The echo model counts the user turns it was sent: the stored one and the new one.
    expect(textOf(body)).toContain('turn 2');

    const fetched = await gateway(`/v1/responses/${first.id}`, { key: ACME });
    expect(fetched.status).toBe(200);
    const stored = await fetched.json<ResponseJson>();
    expectValid('responses', 'Response', stored);
    expect(stored).toEqual(first);
  });

  it('sends the stored conversation, then the new input, to the model', async () => {
    const { post, upstream } = await chatApp();
    upstream.script('primary', { kind: 'ok', text: 'first answer' }, { kind: 'ok', text: 'second answer' });
    const first = await (
      await post('/v1/responses', { model: 'upstream/primary', instructions: 'only once', input: 'q1' })
    ).json<ResponseJson>();
    const res = await post('/v1/responses', {
      model: 'upstream/primary',
      input: 'q2',
      previous_response_id: first.id,
    });
    expect(res.status).toBe(200);
    // Instructions are not carried over to a continuation (as with OpenAI).
    expect(upstream.calls[1]?.body.messages).toEqual([
      { role: 'user', content: 'q1' },
      { role: 'assistant', content: 'first answer' },
      { role: 'user', content: 'q2' },
    ]);
  });

  it('keeps nothing with store: false', async () => {
    const body = await (
      await create(ACME, { model: 'local/echo-1', input: 'forget me', store: false })
    ).json<ResponseJson & { store: boolean }>();
    expect(body.store).toBe(false);
    expect((await gateway(`/v1/responses/${body.id}`, { key: ACME })).status).toBe(404);
  });

  it("is tenant-scoped: another tenant's id is a 404 for GET, DELETE and previous_response_id", async () => {
    const acme = await (
      await create(ACME, { model: 'local/echo-1', input: 'acme secret' })
    ).json<ResponseJson>();
    const read = await gateway(`/v1/responses/${acme.id}`, { key: GLOBEX });
    expect(read.status).toBe(404);
    expect((await read.json<ErrorJson>()).error).toMatchObject({
      type: 'not_found_error',
      code: 'not_found',
    });
    expect((await gateway(`/v1/responses/${acme.id}`, { key: GLOBEX, method: 'DELETE' })).status).toBe(404);
    const continued = await create(GLOBEX, {
      model: 'local/echo-1',
      input: 'what did acme say?',
      previous_response_id: acme.id,
    });
    expect(continued.status).toBe(404);
    expect((await continued.json<ErrorJson>()).error).toMatchObject({
      code: 'not_found',
      param: 'previous_response_id',
    });
    // Still there for its own tenant.
    expect((await gateway(`/v1/responses/${acme.id}`, { key: ACME })).status).toBe(200);
  });

  it('deletes a response: GET and continuation are then 404', async () => {
    const body = await (
      await create(ACME, { model: 'local/echo-1', input: 'short-lived' })
    ).json<ResponseJson>();
    const deleted = await gateway(`/v1/responses/${body.id}`, { key: ACME, method: 'DELETE' });
    expect(deleted.status).toBe(200);
    expect(await deleted.json()).toEqual({ id: body.id, object: 'response', deleted: true });
    expect((await gateway(`/v1/responses/${body.id}`, { key: ACME })).status).toBe(404);
    expect((await gateway(`/v1/responses/${body.id}`, { key: ACME, method: 'DELETE' })).status).toBe(404);
  });

  it('resolves an item_reference to an output item of a stored response', async () => {
    const { post, upstream } = await chatApp();
    upstream.script('primary', { kind: 'ok', text: 'the answer' }, { kind: 'ok' });
    const first = await (
      await post('/v1/responses', { model: 'upstream/primary', input: 'q1' })
    ).json<ResponseJson>();
    const messageId = first.output[0]?.id ?? '';
    const res = await post('/v1/responses', {
      model: 'upstream/primary',
      input: [
        { role: 'user', content: 'q1' },
        { type: 'item_reference', id: messageId },
        { role: 'user', content: 'q2' },
      ],
    });
    expect(res.status).toBe(200);
    expect(upstream.calls[1]?.body.messages).toEqual([
      { role: 'user', content: 'q1' },
      { role: 'assistant', content: 'the answer' },
      { role: 'user', content: 'q2' },
    ]);
    const unknown = await post('/v1/responses', {
      model: 'upstream/primary',
      input: [{ type: 'item_reference', id: 'msg_0123' }],
    });
    expect(unknown.status).toBe(404);
    expect((await unknown.json<ErrorJson>()).error.param).toBe('input.0.id');
  });
});

describe('tools', () => {
  it('hands a client function call back as a completed function_call item, then takes its output', async () => {
    const tool = {
      type: 'function',
      name: 'get_weather',
      description: 'Weather for a city',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      strict: true,
    };
    const res = await create(ACME, {
      model: 'local/echo-1',
      input: 'call get_weather({"city":"Paris"})',
      tools: [tool],
    });
    const body = await res.json<ResponseJson & { output: { arguments?: string }[] }>();
    expectValid('responses', 'Response', body);
    expect(body.status).toBe('completed');
    expect(body.output).toEqual([
      expect.objectContaining({
        type: 'function_call',
        status: 'completed',
        name: 'get_weather',
        arguments: '{"city":"Paris"}',
      }),
    ]);
    const call = body.output[0];
    const next = await create(ACME, {
      model: 'local/echo-1',
      previous_response_id: body.id,
      input: [{ type: 'function_call_output', call_id: call?.call_id ?? '', output: '{"temp":21}' }],
      tools: [tool],
    });
    const answer = await next.json<ResponseJson>();
    expect(answer.status).toBe('completed');
    expect(textOf(answer)).toBe('Tool result: {"temp":21}');
  });

  it('streams a client function call as item, arguments delta and done events', async () => {
    const res = await create(ACME, {
      model: 'local/echo-1',
      input: 'call lookup({"q":"x"})',
      tools: [
        { type: 'function', name: 'lookup', parameters: { type: 'object', properties: {} }, strict: false },
      ],
      stream: true,
    });
    const events = responseStream(await res.text());
    expect(events.map((event) => event.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events[4]).toMatchObject({ name: 'lookup', arguments: '{"q":"x"}' });
  });

  it('runs a gateway tool in the gateway and answers with its result', async () => {
    const res = await create(ACME, {
      model: 'local/echo-1',
      input: 'call classify_intent({"text":"where is my parcel"})',
      tools: [
        {
          type: 'function',
          name: 'classify_intent',
          parameters: { type: 'object', properties: {} },
          strict: false,
        },
      ],
    });
    const body = await res.json<ResponseJson>();
    expectValid('responses', 'Response', body);
    // The gateway's own call never reaches the client: only the answer after it does.
    expect(body.output.map((item) => item.type)).toEqual(['message']);
    expect(textOf(body)).toMatch(/^Tool result: \{"label":/);
  });

  it('offers no tools with tool_choice "none"', async () => {
    const res = await create(ACME, {
      model: 'local/echo-1',
      input: 'call lookup({"q":"x"})',
      tools: [
        { type: 'function', name: 'lookup', parameters: { type: 'object', properties: {} }, strict: false },
      ],
      tool_choice: 'none',
    });
    expect((await res.json<ResponseJson>()).output.map((item) => item.type)).toEqual(['message']);
  });
});
