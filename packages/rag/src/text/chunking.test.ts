import { describe, expect, it } from 'vitest';
import { chunkText } from './chunking.ts';
import { estimateTokens } from './tokens.ts';

const sentence = (i: number): string => `Sentence number ${i} talks about topic ${i} at moderate length.`;

describe('chunkText', () => {
  it('keeps Markdown headings as each chunk’s context and never mixes sections', () => {
    const text =
      '# Guide\nIntro text.\n\n## Install\nRun the installer.\n\n### Linux\nUse the package.\n\n## Usage\nOpen the app.';
    const chunks = chunkText(text, { chunkTokens: 200, overlapTokens: 0 });
    expect(chunks.map((c) => [c.headings, c.text])).toEqual([
      [['Guide'], 'Intro text.'],
      [['Guide', 'Install'], 'Run the installer.'],
      [['Guide', 'Install', 'Linux'], 'Use the package.'],
      [['Guide', 'Usage'], 'Open the app.'],
    ]);
  });

  it('ignores "#" lines inside code fences', () => {
    const text = '# Real\n```sh\n# not a heading\necho hi\n```\nAfter.';
    const chunks = chunkText(text, { chunkTokens: 200, overlapTokens: 0 });
    expect(chunks).toHaveLength(1);
    expect(chunks[0]?.headings).toEqual(['Real']);
    expect(chunks[0]?.text).toContain('# not a heading');
  });

  it('splits on sentence boundaries within the token budget, with whole-sentence overlap', () => {
    const text = Array.from({ length: 20 }, (_, i) => sentence(i)).join(' ');
    const chunks = chunkText(text, { chunkTokens: 60, overlapTokens: 20 });
    expect(chunks.length).toBeGreaterThan(3);
    for (const chunk of chunks) {
      expect(chunk.tokens).toBeLessThanOrEqual(60);
      expect(chunk.text).toMatch(/^Sentence number \d+ .*\.$/);
    }
    for (let i = 1; i < chunks.length; i += 1) {
      const previousLast = chunks[i - 1]?.text.split(/(?<=\.)\s/).at(-1) ?? '';
      expect(chunks[i]?.text.startsWith(previousLast)).toBe(true);
    }
    // Every sentence survives somewhere.
    const all = chunks.map((c) => c.text).join(' ');
    for (let i = 0; i < 20; i += 1) expect(all).toContain(sentence(i));
  });

  it('prefers paragraph boundaries once a chunk is half full', () => {
    const para = (p: number): string => [0, 1, 2].map((i) => sentence(p * 10 + i)).join(' ');
    // Each paragraph is ~47 tokens: two fit under 100 but not under 80, so 80 forces a break.
    const chunks = chunkText(`${para(1)}\n\n${para(2)}\n\n${para(3)}`, { chunkTokens: 80, overlapTokens: 0 });
    expect(chunkText(`${para(1)}\n\n${para(2)}`, { chunkTokens: 100, overlapTokens: 0 })).toHaveLength(1);
    expect(chunks.map((c) => c.text)).toEqual([para(1), para(2), para(3)]);
  });

  it('cuts a sentence longer than a chunk on word boundaries', () => {
    const long = Array.from({ length: 400 }, (_, i) => `word${i}`).join(' ');
    const chunks = chunkText(long, { chunkTokens: 50, overlapTokens: 0 });
    expect(chunks.length).toBeGreaterThan(5);
    expect(chunks.every((c) => c.tokens <= 50)).toBe(true);
    expect(chunks.map((c) => c.text).join(' ')).toBe(long);
  });

  it('returns no chunks for blank text and estimates tokens', () => {
    expect(chunkText('  \n\n ')).toEqual([]);
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('a b c')).toBe(3);
    expect(estimateTokens('x'.repeat(40))).toBe(10);
  });
});
