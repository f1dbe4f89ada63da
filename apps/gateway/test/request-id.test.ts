import { describe, expect, it } from 'vitest';
import { chatApp, CHAT_KEY } from './support/chat-app.ts';
import { parseSse } from './support/sse.ts';

const SERVER_ID = /^req_[0-9a-f]{32}$/;

interface TenantUsage {
  budgets: { tenant: { tokensPerDay: { used: number; reserved: number } } };
}

describe('request ids', () => {
  it("answers with the gateway's own id and echoes the client's as x-client-request-id", async () => {
    const { app, env, lines } = await chatApp({ tenant: { id: 'rid-echo' } });
    const get = (headers: Record<string, string>) =>
      app.request('/tenant', { headers: { authorization: `Bearer ${CHAT_KEY}`, ...headers } }, env);

    const sent = await get({ 'x-request-id': 'client-abc_123' });
    expect(sent.headers.get('x-request-id')).toMatch(SERVER_ID);
    expect(sent.headers.get('x-client-request-id')).toBe('client-abc_123');
    // OpenAI's header wins over x-request-id when a client sends both.
    const both = await get({ 'x-client-request-id': 'trace-1', 'x-request-id': 'other' });
    expect(both.headers.get('x-client-request-id')).toBe('trace-1');
    // Malformed ids are dropped (not echoed, not logged), and never fail the request.
    const bad = await get({ 'x-request-id': 'bad id with spaces' });
    expect(bad.status).toBe(200);
    expect(bad.headers.get('x-client-request-id')).toBeNull();
    const long = await get({ 'x-request-id': 'a'.repeat(129) });
    expect(long.headers.get('x-client-request-id')).toBeNull();

    expect(lines.map((line) => line.clientRequestId)).toEqual([
      'client-abc_123',
      'trace-1',
      undefined,
      undefined,
    ]);
    expect(lines.map((line) => line.requestId)).toEqual(
      [sent, both, bad, long].map((res) => res.headers.get('x-request-id')),
    );
    expect(new Set(lines.map((line) => line.requestId)).size).toBe(4);
  });

  it('holds two concurrent turns with the same x-request-id to one at a time: one runs, one gets 409', async () => {
    const { post, upstream, app, env } = await chatApp({ tenant: { id: 'rid-session' } });
    upstream.script('primary', { kind: 'ok', text: 'a slow but whole answer', frameDelayMs: 30 });
    const headers = { 'x-request-id': 'same-id' };
    const [a, b] = await Promise.all([
      post('/chat', { message: 'first', sessionId: 's-same-id' }, { headers }),
      post('/chat', { message: 'second', sessionId: 's-same-id' }, { headers }),
    ]);
    const statuses = [a.status, b.status].sort();
    expect(statuses).toEqual([200, 409]);
    const [winner, loser] = a.status === 200 ? [a, b] : [b, a];
    expect((await loser.json<{ error: { code: string } }>()).error.code).toBe('session_busy');
    const events = parseSse(await winner.text());
    expect(events.at(-1)?.event).toBe('done');

    const history = await app.request(
      '/chat/s-same-id/history',
      { headers: { authorization: `Bearer ${CHAT_KEY}` } },
      env,
    );
    const page = await history.json<{ messages: { role: string; status: string }[] }>();
    expect(page.messages.map((m) => `${m.role}:${m.status}`)).toEqual([
      'user:complete',
      'assistant:complete',
    ]);
  });

  it('reserves budget separately for two concurrent calls sent with the same x-request-id', async () => {
    // One reservation (about 200 output + the prompt) fits in 300 tokens; two do not.
    const { post, upstream, app, env } = await chatApp({
      tenant: { id: 'rid-budget', limits: { budgets: { tenant: { tokensPerDay: 300 } } } },
    });
    upstream.script('primary', { kind: 'stall', afterDeltas: 1 });
    const headers = { 'x-request-id': 'same-id' };
    const responses = await Promise.all([
      post('/chat', { message: 'one', maxTokens: 200 }, { headers }),
      post('/chat', { message: 'two', maxTokens: 200 }, { headers }),
    ]);
    expect(responses.map((r) => r.status).sort()).toEqual([200, 429]);
    const usage = await (
      await app.request('/tenant/usage', { headers: { authorization: `Bearer ${CHAT_KEY}` } }, env)
    ).json<TenantUsage>();
    expect(usage.budgets.tenant.tokensPerDay.reserved).toBeGreaterThan(200);
    await Promise.all(responses.map(async (r) => r.body?.cancel()));
  });

  it("stores the client's id beside the server id in the audit ledger", async () => {
    const { app, env } = await chatApp({
      tenant: {
        id: 'rid-audit',
        features: { rag: false, tools: true, tts: false },
        tools: { enabled: ['summarize'] },
        models: {
          chat: 'upstream/primary',
          tools: 'local/echo-1',
          allowed: ['upstream/primary', 'local/echo-1'],
        },
      },
    });
    const auth = { authorization: `Bearer ${CHAT_KEY}` };
    const run = await app.request(
      '/tools/summarize',
      {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json', 'x-request-id': 'client-audit-1' },
        body: JSON.stringify({ text: 'Cats sleep a lot. Dogs bark.' }),
      },
      env,
    );
    expect(run.status).toBe(200);
    const audit = await (
      await app.request('/audit', { headers: auth }, env)
    ).json<{ entries: { requestId: string; clientRequestId?: string }[] }>();
    expect(audit.entries).toEqual([
      expect.objectContaining({
        requestId: run.headers.get('x-request-id'),
        clientRequestId: 'client-audit-1',
      }),
    ]);
    expect(audit.entries[0]?.requestId).toMatch(SERVER_ID);
    expect(await (await app.request('/audit/verify', { headers: auth }, env)).json()).toMatchObject({
      ok: true,
    });
  });
});
