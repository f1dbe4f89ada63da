// The tenants of the limits and retrieval suites, compiled into the same registry (and the same
// gateway bundle) as the `bench` tenant of bench/lib/workers.mjs. Every key is generated at run
// time; only its SHA-256 goes into the registry.
import { GUARD_RULES } from './guardrails.mjs';
import { BENCH_MODEL, benchApiKey, keyHash } from './workers.mjs';

/** A rate no bench run can reach (the schema's ceiling): the limiter decides, never refuses. */
const NEVER_REFUSED = { rate: 1_000_000, burst: 1_000_000 };

/** API keys of the many-keys limiter measurement: one `RateLimiterDO` per key. */
export const MANY_KEYS = 100;

/** Messages a session keeps in the limits suite (see `limitsTenant`). */
export const SESSION_MAX_MESSAGES = 20;

/** @param {string} tenantId @param {number} count @param {('chat' | 'search' | 'ingest')[]} scopes */
function keysFor(tenantId, count, scopes) {
  const plaintext = Array.from({ length: count }, () => benchApiKey(tenantId));
  const configs = plaintext.map((key, index) => ({
    id: count === 1 ? 'bench' : `bench-${index}`,
    hash: keyHash(key),
    scopes,
    label: 'bench',
    createdAt: '2026-01-01T00:00:00Z',
  }));
  return { plaintext, configs };
}

/** @param {number} upstreamPort */
const provider = (upstreamPort) => ({
  upstream: { type: 'openai-compatible', baseUrl: `http://127.0.0.1:${upstreamPort}/v1` },
});
const models = { chat: BENCH_MODEL, allowed: [BENCH_MODEL] };

/**
 * The limits suite's tenants and the retrieval suite's tenant, with their plaintext keys.
 * - `bench-limits`: every rate dimension (tenant, key, IP) and a tenant budget, all far out of
 *   reach, and sessions that keep the last `SESSION_MAX_MESSAGES` messages (so the history a turn
 *   sends is the same size all through a measurement, whatever its length).
 * - `bench-budget`: only the tenant budget of `bench-limits` (no rate limit), to tell the two apart.
 * - `bench-rl`: only the per-key rate, with `MANY_KEYS` keys: one limiter object per key.
 * - `bench-rag`: retrieval on, the offline embedder `local/hash-384`; chat and /search answers
 *   come from the fake upstream.
 * - `bench-guard`: every built-in detector redacting chat output (the guardrails suite).
 * - `bench-cache`: the exact-match response cache on, for an hour (the cache suite).
 * @param {number} upstreamPort
 */
export function suiteTenants(upstreamPort) {
  const limits = keysFor('bench-limits', 1, ['chat']);
  const budget = keysFor('bench-budget', 1, ['chat']);
  const rl = keysFor('bench-rl', MANY_KEYS, ['chat']);
  const rag = keysFor('bench-rag', 1, ['chat', 'search', 'ingest']);
  const guard = keysFor('bench-guard', 1, ['chat']);
  const cache = keysFor('bench-cache', 1, ['chat']);
  const common = { environments: ['development'], providers: provider(upstreamPort), models };
  return {
    keys: {
      limits: limits.plaintext[0] ?? '',
      budget: budget.plaintext[0] ?? '',
      rl: rl.plaintext,
      rag: rag.plaintext[0] ?? '',
      guard: guard.plaintext[0] ?? '',
      cache: cache.plaintext[0] ?? '',
    },
    configs: [
      {
        id: 'bench-limits',
        name: 'Bench (limits and sessions)',
        apiKeys: limits.configs,
        ...common,
        limits: {
          rates: { tenant: NEVER_REFUSED, key: NEVER_REFUSED, ip: NEVER_REFUSED },
          budgets: { tenant: { tokensPerDay: 1_000_000_000_000, usdPerMonth: 1_000_000_000 } },
        },
        sessions: { maxMessages: SESSION_MAX_MESSAGES },
      },
      {
        id: 'bench-budget',
        name: 'Bench (budget only)',
        apiKeys: budget.configs,
        ...common,
        limits: { budgets: { tenant: { tokensPerDay: 1_000_000_000_000, usdPerMonth: 1_000_000_000 } } },
      },
      {
        id: 'bench-rl',
        name: 'Bench (per-key rate limit)',
        apiKeys: rl.configs,
        ...common,
        limits: { rates: { key: NEVER_REFUSED } },
      },
      {
        id: 'bench-rag',
        name: 'Bench (retrieval)',
        apiKeys: rag.configs,
        ...common,
        features: { rag: true },
        rag: { embedder: 'local/hash-384' },
      },
      {
        id: 'bench-guard',
        name: 'Bench (output guardrails)',
        apiKeys: guard.configs,
        ...common,
        guardrails: { rules: GUARD_RULES },
      },
      {
        id: 'bench-cache',
        name: 'Bench (response cache)',
        apiKeys: cache.configs,
        ...common,
        responseCache: { enabled: true, ttlSeconds: 3600 },
      },
    ],
  };
}
