import { describe, expect, it } from 'vitest';
import { estimateTokens } from './tokens.ts';

describe('estimateTokens', () => {
  it('is zero for empty or blank text', () => {
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('  \n\t ')).toBe(0);
  });

  it('counts words, punctuation and digit groups apart', () => {
    // "Hello" (1) "," (1) "world" (1) "!" (1) "2026" (2 digit groups: 202, 6)
    expect(estimateTokens('Hello, world! 2026')).toBe(6);
  });

  it('charges long words more than short ones', () => {
    // 20 letters: one token per six letters, rounded up.
    expect(estimateTokens('internationalisation')).toBe(4);
    expect(estimateTokens('a b c d e')).toBe(5);
  });

  it('is deterministic and grows with the text', () => {
    const text = 'The quick brown fox jumps over the lazy dog. ';
    expect(estimateTokens(text)).toBe(estimateTokens(text));
    expect(estimateTokens(text.repeat(10))).toBe(10 * estimateTokens(text));
  });
});
