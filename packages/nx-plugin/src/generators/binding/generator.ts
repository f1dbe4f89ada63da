import { formatFiles, getProjects, names, type GeneratorCallback, type Tree } from '@nx/devkit';
import { applyEdits, modify, parse, type JSONPath } from 'jsonc-parser';
import { run } from '../worker/generator.ts';

export const BINDING_TYPES = ['kv', 'do', 'vectorize', 'ai', 'analytics'] as const;
export type BindingType = (typeof BINDING_TYPES)[number];

export interface BindingGeneratorSchema {
  project: string;
  type: BindingType;
  name: string;
  className?: string;
  resource?: string;
  skipTypes?: boolean;
}

/** Environments that get their own copy of every binding (bindings are not inherited). */
const DEPLOY_ENVS = ['staging', 'production'] as const;
/** Bindings without a local simulator: only in deployed environments, so local dev needs no login. */
const REMOTE_ONLY: ReadonlySet<BindingType> = new Set(['vectorize', 'ai', 'analytics']);

type Json = Record<string, unknown>;

/**
 * Adds one binding to an app's wrangler.jsonc, in every place it must be declared, keeping the
 * file's comments (jsonc-parser edits text, not a re-serialised object), then regenerates `Env`.
 */
export async function bindingGenerator(
  tree: Tree,
  options: BindingGeneratorSchema,
): Promise<GeneratorCallback> {
  if (!BINDING_TYPES.includes(options.type)) {
    throw new Error(`--type must be one of ${BINDING_TYPES.join(', ')}; got "${options.type}"`);
  }
  if (!/^[A-Z][A-Z0-9_]{0,63}$/.test(options.name)) {
    throw new Error(`binding name "${options.name}" must be upper case letters, digits and "_" (e.g. CACHE)`);
  }
  const projectRoot = resolveProjectRoot(tree, options.project);
  const file = `${projectRoot}/wrangler.jsonc`;
  let text = tree.read(file, 'utf8') ?? '';
  const config = parse(text) as Json;
  const workerName =
    typeof config['name'] === 'string' ? config['name'] : (projectRoot.split('/').at(-1) ?? 'worker');
  const envs = (typeof config['env'] === 'object' && config['env'] !== null ? config['env'] : {}) as Record<
    string,
    Json
  >;

  const targets: { path: JSONPath; section: Json; env?: string }[] = [];
  if (!REMOTE_ONLY.has(options.type)) targets.push({ path: [], section: config });
  for (const env of Object.keys(envs)) {
    if (REMOTE_ONLY.has(options.type) && !(DEPLOY_ENVS as readonly string[]).includes(env)) continue;
    targets.push({ path: ['env', env], section: envs[env] ?? {}, env });
  }
  for (const env of REMOTE_ONLY.has(options.type) ? DEPLOY_ENVS : []) {
    if (!(env in envs))
      throw new Error(`${file} has no env.${env}: ${options.type} bindings are declared only there`);
  }

  const edit = (path: JSONPath, value: unknown) => {
    text = applyEdits(
      text,
      modify(text, path, value, { formattingOptions: { insertSpaces: true, tabSize: 2 } }),
    );
  };
  const className = options.className ?? names(options.name.toLowerCase()).className;

  for (const { path, section, env } of targets) {
    const where = env ? `env.${env}` : 'the top level';
    const append = (key: string, entry: Json, nameKey = 'binding') => {
      const list = Array.isArray(section[key]) ? (section[key] as Json[]) : [];
      if (list.some((item) => item[nameKey] === options.name)) {
        throw new Error(`${file}: ${where} already has a ${key} binding ${options.name}`);
      }
      edit([...path, key, -1], entry);
    };
    const suffix = env ?? 'dev';
    switch (options.type) {
      case 'kv':
        append('kv_namespaces', { binding: options.name });
        break;
      case 'do': {
        const durableObjects = (section['durable_objects'] ?? {}) as { bindings?: Json[] };
        if ((durableObjects.bindings ?? []).some((b) => b['name'] === options.name)) {
          throw new Error(`${file}: ${where} already has a Durable Object binding ${options.name}`);
        }
        edit([...path, 'durable_objects', 'bindings', -1], { name: options.name, class_name: className });
        break;
      }
      case 'vectorize':
        append('vectorize', {
          binding: options.name,
          index_name: options.resource ?? `${workerName}-${suffix}`,
        });
        break;
      case 'analytics':
        append('analytics_engine_datasets', {
          binding: options.name,
          dataset: options.resource ?? `${workerName}_${suffix}`.replaceAll('-', '_'),
        });
        break;
      case 'ai':
        if (section['ai'] !== undefined) throw new Error(`${file}: ${where} already has an ai binding`);
        edit([...path, 'ai'], { binding: options.name });
        break;
    }
  }

  if (options.type === 'do') {
    // A new class needs a migration (SQLite-backed, as every Durable Object here) and an export from main.
    const migrations = Array.isArray(config['migrations']) ? (config['migrations'] as Json[]) : [];
    edit(['migrations', -1], { tag: `v${migrations.length + 1}`, new_sqlite_classes: [className] });
    addDurableObjectClass(tree, projectRoot, className);
  }
  tree.write(file, text);
  await formatFiles(tree);

  if (options.skipTypes) return () => undefined;
  return () => {
    run('npm run types', projectRoot, tree.root);
  };
}

function addDurableObjectClass(tree: Tree, projectRoot: string, className: string): void {
  const fileName = names(className).fileName;
  const classFile = `${projectRoot}/src/durable-objects/${fileName}.ts`;
  if (!tree.exists(classFile)) {
    tree.write(
      classFile,
      [
        "import { DurableObject } from 'cloudflare:workers';",
        '',
        `/** Generated by @aigw/nx-plugin:binding. Name each object by tenant (\`tenant:...\`) so state stays per tenant. */`,
        `export class ${className} extends DurableObject<Env> {`,
        '  ping(): string {',
        "    return 'pong';",
        '  }',
        '}',
        '',
      ].join('\n'),
    );
  }
  const index = `${projectRoot}/src/index.ts`;
  const source = tree.read(index, 'utf8');
  const line = `export { ${className} } from './durable-objects/${fileName}.ts';`;
  if (source !== null && !source.includes(line)) tree.write(index, `${source.trimEnd()}\n${line}\n`);
}

/** A project name, `apps/<name>`, or any folder holding a wrangler.jsonc. */
export function resolveProjectRoot(tree: Tree, project: string): string {
  const candidates = [project, `apps/${project}`, `apps/${project.replace(/^@aigw\//, '')}`];
  try {
    const root = getProjects(tree).get(project)?.root;
    if (root !== undefined) candidates.unshift(root);
  } catch {
    // Projects inferred from package.json only are not all visible to getProjects; the paths below cover them.
  }
  const found = candidates.find((dir) => tree.exists(`${dir}/wrangler.jsonc`));
  if (found === undefined)
    throw new Error(`cannot find a wrangler.jsonc for project "${project}" (tried ${candidates.join(', ')})`);
  return found;
}

export default bindingGenerator;
