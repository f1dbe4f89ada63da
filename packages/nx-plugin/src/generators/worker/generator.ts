import { execSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  formatFiles,
  generateFiles,
  logger,
  offsetFromRoot,
  type GeneratorCallback,
  type Tree,
} from '@nx/devkit';
import { parse } from 'jsonc-parser';

export interface WorkerGeneratorSchema {
  name: string;
  port?: number;
  /** Skip the registry build and `wrangler types` (tests: the tree is not on disk). */
  skipInstallTasks?: boolean;
}

const FILES = join(dirname(fileURLToPath(import.meta.url)), 'files');
const DEFAULT_COMPATIBILITY_DATE = '2026-04-20';

/**
 * A new Worker app in `apps/<name>`: Hono behind the tenant middleware (the API key resolves the
 * tenant, as in the gateway), `/health`, its wrangler config, package scripts that Nx turns into
 * targets (dev, test, deploy, lint, typecheck, types) and a test that runs in workerd.
 */
export async function workerGenerator(
  tree: Tree,
  options: WorkerGeneratorSchema,
): Promise<GeneratorCallback> {
  const name = options.name.trim();
  if (!/^[a-z][a-z0-9-]{1,40}$/.test(name)) {
    throw new Error(
      `"${name}" is not a valid app name: lower-case letters, digits and "-", starting with a letter`,
    );
  }
  const projectRoot = `apps/${name}`;
  if (tree.exists(projectRoot)) throw new Error(`${projectRoot} already exists`);

  generateFiles(tree, FILES, projectRoot, {
    name,
    projectRoot,
    workerName: `aigw-${name}`,
    port: options.port ?? 8788,
    offset: offsetFromRoot(projectRoot),
    compatibilityDate: gatewayCompatibilityDate(tree),
    tmpl: '',
  });
  await formatFiles(tree);

  if (options.skipInstallTasks) return () => undefined;
  return () => {
    // Env comes from `wrangler types`, never by hand; the registry module is gitignored and built.
    run('npm run registry', projectRoot, tree.root);
    run('npm run types', projectRoot, tree.root);
    logger.info(
      `Created ${projectRoot}. Run \`npm install\` once to link it, then \`npx nx run @aigw/${name}:test\`.`,
    );
  };
}

/** The same runtime as the gateway, so a new Worker does not silently lag behind it. */
function gatewayCompatibilityDate(tree: Tree): string {
  const text = tree.read('apps/gateway/wrangler.jsonc', 'utf8');
  const value: unknown = text === null ? undefined : parse(text);
  if (typeof value === 'object' && value !== null && 'compatibility_date' in value) {
    const date = value.compatibility_date;
    if (typeof date === 'string') return date;
  }
  return DEFAULT_COMPATIBILITY_DATE;
}

export function run(command: string, projectRoot: string, workspaceRoot: string): void {
  logger.info(`> ${command} (${projectRoot})`);
  execSync(command, {
    cwd: join(workspaceRoot, projectRoot),
    stdio: 'inherit',
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
  });
}

export default workerGenerator;
