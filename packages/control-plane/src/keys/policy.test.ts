import { describe, expect, it } from 'vitest';
import { GatewayError } from '@aigw/core';
import { tenant } from '../../test/fixtures.ts';
import { checkCreate, checkUpdate, tenantScopes, type Grantor } from './policy.ts';
import { effectiveCaller } from './view.ts';
import type { StoredKey } from './schema.ts';

const NOW = Date.parse('2026-11-22T00:00:00Z');
const operator: Grantor = { kind: 'operator' };

const limited = tenant('acme', {
  limits: {
    rates: { key: { rate: 120, burst: 20 }, tenant: { rate: 600, burst: 10 } },
    budgets: { tenant: { tokensPerDay: 100_000 }, key: { usdPerMonth: 5 } },
  },
});

function refusal(run: () => unknown): GatewayError {
  try {
    run();
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

function stored(extra: Partial<StoredKey> = {}): StoredKey {
  return {
    id: 'rk-0123456789ab',
    name: 'app',
    scopes: ['chat', 'keys'],
    models: null,
    rates: {},
    budget: {},
    metadata: {},
    createdAt: NOW,
    updatedAt: NOW,
    expiresAt: null,
    revokedAt: null,
    lastUsedAt: null,
    createdBy: 'operator',
    prefix: 'gwk_acme_rk-0123456789ab_abcd…',
    previous: null,
    ...extra,
  };
}

describe('key policy', () => {
  it("grants within the tenant's config: its config keys' scopes, its models, its limits", () => {
    expect(tenantScopes(limited)).toEqual(['chat', 'search', 'keys', 'admin']);
    const ok = checkCreate(
      {
        name: 'batch',
        scopes: ['chat', 'chat'],
        models: ['local/echo-2'],
        rates: { requests: { rate: 60, burst: 5 }, tokens: { rate: 1000, burst: 2000 } },
        budget: { tokensPerDay: 50_000, usdPerMonth: 5 },
        expiresAt: '2027-01-01T00:00:00Z',
        metadata: { app: 'batch' },
      },
      limited,
      operator,
      NOW,
    );
    expect(ok).toMatchObject({
      scopes: ['chat'],
      models: ['local/echo-2'],
      expiresAt: Date.parse('2027-01-01T00:00:00Z'),
    });
  });

  it('refuses bad input with 400 naming every field at fault', () => {
    const error = refusal(() =>
      checkCreate(
        {
          name: 'x',
          scopes: ['chat', 'tools'],
          models: ['local/other'],
          rates: { requests: { rate: 121, burst: 5 } },
          budget: { tokensPerDay: 100_001, usdPerMonth: 6 },
          expiresAt: '2026-11-21T00:00:00Z',
        },
        limited,
        operator,
        NOW,
      ),
    );
    expect(error.code).toBe('invalid_request');
    expect(error.details?.issues?.map((issue) => issue.path.join('.'))).toEqual([
      'scopes.1',
      'models.0',
      'rates.requests.rate',
      'budget.tokensPerDay',
      'budget.usdPerMonth',
      'expiresAt',
    ]);
  });

  it('refuses a scope the calling key does not hold with 403, and limits past its own with 400', () => {
    const caller = effectiveCaller(limited, stored({ rates: { requests: { rate: 30, burst: 3 } } }), 'h');
    const grantor: Grantor = { kind: 'key', caller };
    const escalation = refusal(() =>
      checkCreate({ name: 'x', scopes: ['chat', 'admin'] }, limited, grantor, NOW),
    );
    expect(escalation.code).toBe('insufficient_scope');
    expect(escalation.details).toMatchObject({ required: ['admin'] });
    const past = refusal(() =>
      checkCreate(
        { name: 'x', scopes: ['chat'], rates: { requests: { rate: 60, burst: 3 } } },
        limited,
        grantor,
        NOW,
      ),
    );
    expect(past.code).toBe('invalid_request');
    expect(past.details?.issues?.[0]).toMatchObject({ path: ['rates', 'requests', 'rate'], maximum: 30 });
  });

  it("gives a tenant key's children its own models and limits unless they ask for less", () => {
    const own = stored({ models: ['local/echo-1'], budget: { tokensPerDay: 1000 } });
    const grantor: Grantor = { kind: 'key', caller: effectiveCaller(limited, own, 'h') };
    expect(checkCreate({ name: 'child', scopes: ['chat'] }, limited, grantor, NOW)).toMatchObject({
      models: ['local/echo-1'],
      // Its own 1000 tokens a day, with the tenant's per-key $5 a month.
      budget: { tokensPerDay: 1000, usdPerMonth: 5 },
      // It set no rate of its own: the tenant's per-key rate within the tenant's, the ceiling.
      rates: { requests: { rate: 120, burst: 10 } },
    });
    const wider = refusal(() => checkUpdate({ models: null }, limited, grantor, NOW));
    expect(wider.code).toBe('invalid_request');
  });
});

describe('effective caller of a runtime key', () => {
  it('narrows models, rates and budgets in the tenant view the routes read', () => {
    const {
      tenant: view,
      key,
      source,
      tokenRate,
    } = effectiveCaller(
      limited,
      stored({
        models: ['local/echo-2'],
        rates: { requests: { rate: 600, burst: 5 }, tokens: { rate: 100, burst: 100 } },
        budget: { tokensPerDay: 10 },
      }),
      'f'.repeat(64),
    );
    expect(source).toBe('runtime');
    expect(key).toMatchObject({
      id: 'rk-0123456789ab',
      scopes: ['chat', 'keys'],
      label: 'app',
      disabled: false,
    });
    expect(view.models).toMatchObject({ allowed: ['local/echo-2'], chat: 'local/echo-2', fallbacks: [] });
    // The tighter of the tenant's per-key rate (120/20) and the key's own (600/5).
    expect(view.limits.rates.key).toEqual({ rate: 120, burst: 5 });
    expect(view.limits.budgets.keys['rk-0123456789ab']).toEqual({ tokensPerDay: 10, usdPerMonth: 5 });
    expect(tokenRate).toEqual({ rate: 100, burst: 100 });
    // The registry's config is not touched.
    expect(limited.models.allowed).toEqual(['local/echo-1', 'local/echo-2']);
  });

  it('drops scopes the config no longer grants, and chat when no model is left', () => {
    const { key } = effectiveCaller(
      tenant('acme'),
      stored({ scopes: ['chat', 'tools'], models: ['local/gone'] }),
      'h',
    );
    expect(key.scopes).toEqual([]);
  });
});
