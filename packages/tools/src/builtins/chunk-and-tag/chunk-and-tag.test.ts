import { describe, expect, it } from 'vitest';
import { ARTICLE } from '../../../test/fixtures.ts';
import { chunkDocument, tagOffline } from './chunk-and-tag.ts';

describe('chunk_and_tag offline', () => {
  it('packs paragraphs into chunks no larger than maxChunkChars', () => {
    const chunks = chunkDocument(ARTICLE, 200);
    expect(chunks).toHaveLength(3);
    expect(chunks[0]).toMatch(/^Cloudflare Workers run JavaScript/);
    for (const chunk of chunks) expect(chunk.length).toBeLessThanOrEqual(200);
    // Nothing is lost or reordered.
    expect(chunks.join(' ').replace(/\s+/g, ' ')).toBe(ARTICLE.replace(/\s+/g, ' '));
  });

  it('splits an over-long paragraph at sentences and cuts an over-long sentence', () => {
    const long = `${'word '.repeat(60).trim()}. Second sentence here.`;
    const chunks = chunkDocument(long, 200);
    expect(chunks.every((chunk) => chunk.length <= 200)).toBe(true);
    expect(chunks.at(-1)).toContain('Second sentence here.');
  });

  it('tags each chunk with the words that set it apart from the others', () => {
    const tagged = tagOffline(chunkDocument(ARTICLE, 200), 2);
    expect(tagged.map((chunk) => chunk.index)).toEqual([0, 1, 2]);
    // "workers" is in two chunks but twice in this one; "cloudflare" only here (ties: first seen).
    expect(tagged[0]?.tags).toEqual(['workers', 'cloudflare']);
    expect(tagged[1]?.tags).toContain('durable');
    expect(tagged[2]?.tags).toHaveLength(2);
  });
});
