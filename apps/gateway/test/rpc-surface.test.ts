import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';

/**
 * Every public method of a Durable Object is callable over RPC by anything holding a stub, and
 * TypeScript's `private` does not exist at run time. These are the helpers each class used to
 * declare `private`: none may answer over RPC, so only the documented surface is reachable.
 */
const FORMER_HELPERS: Record<string, { open: (name: string) => object; helpers: string[] }> = {
  SessionDO: {
    open: (name) => env.SESSIONS.getByName(name),
    helpers: [
      'sweep',
      'scheduleAlarm',
      'wipe',
      'trimToMaxMessages',
      'recentHistory',
      'insertMessage',
      'ensureSchema',
      'hasSchemaCached',
      'owner',
      'readLock',
      'readRetention',
      'messageCount',
      'readMeta',
      'writeMeta',
      'sql',
    ],
  },
  RateLimiterDO: {
    open: (name) => env.RATE_LIMITER.getByName(name),
    helpers: ['ensureSchema', 'read', 'write'],
  },
  BudgetDO: {
    open: (name) => env.BUDGET.getByName(name),
    helpers: ['prepare', 'reservedExcept', 'used', 'book'],
  },
  DocumentRegistryDO: {
    open: (name) => env.DOCUMENT_REGISTRY.getByName(name),
    helpers: [
      'bindEmbedderSync',
      'embedder',
      'bindTenant',
      'version',
      'bump',
      'documentCount',
      'getMeta',
      'setMeta',
    ],
  },
  VectorIndexDO: {
    open: (name) => env.VECTOR_INDEX.getByName(name),
    helpers: ['bindTenant', 'dimensions', 'count', 'getMeta', 'setMeta', 'load'],
  },
  LexicalIndexDO: {
    open: (name) => env.LEXICAL_INDEX.getByName(name),
    helpers: [
      'replace',
      'insert',
      'selective',
      'stats',
      'count',
      'totalTerms',
      'bindTenant',
      'sql',
      'documentFrequency',
    ],
  },
  AuditLedgerDO: {
    open: (name) => env.AUDIT_LEDGER.getByName(name),
    helpers: ['access', 'ensureSchema', 'hasSchema', 'owner', 'readHead', 'readMeta', 'writeMeta'],
  },
  ResponseStoreDO: { open: (name) => env.RESPONSES.getByName(name), helpers: ['owns', 'wipe'] },
  UsageStoreDO: {
    open: (name) => env.USAGE_STORE.getByName(name),
    helpers: ['merge', 'ensureSchema', 'hasSchema', 'owner', 'writeMeta'],
  },
};

/** The documented surface of each class, called once to show the stub itself works. */
const PUBLIC_CALL: Record<
  string,
  (stub: Record<string, (...args: unknown[]) => Promise<unknown>>) => Promise<unknown>
> = {
  SessionDO: (stub) => stub.history?.({ tenantId: 'rpc-surface' }) ?? Promise.reject(new Error('no history')),
  RateLimiterDO: (stub) =>
    stub.check?.({ tenantId: 'rpc-surface', rate: 60, burst: 5 }) ?? Promise.reject(new Error('no check')),
  BudgetDO: (stub) =>
    stub.usage?.({ tenantId: 'rpc-surface', limits: { tokensPerDay: 10 } }) ??
    Promise.reject(new Error('no usage')),
  DocumentRegistryDO: (stub) =>
    stub.corpusVersion?.('rpc-surface') ?? Promise.reject(new Error('no corpusVersion')),
  VectorIndexDO: (stub) => stub.describe?.('rpc-surface') ?? Promise.reject(new Error('no describe')),
  LexicalIndexDO: (stub) => stub.describe?.('rpc-surface') ?? Promise.reject(new Error('no describe')),
  AuditLedgerDO: (stub) => stub.verify?.('rpc-surface') ?? Promise.reject(new Error('no verify')),
  ResponseStoreDO: (stub) =>
    stub
      .get?.({ tenantId: 'rpc-surface' })
      .then((result) => (result as { ok: boolean; error?: { code: string } }).error?.code) ??
    Promise.reject(new Error('no get')),
  UsageStoreDO: (stub) =>
    stub.series?.('rpc-surface', { from: 0, to: 3_600_000, granularity: 'hour' }, { now: 3_600_000 }) ??
    Promise.reject(new Error('no series')),
};

/** A stub seen as what it is at run time: a proxy that forwards any property name as a call. */
function rpc(stub: object): Record<string, (...args: unknown[]) => Promise<unknown>> {
  return stub as Record<string, (...args: unknown[]) => Promise<unknown>>;
}

// Each refused call is an RPC round trip that workerd logs: on a busy machine the SessionDO's 15 take long.
describe('Durable Object RPC surface', { timeout: 60_000 }, () => {
  for (const [className, { open, helpers }] of Object.entries(FORMER_HELPERS)) {
    it(`${className} answers its documented methods and none of its helpers`, async () => {
      const objectName = `rpc-surface:${className}`;
      await expect(PUBLIC_CALL[className]?.(rpc(open(objectName)))).resolves.toBeDefined();
      for (const helper of helpers) {
        const call = async () => rpc(open(objectName))[helper]?.('rpc-surface', 'meta');
        await expect(call(), `${className}.${helper}`).rejects.toThrow(/does not implement|not a function/);
      }
    });
  }
});
