import { fileURLToPath } from 'node:url';
import { createProjectGraphAsync } from '@nx/devkit';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { beforeAll, describe, expect, it } from 'vitest';

// The layer rule (ADR 0007) lives in eslint.config.mjs. These probes lint source text as if it were
// a file inside a package, with the repo's own config, and expect the module-boundary rule to
// refuse it. Removing or loosening the rule makes them fail. The probe files are never written:
// ESLint lints the text under the given path.
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RULE = '@nx/enforce-module-boundaries';

let eslint: ESLint;

beforeAll(async () => {
  // The Nx rule reads the cached project graph; build it now so the probes see today's imports.
  await createProjectGraphAsync({ exitOnError: false });
  eslint = new ESLint({
    cwd: ROOT,
    // The probe paths do not exist on disk, so the type-aware rules (which need the file in a
    // TypeScript program) are switched off for them; the boundary rule needs no type information.
    overrideConfig: [
      { files: ['**/*.ts'], ...tseslint.configs.disableTypeChecked },
      { files: ['**/*.ts'], languageOptions: { parserOptions: { projectService: false, project: null } } },
    ],
  });
}, 120_000);

async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${ROOT}${filePath}` });
  return (result?.messages ?? []).filter((m) => m.ruleId === RULE).map((m) => m.message);
}

// The first lint loads the config and its plugins, which takes seconds on a busy machine.
describe('module boundaries', { timeout: 60_000 }, () => {
  it('refuses an upward import (tenancy importing a package of the layer above)', async () => {
    const errors = await boundaryErrors('packages/tenancy/src/probe.ts', "export * from '@aigw/cache';\n");
    expect(errors.join('\n')).toMatch(/layer:tenancy.*can only depend on libs tagged with/);
  });

  it('refuses the cycle issue 15 found (tenancy → tools → tenancy)', async () => {
    const errors = await boundaryErrors(
      'packages/tenancy/src/probe.ts',
      "import { TOOLS } from '@aigw/tools';\nexport const probe = TOOLS;\n",
    );
    expect(errors.join('\n')).toMatch(/Circular dependency between "@aigw\/tenancy" and "@aigw\/tools"/);
  });

  it('refuses a type-only import that closes a cycle (ai → tools → ai)', async () => {
    const errors = await boundaryErrors(
      'packages/ai/src/probe.ts',
      "import type { ToolRegistry } from '@aigw/tools';\nexport type Probe = ToolRegistry;\n",
    );
    expect(errors.join('\n')).toMatch(/Circular dependency between "@aigw\/ai" and "@aigw\/tools"/);
  });

  it('refuses a relative import into another package', async () => {
    const errors = await boundaryErrors(
      'packages/core/src/probe.ts',
      "export { GatewayError } from '../../tenancy/src/index.ts';\n",
    );
    expect(errors.join('\n')).toMatch(/relative or absolute path/);
  });

  it('keeps settings below tenancy: a settings module may not import a feature', async () => {
    const errors = await boundaryErrors(
      'packages/tools/src/settings/probe.ts',
      "export * from '@aigw/limits';\n",
    );
    expect(errors.join('\n')).toMatch(/layer:settings.*can only depend on libs tagged with/);
  });

  it('keeps the chat engine above the services: a service may not import it', async () => {
    const errors = await boundaryErrors(
      'packages/control-plane/src/probe.ts',
      "export * from '@aigw/chat';\n",
    );
    expect(errors.join('\n')).toMatch(/layer:service.*can only depend on libs tagged with/);
  });

  it('keeps Hono out of every package, the chat engine included', async () => {
    const [result] = await eslint.lintText(
      "import type { Context } from 'hono';\nexport type Probe = Context;\n",
      {
        filePath: `${ROOT}packages/chat/src/probe.ts`,
      },
    );
    const messages = (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports');
    expect(messages.map((m) => m.message).join('\n')).toMatch(/only apps\/gateway uses Hono/);
  });

  it('accepts a downward import (tools importing tenancy and ai)', async () => {
    const errors = await boundaryErrors(
      'packages/tools/src/probe.ts',
      "import type { TenantConfig } from '@aigw/tenancy';\nimport type { ToolSpec } from '@aigw/ai';\nexport type Probe = [TenantConfig, ToolSpec];\n",
    );
    expect(errors).toEqual([]);
  });
});
