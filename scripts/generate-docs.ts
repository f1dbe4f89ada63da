/**
 * Regenerates what is derived from code so it cannot drift: `tenants/tenant.schema.json` and the
 * field table in `docs/tenants.md` (from the tenant Zod schema), and the code table in
 * `docs/errors.md` (from the error code registry).
 *
 *   tsx scripts/generate-docs.ts          write the files
 *   tsx scripts/generate-docs.ts --check  fail if a committed file differs (CI)
 */
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { ERROR_CODES, errorCodes } from '@aigw/core';
import { tenantJsonSchema } from '@aigw/tenancy';
import { renderFieldTable, replaceBetweenMarkers } from './lib/schema-doc.ts';

const root = join(dirname(new URL(import.meta.url).pathname), '..');
const { values } = parseArgs({ options: { check: { type: 'boolean', default: false } } });

const schema = tenantJsonSchema();
const errorTable = [
  '| code | HTTP status | kind | OpenAI `type` | default message |',
  '| --- | --- | --- | --- | --- |',
  ...errorCodes.map((code) => {
    const spec = ERROR_CODES[code];
    return `| \`${code}\` | ${spec.status} | ${spec.kind} | \`${spec.openaiType}\` | ${spec.message.replaceAll('|', '\\|')} |`;
  }),
].join('\n');

const read = (path: string) => readFile(join(root, path), 'utf8');
const outputs: { path: string; text: string }[] = [
  { path: 'tenants/tenant.schema.json', text: `${JSON.stringify(schema, null, 2)}\n` },
  {
    path: 'docs/tenants.md',
    text: replaceBetweenMarkers(await read('docs/tenants.md'), 'tenant-fields', renderFieldTable(schema)),
  },
  {
    path: 'docs/errors.md',
    text: replaceBetweenMarkers(await read('docs/errors.md'), 'error-codes', errorTable),
  },
];

const stale: string[] = [];
for (const { path, text } of outputs) {
  const current = await read(path).catch(() => '');
  if (current === text) continue;
  if (values.check) stale.push(path);
  else await writeFile(join(root, path), text);
}
if (stale.length > 0) {
  console.error(`Generated files are out of date: ${stale.join(', ')}. Run \`npm run docs\` and commit.`);
  process.exit(1);
}
console.log(values.check ? 'Generated docs are up to date.' : 'Generated docs written.');
