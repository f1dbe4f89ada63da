import { exports } from 'cloudflare:workers';
import { ChatAnthropic } from '@langchain/anthropic';
import { HumanMessage, SystemMessage, ToolMessage } from '@langchain/core/messages';
import { describe, expect, it } from 'vitest';

/**
 * LangChain's ChatAnthropic against the gateway. It brings its own (older) Anthropic SDK, which
 * authenticates with `x-api-key`; every request it sends is kept for the assertions.
 */
function chat() {
  const sent: Request[] = [];
  const model = new ChatAnthropic({
    model: 'local/echo-1',
    apiKey: 'gwk_demo_acme',
    maxTokens: 256,
    maxRetries: 0,
    clientOptions: {
      baseURL: 'http://127.0.0.1:8787',
      fetch: (input: RequestInfo | URL, init?: RequestInit) => {
        const request = new Request(input, init);
        sent.push(request.clone());
        return exports.default.fetch(request);
      },
    },
  });
  return { model, sent };
}

describe('LangChain ChatAnthropic against /v1/messages', () => {
  it('invokes with a system prompt, the key in x-api-key', async () => {
    const { model, sent } = chat();
    const answer = await model.invoke([
      new SystemMessage('You are terse.'),
      new HumanMessage('hello from langchain'),
    ]);
    expect(answer.content).toContain('hello from langchain');
    expect(answer.usage_metadata?.output_tokens).toBeGreaterThan(0);
    expect(sent[0]?.headers.get('x-api-key')).toBe('gwk_demo_acme');
    expect(sent[0]?.headers.get('authorization')).toBeNull();
  });

  it('streams', async () => {
    let text = '';
    for await (const chunk of await chat().model.stream('stream from langchain')) {
      text += typeof chunk.content === 'string' ? chunk.content : '';
    }
    expect(text).toContain('stream from langchain');
  });

  it('round-trips a client tool call with bindTools', async () => {
    const { model } = chat();
    const withTools = model.bindTools([
      {
        name: 'get_weather',
        description: 'The weather in a city.',
        input_schema: { type: 'object', properties: { city: { type: 'string' } } },
      },
    ]);
    const question = new HumanMessage('call get_weather({"city":"Oslo"})');
    const asked = await withTools.invoke([question]);
    expect(asked.tool_calls).toEqual([
      expect.objectContaining({ name: 'get_weather', args: { city: 'Oslo' } }),
    ]);
    const call = asked.tool_calls?.[0];
    const answered = await withTools.invoke([
      question,
      asked,
      new ToolMessage({ tool_call_id: call?.id ?? '', content: 'rain, 4 °C' }),
    ]);
    expect(answered.content).toBe('Tool result: rain, 4 °C');
  });
});
