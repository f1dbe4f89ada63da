// The gateway as it was at another commit, for comparing retrieval figures with today's in one
// run (`node bench/run.mjs --suites rag --rag-baseline <commit>`). The commit's tracked sources are
// extracted into a temporary directory with `git archive` (the repository is not touched), and a
// node_modules of symlinks is laid beside them: every installed package of this checkout, except
// the workspace packages, which point at the extracted commit's own. Its registry is compiled by
// its own tenancy code, its bundle built and its bindings read from its own wrangler.jsonc.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const root = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Extracts `ref` and links its dependencies.
 * @param {string} ref a commit, tag or branch
 */
export function prepareBaseline(ref) {
  const commit = execFileSync('git', ['rev-parse', '--short', `${ref}^{commit}`], {
    cwd: root,
    encoding: 'utf8',
  }).trim();
  const dir = mkdtempSync(join(tmpdir(), `aigw-baseline-${commit}-`));
  try {
    layOut(commit, dir);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    commit,
    root: dir,
    /** @param {{ file: string, data: unknown }[]} configs */
    async compileRegistry(configs) {
      /** @type {typeof import('../../packages/tenancy/src/index.ts')} */
      const tenancy = await tsImport(join(dir, 'packages/tenancy/src/index.ts'), import.meta.url);
      const result = tenancy.compileRegistry(configs, 'development');
      if (!result.success) {
        throw new Error(
          `baseline ${commit} refused the bench tenants:\n${tenancy.formatRegistryIssues(result.issues)}`,
        );
      }
      return result.registry;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** @param {string} commit @param {string} dir */
function layOut(commit, dir) {
  const tracked = ['apps', 'packages', 'bench', 'types', 'scripts', 'package.json', 'tsconfig.base.json'];
  const archive = execFileSync('git', ['archive', '--format=tar', commit, ...tracked], {
    cwd: root,
    maxBuffer: 512 * 1024 * 1024,
  });
  execFileSync('tar', ['-x', '-C', dir], { input: archive });
  const modules = join(dir, 'node_modules');
  mkdirSync(join(modules, '@aigw'), { recursive: true });
  for (const name of readdirSync(join(root, 'node_modules'))) {
    if (name.startsWith('.') || name === '@aigw') continue;
    symlinkSync(join(root, 'node_modules', name), join(modules, name));
  }
  for (const group of ['apps', 'packages']) {
    for (const project of readdirSync(join(dir, group))) {
      let name;
      try {
        name = /** @type {{ name: string }} */ (
          JSON.parse(readFileSync(join(dir, group, project, 'package.json'), 'utf8'))
        ).name;
      } catch {
        continue;
      }
      if (name.startsWith('@aigw/')) symlinkSync(join(dir, group, project), join(modules, name));
    }
  }
  // Its generated modules (the vendored browser bundles), made by its own script as `npm ci` would.
  execFileSync(process.execPath, [join(root, 'node_modules/tsx/dist/cli.mjs'), 'scripts/build-assets.ts'], {
    cwd: dir,
    stdio: 'ignore',
  });
}
