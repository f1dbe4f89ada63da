/**
 * The gateway as the cost report (bench/cost.mjs) runs it: the real app from `createApp`, over the
 * bench registry, with every Durable Object namespace and KV binding wrapped so that each call is
 * counted where it crosses the binding. Nothing inside the gateway is changed or faked: the
 * wrappers forward every call to the real local object or namespace.
 *
 * A request with `x-cost-probe: <id>` is recorded: each call's binding, object name, method and its
 * signature `<binding>.<method>#<n>` (the n-th such call of the request), when it started and
 * ended, and when the response's last byte went out. `x-cost-delay: <sig>,…` with
 * `x-cost-delay-ms` holds those calls back before forwarding them, which is how the report finds
 * out which calls the response and the other calls wait for (`*` holds back every call).
 * `GET /__cost/<id>` returns the
 * records of a probe and forgets them. Requests without the header run unwrapped (the CPU load).
 */
import { TenantRegistry, type CompiledRegistry } from '@aigw/tenancy';
import { createApp } from '../../apps/gateway/src/app.ts';

export * from '../../apps/gateway/src/index.ts';

declare const __BENCH_REGISTRY__: CompiledRegistry;

const app = createApp({ registry: new TenantRegistry(__BENCH_REGISTRY__) });

interface CallRecord {
  binding: string;
  kind: 'do' | 'kv';
  object: string;
  method: string;
  signature: string;
  /** ms since the probe's request arrived (workerd's clock: whole ms, advancing at I/O). */
  startedMs: number;
  endedMs: number | null;
  /** Started after the fetch handler had returned its Response (headers sent). */
  afterHandler: boolean;
  delayedMs: number;
}

interface Probe {
  started: number;
  handlerReturned: boolean;
  /** ms since the request arrived when the last byte of the response body was handed on. */
  responseEndMs: number | null;
  calls: CallRecord[];
  counts: Map<string, number>;
  delay: Set<string>;
  delayMs: number;
}

/** Probes by id; kept until read (bounded, so a run that never reads cannot grow memory). */
const probes = new Map<string, Probe>();
const MAX_PROBES = 1000;

const KV_METHODS = new Set(['get', 'getWithMetadata', 'put', 'delete', 'list']);

function record(probe: Probe, binding: string, kind: CallRecord['kind'], object: string, method: string) {
  const key = `${binding}.${method}`;
  const n = (probe.counts.get(key) ?? 0) + 1;
  probe.counts.set(key, n);
  const signature = `${key}#${n}`;
  const call: CallRecord = {
    binding,
    kind,
    object,
    method,
    signature,
    startedMs: Date.now() - probe.started,
    endedMs: null,
    afterHandler: probe.handlerReturned,
    delayedMs: probe.delay.has(signature) || probe.delay.has('*') ? probe.delayMs : 0,
  };
  probe.calls.push(call);
  return call;
}

async function around<T>(probe: Probe, call: CallRecord, forward: () => Promise<T>): Promise<T> {
  try {
    if (call.delayedMs > 0) await new Promise((resolve) => setTimeout(resolve, call.delayedMs));
    return await forward();
  } finally {
    call.endedMs = Date.now() - probe.started;
  }
}

function wrapStub(probe: Probe, binding: string, object: string, stub: Record<string, unknown>): object {
  return new Proxy(
    {},
    {
      get(_target, method) {
        // Awaiting the stub itself must not look like an RPC method called `then`.
        if (typeof method !== 'string' || method === 'then') return undefined;
        return (...args: unknown[]) => {
          const call = record(probe, binding, 'do', object, method);
          return around(probe, call, async () => {
            // A method call on the stub itself: an RPC property's own `apply` would be sent as a
            // remote method named "apply".
            return await (stub as Record<string, (...a: unknown[]) => Promise<unknown>>)[method]?.(...args);
          });
        };
      },
    },
  );
}

function wrapNamespace(probe: Probe, binding: string, namespace: DurableObjectNamespace): object {
  return new Proxy(namespace, {
    get(target, prop) {
      if (prop === 'getByName') {
        return (name: string) => wrapStub(probe, binding, name, target.getByName(name));
      }
      if (prop === 'get') {
        return (id: DurableObjectId) => wrapStub(probe, binding, id.name ?? id.toString(), target.get(id));
      }
      const value: unknown = Reflect.get(target, prop);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

function wrapKv(probe: Probe, binding: string, kv: KVNamespace): object {
  return new Proxy(kv, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop);
      if (typeof prop !== 'string' || typeof value !== 'function') return value;
      const fn = value as (...a: unknown[]) => Promise<unknown>;
      if (!KV_METHODS.has(prop)) return fn.bind(target);
      return (...args: unknown[]) => {
        const key = typeof args[0] === 'string' ? args[0] : '';
        const call = record(probe, binding, 'kv', key, prop);
        return around(probe, call, () => fn.apply(target, args));
      };
    },
  });
}

const isNamespace = (value: unknown): value is DurableObjectNamespace =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { idFromName?: unknown }).idFromName === 'function';
const isKv = (value: unknown): value is KVNamespace =>
  typeof value === 'object' &&
  value !== null &&
  !isNamespace(value) &&
  ['get', 'put', 'list', 'delete'].every((m) => typeof (value as Record<string, unknown>)[m] === 'function');

function wrapEnv(probe: Probe, env: Env): Env {
  const wrapped: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(env as unknown as Record<string, unknown>)) {
    wrapped[name] = isNamespace(value)
      ? wrapNamespace(probe, name, value)
      : isKv(value)
        ? wrapKv(probe, name, value)
        : value;
  }
  return wrapped as unknown as Env;
}

export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    if (url.pathname.startsWith('/__cost/')) {
      const id = decodeURIComponent(url.pathname.slice('/__cost/'.length));
      const probe = probes.get(id);
      probes.delete(id);
      return Response.json(probe ? { calls: probe.calls, responseEndMs: probe.responseEndMs } : null);
    }
    const id = request.headers.get('x-cost-probe');
    if (id === null) return app.fetch(request, env, ctx);
    const probe: Probe = {
      started: Date.now(),
      handlerReturned: false,
      responseEndMs: null,
      calls: [],
      counts: new Map(),
      delay: new Set(
        (request.headers.get('x-cost-delay') ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      ),
      delayMs: Number(request.headers.get('x-cost-delay-ms') ?? '0') || 0,
    };
    if (probes.size >= MAX_PROBES) probes.clear();
    probes.set(id, probe);
    const response = await app.fetch(request, wrapEnv(probe, env), ctx);
    probe.handlerReturned = true;
    const ended = () => {
      probe.responseEndMs = Date.now() - probe.started;
    };
    if (response.body === null) {
      ended();
      return response;
    }
    // Probes only (the CPU load runs unwrapped): when the body's last byte went out.
    const body = response.body.pipeThrough(new TransformStream({ flush: ended }));
    return new Response(body, response);
  },
} satisfies ExportedHandler<Env>;
