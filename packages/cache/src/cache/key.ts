import { canonicalJson, sha256Hex } from '@aigw/core';

/** What identifies one cached search answer, besides the tenant and the corpus version. */
export interface SearchCacheRequest {
  query: string;
  topK: number;
  /** The caller's metadata filter, if any (any JSON value). */
  filter?: unknown;
  /** The model that writes the answer, e.g. "workers-ai/@cf/meta/llama-3.1-8b-instruct". */
  model: string;
}

/** Trimmed, inner whitespace collapsed, lower-cased: "  What is  X? " and "what is x?" share an entry. */
export function normaliseQuery(query: string): string {
  return query.trim().replace(/\s+/g, ' ').toLowerCase();
}

/** Filters are keyed by canonical JSON, so `{a, b}` and `{b, a}` share an entry. */
export { canonicalJson };

/** The tenant's key prefix; everything a tenant caches lives under it. */
export function tenantPrefix(tenantId: string): string {
  return `tenant/${tenantId}/`;
}

/**
 * `tenant/<tenantId>/v<corpusVersion>/<sha256 hex>`. The hash covers the normalised query, topK,
 * the canonical filter and the model; the tenant and the corpus version are in the clear, so a
 * version bump moves every lookup to a fresh key space and a tenant's entries share a prefix.
 */
export async function searchCacheKey(
  tenantId: string,
  corpusVersion: number,
  request: SearchCacheRequest,
): Promise<string> {
  const hash = await sha256Hex(
    canonicalJson({
      query: normaliseQuery(request.query),
      topK: request.topK,
      filter: request.filter ?? null,
      model: request.model,
    }),
  );
  return `${tenantPrefix(tenantId)}v${corpusVersion}/${hash}`;
}
