import { z } from 'zod';
import { regionSchema } from './routes.ts';

/**
 * The provider settings a tenant config can hold. They live with the providers (ADR 0007): the
 * tenant schema composes this plain schema, and the provider registry is typed by it, so the list
 * of provider types and the list of built-in providers are each written once, here.
 */

const secretNameSchema = z
  .string()
  .regex(/^[A-Z][A-Z0-9_]{0,63}$/, 'an environment variable name (upper case, digits, "_")');

/**
 * Upstreams the tenant's model ids can name. The key is the `provider` part of a model id; the
 * built-in providers are always available with their defaults, so only other upstreams (or
 * non-default settings) need an entry.
 */
export const providerConfigSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('openai-compatible'),
      baseUrl: z
        .url({ protocol: /^https?$/ })
        .describe('Base URL up to and including /v1, e.g. "http://127.0.0.1:11434/v1".'),
      apiKeySecret: secretNameSchema
        .optional()
        .describe('Name of the Worker secret holding the upstream API key (never the key itself).'),
      headers: z.record(z.string(), z.string()).default({}).describe('Extra request headers (non-secret).'),
      region: regionSchema
        .optional()
        .describe(
          'Where the endpoint processes data; a tenant or route that requires a region uses only providers tagged with it.',
        ),
    })
    .strict(),
  z
    .object({
      type: z.literal('workers-ai'),
      gatewayId: z.string().min(1).optional().describe('Cloudflare AI Gateway id requests go through.'),
      skipCache: z.boolean().default(false).describe('Bypass the AI Gateway cache.'),
      cacheTtl: z.int().min(0).optional().describe('AI Gateway cache TTL in seconds.'),
      region: regionSchema
        .optional()
        .describe(
          'Tag it only if your Workers AI account is pinned to that region (e.g. with jurisdiction controls).',
        ),
    })
    .strict(),
  z.object({ type: z.literal('local') }).strict(),
]);
export type ProviderConfig = z.infer<typeof providerConfigSchema>;
export type ProviderType = ProviderConfig['type'];

/** Provider names usable in model ids without a `providers` entry, with their default config. */
export const BUILT_IN_PROVIDERS = {
  local: { type: 'local' },
  'workers-ai': { type: 'workers-ai', skipCache: false },
} as const satisfies Record<string, ProviderConfig>;
export type BuiltInProviderName = keyof typeof BUILT_IN_PROVIDERS;

/** Whether a model id's provider part names a built-in provider. */
export function isBuiltInProvider(name: string): name is BuiltInProviderName {
  return Object.hasOwn(BUILT_IN_PROVIDERS, name);
}
