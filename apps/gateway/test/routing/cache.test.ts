import { describe, expect, it } from 'vitest';
import type { TenantConfigInput } from '@aigw/tenancy';
import { CHAT_KEY, chatApp } from '../support/chat-app.ts';
import { parseSse } from '../support/sse.ts';

/** The exact-match response cache: hits, misses, bypasses, and what it never crosses. */

const cached = (extra: Partial<TenantConfigInput> = {}): { tenant: Partial<TenantConfigInput> } => ({
  tenant: {
    id: `cache-${crypto.randomUUID().slice(0, 8)}`,
    responseCache: { enabled: true, ttlSeconds: 300 },
    ...extra,
  },
});
const ask = (content: string, extra: Record<string, unknown> = {}) => ({
  model: 'upstream/primary',
  messages: [{ role: 'user', content }],
  ...extra,
});
type Completion = { choices: { message: { content: string } }[]; usage: { completion_tokens: number } };

describe('response cache', () => {
  it('answers the same request from the cache: no model call, no budget, recorded as a hit', async () => {
    const { app, env, post, upstream, usage } = await chatApp(
      cached({ limits: { budgets: { tenant: { tokensPerDay: 1_000_000 } } } }),
    );
    const question = `what is ${crypto.randomUUID()}?`;
    const first = await post('/v1/chat/completions', ask(question));
    expect(first.headers.get('x-gateway-cache')).toBe('miss');
    const firstBody = await first.json<Completion>();
    // The store is written off the response path.
    await new Promise((r) => setTimeout(r, 50));
    const second = await post('/v1/chat/completions', ask(question));
    expect(second.headers.get('x-gateway-cache')).toBe('hit');
    const secondBody = await second.json<Completion>();
    expect(secondBody.choices[0]?.message.content).toBe(firstBody.choices[0]?.message.content);
    // The client sees the answer as it was made; the gateway records what it saved.
    expect(secondBody.usage.completion_tokens).toBe(firstBody.usage.completion_tokens);
    expect(upstream.calls).toHaveLength(1);
    expect(await usage(1)).toMatchObject({
      cached: true,
      inputTokens: 0,
      outputTokens: 0,
      costUsd: 0,
      saved: { inputTokens: 11, outputTokens: 7 },
    });
    const summary = await (
      await app.request('/tenant/usage', { headers: { authorization: `Bearer ${CHAT_KEY}` } }, env)
    ).json<{ budgets: { tenant: { tokensPerDay: { used: number } } } }>();
    expect(summary.budgets.tenant.tokensPerDay.used).toBe(18);
  });

  it('replays a hit as a stream in the API’s own framing, and a stream fills the cache for JSON', async () => {
    const { post, upstream } = await chatApp(cached());
    const question = `stream ${crypto.randomUUID()}`;
    const streamed = await post('/v1/chat/completions', ask(question, { stream: true }));
    expect(streamed.headers.get('x-gateway-cache')).toBe('miss');
    const missText = await streamed.text();
    await new Promise((r) => setTimeout(r, 50));
    const replayed = await post('/v1/chat/completions', ask(question, { stream: true }));
    expect(replayed.headers.get('x-gateway-cache')).toBe('hit');
    expect(replayed.headers.get('content-type')).toContain('text/event-stream');
    const frames = parseSse(await replayed.text()).map((event) => event.data);
    expect(frames.at(-1)).toBe('[DONE]');
    const text = frames
      .filter((frame) => frame !== '[DONE]')
      .map(
        (frame) =>
          (JSON.parse(frame) as { choices: { delta?: { content?: string } }[] }).choices[0]?.delta?.content ??
          '',
      )
      .join('');
    expect(text).toBe('upstream answer from primary');
    expect(missText).toContain('upstream');
    const json = await post('/v1/chat/completions', ask(question));
    expect(json.headers.get('x-gateway-cache')).toBe('hit');
    expect(upstream.calls).toHaveLength(1);
  });

  it('keeps the whole text of a long answer relayed as bytes, not only its parsed end', async () => {
    const { post, upstream } = await chatApp(cached());
    // Longer than the tail a relayed stream's accounting parses when nothing keeps its text.
    const long = Array.from({ length: 900 }, (_, i) => `word${i}`).join(' ');
    upstream.script('primary', { kind: 'ok', text: long });
    const question = `relay ${crypto.randomUUID()}`;
    // With the usage event asked for, nothing in the stream is rewritten: it is relayed as bytes.
    const streamed = await post(
      '/v1/chat/completions',
      ask(question, { stream: true, stream_options: { include_usage: true } }),
    );
    expect(streamed.headers.get('x-gateway-cache')).toBe('miss');
    expect(await streamed.text()).toContain('word899');
    await new Promise((r) => setTimeout(r, 50));
    const json = await post('/v1/chat/completions', ask(question));
    expect(json.headers.get('x-gateway-cache')).toBe('hit');
    expect((await json.json<Completion>()).choices[0]?.message.content).toBe(long);
    expect(upstream.calls).toHaveLength(1);
  });

  it('never serves one tenant’s entry to another', async () => {
    const question = `shared ${crypto.randomUUID()}`;
    const a = await chatApp(cached());
    const b = await chatApp(cached());
    await a.post('/v1/chat/completions', ask(question));
    await new Promise((r) => setTimeout(r, 50));
    const other = await b.post('/v1/chat/completions', ask(question));
    expect(other.headers.get('x-gateway-cache')).toBe('miss');
    expect(b.upstream.calls).toHaveLength(1);
  });

  it('obeys skip and refresh (and cache-control), and is never used on sessions or gateway tools', async () => {
    const { post, upstream } = await chatApp(
      cached({ features: { tools: true }, tools: { enabled: ['summarize'] } }),
    );
    const question = `bypass ${crypto.randomUUID()}`;
    upstream.script('primary', { kind: 'ok', text: 'old answer' }, { kind: 'ok', text: 'new answer' });
    await post('/v1/chat/completions', ask(question));
    await new Promise((r) => setTimeout(r, 50));
    const skipped = await post('/v1/chat/completions', ask(question), {
      headers: { 'x-gateway-cache': 'skip' },
    });
    expect(skipped.headers.get('x-gateway-cache')).toBe('skip');
    const noStore = await post('/v1/chat/completions', ask(question), {
      headers: { 'cache-control': 'no-store' },
    });
    expect(noStore.headers.get('x-gateway-cache')).toBe('skip');
    const refreshed = await post('/v1/chat/completions', ask(question), {
      headers: { 'x-gateway-cache': 'refresh' },
    });
    expect(refreshed.headers.get('x-gateway-cache')).toBe('refresh');
    expect((await refreshed.json<Completion>()).choices[0]?.message.content).toBe('new answer');
    await new Promise((r) => setTimeout(r, 50));
    const after = await post('/v1/chat/completions', ask(question));
    expect(after.headers.get('x-gateway-cache')).toBe('hit');
    expect((await after.json<Completion>()).choices[0]?.message.content).toBe('new answer');
    expect(upstream.calls).toHaveLength(4);

    const session = await post('/v1/chat/completions', ask(question), {
      headers: { 'x-session-id': `s-${crypto.randomUUID()}` },
    });
    expect(session.headers.get('x-gateway-cache')).toBe('skip');
    const tools = await post(
      '/v1/chat/completions',
      ask(question, {
        tools: [{ type: 'function', function: { name: 'summarize', parameters: { type: 'object' } } }],
      }),
    );
    expect(tools.headers.get('x-gateway-cache')).toBe('skip');
    const bad = await post('/v1/chat/completions', ask(question), {
      headers: { 'x-gateway-cache': 'forever' },
    });
    expect(bad.status).toBe(400);
  });

  it('never serves an answer across a config change that could alter it', async () => {
    const id = `cache-${crypto.randomUUID().slice(0, 8)}`;
    const question = `config ${crypto.randomUUID()}`;
    const before = await chatApp({ tenant: { id, responseCache: { enabled: true, ttlSeconds: 300 } } });
    await before.post('/v1/chat/completions', ask(question));
    await new Promise((r) => setTimeout(r, 50));
    const same = await chatApp({ tenant: { id, responseCache: { enabled: true, ttlSeconds: 300 } } });
    expect((await same.post('/v1/chat/completions', ask(question))).headers.get('x-gateway-cache')).toBe(
      'hit',
    );
    const changed = await chatApp({
      tenant: {
        id,
        responseCache: { enabled: true, ttlSeconds: 300 },
        models: {
          chat: 'upstream/primary',
          allowed: ['upstream/primary', 'upstream/backup', 'local/echo-1'],
        },
      },
    });
    expect((await changed.post('/v1/chat/completions', ask(question))).headers.get('x-gateway-cache')).toBe(
      'miss',
    );
  });

  it('is off unless the tenant turns it on: no header, no lookup', async () => {
    const { post } = await chatApp();
    const res = await post('/v1/chat/completions', ask('hi'));
    expect(res.headers.get('x-gateway-cache')).toBeNull();
  });
});
