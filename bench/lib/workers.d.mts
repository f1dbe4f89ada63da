/** Types of bench/lib/workers.mjs for its TypeScript users (scripts/eval-rag). */
/** As wrangler bundles a Worker (esbuild options). */
export const WORKER_BUNDLE_OPTIONS: import('esbuild').BuildOptions;
export function benchApiKey(tenantId: string): string;
export function keyHash(key: string): string;
export function compileBenchRegistry(upstreamPort: number, extra?: { id: string }[]): Promise<unknown>;
export function bundleWorkers(
  registry: unknown,
  from?: { root?: string },
): Promise<{
  barePath: string;
  gatewayPath: string;
  ragIndexPath: string;
  sizes: Record<string, number>;
  cleanup: () => Promise<void>;
}>;
export function gatewayConfigOptions(configPath?: string): {
  runtime: { compatibilityDate?: string; compatibilityFlags: string[] };
  bindings: Record<string, unknown>;
};
export function startWorker(spec: {
  name: string;
  scriptPath: string;
  runtime: { compatibilityDate?: string; compatibilityFlags: string[] };
  options?: Record<string, unknown>;
}): Promise<{
  name: string;
  url: string;
  pids: number[];
  logLines: () => number;
  logTail: () => string;
  stderr: () => string;
  dispose: () => Promise<void>;
}>;
