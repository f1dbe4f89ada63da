import { GatewayError, canonicalJson, sha256Hex, tenantIdSchema } from '@aigw/core';
import { KV_MIN_TTL_SECONDS } from './tenant-cache.ts';
import { tenantPrefix } from './key.ts';

export interface ResponseCacheOptions<T> {
  kv: KVNamespace;
  /** The resolved tenant; required, so no cache exists without one. */
  tenantId: string;
  /**
   * What the answer depends on besides the request: a fingerprint of the tenant's config (models,
   * providers, routes), so a config change makes every earlier entry unreachable.
   */
  version: string;
  ttlSeconds: number;
  /** Checks a cached value's shape; `undefined` turns an old or corrupted entry into a miss. */
  decode: (value: unknown) => T | undefined;
}

interface Envelope {
  tenantId: string;
  version: string;
  value: unknown;
}

/**
 * The exact-match chat response cache (docs/routing.md): `tenant/<id>/chat/<version>/<sha256>`,
 * the hash over the canonical request (the model after aliasing, the messages, every parameter
 * that changes the answer). The tenant and the config version are in the clear, so tenant B's
 * lookup can never address tenant A's entry and a config change moves every lookup to a fresh
 * key space; the envelope repeats both as a second lock.
 */
export class ResponseCache<T> {
  readonly #options: ResponseCacheOptions<T>;
  readonly #tenantId: string;

  constructor(options: ResponseCacheOptions<T>) {
    const parsed = tenantIdSchema.safeParse(options.tenantId);
    if (!parsed.success)
      throw new GatewayError('internal', 'ResponseCache was built without a valid tenant.');
    this.#tenantId = parsed.data;
    this.#options = options;
  }

  /** The entry's key for a request (any JSON value; keyed by its canonical form). */
  async keyFor(request: unknown): Promise<string> {
    const hash = await sha256Hex(canonicalJson(request));
    return `${tenantPrefix(this.#tenantId)}chat/${this.#options.version}/${hash}`;
  }

  async get(key: string): Promise<T | undefined> {
    this.#own(key);
    const raw = await this.#options.kv.get<Envelope>(key, 'json');
    if (raw === null || raw.tenantId !== this.#tenantId || raw.version !== this.#options.version)
      return undefined;
    return this.#options.decode(raw.value);
  }

  async put(key: string, value: T): Promise<void> {
    this.#own(key);
    const envelope: Envelope = { tenantId: this.#tenantId, version: this.#options.version, value };
    const ttl = Math.max(KV_MIN_TTL_SECONDS, Math.trunc(this.#options.ttlSeconds));
    await this.#options.kv.put(key, JSON.stringify(envelope), { expirationTtl: ttl });
  }

  #own(key: string): void {
    if (!key.startsWith(`${tenantPrefix(this.#tenantId)}chat/`)) {
      throw new GatewayError(
        'internal',
        "A response cache entry may only be used under its own tenant's prefix.",
      );
    }
  }
}
