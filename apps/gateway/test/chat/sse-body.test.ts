import { describe, expect, it } from 'vitest';
import { sseBody } from '../../src/codecs/sse.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !condition(); i++) await sleep(10);
}

describe('sseBody and clients that stop reading', () => {
  it('keeps no watch without idleMs (calls holding no lock or reservation)', async () => {
    let cancelled = 0;
    async function* frames() {
      await Promise.resolve();
      yield 'data: 0\n\n';
      yield 'data: 1\n\n';
    }
    const reader = sseBody(frames(), { onCancel: () => cancelled++, onUnexpected: () => '' }).getReader();
    await reader.read();
    await sleep(60);
    expect(cancelled).toBe(0);
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('data: 1\n\n');
  });

  it('treats a frame left unread for idleMs as a client gone: cancels the call and stops the source', async () => {
    let cancelled = 0;
    let stopped = false;
    async function* frames() {
      try {
        for (let i = 0; ; i++) {
          await Promise.resolve();
          yield `data: ${i}\n\n`;
        }
      } finally {
        stopped = true;
      }
    }
    const body = sseBody(frames(), { onCancel: () => cancelled++, onUnexpected: () => '', idleMs: 20 });
    const reader = body.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('data: 0\n\n');
    // The client reads nothing more (workerd's view of a client that vanished without a word).
    await until(() => cancelled > 0);
    expect(cancelled).toBe(1);
    expect(stopped).toBe(true);
    await expect(reader.read()).rejects.toThrow(/read nothing for 20 ms/);
  });

  it('does not count time spent waiting for the upstream against a client that keeps reading', async () => {
    let cancelled = 0;
    async function* frames() {
      for (let i = 0; i < 3; i++) {
        await sleep(60);
        yield `data: ${i}\n\n`;
      }
    }
    const body = sseBody(frames(), { onCancel: () => cancelled++, onUnexpected: () => '', idleMs: 20 });
    expect(await new Response(body).text()).toBe('data: 0\n\ndata: 1\n\ndata: 2\n\n');
    await sleep(40);
    expect(cancelled).toBe(0);
  });
});
