export interface BlocklistResult {
  text: string;
  /** Blocklist entries that occurred (as configured), each once. */
  matched: string[];
}

export const REDACTED = '[redacted]';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Redacts a tenant's blocklisted terms from an answer: case-insensitive, whole words (a term
 * inside a longer word is left alone), longest terms first so a phrase wins over its parts.
 */
export function applyBlocklist(text: string, blocklist: readonly string[]): BlocklistResult {
  const entries = [...new Set(blocklist.map((entry) => entry.trim()).filter(Boolean))].sort(
    (a, b) => b.length - a.length,
  );
  if (entries.length === 0) return { text, matched: [] };
  const matched = new Set<string>();
  let out = text;
  for (const entry of entries) {
    const pattern = new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(entry)}(?![\\p{L}\\p{N}])`, 'giu');
    out = out.replace(pattern, () => {
      matched.add(entry);
      return REDACTED;
    });
  }
  return { text: out, matched: [...matched] };
}
