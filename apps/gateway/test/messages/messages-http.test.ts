import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { hashApiKey } from '@aigw/tenancy';
import { chatApp } from '../support/chat-app.ts';

/** The Messages API over plain HTTP, as any client without an SDK sees it. */

interface AnthropicError {
  type: string;
  error: { type: string; message: string; details: { error_code: string; param?: string } };
  request_id: string;
}

const ACME = { 'x-api-key': 'gwk_demo_acme', 'content-type': 'application/json' };
const GLOBEX = { 'x-api-key': 'gwk_demo_globex', 'content-type': 'application/json' };

const messages = (body: unknown, headers: Record<string, string> = ACME) =>
  exports.default.fetch('http://127.0.0.1:8787/v1/messages', {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

const ask = (content: unknown, extra: Record<string, unknown> = {}) => ({
  model: 'local/echo-1',
  max_tokens: 128,
  messages: [{ role: 'user', content }],
  ...extra,
});

/** A refusal: 400 in Anthropic's shape, naming the field, with the request id in body and header. */
async function expectRefusal(res: Response, pattern: RegExp): Promise<AnthropicError> {
  expect(res.status).toBe(400);
  const body = await res.json<AnthropicError>();
  expect(body.type).toBe('error');
  expect(body.error.type).toBe('invalid_request_error');
  expect(body.error.message).toMatch(pattern);
  expect(body.request_id).toBe(res.headers.get('x-request-id'));
  expect(res.headers.get('request-id')).toBe(body.request_id);
  return body;
}

describe('refusals on /v1/messages', () => {
  it('refuses a body that is not JSON', async () => {
    const body = await expectRefusal(await messages('{"model":'), /JSON/);
    expect(body.error.details.error_code).toBe('invalid_json');
  });

  it('refuses wrong types, naming the field', async () => {
    const body = await expectRefusal(
      await messages({ model: 'local/echo-1', max_tokens: 'many', messages: [{ role: 'user', content: 4 }] }),
      /max_tokens/,
    );
    expect(body.error.details).toMatchObject({ error_code: 'invalid_request', param: 'max_tokens' });
    expect(body.error.message).toContain('messages[0].content');
  });

  it('requires max_tokens, as Anthropic does', async () => {
    const body = await expectRefusal(
      await messages({ model: 'local/echo-1', messages: [{ role: 'user', content: 'x' }] }),
      /max_tokens/,
    );
    expect(body.error.details.param).toBe('max_tokens');
  });

  it.each([
    [
      'an image block',
      ask([{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AA==' } }]),
      /messages\[0\]\.content: block 0 \(type\): image blocks are not supported in user messages; send text, tool_result/,
    ],
    [
      'a document block',
      ask([
        { type: 'text', text: 'read this' },
        { type: 'document', source: { type: 'text', data: 'x', media_type: 'text/plain' } },
      ]),
      /messages\[0\]\.content: block 1 \(type\): document blocks are not supported/,
    ],
    [
      'a thinking block in history',
      {
        model: 'local/echo-1',
        max_tokens: 8,
        messages: [
          { role: 'user', content: 'a' },
          { role: 'assistant', content: [{ type: 'thinking', thinking: 'hm', signature: 's' }] },
          { role: 'user', content: 'b' },
        ],
      },
      /messages\[1\]\.content: block 0 \(type\): thinking blocks are not supported in assistant messages/,
    ],
    [
      'extended thinking',
      ask('x', { thinking: { type: 'enabled', budget_tokens: 1024 } }),
      /thinking: extended thinking is not supported/,
    ],
    ['top_p', ask('x', { top_p: 0.9 }), /top_p: top_p is not supported by the gateway yet/],
    ['top_k', ask('x', { top_k: 5 }), /top_k: top_k is not supported/],
    [
      'stop_sequences',
      ask('x', { stop_sequences: ['END'] }),
      /stop_sequences: stop_sequences is not supported/,
    ],
    [
      'a forced tool choice',
      ask('x', { tool_choice: { type: 'any' } }),
      /tool_choice\.type: only tool_choice "auto" and "none"/,
    ],
    [
      'a server tool',
      ask('x', { tools: [{ type: 'web_search_20250305', name: 'web_search' }] }),
      /tools\[0\]\.type/,
    ],
    ['a temperature above Anthropic\u2019s 1', ask('x', { temperature: 1.5 }), /temperature/],
    [
      'an unknown role',
      { model: 'local/echo-1', max_tokens: 8, messages: [{ role: 'system', content: 'x' }] },
      /messages\[0\]\.role/,
    ],
  ])('refuses %s with a clear 400 naming the field', async (_, body, pattern) => {
    await expectRefusal(await messages(body), pattern);
  });

  it('accepts what would not change the answer: empty stop_sequences, disabled thinking, tool_choice auto, metadata', async () => {
    const res = await messages(
      ask('fine', {
        stop_sequences: [],
        thinking: { type: 'disabled' },
        tool_choice: { type: 'auto' },
        metadata: { user_id: 'u-1' },
      }),
      { ...ACME, 'anthropic-version': '2023-06-01', 'anthropic-beta': 'some-beta-2025-01-01' },
    );
    expect(res.status).toBe(200);
    expect((await res.json<{ stop_reason: string }>()).stop_reason).toBe('end_turn');
  });

  it('stores nothing for a refused request: the session it names is never started', async () => {
    const sessionId = `refused-${crypto.randomUUID()}`;
    const refused = await messages(ask([{ type: 'image', source: {} }]), {
      ...ACME,
      'x-session-id': sessionId,
    });
    expect(refused.status).toBe(400);
    const history = await exports.default.fetch(`http://127.0.0.1:8787/chat/${sessionId}/history`, {
      headers: ACME,
    });
    expect(history.status).toBe(404);
  });
});

describe('what reaches the model', () => {
  it('passes temperature, a failed tool result as an error, and offers no tools with tool_choice none', async () => {
    const { post, upstream } = await chatApp();
    const res = await post('/v1/messages', {
      model: 'upstream/primary',
      max_tokens: 32,
      temperature: 0.25,
      tool_choice: { type: 'none' },
      tools: [{ name: 'get_weather', input_schema: { type: 'object' } }],
      messages: [
        { role: 'user', content: 'Weather?' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'get_weather', input: {} }] },
        {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: 't1', is_error: true, content: 'no such city' }],
        },
      ],
    });
    expect(res.status).toBe(200);
    const body = upstream.calls[0]?.body;
    expect(body).toMatchObject({ temperature: 0.25, max_tokens: 32 });
    expect(body?.tools).toBeUndefined();
    expect((body?.messages as unknown[]).at(-1)).toEqual({
      role: 'tool',
      tool_call_id: 't1',
      content: '{"error":{"message":"no such city"}}',
    });
  });
});

describe('errors raised before the route, in Anthropic shape', () => {
  it('answers a missing key with 401 authentication_error', async () => {
    const res = await messages(ask('x'), { 'content-type': 'application/json' });
    expect(res.status).toBe(401);
    const body = await res.json<AnthropicError>();
    expect(body).toMatchObject({
      type: 'error',
      error: { type: 'authentication_error', details: { error_code: 'missing_api_key' } },
    });
    expect(body.request_id).toMatch(/^req_/);
  });

  it('answers a key without the chat scope with 403 permission_error', async () => {
    const { app, env } = await chatApp({
      tenant: {
        apiKeys: [
          {
            id: 'search-only',
            hash: await hashApiKey('gwk_search_only_key'),
            scopes: ['search'],
            label: 'search only',
            createdAt: '2026-01-01T00:00:00Z',
          },
        ],
      },
    });
    const res = await app.request(
      '/v1/messages',
      {
        method: 'POST',
        headers: { 'x-api-key': 'gwk_search_only_key', 'content-type': 'application/json' },
        body: JSON.stringify(ask('x')),
      },
      env,
    );
    expect(res.status).toBe(403);
    expect((await res.json<AnthropicError>()).error).toMatchObject({
      type: 'permission_error',
      details: { error_code: 'insufficient_scope' },
    });
  });

  it('answers other methods with 405 and paths below it with 404, both in Anthropic shape', async () => {
    const get = await exports.default.fetch('http://127.0.0.1:8787/v1/messages', { headers: ACME });
    expect(get.status).toBe(405);
    expect(await get.json<AnthropicError>()).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error', details: { error_code: 'method_not_allowed' } },
    });
    const below = await exports.default.fetch('http://127.0.0.1:8787/v1/messages/count_tokens', {
      method: 'POST',
      headers: ACME,
      body: JSON.stringify(ask('x')),
    });
    expect(below.status).toBe(404);
    expect(await below.json<AnthropicError>()).toMatchObject({
      type: 'error',
      error: { type: 'not_found_error', details: { error_code: 'not_found' } },
    });
  });

  it('keeps the OpenAI shape on the other /v1 routes', async () => {
    const res = await exports.default.fetch('http://127.0.0.1:8787/v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(await res.json()).toMatchObject({
      error: { type: 'authentication_error', code: 'missing_api_key' },
    });
  });

  it('lets browsers send the Anthropic headers (CORS preflight)', async () => {
    const res = await exports.default.fetch('http://127.0.0.1:8787/v1/messages', {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'x-api-key,anthropic-version,anthropic-beta,content-type',
      },
    });
    const allowed = res.headers.get('access-control-allow-headers') ?? '';
    for (const header of ['x-api-key', 'anthropic-version', 'anthropic-beta', 'content-type'])
      expect(allowed.split(',').map((h) => h.trim())).toContain(header);
  });
});

describe('sessions and tenants on /v1/messages', () => {
  it('keeps history per tenant under x-session-id: another tenant with the same id starts afresh', async () => {
    const sessionId = `msg-session-${crypto.randomUUID()}`;
    const turn = async (headers: Record<string, string>, content: string) => {
      const res = await messages(ask(content), { ...headers, 'x-session-id': sessionId });
      expect(res.headers.get('x-session-id')).toBe(sessionId);
      return (await res.json<{ content: { text: string }[] }>()).content[0]?.text ?? '';
    };
    expect(await turn(ACME, 'acme one')).toContain('turn 1');
    expect(await turn(ACME, 'acme two')).toContain('turn 2');
    // globex names the same session and sees none of acme's turns.
    expect(await turn(GLOBEX, 'globex one')).toContain('turn 1');
    const history = await exports.default.fetch(`http://127.0.0.1:8787/chat/${sessionId}/history`, {
      headers: ACME,
    });
    const page = await history.json<{ messages: { content: string }[] }>();
    expect(page.messages.map((message) => message.content)).toEqual([
      'acme one',
      expect.stringContaining('acme one') as string,
      'acme two',
      expect.stringContaining('acme two') as string,
    ]);
  });

  it('refuses x-session-id when the last message is not new user text', async () => {
    const res = await messages(
      {
        model: 'local/echo-1',
        max_tokens: 8,
        messages: [
          { role: 'user', content: 'x' },
          { role: 'assistant', content: 'y' },
        ],
      },
      { ...ACME, 'x-session-id': 'sess-last' },
    );
    await expectRefusal(res, /last message must be the new user message/);
  });
});
