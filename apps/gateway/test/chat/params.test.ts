import { describe, expect, it } from 'vitest';
import { chatApp } from '../support/chat-app.ts';
import { expectValid } from '../support/openai-spec/index.ts';

/**
 * The generation parameters, once in the engine and once per codec: each API's names reach an
 * OpenAI-compatible upstream as OpenAI's, a model that cannot honour one is refused before any
 * call, and the offline model honours what it can.
 */

/** What every API below asks for, in OpenAI's wire names: what the upstream must receive. */
const EXPECTED_WIRE = {
  top_p: 0.5,
  stop: ['END'],
  seed: 7,
  presence_penalty: 0.25,
  frequency_penalty: -0.5,
  user: 'end-user-1',
};
const SCHEMA = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'] };

describe('generation parameters reach the upstream in its own names', () => {
  it('/chat (camelCase)', async () => {
    const { post, upstream } = await chatApp();
    const res = await post('/chat', {
      message: 'hi',
      model: 'upstream/primary',
      stream: false,
      topP: 0.5,
      stop: 'END',
      seed: 7,
      presencePenalty: 0.25,
      frequencyPenalty: -0.5,
      user: 'end-user-1',
      responseFormat: { type: 'json_schema', name: 'answer', schema: SCHEMA, strict: true },
    });
    expect(res.status).toBe(200);
    expect(upstream.calls[0]?.body).toMatchObject({
      ...EXPECTED_WIRE,
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: SCHEMA, strict: true } },
    });
  });

  it('/v1/chat/completions, with a forced tool and no parallel calls', async () => {
    const { post, upstream } = await chatApp();
    const res = await post('/v1/chat/completions', {
      model: 'upstream/primary',
      messages: [{ role: 'user', content: 'hi' }],
      ...EXPECTED_WIRE,
      stop: 'END',
      response_format: { type: 'json_object' },
      tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } }],
      tool_choice: { type: 'function', function: { name: 'lookup' } },
      parallel_tool_calls: false,
    });
    expect(res.status).toBe(200);
    expect(upstream.calls[0]?.body).toMatchObject({
      ...EXPECTED_WIRE,
      response_format: { type: 'json_object' },
      tool_choice: { type: 'function', function: { name: 'lookup' } },
      parallel_tool_calls: false,
    });
  });

  it('/v1/responses (text.format, tool_choice "required")', async () => {
    const { post, upstream } = await chatApp();
    const res = await post('/v1/responses', {
      model: 'upstream/primary',
      input: 'hi',
      top_p: 0.5,
      user: 'end-user-1',
      max_output_tokens: 64,
      text: { format: { type: 'json_schema', name: 'answer', schema: SCHEMA } },
      tools: [{ type: 'function', name: 'lookup', parameters: { type: 'object' } }],
      tool_choice: 'required',
    });
    expect(res.status).toBe(200);
    const response = await res.json<{ top_p: number; tool_choice: unknown; text: unknown }>();
    expectValid('responses', 'Response', response);
    // The response object echoes what was asked, as OpenAI's does.
    expect(response).toMatchObject({
      top_p: 0.5,
      tool_choice: 'required',
      text: { format: { type: 'json_schema', name: 'answer' } },
    });
    expect(upstream.calls[0]?.body).toMatchObject({
      top_p: 0.5,
      user: 'end-user-1',
      max_tokens: 64,
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: SCHEMA } },
      tool_choice: 'required',
    });
  });

  it('/v1/messages to Workers AI: top_k, which OpenAI-compatible endpoints do not take', async () => {
    const { post, ai } = await chatApp();
    const res = await post('/v1/messages', {
      model: 'workers-ai/@cf/meta/llama-3.1-8b-instruct',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'hi' }],
      top_k: 40,
      top_p: 0.5,
    });
    expect(res.status).toBe(200);
    expect(ai.runs[0]?.inputs).toMatchObject({ top_k: 40, top_p: 0.5, max_tokens: 64 });
  });

  it('/v1/messages (stop_sequences, metadata.user_id, tool_choice any without parallel use)', async () => {
    const { post, upstream } = await chatApp();
    const res = await post('/v1/messages', {
      model: 'upstream/primary',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'hi' }],
      top_p: 0.5,
      stop_sequences: ['END'],
      metadata: { user_id: 'end-user-1' },
      tools: [{ name: 'lookup', input_schema: { type: 'object' } }],
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
    });
    expect(res.status).toBe(200);
    expect(upstream.calls[0]?.body).toMatchObject({
      top_p: 0.5,
      stop: ['END'],
      user: 'end-user-1',
      max_tokens: 64,
      tool_choice: 'required',
      parallel_tool_calls: false,
    });
  });

  it('sends nothing a client did not set', async () => {
    const { post, upstream } = await chatApp();
    await post('/v1/chat/completions', {
      model: 'upstream/primary',
      messages: [{ role: 'user', content: 'hi' }],
    });
    const body = upstream.calls[0]?.body ?? {};
    for (const name of [
      'top_p',
      'stop',
      'seed',
      'user',
      'response_format',
      'tool_choice',
      'parallel_tool_calls',
    ])
      expect(body, name).not.toHaveProperty(name);
  });
});

describe('a parameter the model cannot honour', () => {
  it('is refused with 400 unsupported_parameter in each API’s own name, before any call or reservation', async () => {
    const { post, upstream, ai } = await chatApp();
    const schema = { type: 'json_schema', name: 'answer', schema: SCHEMA };
    const cases = [
      {
        path: '/chat',
        body: { message: 'hi', model: 'local/echo-1', responseFormat: schema },
        param: 'responseFormat',
      },
      {
        path: '/v1/chat/completions',
        body: {
          model: 'local/echo-1',
          messages: [{ role: 'user', content: 'hi' }],
          response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: SCHEMA } },
        },
        param: 'response_format',
      },
      {
        path: '/v1/responses',
        body: { model: 'local/echo-1', input: 'hi', text: { format: schema } },
        param: 'text.format',
      },
      {
        path: '/v1/messages',
        body: {
          model: 'upstream/primary',
          max_tokens: 16,
          messages: [{ role: 'user', content: 'hi' }],
          top_k: 40,
        },
        param: 'top_k',
      },
      {
        path: '/v1/messages',
        body: {
          model: 'workers-ai/@cf/meta/llama-3.1-8b-instruct',
          max_tokens: 16,
          messages: [{ role: 'user', content: 'hi' }],
          stop_sequences: ['END'],
        },
        param: 'stop_sequences',
      },
    ];
    for (const { path, body, param } of cases) {
      const res = await post(path, body);
      expect(res.status, path).toBe(400);
      const text = await res.text();
      expect(text, path).toContain('unsupported_parameter');
      expect(text, path).toContain(param);
    }
    expect(upstream.calls).toHaveLength(0);
    expect(ai.runs).toHaveLength(0);
  });

  it('skips a fallback that cannot honour it rather than answer without it', async () => {
    const { post, upstream, ai } = await chatApp({
      tenant: {
        models: {
          chat: 'upstream/primary',
          fallbacks: ['workers-ai/@cf/meta/llama-3.1-8b-instruct'],
          allowed: ['upstream/primary', 'workers-ai/@cf/meta/llama-3.1-8b-instruct'],
        },
      },
    });
    upstream.script('primary', { kind: 'status', status: 500 });
    const res = await post('/v1/chat/completions', {
      model: 'upstream/primary',
      messages: [{ role: 'user', content: 'hi' }],
      stop: ['END'],
    });
    expect(res.status).toBe(502);
    expect(upstream.callsFor('primary').length).toBeGreaterThan(0);
    // Workers AI has no stop sequences: it is never asked.
    expect(ai.runs).toHaveLength(0);
  });
});

describe('the offline model honours what it can', () => {
  it('stops at a stop sequence, writes a JSON object, and calls a required tool', async () => {
    const { post } = await chatApp();
    const stopped = await post('/v1/chat/completions', {
      model: 'local/echo-1',
      messages: [{ role: 'user', content: 'one two three' }],
      stop: ['three'],
    });
    const answer = await stopped.json<{ choices: { message: { content: string } }[] }>();
    expect(answer.choices[0]?.message.content).toBe('You said: one two ');

    const json = await post('/v1/chat/completions', {
      model: 'local/echo-1',
      messages: [{ role: 'user', content: 'hi' }],
      response_format: { type: 'json_object' },
    });
    const content = (await json.json<{ choices: { message: { content: string } }[] }>()).choices[0]?.message
      .content;
    expect(JSON.parse(content ?? '')).toMatchObject({
      reply: expect.stringContaining('You said: hi') as unknown,
    });

    const forced = await post('/v1/chat/completions', {
      model: 'local/echo-1',
      messages: [{ role: 'user', content: 'no tool asked for here' }],
      tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } }],
      tool_choice: 'required',
    });
    const choice = (
      await forced.json<{
        choices: { finish_reason: string; message: { tool_calls: { function: { name: string } }[] } }[];
      }>()
    ).choices[0];
    expect(choice?.finish_reason).toBe('tool_calls');
    expect(choice?.message.tool_calls[0]?.function.name).toBe('lookup');
  });
});
