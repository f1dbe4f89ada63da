import { describe, expect, it } from 'vitest';
import { TTL_MS, json, keysWorld, type ErrorBody, type Issued, type KeysWorld } from './support.ts';

async function issue(world: KeysWorld, body: Record<string, unknown> = {}): Promise<Issued> {
  const res = await world.isolate().request('/keys', {
    key: world.configKey(world.a, 'admin'),
    body: { name: 'app', scopes: ['chat'], ...body },
  });
  return json<Issued>(res, 201);
}

const chat = (message: string, model?: string) => ({ message, stream: false, ...(model ? { model } : {}) });

describe('runtime keys on the request path', () => {
  it(`refuses a revoked key everywhere within the cache period (${TTL_MS} ms), driven by the cache clock`, async () => {
    const world = await keysWorld();
    const key = await issue(world);
    const serving = world.isolate();
    const operatorSide = world.isolate();
    expect((await serving.request('/tenant', { key: key.key })).status).toBe(200);

    await json(
      await operatorSide.request(`/keys/${key.id}`, {
        method: 'DELETE',
        key: world.configKey(world.a, 'admin'),
      }),
      200,
    );
    // The isolate that revoked it, and any that had not seen it, refuse at once.
    expect((await operatorSide.request('/tenant', { key: key.key })).status).toBe(401);
    expect((await world.isolate().request('/tenant', { key: key.key })).status).toBe(401);
    // An isolate that verified it just before may serve it until its cache entry ends: the bound.
    serving.advance(TTL_MS - 1);
    expect((await serving.request('/tenant', { key: key.key })).status).toBe(200);
    serving.advance(1);
    const refused = await json<ErrorBody>(await serving.request('/tenant', { key: key.key }), 401);
    expect(refused.error.code).toBe('invalid_api_key');
  });

  it("accepts a rotated key's old secret inside the grace period and refuses it after; the new one works", async () => {
    const world = await keysWorld();
    const key = await issue(world);
    const gw = world.isolate();
    const rotated = await json<Issued>(
      await gw.request(`/keys/${key.id}/rotate`, {
        key: world.configKey(world.a, 'admin'),
        body: { gracePeriodSeconds: 30 },
      }),
      200,
    );
    const other = world.isolate();
    for (const isolate of [gw, other]) {
      expect((await isolate.request('/tenant', { key: key.key })).status).toBe(200);
      expect((await isolate.request('/tenant', { key: rotated.key })).status).toBe(200);
    }
    // Same id, same limits, same usage history: both secrets are the one key.
    const me = await json<{ key: { id: string } }>(await other.request('/tenant', { key: rotated.key }), 200);
    expect(me.key.id).toBe(key.id);
    gw.advance(29_000);
    expect((await gw.request('/tenant', { key: key.key })).status).toBe(200);
    gw.advance(1_000);
    expect((await gw.request('/tenant', { key: key.key })).status).toBe(401);
    expect((await gw.request('/tenant', { key: rotated.key })).status).toBe(200);
  });

  it("applies the key's models, requests rate, token budget and tokens per minute beside the tenant's", async () => {
    const world = await keysWorld();
    const gw = world.isolate();
    const narrow = await issue(world, { models: ['local/echo-1'] });
    const refused = await json<ErrorBody>(
      await gw.request('/chat', { key: narrow.key, body: chat('hi', 'upstream/big') }),
      400,
    );
    expect(refused.error.code).toBe('model_not_allowed');
    const models = await json<{ data: { id: string }[] }>(
      await gw.request('/v1/models', { key: narrow.key }),
      200,
    );
    expect(models.data.map((m) => m.id)).toEqual(['local/echo-1']);

    const slow = await issue(world, { rates: { requests: { rate: 60, burst: 2 } } });
    expect((await gw.request('/tenant', { key: slow.key })).status).toBe(200);
    expect((await gw.request('/tenant', { key: slow.key })).status).toBe(200);
    const limited = await json<ErrorBody>(await gw.request('/tenant', { key: slow.key }), 429);
    expect(limited.error).toMatchObject({ code: 'rate_limited', details: { dimension: 'key' } });

    // Reserving a chat's worst case (prompt + 1024 output tokens) does not fit 100 tokens a day.
    const poor = await issue(world, { budget: { tokensPerDay: 100 } });
    const broke = await json<ErrorBody>(
      await gw.request('/chat', { key: poor.key, body: chat('hello') }),
      429,
    );
    expect(broke.error.code).toBe('budget_exceeded');
    const usage = await json<{
      keyKind: string;
      budgets: { key: { tokensPerDay: { limit: number } } | null };
    }>(await gw.request('/tenant/usage', { key: poor.key }), 200);
    expect(usage).toMatchObject({ keyKind: 'runtime', budgets: { key: { tokensPerDay: { limit: 100 } } } });

    // 30 tokens a minute: the first answer is admitted, what it used is booked, the next waits.
    const tokens = await issue(world, { rates: { tokens: { rate: 30, burst: 30 } } });
    await json(
      await gw.request('/chat', {
        key: tokens.key,
        body: chat('one two three four five six seven eight nine ten'),
      }),
      200,
    );
    let status = 200;
    for (let i = 0; i < 50 && status === 200; i++) {
      const res = await gw.request('/tenant', { key: tokens.key });
      status = res.status;
      if (status === 429)
        expect((await res.json<ErrorBody>()).error.details).toMatchObject({ dimension: 'tokens' });
      else await new Promise((r) => setTimeout(r, 20));
    }
    expect(status).toBe(429);
  });

  it('limits failed look-ups of unknown runtime keys per client IP, before asking the object', async () => {
    const world = await keysWorld();
    const gw = world.isolate();
    const guess = (n: number) => `gwk_${world.a}_rk-${n.toString(16).padStart(12, '0')}_${'0'.repeat(32)}`;
    const from = (ip: string) => ({ 'cf-connecting-ip': ip });
    for (let n = 0; n < 30; n++) {
      expect((await gw.request('/tenant', { key: guess(n), headers: from('203.0.113.5') })).status).toBe(401);
    }
    const blocked = await json<ErrorBody>(
      await gw.request('/tenant', { key: guess(31), headers: from('203.0.113.5') }),
      429,
    );
    expect(blocked.error).toMatchObject({ code: 'rate_limited', details: { dimension: 'auth' } });
    // Another client is not affected, nor are keys this isolate already knows.
    expect((await gw.request('/tenant', { key: guess(32), headers: from('203.0.113.6') })).status).toBe(401);
    expect(
      (await gw.request('/tenant', { key: world.configKey(world.a, 'chat'), headers: from('203.0.113.5') }))
        .status,
    ).toBe(200);
  });

  it('says on /tenant which kind of key called and what applies to it', async () => {
    const world = await keysWorld();
    const gw = world.isolate();
    const key = await issue(world, {
      rates: { requests: { rate: 60, burst: 5 }, tokens: { rate: 100, burst: 200 } },
      budget: { usdPerMonth: 1 },
    });
    const runtime = await json<{ key: { kind: string; limits: unknown } }>(
      await gw.request('/tenant', { key: key.key }),
      200,
    );
    expect(runtime.key).toEqual(
      expect.objectContaining({
        kind: 'runtime',
        limits: {
          requests: { rate: 60, burst: 5 },
          tokens: { rate: 100, burst: 200 },
          budget: { usdPerMonth: 1 },
        },
      }),
    );
    const config = await json<{ key: { kind: string; limits: unknown } }>(
      await gw.request('/tenant', { key: world.configKey(world.a, 'chat') }),
      200,
    );
    expect(config.key).toEqual(
      expect.objectContaining({
        kind: 'config',
        limits: { requests: { rate: 6000, burst: 1000 }, tokens: null, budget: null },
      }),
    );
  });
});
