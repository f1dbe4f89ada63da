/**
 * JSON with object keys sorted at every depth, so equal values always serialise (and hash)
 * equally whatever order a client sent their keys in. `undefined` serialises as `null`.
 */
export function canonicalJson(value: unknown): string {
  // JSON.stringify's lib type says string, but it returns undefined for undefined.
  const json = JSON.stringify(sortKeys(value)) as string | undefined;
  return json ?? 'null';
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(record)
        .sort()
        .map((key) => [key, sortKeys(record[key])]),
    );
  }
  return value;
}
