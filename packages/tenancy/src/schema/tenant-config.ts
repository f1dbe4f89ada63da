import { z } from 'zod';

/**
 * The tenant config schema: the single source for validation, for the JSON Schema that editors
 * use (`tenants/tenant.schema.json`) and for the field reference in `docs/tenants.md`. Every
 * default is written here, so a config only states what differs from it.
 */

export const SCOPES = ['chat', 'search', 'ingest', 'tools', 'admin'] as const;
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
  })
  .strict();
export type ApiKeyConfig = z.infer<typeof apiKeySchema>;

const hostSchema = z
  .string()
  .regex(/^(?=.{1,253}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$/, {
    message: 'a lower-case host name, optionally with a port',
  });

export const modelsSchema = z
  .object({
    chat: z
      .string()
      .min(3)
      .default('local/echo-1')
      .describe('Default model for chat routes, as "provider/model".'),
    fallbacks: z
      .array(z.string().min(3))
      .default([])
      .describe('Models tried in order when the default fails before its first token.'),
    allowed: z
      .array(z.string().min(3))
      .default(['local/echo-1'])
      .describe('Models a request may name; anything else is refused with model_not_allowed.'),
  })
  .strict();

export const limitsSchema = z
  .object({
    maxBodyBytes: z
      .int()
      .min(1024)
      .max(10 * 1024 * 1024)
      .default(1024 * 1024)
      .describe('Largest request body accepted, in bytes, counted on the bytes actually read.'),
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
    id: z
      .string()
      .regex(/^[a-z][a-z0-9-]{1,31}$/, 'lower-case letters, digits and "-", 2 to 32, starting with a letter')
      .describe('Tenant id: prefixes every store key, Durable Object name and vector namespace.'),
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
    limits: limitsSchema.prefault({}).describe('Request limits.'),
    sessions: sessionsSchema.prefault({}).describe('Chat session retention and context window.'),
    features: featuresSchema.prefault({}).describe('Feature switches.'),
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
    if (!tenant.models.allowed.includes(tenant.models.chat)) {
      ctx.addIssue({
        code: 'custom',
        path: ['models', 'chat'],
        message: `default chat model "${tenant.models.chat}" is not in models.allowed`,
      });
    }
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
