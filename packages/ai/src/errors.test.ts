import { describe, expect, it } from 'vitest';
import { isRetryableStatus, parseRetryAfter } from './errors.ts';
import { localProvider } from './providers/local/index.ts';
import type { ChatEvent, ProviderContext } from './types.ts';

describe('upstream error classification', () => {
  it('retries 408, 409, 429 and 5xx only', () => {
    expect([400, 401, 403, 404, 408, 409, 422, 429, 500, 503].filter(isRetryableStatus)).toEqual([
      408, 409, 429, 500, 503,
    ]);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter('0.5')).toBe(500);
    expect(
      parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT')),
    ).toBe(10_000);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});

describe('local provider', () => {
  const context = {} as ProviderContext;
  const run = async (maxTokens?: number) => {
    const events: ChatEvent[] = [];
    for await (const event of localProvider.chat(
      {
        model: 'echo-1',
        messages: [{ role: 'user', content: 'a b c d e f g h' }],
        stream: true,
        maxTokens,
        signal: new AbortController().signal,
      },
      context,
    )) {
      events.push(event);
    }
    return events;
  };

  it('is deterministic and finishes with stop', async () => {
    expect(await run()).toEqual(await run());
    expect((await run()).at(-1)).toEqual({ type: 'finish', reason: 'stop' });
  });

  it('honours maxTokens and finishes with length', async () => {
    const events = await run(3);
    expect(events.at(-1)).toEqual({ type: 'finish', reason: 'length' });
    expect(events.find((e) => e.type === 'usage')).toMatchObject({ outputTokens: 3 });
  });

  it('refuses an unknown local model', async () => {
    const iterator = localProvider
      .chat({ model: 'gpt-local', messages: [], stream: true, signal: new AbortController().signal }, context)
      [Symbol.asyncIterator]();
    await expect(iterator.next()).rejects.toThrow(/no model "gpt-local"/);
  });
});
