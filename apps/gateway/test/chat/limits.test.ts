import { describe, expect, it } from 'vitest';
import { chatApp, CHAT_KEY } from '../support/chat-app.ts';
import { eventually, settled } from '../support/eventually.ts';
import { parseSse } from '../support/sse.ts';

interface ErrorJson {
  error: { code: string; details?: Record<string, unknown> };
  requestId: string;
}

const get = async (
  app: Awaited<ReturnType<typeof chatApp>>,
  path: string,
  headers: Record<string, string> = {},
): Promise<Response> =>
  app.app.request(path, { headers: { authorization: `Bearer ${CHAT_KEY}`, ...headers } }, app.env);

type BudgetUsage = {
  budgets: { tenant: { tokensPerDay: { used: number; reserved: number; limit: number } } };
};

/** The tenant's budget once the last answer's hold is settled (off the response path). */
const settledBudget = (app: Awaited<ReturnType<typeof chatApp>>): Promise<BudgetUsage> =>
  eventually(async () => (await get(app, '/tenant/usage')).json<BudgetUsage>(), settled);

describe('rate limits', () => {
  it('reports RateLimit headers and refuses past the burst with 429, Retry-After and the request id', async () => {
    const app = await chatApp({
      tenant: { id: 'limits-1', limits: { rates: { key: { rate: 60, burst: 2 } } } },
    });
    const first = await get(app, '/tenant');
    expect(first.status).toBe(200);
    expect(first.headers.get('ratelimit-limit')).toBe('2');
    expect(first.headers.get('ratelimit-remaining')).toBe('1');
    await get(app, '/tenant');
    const refused = await get(app, '/tenant');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = await refused.json<ErrorJson>();
    expect(body.error.code).toBe('rate_limited');
    expect(body.requestId).toBe(refused.headers.get('x-request-id'));
  });

  it('admits exactly the burst out of many concurrent requests', async () => {
    const app = await chatApp({
      tenant: { id: 'limits-2', limits: { rates: { tenant: { rate: 60, burst: 7 } } } },
    });
    const statuses = await Promise.all(
      Array.from({ length: 30 }, () => get(app, '/tenant').then((r) => r.status)),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(7);
    expect(statuses.filter((s) => s === 429)).toHaveLength(23);
  });

  it('limits each client IP on its own', async () => {
    const app = await chatApp({
      tenant: { id: 'limits-3', limits: { rates: { ip: { rate: 60, burst: 1 } } } },
    });
    expect((await get(app, '/tenant', { 'cf-connecting-ip': '203.0.113.1' })).status).toBe(200);
    expect((await get(app, '/tenant', { 'cf-connecting-ip': '203.0.113.1' })).status).toBe(429);
    expect((await get(app, '/tenant', { 'cf-connecting-ip': '203.0.113.2' })).status).toBe(200);
  });

  it('refuses before the upstream is called, in OpenAI shape on /v1', async () => {
    const app = await chatApp({
      tenant: { id: 'limits-4', limits: { rates: { key: { rate: 60, burst: 1 } } } },
    });
    await get(app, '/tenant');
    const res = await app.post('/v1/chat/completions', {
      model: 'upstream/primary',
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(res.status).toBe(429);
    expect(await res.json()).toMatchObject({ error: { type: 'rate_limit_error', code: 'rate_limited' } });
    expect(app.upstream.calls).toHaveLength(0);
  });
});

describe('budgets', () => {
  it('refuses a call that cannot fit the budget with 429 budget_exceeded, before any upstream call', async () => {
    const app = await chatApp({
      tenant: { id: 'limits-5', limits: { budgets: { tenant: { tokensPerDay: 100 } } } },
    });
    const res = await app.post('/chat', { message: 'hi', maxTokens: 500 });
    expect(res.status).toBe(429);
    const body = await res.json<ErrorJson>();
    expect(body.error.code).toBe('budget_exceeded');
    expect(res.headers.get('retry-after')).not.toBeNull();
    expect(app.upstream.calls).toHaveLength(0);
  });

  it('settles the real usage after the call and releases the rest of the reservation', async () => {
    const app = await chatApp({
      tenant: { id: 'limits-6', limits: { budgets: { tenant: { tokensPerDay: 10_000 } } } },
    });
    expect((await app.post('/chat', { message: 'hi', maxTokens: 500, stream: false })).status).toBe(200);
    const usage = await settledBudget(app);
    // The scripted upstream reports 11 prompt + 7 completion tokens.
    expect(usage.budgets.tenant.tokensPerDay).toMatchObject({ used: 18, reserved: 0, limit: 10_000 });
  });

  it('releases the reservation when the call fails before the first token', async () => {
    const app = await chatApp({
      tenant: { id: 'limits-7', limits: { budgets: { tenant: { tokensPerDay: 10_000 } } } },
    });
    app.upstream.script('primary', { kind: 'status', status: 500 });
    app.upstream.script('backup', { kind: 'status', status: 500 });
    expect((await app.post('/chat', { message: 'hi', maxTokens: 500, stream: false })).status).toBe(502);
    const usage = await settledBudget(app);
    expect(usage.budgets.tenant.tokensPerDay, JSON.stringify(usage)).toMatchObject({ used: 0, reserved: 0 });
  });

  it('releases the reservation when the client leaves before the first token', async () => {
    const app = await chatApp({
      tenant: { id: 'limits-gone', limits: { budgets: { tenant: { tokensPerDay: 10_000 } } } },
    });
    app.upstream.script('primary', { kind: 'hang' });
    const res = await app.post('/chat', { message: 'hi', maxTokens: 500 }, { signal: app.leavingClient() });
    expect(res.status).toBe(499);
    const usage = await settledBudget(app);
    expect(usage.budgets.tenant.tokensPerDay, JSON.stringify(usage)).toMatchObject({ used: 0, reserved: 0 });
  });

  it('admits only what fits when concurrent requests race for the last of the budget', async () => {
    // Each reservation is about 200 + prompt tokens; three fit in 700, not four.
    const app = await chatApp({
      tenant: { id: 'limits-8', limits: { budgets: { key: { tokensPerDay: 700 } } } },
    });
    app.upstream.script('primary', { kind: 'stall', afterDeltas: 1 });
    const responses = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        app.post('/chat', { message: `q${i}`, maxTokens: 200, sessionId: `race-${i}` }),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(3);
    await Promise.all(responses.map(async (r) => r.body?.cancel()));
  });

  it('ends a stream that runs past its reservation with a budget_exceeded error event', async () => {
    const app = await chatApp({
      tenant: { limits: { reserveOutputTokens: 3, budgets: { tenant: { tokensPerDay: 10_000 } } } },
    });
    app.upstream.script('primary', { kind: 'ok', text: 'one two three four five six seven eight' });
    const events = parseSse(await (await app.post('/chat', { message: 'hi' })).text());
    expect(events.filter((e) => e.event === 'delta').length).toBeLessThanOrEqual(3);
    expect(events.at(-1)).toMatchObject({ event: 'error', json: { code: 'budget_exceeded' } });
    expect(events.some((e) => e.event === 'done')).toBe(false);
    expect(await app.usage()).toMatchObject({ status: 'incomplete', errorCode: 'budget_exceeded' });
  });
});
