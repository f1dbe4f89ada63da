/**
 * Small, deterministic text helpers for the offline tool methods. They are heuristics for English
 * prose, not NLP: their job is to make every tool usable (and testable) without a model account,
 * with output that never changes for the same input.
 */

/** Common English function words; they carry no topic, so they never score or tag. */
export const STOPWORDS: ReadonlySet<string> = new Set(
  (
    'a about above after again against all also am an and any are as at be because been before being ' +
    'below between both but by can could did do does doing down during each few for from further had ' +
    'has have having he her here hers herself him himself his how i if in into is it its itself just ' +
    'me more most my myself no nor not now of off on once only or other our ours ourselves out over ' +
    'own same she should so some such than that the their theirs them themselves then there these ' +
    'they this those through to too under until up very was we were what when where which while who ' +
    'whom why will with would you your yours yourself yourselves i’m im it’s its dont don’t cant can’t ' +
    'please want need like get got one two us may might must shall let lets'
  ).split(/\s+/),
);

/**
 * Splits prose into sentences at ., ! or ? followed by whitespace and a capital letter, digit or
 * quote, and at line breaks between paragraphs. Abbreviations like "e.g." are not handled; a
 * sentence cut in two still reads as text.
 */
export function splitSentences(text: string): string[] {
  return text
    .split(/\n\s*\n/)
    .flatMap((paragraph) => paragraph.replace(/\s+/g, ' ').split(/(?<=[.!?])\s+(?=["'“‘(\p{Lu}\p{N}])/u))
    .map((sentence) => sentence.trim())
    .filter((sentence) => sentence.length > 0);
}

/** Paragraphs: blocks separated by a blank line, whitespace-normalised. */
export function splitParagraphs(text: string): string[] {
  return text
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.replace(/\s+/g, ' ').trim())
    .filter((paragraph) => paragraph.length > 0);
}

/** Lower-case word tokens (letters and digits, inner apostrophes and hyphens kept). */
export function words(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu) ?? []).map((word) =>
    word.replaceAll('’', "'"),
  );
}

/**
 * A crude suffix stripper so "billing", "bills" and "billed" meet at "bill". Good enough to match
 * a label against a message; not a linguistic stem.
 */
export function stem(word: string): string {
  for (const suffix of ['ing', 'ed', 'es', 's']) {
    if (word.endsWith(suffix) && word.length - suffix.length >= 3) {
      const base = word.slice(0, -suffix.length);
      // "shipped" → "shipp" → "ship": undo the doubled consonant "-ed"/"-ing" brought, but
      // not the ll/ss/zz many bases end in ("billing" → "bill").
      const doubled = suffix.length > 1 && suffix !== 'es' && /([b-df-hj-kmnp-rtv-y])\1$/.test(base);
      return doubled ? base.slice(0, -1) : base;
    }
  }
  return word;
}

/** Words that carry content: not stopwords, not single characters, not bare numbers. */
export function contentWords(text: string): string[] {
  return words(text).filter((word) => word.length > 1 && !STOPWORDS.has(word) && !/^\d+$/.test(word));
}

/** Stem → count over the content words of `text`, in first-seen order. */
export function termFrequencies(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const word of contentWords(text)) {
    const key = stem(word);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/**
 * The `limit` most frequent content words, most frequent first; ties keep first-seen order so
 * the result is stable. Each keyword is shown as the first surface form seen for its stem.
 */
export function topKeywords(text: string, limit: number): string[] {
  const surface = new Map<string, string>();
  const counts = new Map<string, number>();
  for (const word of contentWords(text)) {
    const key = stem(word);
    if (!surface.has(key)) surface.set(key, word);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts.entries()]
    .map(([key, count], order) => ({ key, count, order }))
    .sort((a, b) => b.count - a.count || a.order - b.order)
    .slice(0, limit)
    .map(({ key }) => surface.get(key) ?? key);
}
