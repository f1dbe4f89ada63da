import { toHex } from '@aigw/core';

/**
 * Runtime API keys (issued by the control plane, docs/keys.md) read
 * `gwk_<tenant>_<key id>_<secret>`, e.g. `gwk_acme_rk-0f3a9c1b2d4e_<32 hex>`:
 *
 * - the tenant comes first, so the gateway knows which tenant's control-plane object to ask
 *   without a global index (tenant ids contain no "_");
 * - the key id is not secret (it is in logs, usage and audit entries) and stays the same across
 *   rotations; the object looks the key up by it and compares the secret's hash in constant time;
 * - the secret is 128 random bits, like the config keys that `generateApiKey` makes.
 *
 * Config keys are `gwk_<tenant>_<32 hex>` (or anything a tenant config hashes), so a credential
 * that does not parse as a runtime key is only ever looked up in the compiled registry.
 */
export const RUNTIME_KEY_ID_PREFIX = 'rk-';

const RUNTIME_KEY = /^gwk_([a-z][a-z0-9-]{1,31})_(rk-[0-9a-f]{12})_([0-9a-f]{32})$/;
export const RUNTIME_KEY_ID = /^rk-[0-9a-f]{12}$/;

export interface RuntimeKeyName {
  tenantId: string;
  keyId: string;
}

/** The tenant and key a runtime key names, or undefined when the text is not a runtime key. */
export function parseRuntimeKey(credential: string): RuntimeKeyName | undefined {
  const match = RUNTIME_KEY.exec(credential);
  if (!match?.[1] || !match[2]) return undefined;
  return { tenantId: match[1], keyId: match[2] };
}

function randomHex(bytes: number): string {
  const buffer = new Uint8Array(bytes);
  crypto.getRandomValues(buffer);
  return toHex(buffer);
}

/** A fresh runtime key id: 48 random bits, checked for uniqueness by the tenant's object. */
export function newRuntimeKeyId(): string {
  return `${RUNTIME_KEY_ID_PREFIX}${randomHex(6)}`;
}

/** A new secret for `keyId`: the plaintext, returned once and then only hashed. */
export function newRuntimeKeySecret(tenantId: string, keyId: string): string {
  return `gwk_${tenantId}_${keyId}_${randomHex(16)}`;
}

/**
 * What lists show to recognise a key: everything up to the secret and its first 4 hex digits
 * (16 of its 128 bits), enough to tell a rotated secret from its predecessor.
 */
export function runtimeKeyPrefix(plaintext: string): string {
  const secretStart = plaintext.lastIndexOf('_') + 1;
  return `${plaintext.slice(0, secretStart + 4)}…`;
}
