/**
 * Word handling shared by the offline embedder, the lexical reranker and answer support: the same
 * normalisation everywhere, so "supported by a source" means the same thing as "retrieved by it".
 */

const STOP_WORDS = new Set(
  (
    'a about above after again all also am an and any are as at be because been before being below ' +
    'between both but by can could did do does doing down during each few for from further had has ' +
    'have having he her here hers him his how i if in into is it its itself just me more most my no ' +
    'nor not now of off on once only or other our ours out over own same she should so some such than ' +
    'that the their theirs them then there these they this those through to too under until up very ' +
    'was we were what when where which while who whom why will with would you your yours'
  ).split(' '),
);

/** Lower-cased words (letters and digits, Unicode-aware), in order. */
export function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

export function isStopWord(word: string): boolean {
  return STOP_WORDS.has(word);
}

/**
 * A light suffix stripper (a small subset of Porter's first steps): enough that "refunds",
 * "refunded" and "refunding" meet, cheap enough to run on every word, and deterministic.
 */
export function stem(word: string): string {
  if (word.length <= 3 || /\d/.test(word)) return word;
  let w = word;
  if (w.endsWith('ies') && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us') && !w.endsWith('is')) w = w.slice(0, -1);
  if (w.endsWith('ing') && w.length > 5) w = w.slice(0, -3);
  else if (w.endsWith('ed') && w.length > 4) w = w.slice(0, -2);
  else if (w.endsWith('ly') && w.length > 4) w = w.slice(0, -2);
  if (w.endsWith('ation') && w.length > 7) w = w.slice(0, -5);
  else if (w.endsWith('ment') && w.length > 6) w = w.slice(0, -4);
  // "enabl-ing"/"enabl-ed" and "enable" meet on "enabl".
  if (w.endsWith('e') && w.length > 4) w = w.slice(0, -1);
  // Undo a doubled final consonant left by "-ing"/"-ed" ("stopped" → "stopp" → "stop").
  if (/([^aeiouslz])\1$/.test(w)) w = w.slice(0, -1);
  return w;
}

/** Stemmed content words: the terms retrieval and support are measured on. */
export function terms(text: string): string[] {
  return words(text)
    .filter((word) => !isStopWord(word))
    .map(stem);
}
