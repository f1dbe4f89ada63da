import { describe, expect, it } from 'vitest';
import { TokenCounter, estimateTokens } from './tokens.ts';

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

describe('TokenCounter', () => {
  it('always equals estimateTokens of everything appended, wherever the pieces are cut', () => {
    const texts = [
      'The quick brown fox, 12345 jumps! Über naïve café — 1,000,000 times.\n',
      '日本語の文章です。句読点、そして数字 2026 年。',
      'internationalisation\u0301 déjà-vu 999999 ?!...',
      'emoji 😀😀 between words👍 and 12😀34 digits',
    ];
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (const text of texts) {
      for (let round = 0; round < 50; round++) {
        const counter = new TokenCounter();
        let sent = '';
        while (sent.length < text.length) {
          const piece = text.slice(sent.length, sent.length + 1 + Math.floor(random() * 6));
          sent += piece;
          expect(counter.append(piece), JSON.stringify(sent)).toBe(estimateTokens(sent));
        }
      }
    }
  });
});
