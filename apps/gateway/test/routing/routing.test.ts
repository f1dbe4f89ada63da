import { describe, expect, it } from 'vitest';
import { hashApiKey, type TenantConfigInput } from '@aigw/tenancy';
import { CHAT_KEY, chatApp } from '../support/chat-app.ts';
import { eventually, settled } from '../support/eventually.ts';

/** Aliases and routes over HTTP: what a tenant app names, where it goes, and what says so. */

const ask = (model: string, extra: Record<string, unknown> = {}) => ({
  model,
  messages: [{ role: 'user', content: 'hi' }],
  ...extra,
});

const FREE_KEY = 'gwk_test_free_plan_key';

async function keys(): Promise<TenantConfigInput['apiKeys']> {
  return [
    {
      id: 'chat-key',
      hash: await hashApiKey(CHAT_KEY),
      scopes: ['chat', 'admin'],
      label: 'pro',
      createdAt: '2026-01-01T00:00:00Z',
      metadata: { plan: 'pro' },
    },
    {
      id: 'free-key',
      hash: await hashApiKey(FREE_KEY),
      scopes: ['chat'],
      label: 'free',
      createdAt: '2026-01-01T00:00:00Z',
      metadata: { plan: 'free' },
    },
  ];
}

const models = {
  chat: 'upstream/primary',
  allowed: [
    'upstream/primary',
    'upstream/backup',
    'local/echo-1',
    'workers-ai/@cf/meta/llama-3.1-8b-instruct',
  ],
};

describe('aliases', () => {
  it('sends an alias to its model and fallbacks, and records both names', async () => {
    const { post, upstream, usage } = await chatApp({
      tenant: {
        models: {
          ...models,
          aliases: { 'support-default': { model: 'upstream/backup', fallbacks: ['local/echo-1'] } },
        },
      },
    });
    const res = await post('/v1/chat/completions', ask('support-default'));
    expect(res.status).toBe(200);
    expect(res.headers.get('x-gateway-model')).toBe('upstream/backup');
    expect(upstream.calls.map((call) => call.model)).toEqual(['backup']);
    const record = await usage();
    expect(record).toMatchObject({ model: 'upstream/backup', requested: 'support-default' });
    // Its fallback answers when the model fails, as the alias says (not the tenant's fallbacks).
    upstream.script('backup', { kind: 'status', status: 500 });
    const fallback = await post('/v1/chat/completions', ask('support-default'));
    expect(fallback.headers.get('x-gateway-model')).toBe('local/echo-1');
  });
});

describe('routes', () => {
  it('routes two keys differently by their metadata, and says which way in x-gateway-route', async () => {
    const { post, upstream } = await chatApp({
      tenant: {
        apiKeys: await keys(),
        models,
        routes: {
          plans: {
            version: 2,
            start: 'by-plan',
            nodes: {
              'by-plan': {
                type: 'conditional',
                branches: [
                  { when: [{ field: 'key.metadata.plan', op: 'eq', value: 'free' }], next: 'cheap' },
                ],
                else: 'premium',
              },
              cheap: { type: 'model', model: 'upstream/backup' },
              premium: { type: 'model', model: 'upstream/primary' },
            },
          },
        },
      },
    });
    const pro = await post('/v1/chat/completions', ask('plans'));
    expect(pro.headers.get('x-gateway-route')).toBe('plans; version=2; branch=premium');
    const free = await post('/v1/chat/completions', ask('plans'), {
      headers: { authorization: `Bearer ${FREE_KEY}` },
    });
    expect(free.headers.get('x-gateway-route')).toBe('plans; version=2; branch=cheap');
    expect(upstream.calls.map((call) => call.model)).toEqual(['primary', 'backup']);
  });

  it('routes by x-gateway-metadata, and refuses a header that is not an object of strings', async () => {
    const { post } = await chatApp({
      tenant: {
        models,
        routes: {
          tiers: {
            start: 'tier',
            nodes: {
              tier: {
                type: 'conditional',
                branches: [{ when: [{ field: 'metadata.tier', op: 'in', value: ['gold'] }], next: 'gold' }],
                else: 'plain',
              },
              gold: { type: 'model', model: 'upstream/primary' },
              plain: { type: 'model', model: 'local/echo-1' },
            },
          },
        },
      },
    });
    const gold = await post(
      '/chat',
      { message: 'hi', model: 'tiers', stream: false },
      {
        headers: { 'x-gateway-metadata': '{"tier":"gold"}' },
      },
    );
    expect(gold.headers.get('x-gateway-model')).toBe('upstream/primary');
    const plain = await post('/chat', { message: 'hi', model: 'tiers', stream: false });
    expect(plain.headers.get('x-gateway-model')).toBe('local/echo-1');
    const bad = await post(
      '/chat',
      { message: 'hi', model: 'tiers' },
      { headers: { 'x-gateway-metadata': '[1]' } },
    );
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'invalid_request' } });
  });

  it('falls through a branch whose rate limit is spent, instead of refusing', async () => {
    const name = `limited-${crypto.randomUUID().slice(0, 8)}`;
    const { post } = await chatApp({
      tenant: {
        models,
        routes: {
          [name]: {
            start: 'guard',
            nodes: {
              guard: { type: 'limit', rate: { rate: 1, burst: 1 }, next: 'premium', fallback: 'basic' },
              premium: { type: 'model', model: 'upstream/primary' },
              basic: { type: 'model', model: 'local/echo-1' },
            },
          },
        },
      },
    });
    const first = await post('/v1/chat/completions', ask(name));
    const second = await post('/v1/chat/completions', ask(name));
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(first.headers.get('x-gateway-route')).toContain('branch=premium');
    expect(second.headers.get('x-gateway-route')).toContain('branch=basic');
  });

  it('sends a shadow copy to the challenger off the response path, never returned, never charged', async () => {
    const { app, env, post, upstream, usage } = await chatApp({
      tenant: {
        models,
        limits: { budgets: { tenant: { tokensPerDay: 1_000_000 } } },
        routes: {
          champion: {
            start: 'live',
            shadow: { model: 'upstream/backup', percent: 100, chargeBudget: false },
            nodes: { live: { type: 'model', model: 'upstream/primary' } },
          },
        },
      },
    });
    upstream.script('backup', { kind: 'ok', text: 'the challenger says this' });
    const res = await post('/v1/chat/completions', ask('champion'));
    const body = await res.json<{ choices: { message: { content: string } }[] }>();
    expect(body.choices[0]?.message.content).toBe('upstream answer from primary');
    expect((await usage()).routing).toEqual({ route: 'champion', version: 1, branch: 'live' });
    for (let i = 0; i < 100 && upstream.callsFor('backup').length === 0; i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(upstream.callsFor('backup')).toHaveLength(1);
    expect(upstream.callsFor('backup')[0]?.stream).toBe(false);
    // The tenant's budget settled the live answer only (the fake upstream reports 11 + 7 tokens).
    const summary = await eventually(
      async () =>
        (await app.request('/tenant/usage', { headers: { authorization: `Bearer ${CHAT_KEY}` } }, env)).json<{
          budgets: { tenant: { tokensPerDay: { used: number; reserved: number } } };
        }>(),
      settled,
    );
    expect(summary.budgets.tenant.tokensPerDay).toMatchObject({ used: 18, reserved: 0 });
    // The challenger's call reads beside the live branch, under the route's `shadow` branch.
    const now = Date.now();
    const query = `from=${new Date(now - 3_600_000).toISOString()}&to=${new Date(now + 60_000).toISOString()}`;
    const groups = await eventually(
      async () =>
        (
          await (
            await app.request(
              `/tenant/usage/series?${query}&granularity=minute&groupBy=branch`,
              { headers: { authorization: `Bearer ${CHAT_KEY}` } },
              env,
            )
          ).json<{ groups: { key: string }[] }>()
        ).groups,
      (found) => found.some((g) => g.key === 'champion@1/shadow'),
    );
    const champion = groups.map((g) => g.key).filter((key) => key.startsWith('champion@'));
    expect(champion.sort()).toEqual(['champion@1/live', 'champion@1/shadow']);
  });
});

describe('data residency', () => {
  const residency = (region: string | undefined): Partial<TenantConfigInput> => ({
    models: { ...models, fallbacks: ['workers-ai/@cf/meta/llama-3.1-8b-instruct'], region: 'eu' },
    providers: {
      upstream: {
        type: 'openai-compatible',
        baseUrl: 'http://upstream.test/v1',
        apiKeySecret: 'UPSTREAM_API_KEY',
        ...(region ? { region } : {}),
      },
    },
  });

  it('refuses with 403 region_unavailable rather than leave the region', async () => {
    const { post, upstream } = await chatApp({ tenant: residency('us') });
    const res = await post('/v1/chat/completions', ask('upstream/primary'));
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: 'region_unavailable', param: 'model' } });
    expect(upstream.calls).toHaveLength(0);
  });

  it('never falls back to a provider outside the region', async () => {
    const { post, upstream, ai } = await chatApp({ tenant: residency('eu') });
    upstream.script('primary', { kind: 'status', status: 500 });
    const res = await post('/v1/chat/completions', ask('upstream/primary'));
    expect(res.status).toBe(502);
    expect(upstream.callsFor('primary').length).toBeGreaterThan(0);
    expect(ai.runs).toHaveLength(0);
    // The in-Worker model sends nothing anywhere: always in region.
    const local = await post('/v1/chat/completions', ask('local/echo-1'));
    expect(local.status).toBe(200);
  });
});

describe('an A/B read from usage', () => {
  it('groups /tenant/usage/series by branch, each user on one branch', async () => {
    const { app, env, post } = await chatApp({
      tenant: {
        id: `ab-${crypto.randomUUID().slice(0, 8)}`,
        models,
        routes: {
          ab: {
            start: 'split',
            nodes: {
              split: {
                type: 'split',
                by: 'user',
                branches: [
                  { weight: 50, next: 'a' },
                  { weight: 50, next: 'b' },
                ],
              },
              a: { type: 'model', model: 'upstream/primary' },
              b: { type: 'model', model: 'local/echo-1' },
            },
          },
        },
      },
    });
    const branchOf = new Map<string, string | null>();
    for (const user of ['u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u1', 'u2']) {
      const res = await post('/v1/chat/completions', ask('ab', { user }));
      const branch = res.headers.get('x-gateway-route');
      if (branchOf.has(user)) expect(branch).toBe(branchOf.get(user));
      branchOf.set(user, branch);
    }
    const now = Date.now();
    const query = `from=${new Date(now - 3_600_000).toISOString()}&to=${new Date(now + 60_000).toISOString()}`;
    let groups: { key: string; total: { requests: number } }[] = [];
    for (let i = 0; i < 50 && groups.reduce((sum, g) => sum + g.total.requests, 0) < 8; i++) {
      await new Promise((r) => setTimeout(r, 20));
      const res = await app.request(
        `/tenant/usage/series?${query}&granularity=minute&groupBy=branch`,
        { headers: { authorization: `Bearer ${CHAT_KEY}` } },
        env,
      );
      groups = (await res.json<{ groups: typeof groups }>()).groups;
    }
    expect(groups.map((g) => g.key).sort()).toEqual(
      [
        ...new Set([...branchOf.values()].map((header) => `ab@1/${header?.split('branch=')[1] ?? ''}`)),
      ].sort(),
    );
    expect(groups.reduce((sum, g) => sum + g.total.requests, 0)).toBe(8);
  });
});
