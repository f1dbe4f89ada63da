import { describe, expect, it } from 'vitest';
import { ARTICLE } from '../../../test/fixtures.ts';
import { summarizeOffline } from './summarize.ts';

describe('summarize offline', () => {
  it('keeps the sentences about the main topic, in their original order', () => {
    const { summary } = summarizeOffline({ text: ARTICLE, maxSentences: 2 });
    expect(summary).toBe(
      'A Durable Object stores its state in SQLite, close to its users. Durable Objects and Workers together let a gateway keep per-tenant state at the edge.',
    );
    expect(summary).not.toContain('weather');
  });

  it('returns at most maxSentences sentences and is deterministic', () => {
    const one = summarizeOffline({ text: ARTICLE, maxSentences: 1 });
    expect(one.summary.match(/[.!?](\s|$)/g)).toHaveLength(1);
    expect(summarizeOffline({ text: ARTICLE, maxSentences: 1 })).toEqual(one);
  });

  it('returns a short text whole', () => {
    expect(summarizeOffline({ text: 'Just one line', maxSentences: 3 })).toEqual({
      summary: 'Just one line',
    });
  });
});
