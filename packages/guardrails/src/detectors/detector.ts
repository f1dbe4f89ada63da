/** A match in a text: `text.slice(start, end)` is what a redaction replaces. */
export interface Span {
  start: number;
  end: number;
}

/**
 * One kind of sensitive text. Detectors are pure and synchronous, so they run on every streamed
 * chunk without awaiting anything; hazard classification (Llama Guard) is not one of them.
 */
export interface Detector {
  /** The placeholder a redaction writes, without brackets: `EMAIL` gives `[EMAIL]`. */
  readonly label: string;
  /**
   * The longest text a stream must hold back for this detector to see a match whole. Matches that
   * can run longer (a JWT, a private-key block) also answer `pending`.
   */
  readonly window: number;
  /** Every match, ascending and non-overlapping. */
  find(text: string): Span[];
  /**
   * Where a match that may still be growing starts, when `text` ends inside something that
   * could become a match longer than `window` (a key prefix, an unterminated key block).
   */
  pending?(text: string): number | undefined;
}

/**
 * Matches of a global pattern, each kept when `accept` keeps it (a checksum, a range check).
 * `accept` may narrow the match (return a sub-span) or drop it (undefined).
 */
export function regexSpans(
  pattern: RegExp,
  text: string,
  accept: (match: RegExpExecArray) => Span | undefined = (m) => ({
    start: m.index,
    end: m.index + m[0].length,
  }),
): Span[] {
  const spans: Span[] = [];
  pattern.lastIndex = 0;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    if (match[0].length === 0) {
      pattern.lastIndex++;
      continue;
    }
    const span = accept(match);
    if (span !== undefined) spans.push(span);
  }
  return spans;
}

/** The start of the last match of an end-anchored pattern, if `text` ends with one. */
export function pendingAt(pattern: RegExp, text: string): number | undefined {
  const match = pattern.exec(text);
  return match === null ? undefined : match.index;
}

/** The digits of `text`, separators dropped. */
export function digitsOf(text: string): string {
  return text.replace(/\D/g, '');
}
