import { describe, expect, it } from 'vitest';
import { emptyCounts, Progress, progressLine } from './progress.ts';

function sink(isTTY: boolean, columns = 200) {
  const chunks: string[] = [];
  return { chunks, isTTY, columns, write: (chunk: string) => chunks.push(chunk) };
}

const counts = { added: 12, updated: 3, unchanged: 20, skipped: 0, failed: 1 };

describe('progressLine', () => {
  it('draws the bar and counts', () => {
    expect(progressLine(40, 100, counts)).toBe(
      '[####......] 40/100 files  12 added  3 updated  20 unchanged  1 failed',
    );
    expect(progressLine(100, 100, counts)).toMatch(/^\[##########\] 100\/100/);
    expect(progressLine(0, 0, emptyCounts())).toMatch(/^\[##########\] 0\/0/);
  });

  it('shows skipped files when there are any', () => {
    expect(progressLine(5, 10, { ...counts, skipped: 4 })).toContain('20 unchanged  4 skipped  1 failed');
  });
});

describe('Progress', () => {
  it('redraws one line in place on a TTY, clipped to its width', () => {
    const out = sink(true, 30);
    const progress = new Progress(out, 10);
    progress.update(1, counts);
    progress.update(2, counts);
    progress.finish();
    expect(out.chunks.slice(0, 2).every((c) => c.startsWith('\r\x1b[K') && !c.includes('\n'))).toBe(true);
    expect(out.chunks[0]?.length).toBe('\r\x1b[K'.length + 29);
    expect(out.chunks.at(-1)).toBe('\n');
  });

  it('prints messages above the bar on a TTY', () => {
    const out = sink(true);
    const progress = new Progress(out, 10);
    progress.update(1, counts);
    progress.log('retrying');
    expect(out.chunks.slice(1)).toEqual(['\r\x1b[Kretrying\n', expect.stringMatching(/^\r\x1b\[K\[#/)]);
  });

  it('prints plain lines at most once per interval without a TTY, and the final state', () => {
    const out = sink(false);
    let now = 0;
    const progress = new Progress(out, 10, { intervalMs: 1_000, now: () => now });
    progress.update(1, counts);
    now = 500;
    progress.update(2, counts);
    now = 1_000;
    progress.update(3, counts);
    progress.update(10, counts);
    progress.finish();
    expect(out.chunks.map((c) => c.split(' ')[1])).toEqual(['1/10', '3/10', '10/10']);
    expect(out.chunks.every((c) => c.endsWith('\n') && !c.includes('\r'))).toBe(true);
  });
});
