import { VECTORIZE_LIMITS } from './limits.ts';
import type { FilterOperators, MetadataFilter, MetadataScalar, VectorMetadata } from './types.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Vectorize filters on the first 64 bytes of an indexed string (cut on a UTF-8 character boundary),
 * so both sides of a string comparison are cut the same way here.
 */
export function truncateIndexed(value: string): string {
  const bytes = encoder.encode(value);
  if (bytes.byteLength <= VECTORIZE_LIMITS.indexedStringBytes) return value;
  let end: number = VECTORIZE_LIMITS.indexedStringBytes;
  // Step back over UTF-8 continuation bytes (10xxxxxx) so no character is split.
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end -= 1;
  return decoder.decode(bytes.subarray(0, end));
}

/** The filterable value at a dotted path: a scalar, or undefined (missing, null, list or object). */
function lookup(metadata: VectorMetadata | undefined, path: string): MetadataScalar | undefined {
  let current: unknown = metadata;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  if (typeof current === 'string') return truncateIndexed(current);
  if (typeof current === 'number' || typeof current === 'boolean') return current;
  return undefined;
}

function normalise(value: MetadataScalar | null): MetadataScalar | null {
  return typeof value === 'string' ? truncateIndexed(value) : value;
}

/** `$eq null` matches a missing field; otherwise values must have the same type and be equal. */
function equals(stored: MetadataScalar | undefined, wanted: MetadataScalar | null): boolean {
  if (wanted === null) return stored === undefined;
  return stored === normalise(wanted);
}

function compare(
  stored: MetadataScalar | undefined,
  bound: string | number,
  test: (order: number) => boolean,
): boolean {
  // Range operators compare numbers with numbers and strings with strings; anything else is no match.
  if (stored === undefined || typeof stored !== typeof bound) return false;
  const wanted = normalise(bound);
  if (typeof stored === 'number' && typeof wanted === 'number') return test(stored - wanted);
  if (typeof stored === 'string' && typeof wanted === 'string') {
    return test(stored < wanted ? -1 : stored > wanted ? 1 : 0);
  }
  return false;
}

function matchesOperators(stored: MetadataScalar | undefined, ops: FilterOperators): boolean {
  if (ops.$eq !== undefined && !equals(stored, ops.$eq)) return false;
  if (ops.$ne !== undefined && equals(stored, ops.$ne)) return false;
  if (ops.$in !== undefined && !ops.$in.some((value) => equals(stored, value))) return false;
  if (ops.$nin?.some((value) => equals(stored, value))) return false;
  if (ops.$lt !== undefined && !compare(stored, ops.$lt, (order) => order < 0)) return false;
  if (ops.$lte !== undefined && !compare(stored, ops.$lte, (order) => order <= 0)) return false;
  if (ops.$gt !== undefined && !compare(stored, ops.$gt, (order) => order > 0)) return false;
  if (ops.$gte !== undefined && !compare(stored, ops.$gte, (order) => order >= 0)) return false;
  return true;
}

/** Whether a vector's metadata satisfies every clause of a (validated) filter: clauses are ANDed. */
export function matchesFilter(metadata: VectorMetadata | undefined, filter: MetadataFilter): boolean {
  for (const [path, condition] of Object.entries(filter)) {
    const stored = lookup(metadata, path);
    if (condition === null || typeof condition !== 'object') {
      if (!equals(stored, condition)) return false;
    } else if (!matchesOperators(stored, condition)) {
      return false;
    }
  }
  return true;
}

/** What `returnMetadata: 'indexed'` gives back: top-level scalars, strings cut to 64 bytes. */
export function indexedMetadata(metadata: VectorMetadata): VectorMetadata {
  const out: VectorMetadata = {};
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value === 'string') out[key] = truncateIndexed(value);
    else if (typeof value === 'number' || typeof value === 'boolean') out[key] = value;
  }
  return out;
}
