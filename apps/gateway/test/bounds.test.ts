import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { chatApp, CHAT_KEY } from './support/chat-app.ts';

/**
 * Every route that takes free-form JSON refuses a value nested 10,000 deep with a 400, the request
 * id, and nothing stored; a refused tool call is audited. Bodies are built as text: nothing in the
 * test recurses either.
 */
const DEEP = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;

const acme = { authorization: 'Bearer gwk_demo_acme', 'content-type': 'application/json' };
const gw = (path: string, init: RequestInit = {}) =>
  exports.default.fetch(`http://127.0.0.1:8787${path}`, init);
const post = (path: string, body: string, headers: Record<string, string> = acme) =>
  gw(path, { method: 'POST', headers, body });

interface NativeError {
  error: {
    code: string;
    message: string;
    details?: { issues?: { path: (string | number)[]; code: string; maximum?: number }[] };
  };
  requestId: string;
}
interface OpenAIError {
  error: { code: string; message: string; type: string };
}

async function expectNativeRefusal(res: Response, code: string, pathStart: (string | number)[]) {
  expect(res.status).toBe(400);
  const body = await res.json<NativeError>();
  expect(body.error.code).toBe(code);
  expect(body.requestId).toBe(res.headers.get('x-request-id'));
  expect(body.requestId).toMatch(/^req_/);
  const issue = body.error.details?.issues?.[0];
  expect(issue).toMatchObject({ code: 'too_deep', maximum: 64 });
  expect(issue?.path.slice(0, pathStart.length)).toEqual(pathStart);
  expect(body.error.message).toContain('nested more than 64 levels deep');
  return body;
}

async function auditEntries(headers: Record<string, string> = acme) {
  const res = await gw('/audit?limit=200', { headers });
  return (await res.json<{ entries: { requestId: string; tool: string; outcome: string }[] }>()).entries;
}

describe('bounded JSON: tool arguments', () => {
  it('POST /tools/{name}: 400 invalid_tool_arguments with the request id, and the refusal audited', async () => {
    const res = await post('/tools/summarize', `{"text":"Short text.","options":${DEEP}}`);
    const body = await expectNativeRefusal(res, 'invalid_tool_arguments', ['options', 0, 0]);
    const entry = (await auditEntries()).find((e) => e.requestId === body.requestId);
    expect(entry).toMatchObject({ tool: 'summarize', outcome: 'invalid_tool_arguments' });
  });

  it('the chat tool loop: deep arguments from the model are refused, audited, and the chat answers', async () => {
    const app = await chatApp({
      tenant: {
        id: 'deep-tools',
        features: { rag: false, tools: true, tts: false },
        tools: { enabled: ['summarize'] },
        models: {
          chat: 'upstream/primary',
          tools: 'local/echo-1',
          allowed: ['upstream/primary', 'local/echo-1'],
        },
      },
    });
    app.upstream.script('primary', { kind: 'ok', text: 'done' }, { kind: 'ok', text: 'done' });
    let asked = 0;
    const scripted = app.upstream.fetch;
    const deepCall = {
      index: 0,
      id: 'call_deep',
      type: 'function',
      function: { name: 'summarize', arguments: `{"text":"x","deep":${DEEP}}` },
    };
    const usage = { prompt_tokens: 5, completion_tokens: 5, total_tokens: 10 };
    // The model asks once for summarize with arguments nested 10,000 deep (a 20,000-character
    // string inside the response, so nothing here nests), then answers in text.
    app.upstream.fetch = async (input, init) => {
      const request = new Request(input, init);
      const sent = await request.clone().json<{ tools?: unknown[]; stream?: boolean }>();
      if (!sent.tools || asked > 0) return scripted(request);
      asked += 1;
      const head = { id: 'c', created: 1, model: 'primary' };
      if (sent.stream) {
        const chunks = [
          {
            ...head,
            object: 'chat.completion.chunk',
            choices: [
              { index: 0, delta: { role: 'assistant', tool_calls: [deepCall] }, finish_reason: null },
            ],
          },
          {
            ...head,
            object: 'chat.completion.chunk',
            choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }],
            usage,
          },
        ];
        const sse = chunks.map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`).join('') + 'data: [DONE]\n\n';
        return new Response(sse, { headers: { 'content-type': 'text/event-stream' } });
      }
      const message = { role: 'assistant', content: null, tool_calls: [deepCall] };
      return Response.json({
        ...head,
        object: 'chat.completion',
        choices: [{ index: 0, message, finish_reason: 'tool_calls' }],
        usage,
      });
    };
    for (const stream of [false, true]) {
      asked = 0;
      const res = await app.post('/chat', { message: 'go', tools: ['summarize'], stream });
      expect(res.status).toBe(200);
      const text = await res.text();
      if (stream) {
        expect(text, text.slice(0, 600)).toContain('event: tool_result');
        expect(text).toContain('event: done');
      } else {
        const body = JSON.parse(text) as { tools: { ok: boolean; error?: { code: string } }[] };
        expect(body.tools[0]).toMatchObject({ ok: false, error: { code: 'invalid_tool_arguments' } });
      }
    }
    const audit = await app.app.request(
      '/audit',
      { headers: { authorization: `Bearer ${CHAT_KEY}` } },
      app.env,
    );
    const { entries } = await audit.json<{ entries: { tool: string; outcome: string }[] }>();
    expect(entries.map((e) => e.outcome)).toEqual(['invalid_tool_arguments', 'invalid_tool_arguments']);
  });
});

describe('bounded JSON: request bodies', () => {
  it('/v1/chat/completions: deep tool parameters or response_format → 400 invalid_request, OpenAI shape', async () => {
    const bodies = [
      `{"model":"local/echo-1","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":${DEEP}}}}]}`,
      `{"model":"local/echo-1","messages":[{"role":"user","content":"hi"}],"response_format":{"type":"json_schema","json_schema":{"name":"x","schema":${DEEP}}}}`,
    ];
    for (const body of bodies) {
      const res = await post('/v1/chat/completions', body);
      expect(res.status).toBe(400);
      expect(res.headers.get('x-request-id')).toMatch(/^req_/);
      const error = (await res.json<OpenAIError>()).error;
      expect(error).toMatchObject({ code: 'invalid_request', type: 'invalid_request_error' });
      expect(error.message).toContain('nested more than 64 levels deep');
    }
  });

  it('/v1/responses: deep tool parameters or metadata → 400 invalid_request, OpenAI shape', async () => {
    const bodies = [
      `{"model":"local/echo-1","input":"hi","tools":[{"type":"function","name":"f","parameters":{"type":"object","properties":${DEEP}}}]}`,
      `{"model":"local/echo-1","input":[{"role":"user","content":"hi","extra":${DEEP}}]}`,
    ];
    for (const body of bodies) {
      const res = await post('/v1/responses', body);
      expect(res.status).toBe(400);
      expect(res.headers.get('x-request-id')).toMatch(/^req_/);
      const error = (await res.json<OpenAIError>()).error;
      expect(error).toMatchObject({ code: 'invalid_request', type: 'invalid_request_error' });
      expect(error.message).toContain('nested more than 64 levels deep');
    }
  });

  it("/v1/messages: deep tool input_schema or tool_use input → 400 in Anthropic's shape", async () => {
    const bodies = [
      `{"model":"local/echo-1","max_tokens":16,"messages":[{"role":"user","content":"hi"}],"tools":[{"name":"f","input_schema":{"type":"object","properties":${DEEP}}}]}`,
      `{"model":"local/echo-1","max_tokens":16,"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"f","input":${DEEP}}]},{"role":"user","content":"go on"}]}`,
    ];
    for (const body of bodies) {
      const res = await post('/v1/messages', body, {
        'x-api-key': 'gwk_demo_acme',
        'content-type': 'application/json',
      });
      expect(res.status).toBe(400);
      const payload = await res.json<{
        type: string;
        error: { type: string; message: string; details: { error_code: string } };
        request_id: string;
      }>();
      expect(payload).toMatchObject({
        type: 'error',
        error: { type: 'invalid_request_error', details: { error_code: 'invalid_request' } },
      });
      expect(payload.request_id).toBe(res.headers.get('x-request-id'));
      expect(payload.error.message).toContain('nested more than 64 levels deep');
    }
  });

  it('/chat, /search and /v1/embeddings refuse deep bodies with invalid_request', async () => {
    await expectNativeRefusal(await post('/chat', `{"message":"hi","extra":${DEEP}}`), 'invalid_request', [
      'extra',
    ]);
    await expectNativeRefusal(
      await post('/search', `{"query":"refunds","filter":{"a":${DEEP}}}`),
      'invalid_request',
      ['filter', 'a'],
    );
    const res = await post('/v1/embeddings', `{"model":"local/hash-384","input":${DEEP}}`);
    expect(res.status).toBe(400);
    expect((await res.json<OpenAIError>()).error.code).toBe('invalid_request');
  });

  it('/ingest: deep document metadata → 400 invalid_request naming the field, and nothing stored', async () => {
    const id = `deep-${crypto.randomUUID()}`;
    const res = await post(
      '/ingest',
      `{"documents":[{"id":"${id}","text":"Some text.","metadata":{"tags":${DEEP}}}]}`,
    );
    const body = await expectNativeRefusal(res, 'invalid_request', ['documents', 0, 'metadata', 'tags']);
    expect(body.error.message).toMatch(/documents\[0\]\.metadata\.tags(\[0\])+: nested more than 64/);
    expect((await gw(`/documents/${id}`, { headers: acme })).status).toBe(404);
  });

  it('accepts JSON 64 levels deep (the limit), so only abuse is refused', async () => {
    const nested = `${'['.repeat(62)}"x"${']'.repeat(62)}`; // the body object + 1 field level + 62
    const res = await post('/tools/summarize', `{"text":"Cats purr. Dogs bark.","options":{"a":${nested}}}`);
    // Past the bounds check: the schema refuses the unknown field, not the depth.
    expect(res.status).toBe(400);
    const body = await res.json<NativeError>();
    expect(body.error.details?.issues?.[0]?.code).toBe('unrecognized_keys');
  });
});
