import { describe, expect, it } from 'vitest';
import { estimateTokens } from './tokens.ts';

describe('estimateTokens', () => {
  it('is zero for empty or blank text', () => {
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('  \n\t ')).toBe(0);
  });

  it('counts words, punctuation and digit groups apart', () => {
    // "Hello" (2: 5 letters) "," (1) "world" (2) "!" (1) "2026" (2 digit groups: 202, 6)
    expect(estimateTokens('Hello, world! 2026')).toBe(8);
  });

  it('charges long words more than short ones', () => {
    expect(estimateTokens('internationalisation')).toBe(5);
    expect(estimateTokens('a b c d e')).toBe(5);
  });

  it('is deterministic and grows with the text', () => {
    const text = 'The quick brown fox jumps over the lazy dog. ';
    expect(estimateTokens(text)).toBe(estimateTokens(text));
    expect(estimateTokens(text.repeat(10))).toBe(10 * estimateTokens(text));
  });
});
