// The two Workers under test, bundled with esbuild and run through the Miniflare API (not the
// `wrangler dev` CLI, whose inspector proxy dominates its figures; see TOOLCHAIN.md), each in a
// workerd process of its own so that its CPU time can be read on its own.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { tsImport } from 'tsx/esm/api';
import { unstable_getMiniflareWorkerOptions } from 'wrangler';
import { workerdPids } from './cpu.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const GATEWAY_WRANGLER_CONFIG = join(root, 'apps/gateway/wrangler.jsonc');

/**
 * A fresh random API key for a bench tenant, made at every run; only its SHA-256 goes into the
 * registry, as for any tenant, and no plaintext key is ever written down.
 * @param {string} tenantId
 */
export function benchApiKey(tenantId) {
  return `gwk_${tenantId}_${randomBytes(16).toString('hex')}`;
}

/** @param {string} key */
export const keyHash = (key) => createHash('sha256').update(key).digest('hex');

/** The bench tenant's key (generated for this run). */
export const BENCH_API_KEY = benchApiKey('bench');
/** The model the bench tenant routes chat to: the `upstream` provider is the fake upstream. */
export const BENCH_MODEL = 'upstream/fake-model';
/** The same upstream with its long answer (bench/lib/fake-upstream.mjs), for the cost of a chunk. */
export const BENCH_LONG_MODEL = 'upstream/fake-model-long';

/**
 * The bench tenant's config, pointing its one provider at the fake upstream's port.
 * @param {number} upstreamPort
 */
export function benchTenantConfig(upstreamPort) {
  return {
    id: 'bench',
    name: 'Bench',
    environments: ['development'],
    apiKeys: [
      {
        id: 'bench',
        hash: keyHash(BENCH_API_KEY),
        scopes: ['chat'],
        label: 'bench',
        createdAt: '2026-01-01T00:00:00Z',
      },
    ],
    providers: { upstream: { type: 'openai-compatible', baseUrl: `http://127.0.0.1:${upstreamPort}/v1` } },
    models: { chat: BENCH_MODEL, allowed: [BENCH_MODEL, BENCH_LONG_MODEL] },
  };
}

/**
 * Compiles the bench tenant (and any `extra` tenant configs, e.g. those of bench/lib/tenants.mjs)
 * with the gateway's own `compileRegistry`, exactly as scripts/build-registry.ts compiles
 * tenants/*: a config the gateway would refuse fails here.
 * @param {number} upstreamPort
 * @param {{ id: string }[]} [extra]
 */
export async function compileBenchRegistry(upstreamPort, extra = []) {
  /** @type {typeof import('../../packages/tenancy/src/index.ts')} */
  const tenancy = await tsImport('@aigw/tenancy', import.meta.url);
  const result = tenancy.compileRegistry(
    [
      { file: 'tenants/bench/tenant.config.json', data: benchTenantConfig(upstreamPort) },
      ...extra.map((data) => ({ file: `tenants/${data.id}/tenant.config.json`, data })),
    ],
    'development',
  );
  if (!result.success) {
    throw new Error(`bench tenant config refused:\n${tenancy.formatRegistryIssues(result.issues)}`);
  }
  return result.registry;
}

/**
 * As wrangler bundles a Worker: ES modules, the workerd export conditions, Node built-ins left to
 * `nodejs_compat`, no minification (so profiles stay readable).
 * @satisfies {import('esbuild').BuildOptions}
 */
export const WORKER_BUNDLE_OPTIONS = {
  bundle: true,
  format: /** @type {const} */ ('esm'),
  platform: /** @type {const} */ ('neutral'),
  conditions: ['workerd', 'worker', 'browser'],
  mainFields: ['browser', 'module', 'main'],
  target: 'es2022',
  external: ['node:*', 'cloudflare:*'],
};

/**
 * Bundles the Workers (bare, gateway, the floor of bench/floor.mjs and the vector-index bench
 * Worker) into a temporary directory (removed by `cleanup`).
 * @param {unknown} registry the compiled registry the gateway bundle embeds
 * @param {{ root?: string }} [from] another checkout's sources to bundle (bench/lib/baseline.mjs)
 */
export async function bundleWorkers(registry, from = {}) {
  const base = from.root ?? root;
  const outdir = await mkdtemp(join(tmpdir(), 'aigw-bench-'));
  /** @type {import('esbuild').Plugin} */
  const benchRegistry = {
    name: 'bench-registry',
    setup(builder) {
      // The real entry (re-exported for its Durable Object classes) imports the registry that
      // `npm run registry` generates; give it the bench registry instead.
      builder.onResolve({ filter: /\/generated\/registry(\.ts)?$/ }, () => ({
        path: 'bench-registry',
        namespace: 'bench',
      }));
      builder.onLoad({ filter: /.*/, namespace: 'bench' }, () => ({
        contents: 'export const registry = __BENCH_REGISTRY__;',
        loader: 'js',
      }));
    },
  };
  const result = await build({
    entryPoints: {
      bare: join(base, 'bench/workers/bare.ts'),
      gateway: join(base, 'bench/workers/gateway-entry.ts'),
      floor: join(root, 'bench/workers/floor.ts'),
      'rag-index': join(base, 'bench/workers/rag-index.ts'),
    },
    outdir,
    outExtension: { '.js': '.mjs' },
    ...WORKER_BUNDLE_OPTIONS,
    define: { __BENCH_REGISTRY__: JSON.stringify(registry) },
    plugins: [benchRegistry],
    metafile: true,
    logLevel: 'warning',
  });
  const sizes = Object.fromEntries(
    Object.entries(result.metafile.outputs).map(([file, output]) => [file.split('/').at(-1), output.bytes]),
  );
  return {
    barePath: join(outdir, 'bare.mjs'),
    gatewayPath: join(outdir, 'gateway.mjs'),
    floorPath: join(outdir, 'floor.mjs'),
    ragIndexPath: join(outdir, 'rag-index.mjs'),
    sizes,
    cleanup: () => rm(outdir, { recursive: true, force: true }),
  };
}

/**
 * What apps/gateway/wrangler.jsonc declares at its top level, as Miniflare options, read from the
 * config at every run so that the benchmark follows it without a second list to keep in step:
 * `runtime` (compatibility date and flags, which both Workers use) and `bindings` (vars, KV
 * namespaces, Durable Objects, ... for the gateway).
 */
export function gatewayConfigOptions(configPath = GATEWAY_WRANGLER_CONFIG) {
  const { workerOptions } = unstable_getMiniflareWorkerOptions(configPath);
  const { compatibilityDate, compatibilityFlags, ...rest } = workerOptions;
  // The bundle is already built: module rules for a build step do not apply to it.
  delete rest.modulesRules;
  return {
    runtime: { compatibilityDate, compatibilityFlags: compatibilityFlags ?? [] },
    bindings: rest,
  };
}

/**
 * A Worker running in a workerd process of its own, started through the Miniflare API.
 * @param {{ name: string, scriptPath: string, runtime: { compatibilityDate?: string, compatibilityFlags: string[] }, options?: Record<string, unknown> }} spec
 */
export async function startWorker({ name, scriptPath, runtime, options = {} }) {
  // Without a date workerd falls back to its oldest behaviour (streams included), silently.
  if (!runtime.compatibilityDate) throw new Error(`no compatibility date for the ${name} Worker`);
  const before = workerdPids();
  /** @type {string[]} */
  const stderrTail = [];
  /** @type {Buffer[]} */
  const stdoutTail = [];
  let logLines = 0;
  const mf = new Miniflare({
    ...options,
    name,
    modules: true,
    scriptPath,
    // Module names are paths relative to this root; the bundle lives in a temporary directory.
    modulesRoot: dirname(scriptPath),
    ...runtime,
    host: '127.0.0.1',
    port: 0,
    // No lookup of the `Request.cf` object on the internet.
    cf: false,
    // The gateway writes one log line per request; count them rather than flood the terminal
    // (the Worker still pays for `console.log`, as it does in production).
    handleRuntimeStdio(stdout, stderr) {
      stdout.on('data', (/** @type {Buffer} */ data) => {
        for (const byte of data) if (byte === 10) logLines++;
        stdoutTail.push(data);
        if (stdoutTail.length > 20) stdoutTail.shift();
      });
      stderr.on('data', (/** @type {Buffer} */ data) => {
        stderrTail.push(data.toString('utf8'));
        if (stderrTail.length > 20) stderrTail.shift();
      });
    },
  });
  let url;
  try {
    url = await mf.ready;
  } catch (error) {
    await mf.dispose().catch(() => undefined);
    throw new Error(`the ${name} Worker did not start:\n${stderrTail.join('')}`, { cause: error });
  }
  const pids = [...workerdPids()].filter((pid) => !before.has(pid));
  if (pids.length === 0) throw new Error(`could not find the workerd process of the ${name} Worker`);
  return {
    name,
    url: url.origin,
    pids,
    logLines: () => logLines,
    /** The last lines the Worker logged (for a failed probe). */
    logTail: () => Buffer.concat(stdoutTail).toString('utf8').split('\n').slice(-6).join('\n'),
    stderr: () => stderrTail.join(''),
    dispose: () => mf.dispose(),
  };
}
