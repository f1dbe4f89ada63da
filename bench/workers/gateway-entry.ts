/**
 * The gateway Worker as benchmarked: the real app from `createApp`, over a registry compiled at
 * bench time (by bench/lib/workers.mjs, with `compileRegistry`) that holds one tenant whose model
 * is the fake upstream. esbuild substitutes `__BENCH_REGISTRY__` with that registry.
 */
import { TenantRegistry, type CompiledRegistry } from '@aigw/tenancy';
import { createApp } from '../../apps/gateway/src/app.ts';

// Named exports of the real entry (Durable Object classes, ...), so the bindings that
// apps/gateway/wrangler.jsonc declares find their classes here too. esbuild points the real
// entry's generated-registry import at the bench registry, so it needs no `npm run registry`.
export * from '../../apps/gateway/src/index.ts';

declare const __BENCH_REGISTRY__: CompiledRegistry;

const app = createApp({ registry: new TenantRegistry(__BENCH_REGISTRY__) });

export default app satisfies ExportedHandler<Env>;
