import { AIMessage, HumanMessage, SystemMessage } from '@langchain/core/messages';
import { ChatOpenAI, OpenAIEmbeddings } from '@langchain/openai';
import { describe, expect, it } from 'vitest';
import { BASE_URL, DEMO_KEY, toolGateway, WEATHER_TOOL, workerFetch, type FetchLike } from './support.ts';

// LangChain's OpenAI integration, unmodified, against /v1/chat/completions and /v1/embeddings.

function chat(apiKey: string, fetch: FetchLike, model: string): ChatOpenAI {
  return new ChatOpenAI({ model, apiKey, maxRetries: 0, configuration: { baseURL: BASE_URL, fetch } });
}

const weatherTool = {
  type: 'function' as const,
  function: {
    name: WEATHER_TOOL.name,
    description: WEATHER_TOOL.description,
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

describe('LangChain ChatOpenAI', () => {
  it('invoke: the answer and its token usage', async () => {
    const reply = await chat(DEMO_KEY, workerFetch, 'local/echo-1').invoke([
      new SystemMessage('You are terse.'),
      new HumanMessage('ping from langchain'),
    ]);
    expect(reply).toBeInstanceOf(AIMessage);
    expect(reply.text).toContain('ping from langchain');
    expect(reply.response_metadata.finish_reason).toBe('stop');
    expect(reply.usage_metadata?.output_tokens).toBeGreaterThan(0);
  });

  it('stream: the chunks add up to the answer', async () => {
    const stream = await chat(DEMO_KEY, workerFetch, 'local/echo-1').stream('stream me from langchain');
    const parts: string[] = [];
    for await (const chunk of stream) parts.push(chunk.text);
    expect(parts.filter((p) => p !== '').length).toBeGreaterThan(1);
    expect(parts.join('')).toContain('stream me from langchain');
  });

  it('a client tool call, without and with streaming', async () => {
    const gateway = await toolGateway();
    const model = chat(gateway.key, gateway.fetch, 'upstream/primary').bindTools([weatherTool]);
    const reply = await model.invoke('weather?');
    expect(reply.tool_calls?.map((c) => [c.name, c.args])).toEqual([[WEATHER_TOOL.name, WEATHER_TOOL.args]]);

    let merged: Awaited<ReturnType<typeof model.invoke>> | undefined;
    for await (const chunk of await model.stream('weather?')) merged = merged ? merged.concat(chunk) : chunk;
    expect(merged?.tool_calls?.map((c) => [c.name, c.args])).toEqual([
      [WEATHER_TOOL.name, WEATHER_TOOL.args],
    ]);
  });
});

describe('LangChain OpenAIEmbeddings', () => {
  it("embeds a query and documents with the tenant's embedder", async () => {
    const embeddings = new OpenAIEmbeddings({
      model: 'local/hash-384',
      apiKey: DEMO_KEY,
      maxRetries: 0,
      configuration: { baseURL: BASE_URL, fetch: workerFetch },
    });
    const query = await embeddings.embedQuery('refund policy');
    const docs = await embeddings.embedDocuments(['refund policy', 'shipping times']);
    expect(query).toHaveLength(384);
    expect(docs).toHaveLength(2);
    docs[0]?.forEach((x, i) => {
      expect(x).toBeCloseTo(query[i] ?? Number.NaN, 5);
    });
    expect(Math.hypot(...(docs[1] ?? []))).toBeCloseTo(1, 4);
  });
});
