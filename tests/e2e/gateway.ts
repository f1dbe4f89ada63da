// The gateway for end-to-end tests: the real app (every route it registers, the real
// wrangler.jsonc bindings) bundled and run in workerd through the Miniflare API, over a registry
// compiled from tenants/acme, exactly as bench/ builds and runs it (see bench/lib/workers.mjs).
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { compileRegistry, formatRegistryIssues } from '@aigw/tenancy';
import { bundleWorkers, gatewayConfigOptions, startWorker } from '../../bench/lib/workers.mjs';

/** The demo tenant's key, published in the README. */
export const DEMO_KEY = 'gwk_demo_acme';

export interface RunningGateway {
  url: string;
  /** The last lines the Worker logged, for a failure message. */
  logTail: () => string;
  stop: () => Promise<void>;
}

export async function startGateway(): Promise<RunningGateway> {
  const file = fileURLToPath(new URL('../../tenants/acme/tenant.config.json', import.meta.url));
  const data: unknown = JSON.parse(await readFile(file, 'utf8'));
  const compiled = compileRegistry([{ file: 'tenants/acme/tenant.config.json', data }], 'development');
  if (!compiled.success)
    throw new Error(`acme tenant config refused:\n${formatRegistryIssues(compiled.issues)}`);
  const bundles = await bundleWorkers(compiled.registry);
  try {
    const { runtime, bindings } = gatewayConfigOptions();
    const worker = await startWorker({
      name: 'gateway',
      scriptPath: bundles.gatewayPath,
      runtime,
      options: bindings,
    });
    return {
      url: worker.url,
      logTail: worker.logTail,
      stop: async () => {
        await worker.dispose();
        await bundles.cleanup();
      },
    };
  } catch (error) {
    await bundles.cleanup();
    throw error;
  }
}

/** One `/chat` call as the demo tenant, read to its end; fails loudly if the gateway refuses it. */
export async function chat(
  url: string,
  message: string,
  stream = false,
  extra: Record<string, unknown> = {},
): Promise<void> {
  const res = await fetch(`${url}/chat`, {
    method: 'POST',
    headers: { authorization: `Bearer ${DEMO_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ message, stream, ...extra }),
  });
  const body = await res.text();
  if (!res.ok) throw new Error(`POST /chat answered ${res.status}: ${body}`);
}
