import { z } from 'zod';
import { tenantIdSchema } from '@aigw/core';
// Each feature's settings live with the feature as a `settings` subpath: a project of its own in
// the module-boundary rule, one layer below tenancy, with no Durable Object or provider code (so
// Node scripts can load the schema too). ADR 0007.
import {
  aliasSchema,
  aliasTarget,
  isBuiltInProvider,
  providerConfigSchema,
  regionSchema,
  responseCacheSchema,
  routeIssues,
  routeNameSchema,
  routeSchema,
} from '@aigw/ai/settings';
import { guardrailsSettingsSchema } from '@aigw/guardrails/settings';
import { limitsSettingsSchema } from '@aigw/limits/settings';
import { logsSettingsSchema, tracingSettingsSchema } from '@aigw/observability/settings';
import { ragSettingsSchema } from '@aigw/rag/settings';
import { toolsSettingsSchema } from '@aigw/tools/settings';
import { deploymentSchema } from './deployment.ts';
import { RUNTIME_KEY_ID_PREFIX } from '../keys/format.ts';

/**
 * The tenant config schema: the single source for validation, for the JSON Schema that editors
 * use (`tenants/tenant.schema.json`) and for the field reference in `docs/tenants.md`. Every
 * default is written here, so a config only states what differs from it.
 */

// `keys` manages the tenant's own runtime API keys (docs/keys.md) and nothing else; `logs` reads and
// deletes the tenant's request log (docs/logs.md); `admin` holds both.
export const SCOPES = ['chat', 'search', 'ingest', 'tools', 'logs', 'keys', 'admin'] as const;
export const scopeSchema = z.enum(SCOPES).describe('A route group a key may call.');
export type Scope = z.infer<typeof scopeSchema>;

export const ENVIRONMENTS = ['development', 'staging', 'production'] as const;
export const environmentSchema = z.enum(ENVIRONMENTS);
export type Environment = z.infer<typeof environmentSchema>;

const isoDateTime = z.iso.datetime({ offset: true });

export const apiKeySchema = z
  .object({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]{0,47}$/, 'lower-case letters, digits, "-" and "_", at most 48')
      // Runtime keys share the tenant's key-id space (rate-limit and budget object names, usage).
      .refine((id) => !id.startsWith(RUNTIME_KEY_ID_PREFIX), {
        message: `"${RUNTIME_KEY_ID_PREFIX}" starts the ids of runtime keys; choose another id`,
      })
      .describe('Stable key id; appears in logs, usage and audit entries (never the key itself).'),
    hash: z
      .string()
      .regex(/^[0-9a-f]{64}$/, 'a lower-case hex SHA-256 digest of the key')
      .describe('SHA-256 of the plaintext key, lower-case hex. The plaintext is never stored.'),
    scopes: z.array(scopeSchema).min(1).describe('Route groups this key may call.'),
    label: z.string().min(1).max(100).describe('Human-readable purpose of the key.'),
    createdAt: isoDateTime.describe('When the key was issued (ISO 8601).'),
    expiresAt: isoDateTime.optional().describe('After this instant the key is refused (ISO 8601).'),
    disabled: z.boolean().default(false).describe('A disabled key is refused without being deleted.'),
    metadata: z
      .record(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, "_" and "-"'), z.string().max(256))
      .refine((metadata) => Object.keys(metadata).length <= 32, 'at most 32 entries')
      .default({})
      .describe(
        'Free metadata of the key (e.g. {"plan": "free"}); route conditions read it as key.metadata.<name>.',
      ),
    logBodies: z
      .boolean()
      .optional()
      .describe(
        "false: this key's requests never have bodies in the request log or content in traces, whatever logs.bodies says (docs/logs.md).",
      ),
  })
  .strict();
export type ApiKeyConfig = z.infer<typeof apiKeySchema>;

const hostSchema = z
  .string()
  .regex(/^(?=.{1,253}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$/, {
    message: 'a lower-case host name, optionally with a port',
  });

const modelIdSchema = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9-]{0,31}\/\S+$/,
    'a model id "provider/model", e.g. "workers-ai/@cf/meta/llama-3.1-8b-instruct"',
  );

export const modelsSchema = z
  .object({
    chat: modelIdSchema
      .default('local/echo-1')
      .describe('Default model for chat routes, as "provider/model".'),
    search: modelIdSchema.optional().describe('Model for /search answers; defaults to models.chat.'),
    tools: modelIdSchema.optional().describe('Model for built-in tools; defaults to models.chat.'),
    fallbacks: z
      .array(modelIdSchema)
      .default([])
      .describe('Models tried in order when the chosen model fails before its first token.'),
    allowed: z
      .array(modelIdSchema)
      .default(['local/echo-1'])
      .describe('Models a request may name; anything else is refused with model_not_allowed.'),
    aliases: z
      .record(routeNameSchema, aliasSchema)
      .default({})
      .describe(
        'Names clients send as `model` instead of a model id, e.g. "support-default": "openai/gpt-4.1-mini" (or { model, fallbacks }).',
      ),
    region: regionSchema
      .optional()
      .describe(
        'Data residency: only providers tagged with this region (and the in-Worker local provider) may serve the tenant; 403 region_unavailable otherwise.',
      ),
  })
  .strict();

export const routingSchema = z
  .object({
    maxAttempts: z.int().min(1).max(10).default(3).describe('Attempts per model (first try plus retries).'),
    backoffBaseMs: z
      .int()
      .min(0)
      .max(10_000)
      .default(200)
      .describe('First retry delay; doubles each retry, with jitter.'),
    backoffMaxMs: z.int().min(0).max(60_000).default(2000).describe('Largest single retry delay.'),
    retryBudgetMs: z
      .int()
      .min(0)
      .max(120_000)
      .default(10_000)
      .describe('Total time retries and fallbacks may add before giving up.'),
    firstTokenTimeoutMs: z
      .int()
      .min(100)
      .max(300_000)
      .default(15_000)
      .describe('Time allowed until the first token.'),
    totalTimeoutMs: z
      .int()
      .min(100)
      .max(900_000)
      .default(120_000)
      .describe('Time allowed for the whole call.'),
    breakerThreshold: z
      .int()
      .min(1)
      .max(100)
      .default(5)
      .describe('Consecutive failures that open a circuit.'),
    breakerCooldownMs: z
      .int()
      .min(100)
      .max(600_000)
      .default(30_000)
      .describe('Open time before one trial call.'),
  })
  .strict();
export type RoutingConfig = z.infer<typeof routingSchema>;

export const limitsSchema = z
  .object({
    maxBodyBytes: z
      .int()
      .min(1024)
      .max(10 * 1024 * 1024)
      .default(1024 * 1024)
      .describe('Largest request body accepted, in bytes, counted on the bytes actually read.'),
    reserveOutputTokens: z
      .int()
      .min(1)
      .max(1_000_000)
      .default(1024)
      .describe(
        'Output tokens reserved from a budget when a request sets no maximum; an answer that runs past it ends with budget_exceeded.',
      ),
    // Rate limits and budgets: the schema is owned by @aigw/limits, which enforces them.
    ...limitsSettingsSchema.shape,
  })
  .strict();

export const sessionsSchema = z
  .object({
    retentionDays: z.int().min(1).max(3650).default(30).describe('Days a chat session is kept.'),
    maxMessages: z.int().min(2).max(100_000).default(1000).describe('Messages kept per session.'),
    contextTokens: z
      .int()
      .min(256)
      .max(1_000_000)
      .default(8192)
      .describe('Token budget for history sent to the model (oldest turns dropped first).'),
  })
  .strict();

export const featuresSchema = z
  .object({
    rag: z.boolean().default(false).describe('Retrieval (/search, /ingest, rag in chat).'),
    tools: z.boolean().default(false).describe('Tool registry and tool calling in chat.'),
    tts: z.boolean().default(false).describe('Text to speech (/tts).'),
  })
  .strict();

export const tenantConfigSchema = z
  .object({
    $schema: z.string().optional().describe('Path to tenant.schema.json, for editors.'),
    id: tenantIdSchema.describe(
      'Tenant id: prefixes every store key, Durable Object name and vector namespace.',
    ),
    name: z.string().min(1).max(100).describe('Display name.'),
    demo: z
      .boolean()
      .default(false)
      .describe('A demo tenant (plaintext key published in the README); allowed only in development.'),
    status: z.enum(['active', 'suspended']).default('active').describe('A suspended tenant gets 403.'),
    environments: z
      .array(environmentSchema)
      .min(1)
      .describe('Environments whose registry includes this tenant.'),
    hosts: z
      .array(hostSchema)
      .default([])
      .describe('Host names mapped to this tenant; a key of another tenant is refused on them.'),
    apiKeys: z.array(apiKeySchema).min(1).describe('API keys, stored only as SHA-256 hashes.'),
    models: modelsSchema.prefault({}).describe('Model routing.'),
    providers: z
      .record(z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/), providerConfigSchema)
      .default({})
      .describe('Upstreams by the name model ids use; local and workers-ai need no entry.'),
    routing: routingSchema.prefault({}).describe('Retries, fallback, timeouts and circuit breaker.'),
    routes: z
      .record(routeNameSchema, routeSchema)
      .default({})
      .describe(
        'Routes clients address by name in `model`: conditions, sticky weighted splits, limits that fall through, shadow models (docs/routing.md).',
      ),
    responseCache: responseCacheSchema
      .prefault({})
      .describe('Exact-match response cache for chat, in KV (opt-in).'),
    limits: limitsSchema.prefault({}).describe('Request limits.'),
    sessions: sessionsSchema.prefault({}).describe('Chat session retention and context window.'),
    features: featuresSchema.prefault({}).describe('Feature switches.'),
    deployment: deploymentSchema
      .prefault({})
      .describe(
        'How the tenant is deployed: by the shared gateway or a dedicated Worker (read by scripts/deploy).',
      ),
    tools: toolsSettingsSchema
      .prefault({})
      .describe(
        'Tools the tenant enables (default none), the tool-loop step limit and intent labels (owned by @aigw/tools).',
      ),
    rag: ragSettingsSchema
      .prefault({})
      .describe('Retrieval: embedder, chunking, retrieval and search cache (owned by @aigw/rag).'),
    guardrails: guardrailsSettingsSchema
      .prefault({})
      .describe(
        'Rules that detect, redact, block or flag sensitive data and unsafe content in requests and answers (owned by @aigw/guardrails; docs/guardrails.md).',
      ),
    logs: logsSettingsSchema
      .prefault({})
      .describe(
        'The request log: on by default without bodies; bodies opt-in, redacted and capped; retention (owned by @aigw/observability; docs/logs.md).',
      ),
    tracing: tracingSettingsSchema
      .prefault({})
      .describe(
        "OpenTelemetry export of each request's trace to the tenant's OTLP/HTTP endpoint (owned by @aigw/observability; docs/logs.md#opentelemetry).",
      ),
  })
  .strict()
  .superRefine((tenant, ctx) => {
    const seen = new Set<string>();
    tenant.apiKeys.forEach((key, index) => {
      if (seen.has(key.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['apiKeys', index, 'id'],
          message: `duplicate key id "${key.id}"`,
        });
      }
      seen.add(key.id);
    });
    if (tenant.demo && tenant.environments.some((env) => env !== 'development')) {
      ctx.addIssue({
        code: 'custom',
        path: ['environments'],
        message: 'a demo tenant may only exist in development',
      });
    }
    for (const route of ['chat', 'search', 'tools'] as const) {
      const model = tenant.models[route];
      if (model !== undefined && !tenant.models.allowed.includes(model)) {
        ctx.addIssue({
          code: 'custom',
          path: ['models', route],
          message: `default ${route} model "${model}" is not in models.allowed`,
        });
      }
    }
    for (const [name, alias] of Object.entries(tenant.models.aliases)) {
      const { model, fallbacks } = aliasTarget(alias);
      for (const id of [model, ...fallbacks]) {
        if (!tenant.models.allowed.includes(id)) {
          ctx.addIssue({
            code: 'custom',
            path: ['models', 'aliases', name],
            message: `model "${id}" is not in models.allowed`,
          });
        }
      }
      if (Object.hasOwn(tenant.routes, name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['models', 'aliases', name],
          message: `"${name}" is both an alias and a route`,
        });
      }
    }
    for (const [name, route] of Object.entries(tenant.routes)) {
      for (const issue of routeIssues(name, route, tenant.models.allowed)) {
        ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
      }
    }
    const models = [...tenant.models.allowed, ...tenant.models.fallbacks];
    models.forEach((model) => {
      const provider = model.slice(0, model.indexOf('/'));
      if (!isBuiltInProvider(provider) && !Object.hasOwn(tenant.providers, provider)) {
        ctx.addIssue({
          code: 'custom',
          path: ['models'],
          message: `model "${model}" names provider "${provider}", which is neither built in nor in providers`,
        });
      }
    });
  });

/** A validated tenant config with every default filled in. */
export type TenantConfig = z.infer<typeof tenantConfigSchema>;
/** What a config file may contain (defaults optional). */
export type TenantConfigInput = z.input<typeof tenantConfigSchema>;

/** JSON Schema for editors, generated from the Zod schema (input side: defaults are optional). */
export function tenantJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(tenantConfigSchema, { io: 'input', target: 'draft-2020-12' }),
    title: 'Tenant config',
  };
}
