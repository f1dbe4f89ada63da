import { z } from 'zod';

/**
 * How a tenant is deployed: served by the shared gateway Worker of each environment, or by a
 * dedicated Worker of its own (own name, own KV / Vectorize / Durable Object namespaces, and its
 * own Cloudflare account when `accountIdEnv` says so). Read by `scripts/deploy`; the request path
 * never looks at it.
 */

const DEPLOY_ENVIRONMENTS = ['staging', 'production'] as const;
const deployEnvironmentSchema = z.enum(DEPLOY_ENVIRONMENTS);

const envVarNameSchema = z
  .string()
  .regex(/^[A-Z][A-Z0-9_]{0,63}$/, 'an environment variable name (upper case, digits, "_")');

const hostSchema = z
  .string()
  .regex(/^(?=.{1,253}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/, {
    message: 'a lower-case fully qualified host name',
  });

const routeSchema = z
  .object({
    pattern: z.string().min(1).describe('Route pattern, e.g. "api.initech.example/*".'),
    zoneName: hostSchema.describe('Zone the pattern belongs to, e.g. "initech.example".'),
  })
  .strict();

export const deploymentSchema = z
  .object({
    mode: z
      .enum(['shared', 'dedicated'])
      .default('shared')
      .describe('shared: served by the gateway Worker of each environment; dedicated: a Worker of its own.'),
    workerName: z
      .string()
      .regex(
        /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/,
        'a Worker name: lower-case letters, digits and "-", at most 63',
      )
      .optional()
      .describe('Dedicated only: Worker name prefix; the environment is appended. Default "aigw-<tenant>".'),
    accountIdEnv: envVarNameSchema
      .optional()
      .describe(
        'Dedicated only: environment variable holding the account id. Default CLOUDFLARE_ACCOUNT_ID_<TENANT>.',
      ),
    apiTokenEnv: envVarNameSchema
      .optional()
      .describe(
        'Dedicated only: environment variable holding the API token. Default CLOUDFLARE_API_TOKEN_<TENANT>.',
      ),
    customDomains: z
      .partialRecord(deployEnvironmentSchema, z.array(hostSchema))
      .default({})
      .describe(
        'Dedicated only: custom domains per environment, e.g. { "production": ["ai.initech.example"] }.',
      ),
    routes: z
      .partialRecord(deployEnvironmentSchema, z.array(routeSchema))
      .default({})
      .describe('Dedicated only: zone routes per environment.'),
    kvNamespaces: z
      .partialRecord(deployEnvironmentSchema, z.record(z.string(), z.string().regex(/^[0-9a-f]{32}$/)))
      .default({})
      .describe(
        'Dedicated only: KV namespace ids by binding, per environment. A binding without one is provisioned by wrangler on first deploy.',
      ),
    secrets: z
      .array(envVarNameSchema)
      .default([])
      .describe(
        'Worker secrets this tenant needs (e.g. every providers.*.apiKeySecret); set with `wrangler secret put`.',
      ),
  })
  .strict()
  .superRefine((deployment, ctx) => {
    if (deployment.mode === 'dedicated') return;
    for (const field of ['workerName', 'accountIdEnv', 'apiTokenEnv'] as const) {
      if (deployment[field] !== undefined) {
        ctx.addIssue({ code: 'custom', path: [field], message: `${field} applies only to mode "dedicated"` });
      }
    }
    for (const field of ['customDomains', 'routes', 'kvNamespaces'] as const) {
      if (Object.keys(deployment[field]).length > 0) {
        ctx.addIssue({ code: 'custom', path: [field], message: `${field} applies only to mode "dedicated"` });
      }
    }
  });

export type DeploymentConfig = z.infer<typeof deploymentSchema>;
export type DeploymentConfigInput = z.input<typeof deploymentSchema>;
export type DeployEnvironment = z.infer<typeof deployEnvironmentSchema>;
export { DEPLOY_ENVIRONMENTS, deployEnvironmentSchema };
