import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { eventually, settled } from './support/eventually.ts';

// What the README shows a newcomer with the demo tenants of the development registry (the Worker
// as `npm run dev` serves it): globex is rate-limited and budgeted, acme is not. The budget test
// runs first: the loop spends globex's burst.
const gw = (path: string, key: string, init: RequestInit = {}) =>
  exports.default.fetch(`http://127.0.0.1:8787${path}`, {
    ...init,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
  });

describe('demo tenant globex', () => {
  // The first request of the file compiles the Worker, slow on a loaded machine.
  it(
    'shows its daily token budget, and what a chat used of it, in /tenant/usage',
    { timeout: 60_000 },
    async () => {
      const chat = await gw('/v1/chat/completions', 'gwk_demo_globex', {
        method: 'POST',
        body: JSON.stringify({ model: 'local/echo-1', messages: [{ role: 'user', content: 'count me' }] }),
      });
      const completion = await chat.json<{ usage: { total_tokens: number } }>();
      // The chat's hold is settled just after its answer (off the response path).
      const usage = await eventually(async () => {
        const res = await gw('/tenant/usage', 'gwk_demo_globex');
        expect(res.status).toBe(200);
        return res.json<{
          budgets: {
            tenant: {
              tokensPerDay: { limit: number; used: number; remaining: number; reserved: number };
            } | null;
          };
          rateLimits: { key: { rate: number; burst: number } | null };
        }>();
      }, settled);
      expect(usage.rateLimits.key).toEqual({ rate: 30, burst: 10 });
      expect(usage.budgets.tenant?.tokensPerDay).toMatchObject({
        limit: 50_000,
        used: completion.usage.total_tokens,
        remaining: 50_000 - completion.usage.total_tokens,
      });
    },
  );

  it(
    'sends RateLimit-* headers and answers a quick loop of requests with 429 and Retry-After',
    { timeout: 60_000 },
    async () => {
      const statuses: number[] = [];
      let first: Response | undefined;
      let refused: Response | undefined;
      for (let i = 0; i < 13; i++) {
        const res = await gw('/tenant', 'gwk_demo_globex');
        statuses.push(res.status);
        first ??= res;
        if (res.status === 429) refused ??= res;
        await res.body?.cancel();
      }
      expect(first?.headers.get('ratelimit-limit')).toBe('10');
      // Tests in one file share storage: the budget test above spent two of the burst.
      expect(Number(first?.headers.get('ratelimit-remaining'))).toBeLessThanOrEqual(9);
      // The burst of 10 passes, then the key waits for its next slot (30 a minute: one per 2 s).
      expect(statuses[0]).toBe(200);
      expect(statuses.indexOf(429)).toBeGreaterThan(0);
      expect(statuses.indexOf(429)).toBeLessThanOrEqual(10);
      expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(2);
      expect(Number(refused?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    },
  );

  it('leaves acme unlimited, so the other README examples never wait', async () => {
    const res = await gw('/tenant', 'gwk_demo_acme');
    expect(res.headers.get('ratelimit-limit')).toBeNull();
  });
});

describe('demo tenant acme: the request log', () => {
  it('shows a chat in GET /v1/logs to the log-reader key, bodies redacted; that key cannot chat', async () => {
    const chat = await gw('/chat', 'gwk_demo_acme', {
      method: 'POST',
      body: JSON.stringify({ message: 'Refund jane.doe@example.com', stream: false, user: 'readme' }),
    });
    expect(chat.status).toBe(200);
    const id = chat.headers.get('x-request-id') ?? '';
    // Entries are written a moment after the response.
    let listed: { data: { id: string; user: string | null; hasBodies: boolean }[] } = { data: [] };
    for (let i = 0; i < 100 && !listed.data.some((e) => e.id === id); i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 25));
      const res = await gw('/v1/logs?user=readme&limit=5', 'gwk_demo_acme_logs');
      expect(res.status, await res.clone().text()).toBe(200);
      listed = await res.json();
    }
    expect(listed.data[0]).toMatchObject({ id, user: 'readme', hasBodies: true });
    const entry = await (
      await gw(`/v1/logs/${id}`, 'gwk_demo_acme_logs')
    ).json<{
      bodies: { request: { text: string } };
    }>();
    expect(entry.bodies.request.text).toContain('[EMAIL]');
    expect(entry.bodies.request.text).not.toContain('jane.doe@example.com');
    const refused = await gw('/chat', 'gwk_demo_acme_logs', {
      method: 'POST',
      body: JSON.stringify({ message: 'hi', stream: false }),
    });
    expect(refused.status).toBe(403);
  });
});
