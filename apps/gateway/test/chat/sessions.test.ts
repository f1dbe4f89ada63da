import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { chatApp } from '../support/chat-app.ts';
import { parseSse } from '../support/sse.ts';

interface History {
  sessionId: string;
  messages: { role: string; content: string; status: string; model: string | null }[];
  nextCursor: string | null;
}

const demo = (key: string) => ({ authorization: `Bearer ${key}`, 'content-type': 'application/json' });
const chat = (key: string, body: object) =>
  exports.default.fetch('http://127.0.0.1:8787/chat', {
    method: 'POST',
    headers: demo(key),
    body: JSON.stringify({ stream: false, ...body }),
  });
const history = (key: string, sessionId: string, query = '') =>
  exports.default.fetch(`http://127.0.0.1:8787/chat/${sessionId}/history${query}`, { headers: demo(key) });

describe('sessions through /chat', () => {
  it('is stateless without a sessionId, and keeps history per named session', async () => {
    const oneOff = await (
      await chat('gwk_demo_acme', { message: 'one-off' })
    ).json<{ sessionId: string | null }>();
    expect(oneOff.sessionId).toBeNull();
    const sessionId = `s-${crypto.randomUUID()}`;
    const first = await (
      await chat('gwk_demo_acme', { message: 'first message', sessionId })
    ).json<{ text: string }>();
    expect(first.text).toContain('turn 1');
    const second = await (
      await chat('gwk_demo_acme', { message: 'second message', sessionId })
    ).json<{ text: string }>();
    // The offline model counts the user turns it was sent: the stored history reached it.
    expect(second.text).toContain('turn 2');
    const page = await (await history('gwk_demo_acme', sessionId)).json<History>();
    expect(page.messages.map((m) => `${m.role}:${m.status}`)).toEqual([
      'user:complete',
      'assistant:complete',
      'user:complete',
      'assistant:complete',
    ]);
    expect(page.messages[2]?.content).toBe('second message');
    expect(page.messages[1]?.model).toBe('local/echo-1');
  });

  it('pages history oldest first with a cursor', async () => {
    const sessionId = 'paging-session';
    for (const message of ['a', 'b', 'c']) await chat('gwk_demo_acme', { message, sessionId });
    const one = await (await history('gwk_demo_acme', sessionId, '?limit=4')).json<History>();
    expect(one.messages).toHaveLength(4);
    expect(one.nextCursor).not.toBeNull();
    const two = await (
      await history('gwk_demo_acme', sessionId, `?limit=4&cursor=${one.nextCursor ?? ''}`)
    ).json<History>();
    expect(two.messages.map((m) => m.content)).toEqual([
      'c',
      expect.stringContaining('You said: c') as string,
    ]);
    expect(two.nextCursor).toBeNull();
  });

  it("keeps tenants apart: another tenant's session id is a 404, exactly like a missing one", async () => {
    const sessionId = 'shared-name';
    await chat('gwk_demo_acme', { message: 'acme secret plans', sessionId });
    const foreign = await history('gwk_demo_globex', sessionId);
    const missing = await history('gwk_demo_globex', 'never-existed');
    expect(foreign.status).toBe(404);
    expect(missing.status).toBe(404);
    const [a, b] = [await foreign.json<{ error: object }>(), await missing.json<{ error: object }>()];
    expect(a.error).toEqual(b.error);
    // globex using the same id gets its own, separate session.
    const own = await (
      await chat('gwk_demo_globex', { message: 'globex hello', sessionId })
    ).json<{ text: string }>();
    expect(own.text).toContain('turn 1');
    const acme = await (await history('gwk_demo_acme', sessionId)).json<History>();
    expect(acme.messages.map((m) => m.content)).not.toContain('globex hello');
  });

  it('deletes a session idempotently', async () => {
    const sessionId = 'to-delete';
    await chat('gwk_demo_acme', { message: 'x', sessionId });
    const del = () =>
      exports.default.fetch(`http://127.0.0.1:8787/chat/${sessionId}`, {
        method: 'DELETE',
        headers: demo('gwk_demo_acme'),
      });
    expect((await del()).status).toBe(200);
    expect((await del()).status).toBe(200);
    expect((await history('gwk_demo_acme', sessionId)).status).toBe(404);
  });

  it('refuses a session id that is not a valid id', async () => {
    const res = await chat('gwk_demo_acme', { message: 'x', sessionId: '../etc' });
    expect(res.status).toBe(400);
  });
});

describe('atomic turns', () => {
  it('writes nothing when every model fails before the first token', async () => {
    const { post, upstream, app, env } = await chatApp();
    await post('/chat', { message: 'kept', sessionId: 's-atomic', stream: false });
    upstream.script('primary', { kind: 'status', status: 500 });
    upstream.script('backup', { kind: 'status', status: 500 });
    expect((await post('/chat', { message: 'lost', sessionId: 's-atomic', stream: false })).status).toBe(502);
    const page = await (
      await app.request(
        '/chat/s-atomic/history',
        { headers: { authorization: 'Bearer gwk_test_chat_tenant' } },
        env,
      )
    ).json<History>();
    expect(page.messages.map((m) => m.content)).toEqual(['kept', 'upstream answer from primary']);
  });

  it('stores a cut stream as both messages, the answer marked incomplete, as the user saw it', async () => {
    const { post, upstream, app, env } = await chatApp();
    upstream.script('primary', { kind: 'cut', afterDeltas: 2 });
    const events = parseSse(await (await post('/chat', { message: 'tell me', sessionId: 's-cut' })).text());
    expect(events.at(-1)?.event).toBe('error');
    const page = await (
      await app.request(
        '/chat/s-cut/history',
        { headers: { authorization: 'Bearer gwk_test_chat_tenant' } },
        env,
      )
    ).json<History>();
    expect(page.messages.map((m) => [m.role, m.content, m.status])).toEqual([
      ['user', 'tell me', 'complete'],
      ['assistant', 'one two ', 'incomplete'],
    ]);
  });

  it('settles the turn when the client disconnects mid-stream', async () => {
    const { post, upstream, app, env, usage } = await chatApp();
    upstream.script('primary', { kind: 'stall', afterDeltas: 1 });
    const res = await post('/chat', { message: 'abandon', sessionId: 's-abort' });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    await reader.read();
    await reader.cancel();
    expect((await usage()).status).toBe('cancelled');
    // The lock is released: the next turn on the session proceeds.
    upstream.script('primary', { kind: 'ok' });
    let next = await post('/chat', { message: 'again', sessionId: 's-abort', stream: false });
    for (let i = 0; i < 20 && next.status === 409; i++) {
      await new Promise((r) => setTimeout(r, 10));
      next = await post('/chat', { message: 'again', sessionId: 's-abort', stream: false });
    }
    expect(next.status).toBe(200);
    const page = await (
      await app.request(
        '/chat/s-abort/history',
        { headers: { authorization: 'Bearer gwk_test_chat_tenant' } },
        env,
      )
    ).json<History>();
    expect(page.messages.filter((m) => m.role === 'user').map((m) => m.content)).toContain('again');
  });

  it('refuses a second concurrent turn on one session with 409 session_busy, never interleaving', async () => {
    const { post, upstream } = await chatApp();
    upstream.script('primary', { kind: 'stall', afterDeltas: 1 }, { kind: 'ok' });
    const first = await post('/chat', { message: 'slow one', sessionId: 's-busy' });
    const second = await post('/chat', { message: 'impatient', sessionId: 's-busy', stream: false });
    expect(second.status).toBe(409);
    expect((await second.json<{ error: { code: string } }>()).error.code).toBe('session_busy');
    await first.body?.cancel();
  });
});

describe('/v1/chat/completions sessions', () => {
  it('is stateless without x-session-id and uses the stored history with it', async () => {
    const ask = (content: string, headers: Record<string, string> = {}) =>
      exports.default.fetch('http://127.0.0.1:8787/v1/chat/completions', {
        method: 'POST',
        headers: { ...demo('gwk_demo_globex'), ...headers },
        body: JSON.stringify({ model: 'local/echo-1', messages: [{ role: 'user', content }] }),
      });
    const stateless = await ask('one');
    expect(stateless.headers.get('x-session-id')).toBeNull();
    await ask('first', { 'x-session-id': 'oa-session' });
    const second = await ask('second', { 'x-session-id': 'oa-session' });
    expect(second.headers.get('x-session-id')).toBe('oa-session');
    const body = await second.json<{ choices: { message: { content: string } }[] }>();
    expect(body.choices[0]?.message.content).toContain('turn 2');
  });
});

describe('streamed /v1 sessions', () => {
  it('stores the turn before [DONE], so the next turn can start at once', async () => {
    const ask = (content: string) =>
      exports.default.fetch('http://127.0.0.1:8787/v1/chat/completions', {
        method: 'POST',
        headers: { ...demo('gwk_demo_acme'), 'x-session-id': 'oa-stream-session' },
        body: JSON.stringify({ model: 'local/echo-1', stream: true, messages: [{ role: 'user', content }] }),
      });
    expect((await (await ask('first')).text()).trimEnd().endsWith('data: [DONE]')).toBe(true);
    const second = await ask('second');
    expect(second.status).toBe(200);
    const text = parseSse(await second.text())
      .map(
        (e) =>
          (e.json as { choices?: { delta?: { content?: string } }[] } | null)?.choices?.[0]?.delta?.content ??
          '',
      )
      .join('');
    expect(text).toContain('turn 2');
  });
});

describe('client disconnect', () => {
  it('settles the turn when the request is aborted even if nobody cancels the body', async () => {
    const { app, upstream, env, usage } = await chatApp();
    upstream.script('primary', { kind: 'stall', afterDeltas: 1 });
    const disconnect = new AbortController();
    const request = new Request('http://gateway.test/chat', {
      method: 'POST',
      headers: { authorization: 'Bearer gwk_test_chat_tenant', 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'going away', sessionId: 's-disconnect' }),
      signal: disconnect.signal,
    });
    const res = await app.request(request, undefined, env);
    expect(res.status).toBe(200);
    // The client goes away; the response body is simply never read again.
    disconnect.abort();
    expect((await usage()).status).toBe('cancelled');
    expect(upstream.callsFor('primary')[0]?.aborted).toBe(true);
    upstream.script('primary', { kind: 'ok' });
    let next = await app.request(
      '/chat',
      {
        method: 'POST',
        headers: { authorization: 'Bearer gwk_test_chat_tenant', 'content-type': 'application/json' },
        body: JSON.stringify({ message: 'back again', sessionId: 's-disconnect', stream: false }),
      },
      env,
    );
    for (let i = 0; i < 20 && next.status === 409; i++) {
      await new Promise((r) => setTimeout(r, 10));
      next = await app.request(
        '/chat',
        {
          method: 'POST',
          headers: { authorization: 'Bearer gwk_test_chat_tenant', 'content-type': 'application/json' },
          body: JSON.stringify({ message: 'back again', sessionId: 's-disconnect', stream: false }),
        },
        env,
      );
    }
    expect(next.status).toBe(200);
  });
});
