import { createHash } from 'node:crypto';
import type { CompiledRegistry } from '@aigw/tenancy';
import type { DeployEnvironment } from '@aigw/tenancy';
import type { CredentialSources } from './credentials.ts';
import type { RenderedWorker, WranglerConfig } from './render.ts';

/**
 * What a successful deploy recorded in `deployments/<env>/<tenant>.json`. `drift` renders the same
 * shape from the current files and compares everything but `deployedAt` and `commit`.
 */
export interface DeploymentSnapshot {
  tenant: string;
  environment: DeployEnvironment;
  mode: RenderedWorker['mode'];
  worker: string;
  /** Names of the variables credentials were read from; never their values. */
  credentials: CredentialSources;
  /** Tenants the Worker's registry holds, and a digest of the whole compiled registry. */
  registry: { tenants: string[]; sha256: string };
  wrangler: WranglerConfig;
  deployedAt?: string;
  commit?: string;
}

/** Fields that differ on every deploy and are not drift. */
const VOLATILE = new Set(['deployedAt', 'commit']);

export function registryDigest(registry: CompiledRegistry): string {
  return createHash('sha256').update(JSON.stringify(registry)).digest('hex');
}

export function buildSnapshot(input: {
  tenant: string;
  environment: DeployEnvironment;
  rendered: RenderedWorker;
  credentials: CredentialSources;
  registry: CompiledRegistry;
}): DeploymentSnapshot {
  return {
    tenant: input.tenant,
    environment: input.environment,
    mode: input.rendered.mode,
    worker: input.rendered.workerName,
    credentials: input.credentials,
    registry: { tenants: input.registry.tenants.map((t) => t.id), sha256: registryDigest(input.registry) },
    wrangler: input.rendered.config,
  };
}

export type JsonChange =
  | { kind: 'added'; path: string; value: unknown }
  | { kind: 'removed'; path: string; value: unknown }
  | { kind: 'changed'; path: string; from: unknown; to: unknown };

/** A structural diff of two JSON values, as a list of changes at JSON paths (`wrangler.vars.X`, `routes[0]`). */
export function diffJson(from: unknown, to: unknown, path = ''): JsonChange[] {
  if (VOLATILE.has(path)) return [];
  if (Array.isArray(from) && Array.isArray(to)) {
    const changes: JsonChange[] = [];
    for (let i = 0; i < Math.max(from.length, to.length); i++) {
      const at = `${path}[${i}]`;
      if (i >= from.length) changes.push({ kind: 'added', path: at, value: to[i] });
      else if (i >= to.length) changes.push({ kind: 'removed', path: at, value: from[i] });
      else changes.push(...diffJson(from[i], to[i], at));
    }
    return changes;
  }
  if (isObject(from) && isObject(to)) {
    const changes: JsonChange[] = [];
    const keys = [...new Set([...Object.keys(from), ...Object.keys(to)])].sort();
    for (const key of keys) {
      const at = path === '' ? key : `${path}.${key}`;
      if (VOLATILE.has(at)) continue;
      if (!(key in from)) changes.push({ kind: 'added', path: at, value: to[key] });
      else if (!(key in to)) changes.push({ kind: 'removed', path: at, value: from[key] });
      else changes.push(...diffJson(from[key], to[key], at));
    }
    return changes;
  }
  return JSON.stringify(from) === JSON.stringify(to)
    ? []
    : [{ kind: 'changed', path: path || '(root)', from, to }];
}

/** One line per change: `- path: old` / `+ path: new` / `~ path: old → new`. */
export function formatChanges(changes: JsonChange[]): string {
  const show = (value: unknown) => JSON.stringify(value);
  return changes
    .map((change) => {
      switch (change.kind) {
        case 'added':
          return `  + ${change.path}: ${show(change.value)}`;
        case 'removed':
          return `  - ${change.path}: ${show(change.value)}`;
        case 'changed':
          return `  ~ ${change.path}: ${show(change.from)} → ${show(change.to)}`;
      }
    })
    .join('\n');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
