import { createRoute, z } from '@hono/zod-openapi';
import { SCOPES } from '@aigw/tenancy';
import { budgetScopes, budgetStub } from '@aigw/limits';
import type { Context } from 'hono';
import type { GatewayApp, GatewayEnv } from '../context.ts';
import { errorResponses } from './openapi.ts';
import { billingExport, billingRowSchema, exportFormat } from './usage-export.ts';

const rateSetting = z.object({ rate: z.int(), burst: z.int() }).nullable();

const tenantSummary = z
  .object({
    tenant: z.object({
      id: z.string(),
      name: z.string(),
      status: z.enum(['active', 'suspended']),
      features: z.object({ rag: z.boolean(), tools: z.boolean(), tts: z.boolean() }),
      models: z.object({ default: z.string(), fallbacks: z.array(z.string()), allowed: z.array(z.string()) }),
      limits: z.object({ maxBodyBytes: z.number().int() }),
    }),
    key: z.object({
      id: z.string(),
      label: z.string(),
      scopes: z.array(z.enum(SCOPES)),
      expiresAt: z.string().nullable(),
      kind: z
        .enum(['config', 'runtime'])
        .describe(
          'Where the key is kept: the tenant config (changes by deploy) or the control plane (docs/keys.md).',
        ),
      limits: z
        .object({
          requests: rateSetting.describe(
            "This key's requests per minute and burst (the tenant's per-key rate, or tighter).",
          ),
          tokens: rateSetting.describe("A runtime key's own tokens per minute and burst."),
          budget: z
            .object({ tokensPerDay: z.number().optional(), usdPerMonth: z.number().optional() })
            .nullable()
            .describe("This key's own budget, beside the tenant's (GET /tenant/usage has what is used)."),
        })
        .describe('What applies to this key on its own; the tenant-wide limits apply too.'),
    }),
  })
  .openapi('TenantSummary');

const tenantRoute = createRoute({
  method: 'get',
  path: '/tenant',
  tags: ['tenant'],
  summary: "The caller's tenant and key (never hashes). Any valid key may call it.",
  security: [{ bearer: [] }],
  responses: {
    200: { description: "The caller's tenant.", content: { 'application/json': { schema: tenantSummary } } },
    ...errorResponses,
  },
});

/** What applies to the caller's key on its own (figures of the tenant view its requests see). */
function keyLimits(c: Context<GatewayEnv>) {
  const { tenant, key, tokenRate } = c.get('caller');
  const scope = budgetScopes(tenant.limits.budgets, key.id).find((s) => s.keyId === key.id);
  return {
    requests: tenant.limits.rates.key ?? null,
    tokens: tokenRate ?? null,
    budget: scope?.limits ?? null,
  };
}

export function registerTenantRoutes(app: GatewayApp): void {
  app.openapi(tenantRoute, (c) => {
    const tenant = c.get('tenant');
    const key = c.get('apiKey');
    return c.json(
      {
        tenant: {
          id: tenant.id,
          name: tenant.name,
          status: tenant.status,
          features: tenant.features,
          models: {
            default: tenant.models.chat,
            fallbacks: tenant.models.fallbacks,
            allowed: tenant.models.allowed,
          },
          limits: { maxBodyBytes: tenant.limits.maxBodyBytes },
        },
        key: {
          id: key.id,
          label: key.label,
          scopes: key.scopes,
          expiresAt: key.expiresAt ?? null,
          kind: c.get('caller').source,
          limits: keyLimits(c),
        },
      },
      200,
    );
  });
}

const budgetLine = z.object({
  window: z.string(),
  used: z.number(),
  reserved: z.number(),
  limit: z.number().nullable(),
  remaining: z.number().nullable(),
  resetsAt: z.string(),
});
const budgetUsage = z.object({ tokensPerDay: budgetLine, usdPerMonth: budgetLine }).nullable();

const usageRoute = createRoute({
  method: 'get',
  path: '/tenant/usage',
  tags: ['tenant'],
  summary:
    "The current window's consumption against each budget, and the rate limits in force; with format=csv|json, the billing export.",
  security: [{ bearer: [] }],
  request: {
    query: z.object({
      format: exportFormat,
      from: z
        .string()
        .optional()
        .describe('Billing export start: ISO 8601 or epoch ms (default: this UTC month).'),
      to: z.string().optional().describe('Billing export end (default: now); whole UTC days, at most 31.'),
    }),
  },
  responses: {
    200: {
      description:
        'Budgets (tokens per UTC day, USD per UTC month) and rate limits; with format, the billing export: per UTC day, key, model and route, as CSV or `{ tenantId, currency, from, to, rows }`.',
      content: {
        'text/csv': { schema: z.string() },
        'application/json': {
          schema: z
            .object({
              tenantId: z.string(),
              keyId: z.string(),
              keyKind: z.enum(['config', 'runtime']),
              budgets: z.object({ tenant: budgetUsage, key: budgetUsage }),
              rateLimits: z.object({
                tenant: rateSetting,
                key: rateSetting,
                ip: rateSetting,
                keyTokens: rateSetting.describe("A runtime key's own tokens per minute."),
              }),
            })
            .openapi('TenantUsage')
            .or(
              z
                .object({
                  tenantId: z.string(),
                  currency: z.literal('USD'),
                  from: z.string(),
                  to: z.string(),
                  rows: z.array(billingRowSchema),
                })
                .openapi('BillingExport'),
            ),
        },
      },
    },
    ...errorResponses,
  },
});

export function registerTenantUsageRoutes(app: GatewayApp): void {
  app.openapi(usageRoute, async (c) => {
    const { format, from, to } = c.req.valid('query');
    if (format !== undefined) return billingExport(c, format, { from, to });
    const tenant = c.get('tenant');
    const keyId = c.get('apiKey').id;
    const scopes = budgetScopes(tenant.limits.budgets, keyId);
    const usageOf = async (scopeKeyId: string | undefined) => {
      const scope = scopes.find((s) => s.keyId === scopeKeyId);
      if (!scope) return null;
      return budgetStub(c.env.BUDGET, tenant.id, scopeKeyId).usage({
        tenantId: tenant.id,
        limits: scope.limits,
      });
    };
    const [tenantBudget, keyBudget] = await Promise.all([usageOf(undefined), usageOf(keyId)]);
    const { rates } = tenant.limits;
    return c.json(
      {
        tenantId: tenant.id,
        keyId,
        keyKind: c.get('caller').source,
        budgets: { tenant: tenantBudget, key: keyBudget },
        rateLimits: {
          tenant: rates.tenant ?? null,
          key: rates.key ?? null,
          ip: rates.ip ?? null,
          keyTokens: c.get('caller').tokenRate ?? null,
        },
      },
      200,
    );
  });
}
