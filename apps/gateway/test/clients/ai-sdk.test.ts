import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { embedMany, generateText, jsonSchema, streamText, tool, type LanguageModel } from 'ai';
import { describe, expect, it } from 'vitest';
import { BASE_URL, DEMO_KEY, toolGateway, WEATHER_TOOL, workerFetch, type FetchLike } from './support.ts';

// The Vercel AI SDK 7 with both of its OpenAI providers, unmodified, against /v1/chat/completions.
// `createOpenAI()(model)`, the provider's default, calls /v1/responses: tested in
// responses/sdk.test.ts.

const providers: Record<
  string,
  {
    chat: (apiKey: string, fetch: FetchLike, model: string) => LanguageModel;
    embedding: (apiKey: string, fetch: FetchLike, model: string) => Parameters<typeof embedMany>[0]['model'];
  }
> = {
  '@ai-sdk/openai .chat()': {
    chat: (apiKey, fetch, model) => createOpenAI({ baseURL: BASE_URL, apiKey, fetch }).chat(model),
    embedding: (apiKey, fetch, model) => createOpenAI({ baseURL: BASE_URL, apiKey, fetch }).embedding(model),
  },
  '@ai-sdk/openai-compatible': {
    chat: (apiKey, fetch, model) =>
      createOpenAICompatible({
        name: 'gateway',
        baseURL: BASE_URL,
        apiKey,
        fetch,
        includeUsage: true,
      }).chatModel(model),
    embedding: (apiKey, fetch, model) =>
      createOpenAICompatible({ name: 'gateway', baseURL: BASE_URL, apiKey, fetch }).embeddingModel(model),
  },
};

const weather = {
  get_weather: tool({
    description: WEATHER_TOOL.description,
    inputSchema: jsonSchema<{ city: string }>({
      type: 'object',
      properties: { city: { type: 'string' } },
      required: ['city'],
    }),
  }),
};

for (const [name, provider] of Object.entries(providers)) {
  describe(`AI SDK 7, ${name}`, () => {
    it('generateText: the answer, its finish reason and usage', async () => {
      const result = await generateText({
        model: provider.chat(DEMO_KEY, workerFetch, 'local/echo-1'),
        instructions: 'You are terse.',
        prompt: 'ping from the ai sdk',
        maxRetries: 0,
      });
      expect(result.text).toContain('ping from the ai sdk');
      expect(result.finishReason).toBe('stop');
      expect(result.usage.outputTokens).toBeGreaterThan(0);
      expect(result.usage.totalTokens).toBe(
        (result.usage.inputTokens ?? 0) + (result.usage.outputTokens ?? 0),
      );
    });

    it('streamText: the deltas add up to the answer, then usage', async () => {
      const result = streamText({
        model: provider.chat(DEMO_KEY, workerFetch, 'local/echo-1'),
        prompt: 'stream me please',
        maxRetries: 0,
      });
      const deltas: string[] = [];
      for await (const delta of result.textStream) deltas.push(delta);
      expect(deltas.length).toBeGreaterThan(1);
      expect(deltas.join('')).toContain('stream me please');
      expect(await result.finishReason).toBe('stop');
      expect((await result.usage).outputTokens).toBeGreaterThan(0);
    });

    it('a client tool call, without and with streaming', async () => {
      const gateway = await toolGateway();
      const model = () => provider.chat(gateway.key, gateway.fetch, 'upstream/primary');
      const generated = await generateText({
        model: model(),
        prompt: 'weather?',
        tools: weather,
        maxRetries: 0,
      });
      expect(generated.finishReason).toBe('tool-calls');
      expect(generated.toolCalls.map((c) => [c.toolName, c.input])).toEqual([
        [WEATHER_TOOL.name, WEATHER_TOOL.args],
      ]);

      const streamed = streamText({ model: model(), prompt: 'weather?', tools: weather, maxRetries: 0 });
      const calls = await streamed.toolCalls;
      expect(calls.map((c) => [c.toolName, c.input])).toEqual([[WEATHER_TOOL.name, WEATHER_TOOL.args]]);
      expect(await streamed.finishReason).toBe('tool-calls');
    });

    it("embedMany: the tenant's embedder, one unit vector per value", async () => {
      const { embeddings } = await embedMany({
        model: provider.embedding(DEMO_KEY, workerFetch, 'local/hash-384'),
        values: ['refund policy', 'shipping times'],
        maxRetries: 0,
      });
      expect(embeddings).toHaveLength(2);
      for (const vector of embeddings) {
        expect(vector).toHaveLength(384);
        expect(Math.hypot(...vector)).toBeCloseTo(1, 4);
      }
      expect(embeddings[0]).not.toEqual(embeddings[1]);
    });
  });
}
