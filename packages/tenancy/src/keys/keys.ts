import { newId, sha256Hex } from '@aigw/core';

/** Keys are looked up by the SHA-256 of their plaintext; the plaintext is never stored. */
export function hashApiKey(plaintext: string): Promise<string> {
  return sha256Hex(plaintext);
}

/** A new random key: `gwk_<tenant>_<32 hex>`. Printed once by the generator, then only hashed. */
export function generateApiKey(tenantId: string): string {
  return `gwk_${tenantId}_${newId('k').slice(2)}`;
}

/**
 * The credential a request carries: `Authorization: Bearer <key>` first, else `x-api-key`.
 * Returns undefined when neither holds a key, so the caller can answer `missing_api_key`.
 */
export function extractCredential(headers: Headers): string | undefined {
  const authorization = headers.get('authorization');
  if (authorization) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (match?.[1]) return match[1];
  }
  const apiKey = headers.get('x-api-key')?.trim();
  return apiKey ? apiKey : undefined;
}
