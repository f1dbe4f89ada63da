const encoder = new TextEncoder();

/** Lower-case hex SHA-256 of a UTF-8 string (Web Crypto, so it runs in workerd and Node alike). */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', encoder.encode(text));
  return toHex(new Uint8Array(digest));
}

export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0');
  return out;
}

/** A random id with a readable prefix, e.g. `req_3f9c…`; 16 random bytes. */
export function newId(prefix: string): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return `${prefix}_${toHex(bytes)}`;
}
