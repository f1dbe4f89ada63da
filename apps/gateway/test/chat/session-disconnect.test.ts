import { runInDurableObject } from 'cloudflare:test';
import { env, exports } from 'cloudflare:workers';
import { sessionObjectName, type SessionDO } from '@aigw/sessions';
import { describe, expect, it } from 'vitest';
import { chatApp, CHAT_KEY } from '../support/chat-app.ts';

/**
 * A client that goes away during a streamed turn on a stored session (docs/sessions.md): the turn
 * must still be settled, so the session takes the next turn at once and its history holds the cut
 * answer marked incomplete, or nothing if no text was produced. Requests go through
 * `exports.default.fetch`, so each has an I/O context of its own, which the runtime cancels when
 * its client disconnects unless something is pending in `waitUntil`; `app.request()` shares the
 * test's context and cannot show that.
 */

interface History {
  messages: { role: string; content: string; status: string }[];
}

type Route = '/v1/chat/completions' | '/chat';
const ROUTES: Route[] = ['/v1/chat/completions', '/chat'];
const TENANT = 'acme';
const HEADERS = { authorization: 'Bearer gwk_demo_acme', 'content-type': 'application/json' };

/** A turn on `sessionId`: `x-session-id` on the OpenAI route, `sessionId` in the body of /chat. */
function request(route: Route, sessionId: string, message: string, stream: boolean): RequestInit {
  return route === '/chat'
    ? { method: 'POST', headers: HEADERS, body: JSON.stringify({ sessionId, message, stream }) }
    : {
        method: 'POST',
        headers: { ...HEADERS, 'x-session-id': sessionId },
        body: JSON.stringify({
          model: 'local/echo-1',
          stream,
          messages: [{ role: 'user', content: message }],
        }),
      };
}

const send = (route: Route, sessionId: string, message: string, signal?: AbortSignal) =>
  exports.default.fetch(`http://127.0.0.1:8787${route}`, {
    ...request(route, sessionId, message, true),
    ...(signal ? { signal } : {}),
  });

/**
 * The next (non-streamed) turn. A cut-off turn is settled in the background, so it may still
 * hold the session for a moment: retried on 409 for at most two seconds, far below the lock's TTL.
 */
async function nextTurn(send: () => Promise<Response>): Promise<Response> {
  const deadline = Date.now() + 2_000;
  for (;;) {
    const res = await send();
    if (res.status !== 409 || Date.now() > deadline) return res;
    await res.body?.cancel();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const nextDemoTurn = (route: Route, sessionId: string) =>
  nextTurn(() =>
    exports.default.fetch(`http://127.0.0.1:8787${route}`, request(route, sessionId, 'still there?', false)),
  );

async function demoHistory(sessionId: string): Promise<string[][]> {
  const res = await exports.default.fetch(`http://127.0.0.1:8787/chat/${sessionId}/history`, {
    headers: HEADERS,
  });
  const page = await res.json<History>();
  return page.messages.map((m) => [m.role, m.content, m.status]);
}

/** What the offline model answers to the n-th user message of a session. */
const echo = (message: string, turn: number) =>
  `You said: ${message} (local/echo-1, offline test model; turn ${turn})`;

describe.each(ROUTES)('client disconnect on a session turn, %s', (route) => {
  it('mid-stream: stores the cut answer as incomplete and frees the session', async () => {
    const sessionId = `cut-${crypto.randomUUID()}`;
    // A long answer: the client leaves long before its end.
    const message = Array.from({ length: 1000 }, (_, i) => `w${i}`).join(' ');
    const res = await send(route, sessionId, message);
    expect(res.status).toBe(200);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    await reader.read();
    await reader.cancel();

    const next = await nextDemoTurn(route, sessionId);
    expect(next.status).toBe(200);
    const [user, cut, ...rest] = await demoHistory(sessionId);
    expect(user).toEqual(['user', message, 'complete']);
    expect(cut?.[0]).toBe('assistant');
    expect(cut?.[2]).toBe('incomplete');
    const partial = cut?.[1] ?? '';
    expect(partial).not.toBe('');
    expect(echo(message, 1).startsWith(partial) && partial !== echo(message, 1)).toBe(true);
    expect(rest).toEqual([
      ['user', 'still there?', 'complete'],
      ['assistant', echo('still there?', 2), 'complete'],
    ]);
  });

  it('before the first frame: releases the lock the turn took and stores nothing', async () => {
    const sessionId = `early-${crypto.randomUUID()}`;
    const stub = env.SESSIONS.getByName(sessionObjectName(TENANT, sessionId));
    // The live object takes the lock but holds its answer until told, so the client leaves
    // while the gateway waits for it: the same window as a model's time to first token.
    const held: { answer?: () => void } = {};
    const restore = await runInDurableObject(stub, (instance: SessionDO) => {
      const proto = Object.getPrototypeOf(instance) as SessionDO;
      // eslint-disable-next-line @typescript-eslint/unbound-method -- put back as it was, and called with `this` below
      const beginTurn = proto.beginTurn;
      proto.beginTurn = async function (this: SessionDO, input) {
        const started = await beginTurn.call(this, input);
        if (this === instance) await new Promise<void>((resolve) => (held.answer = resolve));
        return started;
      };
      return () => {
        proto.beginTurn = beginTurn;
      };
    });
    try {
      const client = new AbortController();
      const response = send(route, sessionId, 'going away', client.signal).then(
        () => 'answered',
        (error: unknown) => (error instanceof Error ? error.name : 'failed'),
      );
      for (let i = 0; i < 400 && !(await runInDurableObject(stub, () => held.answer !== undefined)); i++)
        await new Promise((resolve) => setTimeout(resolve, 5));
      expect(held.answer).toBeDefined();
      client.abort();
      expect(await response).toBe('AbortError');
    } finally {
      await runInDurableObject(stub, () => held.answer?.());
      restore();
    }

    const next = await nextDemoTurn(route, sessionId);
    expect(next.status).toBe(200);
    // No text reached anyone: the cut turn left nothing, and the model saw no earlier turn.
    expect(await demoHistory(sessionId)).toEqual([
      ['user', 'still there?', 'complete'],
      ['assistant', echo('still there?', 1), 'complete'],
    ]);
  });
});

describe.each(ROUTES)('client gone before the first token, %s', (route) => {
  it('cancels the call before its first token and frees the session', async () => {
    const { app, upstream, env: appEnv } = await chatApp();
    const sessionId = `ttft-${crypto.randomUUID()}`;
    const client = new AbortController();
    const call = upstream.fetch;
    // The client disconnects while the gateway waits for the model's first token.
    upstream.fetch = (input, init) => {
      client.abort();
      return call(input, init);
    };
    const headers = { authorization: `Bearer ${CHAT_KEY}`, 'content-type': 'application/json' };
    const turn = (message: string, stream: boolean): RequestInit =>
      route === '/chat'
        ? { method: 'POST', headers, body: JSON.stringify({ sessionId, message, stream }) }
        : {
            method: 'POST',
            headers: { ...headers, 'x-session-id': sessionId },
            body: JSON.stringify({
              model: 'upstream/primary',
              stream,
              messages: [{ role: 'user', content: message }],
            }),
          };
    const res = await app.request(
      new Request(`http://gateway.test${route}`, { ...turn('going away', true), signal: client.signal }),
      undefined,
      appEnv,
    );
    // The call is cancelled before its first token; the status is only for the log line.
    expect(res.status).toBe(499);
    expect(client.signal.aborted).toBe(true);
    expect(upstream.calls[0]?.aborted).toBe(true);
    upstream.fetch = call;

    // The response body is never read nor cancelled: the client is gone.
    const next = await nextTurn(async () => app.request(route, turn('back again', false), appEnv));
    expect(next.status).toBe(200);
    const page = await (
      await app.request(
        `/chat/${sessionId}/history`,
        { headers: { authorization: headers.authorization } },
        appEnv,
      )
    ).json<History>();
    expect(page.messages.map((m) => [m.role, m.content, m.status])).toEqual([
      ['user', 'back again', 'complete'],
      ['assistant', 'upstream answer from primary', 'complete'],
    ]);
  });
});
