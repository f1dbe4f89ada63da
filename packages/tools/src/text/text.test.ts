import { describe, expect, it } from 'vitest';
import { splitSentences, stem, topKeywords, words } from './text.ts';

describe('text helpers', () => {
  it('splits sentences at terminal punctuation before a capital and at blank lines', () => {
    expect(splitSentences('One is here. Two? Yes! version 1.5 works\n\nNew paragraph')).toEqual([
      'One is here.',
      'Two?',
      'Yes! version 1.5 works',
      'New paragraph',
    ]);
  });

  it('stems plurals and verb forms to a shared base', () => {
    expect(['billing', 'bills', 'billed', 'bill'].map(stem)).toEqual(['bill', 'bill', 'bill', 'bill']);
    expect(stem('shipped')).toBe('ship');
    expect(stem('is')).toBe('is');
  });

  it('tokenises words and ranks keywords by frequency, ties by first appearance', () => {
    expect(words("Don't stop-gap, café 42")).toEqual(["don't", 'stop-gap', 'café', '42']);
    expect(topKeywords('Edge workers. Edge storage. Workers run at the edge.', 2)).toEqual([
      'edge',
      'workers',
    ]);
  });
});
