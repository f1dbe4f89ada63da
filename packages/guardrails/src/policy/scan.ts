import type { SpanRule } from './policy.ts';

/** A span rule's match. */
export interface Hit {
  rule: SpanRule;
  start: number;
  end: number;
}

/** Every rule's matches in `text`, by start (the longer first on a tie). */
export function findHits(rules: readonly SpanRule[], text: string): Hit[] {
  const hits: Hit[] = [];
  for (const rule of rules) {
    for (const span of rule.detector.find(text)) hits.push({ rule, start: span.start, end: span.end });
  }
  if (hits.length > 1) hits.sort((a, b) => a.start - b.start || b.end - a.end);
  return hits;
}

/** The first blocking hit, if any: a block wins over every redaction and flag in the same text. */
export function firstBlock(hits: readonly Hit[]): Hit | undefined {
  return hits.find((hit) => hit.rule.action === 'block');
}

/**
 * `text` with each redacting hit replaced by its placeholder (an overlapped hit is covered by the
 * one before it and not counted twice); `taken` hears every flag and every redaction applied.
 * `offset` is where `text` starts in the coordinates of the hits.
 */
export function redact(text: string, hits: readonly Hit[], taken: (hit: Hit) => void, offset = 0): string {
  let out = '';
  let at = 0;
  for (const hit of hits) {
    if (hit.rule.action === 'flag') {
      taken(hit);
      continue;
    }
    const start = Math.max(hit.start - offset, 0);
    if (hit.rule.action !== 'redact' || start < at) continue;
    taken(hit);
    out += `${text.slice(at, start)}[${hit.rule.detector.label}]`;
    at = hit.end - offset;
  }
  return at === 0 ? text : out + text.slice(at);
}
