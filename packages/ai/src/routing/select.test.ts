import { describe, expect, it } from 'vitest';
import { tenantConfigSchema, type TenantConfigInput } from '@aigw/tenancy';
import { selectModel, type RouteFacts, type RouteLimits } from './select.ts';

const facts = (over: Partial<RouteFacts> = {}): RouteFacts => ({
  api: '/v1/chat/completions',
  user: undefined,
  sessionId: undefined,
  keyId: 'k1',
  keyMetadata: {},
  metadata: {},
  requestId: `req_${crypto.randomUUID()}`,
  ...over,
});

const open: RouteLimits = { admit: () => Promise.resolve(true), hasTokens: () => Promise.resolve(true) };

function tenant(extra: Partial<TenantConfigInput> = {}) {
  return tenantConfigSchema.parse({
    id: 'routing-unit',
    name: 'Routing',
    environments: ['development'],
    apiKeys: [
      { id: 'k1', hash: '0'.repeat(64), scopes: ['chat'], label: 'k', createdAt: '2026-01-01T00:00:00Z' },
    ],
    models: {
      chat: 'local/echo-1',
      allowed: ['local/echo-1', 'local/echo-2'],
      aliases: { fast: 'local/echo-2', safe: { model: 'local/echo-1', fallbacks: ['local/echo-2'] } },
    },
    ...extra,
  });
}

const ab = (weights: [number, number], by: 'user' | 'key' = 'user') => ({
  routes: {
    ab: {
      version: 3,
      start: 'split',
      nodes: {
        split: {
          type: 'split' as const,
          by,
          branches: [
            { weight: weights[0], next: 'a' },
            { weight: weights[1], next: 'b' },
          ],
        },
        a: { type: 'model' as const, model: 'local/echo-1' },
        b: { type: 'model' as const, model: 'local/echo-2' },
      },
    },
  },
});

describe('selectModel', () => {
  it('resolves aliases (with their fallbacks), model ids and the default', async () => {
    const config = tenant();
    expect(await selectModel(config, 'chat', 'fast', facts(), open)).toMatchObject({
      by: 'alias',
      asked: 'fast',
      model: 'local/echo-2',
      fallbacks: [],
    });
    expect(await selectModel(config, 'chat', 'safe', facts(), open)).toMatchObject({
      model: 'local/echo-1',
      fallbacks: ['local/echo-2'],
    });
    expect(await selectModel(config, 'chat', 'local/echo-2', facts(), open)).toMatchObject({ by: 'model' });
    expect(await selectModel(config, 'chat', undefined, facts(), open)).toMatchObject({
      by: 'default',
      model: 'local/echo-1',
    });
    await expect(selectModel(config, 'chat', 'openai/gpt-9', facts(), open)).rejects.toMatchObject({
      code: 'model_not_allowed',
    });
  });

  it('splits 90/10 within ±1.5 % over 10,000 users, each user always on one branch', async () => {
    const config = tenant(ab([90, 10]));
    const first = new Map<string, string>();
    let onA = 0;
    for (let user = 0; user < 10_000; user++) {
      const chosen = await selectModel(config, 'chat', 'ab', facts({ user: `user-${user}` }), open);
      if (chosen.route?.branch === 'a') onA += 1;
      first.set(`user-${user}`, chosen.route?.branch ?? '');
    }
    expect(Math.abs(onA / 10_000 - 0.9)).toBeLessThanOrEqual(0.015);
    // Asked again, in another order and with other request ids: the same branch every time.
    for (let user = 9_999; user >= 0; user -= 7) {
      const again = await selectModel(config, 'chat', 'ab', facts({ user: `user-${user}` }), open);
      expect(again.route?.branch).toBe(first.get(`user-${user}`));
    }
    const taken = await selectModel(config, 'chat', 'ab', facts({ user: 'user-1' }), open);
    expect(taken.route).toMatchObject({ name: 'ab', version: 3, path: ['split', taken.route?.branch] });
  });

  it('follows conditions on key metadata, request metadata and the API, first match wins', async () => {
    const config = tenant({
      routes: {
        plans: {
          start: 'by-plan',
          nodes: {
            'by-plan': {
              type: 'conditional',
              branches: [
                { when: [{ field: 'key.metadata.plan', op: 'eq', value: 'free' }], next: 'cheap' },
                { when: [{ field: 'metadata.tier', op: 'in', value: ['gold', 'silver'] }], next: 'good' },
                { when: [{ field: 'api', op: 'prefix', value: '/v1/messages' }], next: 'cheap' },
              ],
              else: 'good',
            },
            cheap: { type: 'model', model: 'local/echo-2' },
            good: { type: 'model', model: 'local/echo-1' },
          },
        },
      },
    });
    const pick = async (over: Partial<RouteFacts>) =>
      (await selectModel(config, 'chat', 'plans', facts(over), open)).model;
    expect(await pick({ keyMetadata: { plan: 'free' } })).toBe('local/echo-2');
    expect(await pick({ keyMetadata: { plan: 'pro' }, metadata: { tier: 'gold' } })).toBe('local/echo-1');
    expect(await pick({ api: '/v1/messages' })).toBe('local/echo-2');
    expect(await pick({})).toBe('local/echo-1');
  });

  it('falls through a limit node to its fallback when its rate or budget is spent', async () => {
    const config = tenant({
      routes: {
        guarded: {
          start: 'limit',
          nodes: {
            limit: {
              type: 'limit',
              rate: { rate: 60, burst: 1 },
              tokensPerDay: 1000,
              next: 'premium',
              fallback: 'basic',
            },
            premium: { type: 'model', model: 'local/echo-1' },
            basic: { type: 'model', model: 'local/echo-2' },
          },
        },
      },
    });
    const spentRate: RouteLimits = { ...open, admit: () => Promise.resolve(false) };
    const spentTokens: RouteLimits = { ...open, hasTokens: () => Promise.resolve(false) };
    const ok = await selectModel(config, 'chat', 'guarded', facts(), open);
    expect(ok.route).toMatchObject({ branch: 'premium', budget: { node: 'limit', tokensPerDay: 1000 } });
    expect((await selectModel(config, 'chat', 'guarded', facts(), spentRate)).route?.branch).toBe('basic');
    const fellThrough = await selectModel(config, 'chat', 'guarded', facts(), spentTokens);
    expect(fellThrough.route).toMatchObject({ branch: 'basic', budget: undefined });
  });
});

describe('route validation (the tenant schema, so `npm run registry` refuses a bad route)', () => {
  const issuesOf = (routes: unknown) => {
    const parsed = tenantConfigSchema.safeParse({ ...tenant(), routes, $schema: undefined });
    return parsed.success
      ? []
      : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  };

  it('names the node: weights, missing nodes, cycles, unreachable nodes, models not allowed', () => {
    const model = { type: 'model', model: 'local/echo-1' };
    expect(
      issuesOf({
        r: {
          start: 's',
          nodes: {
            s: {
              type: 'split',
              by: 'user',
              branches: [
                { weight: 60, next: 'm' },
                { weight: 30, next: 'm' },
              ],
            },
            m: model,
          },
        },
      }),
    ).toContain('routes.r.nodes.s.branches: weights sum to 90, not 100');
    expect(issuesOf({ r: { start: 'x', nodes: { m: model } } })).toContain(
      'routes.r.start: no node named "x"',
    );
    expect(
      issuesOf({
        r: {
          start: 'a',
          nodes: {
            a: {
              type: 'conditional',
              branches: [{ when: [{ field: 'user', op: 'exists' }], next: 'b' }],
              else: 'm',
            },
            b: { type: 'limit', rate: { rate: 1, burst: 1 }, next: 'a', fallback: 'm' },
            m: model,
          },
        },
      }).join('\n'),
    ).toMatch(/routes\.r\.nodes\.a: cycle: a → b → a/);
    expect(issuesOf({ r: { start: 'm', nodes: { m: model, orphan: model } } })).toContain(
      'routes.r.nodes.orphan: unreachable from "m"',
    );
    expect(issuesOf({ r: { start: 'm', nodes: { m: { type: 'model', model: 'openai/gpt-9' } } } })).toContain(
      'routes.r.nodes.m: model "openai/gpt-9" is not in models.allowed',
    );
  });
});
