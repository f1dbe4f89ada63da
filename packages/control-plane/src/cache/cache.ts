import type { AuthContext } from '@aigw/tenancy';

/**
 * How long an isolate trusts what the control plane told it. This is the revocation bound: a key
 * revoked (or a tenant suspended) is refused by every isolate at most this long after the change
 * returned, because no isolate keeps an answer longer. See docs/keys.md and ADR 0008.
 */
export const DEFAULT_CACHE_TTL_MS = 5_000;
/** The largest TTL the gateway accepts: past it, "seconds, not minutes" would no longer hold. */
export const MAX_CACHE_TTL_MS = 60_000;
/** Entries per map; past it the oldest go first (a flood of unknown keys cannot grow memory). */
export const DEFAULT_MAX_ENTRIES = 10_000;

interface KeyEntry {
  tenantId: string;
  keyId: string;
  /** null: the control plane does not know this credential (a negative entry). */
  caller: AuthContext | null;
  until: number;
}

interface TenantEntry {
  suspended: boolean;
  until: number;
}

export interface ControlPlaneCacheOptions {
  ttlMs?: number;
  maxEntries?: number;
  /** The cache's clock, ms since the epoch; tests drive it to cross the bound. */
  clock?: () => number;
}

/**
 * The per-isolate memory of the control plane: verified keys (by the SHA-256 of the credential,
 * never the plaintext), credentials it does not know, and each tenant's switch. Every entry lives
 * at most `ttlMs`; a key entry also ends when its secret does (a rotation's grace period, the
 * key's expiry), so the cache never extends a secret's life.
 */
export class ControlPlaneCache {
  readonly ttlMs: number;
  readonly clock: () => number;
  readonly #maxEntries: number;
  readonly #keys = new Map<string, KeyEntry>();
  readonly #tenants = new Map<string, TenantEntry>();
  /** `tenant ip` → until when that IP's failed look-ups must wait (no limiter call meanwhile). */
  readonly #blocked = new Map<string, number>();

  constructor(options: ControlPlaneCacheOptions = {}) {
    this.ttlMs = checkTtl(options.ttlMs ?? DEFAULT_CACHE_TTL_MS);
    this.#maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
    this.clock = options.clock ?? Date.now;
  }

  /** The cached answer for a credential hash: a caller, null (known unknown), or undefined (ask). */
  key(hash: string): AuthContext | null | undefined {
    const entry = this.#keys.get(hash);
    if (entry === undefined) return undefined;
    if (entry.until <= this.clock()) {
      this.#keys.delete(hash);
      return undefined;
    }
    return entry.caller;
  }

  /** Remembers a verified key until the TTL or `validUntil` (its secret's end), whichever is first. */
  setKey(hash: string, caller: AuthContext, validUntil: number | null): void {
    const until = Math.min(this.clock() + this.ttlMs, validUntil ?? Infinity);
    this.#put(this.#keys, hash, { tenantId: caller.tenant.id, keyId: caller.key.id, caller, until });
  }

  /** Remembers that the control plane does not know this credential. */
  setUnknown(hash: string, tenantId: string, keyId: string): void {
    this.#put(this.#keys, hash, { tenantId, keyId, caller: null, until: this.clock() + this.ttlMs });
  }

  /** The tenant's switch while fresh; undefined once it must be asked again. */
  suspended(tenantId: string): boolean | undefined {
    const entry = this.#tenants.get(tenantId);
    return entry === undefined || entry.until <= this.clock() ? undefined : entry.suspended;
  }

  /** The last switch seen for the tenant, however old: what to go on when the object cannot be reached. */
  lastKnownSuspended(tenantId: string): boolean | undefined {
    return this.#tenants.get(tenantId)?.suspended;
  }

  setSuspended(tenantId: string, suspended: boolean): void {
    this.#put(this.#tenants, tenantId, { suspended, until: this.clock() + this.ttlMs });
  }

  /** Seconds a client IP must still wait before its next look-up of an unknown key; 0 if none. */
  blockedFor(tenantId: string, ip: string): number {
    const until = this.#blocked.get(`${tenantId} ${ip}`);
    if (until === undefined) return 0;
    const left = until - this.clock();
    if (left > 0) return Math.ceil(left / 1000);
    this.#blocked.delete(`${tenantId} ${ip}`);
    return 0;
  }

  block(tenantId: string, ip: string, seconds: number): void {
    this.#put(this.#blocked, `${tenantId} ${ip}`, this.clock() + seconds * 1000);
  }

  /** Forgets a key in this isolate at once (the isolate that changed it); others wait out the TTL. */
  forgetKey(tenantId: string, keyId: string): void {
    for (const [hash, entry] of this.#keys) {
      if (entry.tenantId === tenantId && entry.keyId === keyId) this.#keys.delete(hash);
    }
  }

  forgetTenant(tenantId: string): void {
    this.#tenants.delete(tenantId);
  }

  #put<V>(map: Map<string, V>, key: string, value: V): void {
    map.delete(key);
    map.set(key, value);
    // Maps iterate in insertion order: the first key is the oldest entry.
    while (map.size > this.#maxEntries) {
      const oldest = map.keys().next();
      if (oldest.done === true) break;
      map.delete(oldest.value);
    }
  }
}

/** A configured TTL within (0, MAX_CACHE_TTL_MS]; anything else is a configuration error. */
function checkTtl(ttlMs: number): number {
  if (!Number.isFinite(ttlMs) || ttlMs < 0 || ttlMs > MAX_CACHE_TTL_MS) {
    throw new RangeError(`The control-plane cache TTL must be 0 to ${MAX_CACHE_TTL_MS} ms; got ${ttlMs}.`);
  }
  return ttlMs;
}
