import { describe, expect, it } from 'vitest';
import type { ChatEvent, ProviderContext, RawChatStream, RelaySlot } from '../../types.ts';
import { openAICompatibleProvider } from './openai-compatible.ts';

/** An OpenAI chunk stream's SSE text. */
function sse(chunks: readonly unknown[], done = true): string {
  return (
    chunks.map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`).join('') + (done ? 'data: [DONE]\n\n' : '')
  );
}

const delta = (content: string) => ({
  object: 'chat.completion.chunk',
  choices: [{ index: 0, delta: { content }, finish_reason: null }],
  usage: null,
});
const finish = (reason: string) => ({
  choices: [{ index: 0, delta: {}, finish_reason: reason }],
  usage: null,
});
const usage = { choices: [], usage: { prompt_tokens: 12, completion_tokens: 600 } };
const words = Array.from({ length: 600 }, (_, i) => ` word${String(i)}`);

/** The stream handed over for relaying after its first token, as the router takes it. */
async function relayed(text: string): Promise<RawChatStream> {
  const relay: RelaySlot = {};
  const context: ProviderContext = {
    config: { type: 'openai-compatible', baseUrl: 'http://upstream.test/v1', headers: {} },
    providerName: 'upstream',
    env: {},
    fetch: () => Promise.resolve(new Response(text, { headers: { 'content-type': 'text/event-stream' } })),
    tenantId: 't',
    requestId: 'r',
    route: '/v1/chat/completions',
  };
  const events = openAICompatibleProvider
    .chat(
      {
        model: 'm',
        messages: [{ role: 'user', content: 'hi' }],
        stream: true,
        signal: new AbortController().signal,
        relay,
      },
      context,
    )
    [Symbol.asyncIterator]();
  await events.next();
  const raw = relay.detach?.();
  if (raw === undefined) throw new Error('the stream was not offered for relaying');
  return raw;
}

const textOf = (events: ChatEvent[]) =>
  events.map((event) => (event.type === 'delta' ? event.text : '')).join('');

describe('a relayed stream read at its end', () => {
  it('takes the finish and the exact usage from the last events, without the deltas', async () => {
    const text = sse([...words.map(delta), finish('length'), usage]);
    const summary = (await relayed(text)).read(text);
    expect(summary).toEqual({
      events: [
        { type: 'usage', inputTokens: 12, outputTokens: 600 },
        { type: 'finish', reason: 'length' },
      ],
      finished: true,
      error: undefined,
    });
  });

  it('reads every event when the caller keeps the answer’s text (the response cache)', async () => {
    const text = sse([...words.map(delta), finish('stop'), usage]);
    const summary = (await relayed(text)).read(text, { keepText: true });
    expect(textOf(summary.events)).toBe(words.join(''));
    expect(summary.events.slice(-2)).toEqual(
      expect.arrayContaining([
        { type: 'finish', reason: 'stop' },
        { type: 'usage', inputTokens: 12, outputTokens: 600 },
      ]),
    );
  });

  it('reads every event when the end has no usage, so the tokens can be estimated from the text', async () => {
    const text = sse([...words.map(delta), finish('stop')]);
    const summary = (await relayed(text)).read(text);
    expect(summary.finished).toBe(true);
    expect(textOf(summary.events)).toBe(words.join(''));
    expect(summary.events.at(-1)).toEqual({ type: 'finish', reason: 'stop' });
  });

  it('reads every event of an answer with a tool call, whose arguments arrive in pieces', async () => {
    const call = (args: string, first = false) => ({
      choices: [
        {
          index: 0,
          delta: {
            tool_calls: [
              first
                ? { index: 0, id: 'call_1', function: { name: 'lookup', arguments: args } }
                : { index: 0, function: { arguments: args } },
            ],
          },
          finish_reason: null,
        },
      ],
    });
    const text = sse([
      ...words.map(delta),
      call('{"q":', true),
      ...words.map(() => call('')),
      call('"x"}'),
      finish('tool_calls'),
      usage,
    ]);
    const summary = (await relayed(text)).read(text);
    expect(summary.events).toContainEqual({
      type: 'tool_calls',
      calls: [{ id: 'call_1', name: 'lookup', arguments: '{"q":"x"}' }],
    });
    expect(textOf(summary.events)).toBe(words.join(''));
  });

  it('reports a long stream that stopped before finishing, and an error it reported', async () => {
    const cut = sse(words.map(delta), false);
    expect((await relayed(cut)).read(cut).finished).toBe(false);
    const failed = sse([...words.map(delta), { error: { message: 'overloaded' } }], false);
    const summary = (await relayed(failed)).read(failed);
    expect(summary.finished).toBe(false);
    expect(summary.error?.message).toContain('overloaded');
  });
});
