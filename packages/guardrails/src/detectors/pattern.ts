import { checkBoundedRegex } from '@aigw/guardrails/settings';
import { regexSpans, type Detector } from './detector.ts';

/**
 * A tenant's pattern, compiled once. The settings schema has already refused any pattern without
 * bounded backtracking and a match longer than the stream window; this checks again, so a pattern
 * that reached here some other way still cannot run unbounded.
 */
export function tenantRegex(pattern: string, ignoreCase: boolean, label: string): Detector {
  const check = checkBoundedRegex(pattern);
  if (!check.ok) throw new Error(`guardrail pattern refused: ${check.reason}`);
  const compiled = new RegExp(pattern, ignoreCase ? 'giu' : 'gu');
  return { label, window: check.maxLength, find: (text) => regexSpans(compiled, text) };
}

const escape = (word: string): string => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Words and phrases, whole and regardless of case; a space in a phrase matches any run of
 * whitespace. One alternation, longest entries first, so "credit card number" wins over "credit".
 */
export function denylist(words: readonly string[], label: string): Detector {
  const entries = [...new Set(words.map((word) => word.toLowerCase()))].sort((a, b) => b.length - a.length);
  const body = entries.map((word) => escape(word).replace(/\s+/g, '\\s+')).join('|');
  const compiled = new RegExp(`(?<![\\p{L}\\p{N}_])(?:${body})(?![\\p{L}\\p{N}_])`, 'giu');
  const longest = Math.max(...entries.map((word) => word.length));
  // Whitespace runs may be longer than the single spaces counted; a little slack covers them.
  return { label, window: longest + 16, find: (text) => regexSpans(compiled, text) };
}
