import { env } from 'cloudflare:workers';
import {
  compileRegistry,
  hashApiKey,
  TenantRegistry,
  type Scope,
  type TenantConfigInput,
} from '@aigw/tenancy';
import { createApp } from '../../src/app.ts';

/**
 * Two tenants with config keys of known plaintext, fresh ids per call (the tests of a file share
 * one storage), and apps standing in for isolates: each has its own control-plane cache, with a
 * clock the test drives, over the same Durable Objects.
 */

export const OPERATOR_KEY = 'gwop_dev_only_operator_key';
export const TTL_MS = 5000;

let counter = 0;

export interface KeyView {
  id: string;
  name: string;
  prefix: string;
  status: 'active' | 'expired' | 'revoked';
  scopes: string[];
  models: string[] | null;
  rates: Record<string, { rate: number; burst: number }>;
  budget: { tokensPerDay?: number; usdPerMonth?: number };
  metadata: Record<string, string>;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
  createdBy: string;
  rotation: { previousPrefix: string; graceEndsAt: string } | null;
}
export interface Issued extends KeyView {
  key: string;
}
export interface ErrorBody {
  error: {
    code: string;
    message: string;
    details?: { issues?: { path: (string | number)[] }[] } & Record<string, unknown>;
  };
}

async function tenantConfig(id: string, extra: Partial<TenantConfigInput> = {}): Promise<TenantConfigInput> {
  const key = async (keyId: string, scopes: Scope[]) => ({
    id: keyId,
    hash: await hashApiKey(`gwk_${id}_${keyId}`),
    scopes,
    label: keyId,
    createdAt: '2026-01-01T00:00:00Z',
  });
  return {
    id,
    name: id,
    environments: ['development'],
    apiKeys: [
      await key('admin', ['chat', 'search', 'ingest', 'tools', 'keys', 'admin']),
      await key('keys', ['chat', 'keys']),
      await key('chat', ['chat']),
    ],
    providers: { upstream: { type: 'openai-compatible', baseUrl: 'http://upstream.test/v1' } },
    models: { chat: 'local/echo-1', allowed: ['local/echo-1', 'upstream/big'] },
    features: { rag: true, tools: true, tts: true },
    tools: { enabled: ['summarize'] },
    limits: {
      rates: { key: { rate: 6000, burst: 1000 } },
      budgets: { tenant: { tokensPerDay: 10_000_000 } },
    },
    ...extra,
  };
}

export interface KeysWorld {
  a: string;
  b: string;
  /** The plaintext of a config key: `configKey(tenant, 'admin' | 'keys' | 'chat')`. */
  configKey: (tenant: string, keyId: 'admin' | 'keys' | 'chat') => string;
  /** A new isolate: its own cache and clock. */
  isolate: () => Isolate;
}

export interface Isolate {
  app: ReturnType<typeof createApp>;
  /** Every request log line this isolate wrote (errors included), as JSON text. */
  logs: () => string;
  request: (
    path: string,
    init?: { method?: string; key?: string; body?: unknown; headers?: Record<string, string> },
  ) => Promise<Response>;
  advance: (ms: number) => void;
  now: () => number;
}

export async function keysWorld(extra: Partial<TenantConfigInput> = {}): Promise<KeysWorld> {
  const n = `${Date.now().toString(36)}${++counter}`;
  const [a, b] = [`ka${n}`, `kb${n}`];
  const configs = [await tenantConfig(a, extra), await tenantConfig(b)];
  const compiled = compileRegistry(
    configs.map((data) => ({ file: `tenants/${data.id}/tenant.config.json`, data })),
    'development',
  );
  if (!compiled.success) throw new Error(JSON.stringify(compiled.issues));
  const registry = new TenantRegistry(compiled.registry);
  return {
    a,
    b,
    configKey: (tenant, keyId) => `gwk_${tenant}_${keyId}`,
    isolate: () => {
      let now = Date.now();
      const lines: unknown[] = [];
      const app = createApp({
        registry,
        logSink: (line) => lines.push(line),
        controlPlane: { ttlMs: TTL_MS, clock: () => now },
      });
      return {
        app,
        logs: () => JSON.stringify(lines),
        request: async (path, init = {}) =>
          app.request(
            path,
            {
              method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
              headers: {
                ...(init.key === undefined ? {} : { authorization: `Bearer ${init.key}` }),
                ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
                ...init.headers,
              },
              ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
            },
            env,
          ),
        advance: (ms) => {
          now += ms;
        },
        now: () => now,
      };
    },
  };
}

export async function json<T>(res: Response, status: number): Promise<T> {
  const text = await res.text();
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}
