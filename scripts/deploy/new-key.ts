/**
 * Issues a new API key for a tenant (key rotation): prints the plaintext once and the `apiKeys`
 * entry to add to the tenant's config, which holds only its hash. Writes nothing.
 *
 *   tsx scripts/deploy/new-key.ts --tenant <id> [--scopes chat,search] [--label "..."] [--key-id <id>]
 */
import { parseArgs } from 'node:util';
import { apiKeySchema, generateApiKey, hashApiKey, scopeSchema } from '@aigw/tenancy';
import { z } from 'zod';

const { values } = parseArgs({
  options: {
    tenant: { type: 'string' },
    scopes: { type: 'string', default: 'chat' },
    label: { type: 'string', default: 'Rotated key' },
    'key-id': { type: 'string' },
  },
});
if (values.tenant === undefined) {
  console.error('usage: new-key.ts --tenant <id> [--scopes chat,search] [--label "..."] [--key-id <id>]');
  process.exit(2);
}
const createdAt = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
const key = generateApiKey(values.tenant);
const entry = apiKeySchema.parse({
  id: values['key-id'] ?? `${values.tenant}-${createdAt.slice(0, 10).replaceAll('-', '')}`,
  hash: await hashApiKey(key),
  scopes: z.array(scopeSchema).parse(values.scopes.split(',').map((s) => s.trim())),
  label: values.label,
  createdAt,
});
// `disabled: false` is the default; the config states only what differs from it.
const stored: Partial<typeof entry> = { ...entry };
delete stored.disabled;
console.log(
  `API key for ${values.tenant} (shown once; store it in the tenant's secret manager now):\n\n  ${key}\n`,
);
console.log(`Add this entry to apiKeys in tenants/${values.tenant}/tenant.config.json:\n`);
console.log(JSON.stringify(stored, null, 2));
