import { describe, expect, it } from 'vitest';
import { parseSse } from '../support/sse.ts';
import { expectOpenAIShape, openAIShapeErrors } from './openai-schemas.ts';
import { BASE_URL, DEMO_KEY, toolGateway, WEATHER_TOOL, workerFetch, type FetchLike } from './support.ts';

// The gateway's /v1 bodies, checked against OpenAI's own schemas (not shapes written from memory).

const tools = [
  {
    type: 'function',
    function: {
      name: WEATHER_TOOL.name,
      description: WEATHER_TOOL.description,
      parameters: { type: 'object', properties: { city: { type: 'string' } } },
    },
  },
];

async function post(fetch: FetchLike, key: string, path: string, body: object): Promise<Response> {
  const res = await fetch(`${BASE_URL}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  return res;
}

/** Every data frame but the closing `[DONE]`, each checked against the chunk schema. */
async function expectChunks(res: Response): Promise<unknown[]> {
  const events = parseSse(await res.text());
  expect(events.at(-1)?.data).toBe('[DONE]');
  const chunks = events.slice(0, -1).map((e) => e.json);
  expect(chunks.length).toBeGreaterThan(1);
  for (const chunk of chunks) expectOpenAIShape('CreateChatCompletionStreamResponse', chunk);
  return chunks;
}

describe('OpenAI schemas: /v1/chat/completions', () => {
  it('a non-streamed completion is a CreateChatCompletionResponse', async () => {
    const res = await post(workerFetch, DEMO_KEY, '/chat/completions', {
      model: 'local/echo-1',
      messages: [{ role: 'user', content: 'schema check' }],
    });
    expectOpenAIShape('CreateChatCompletionResponse', await res.json());
  });

  it('every streamed chunk is a CreateChatCompletionStreamResponse, the usage chunk too', async () => {
    for (const streamOptions of [{}, { stream_options: { include_usage: true } }]) {
      const res = await post(workerFetch, DEMO_KEY, '/chat/completions', {
        model: 'local/echo-1',
        stream: true,
        messages: [{ role: 'user', content: 'schema check, streamed' }],
        ...streamOptions,
      });
      const chunks = (await expectChunks(res)) as { usage?: unknown }[];
      expect(chunks.some((c) => c.usage != null)).toBe('stream_options' in streamOptions);
    }
  });

  it('a client tool call, streamed or not, matches the schemas', async () => {
    const gateway = await toolGateway();
    const request = { model: 'upstream/primary', messages: [{ role: 'user', content: 'weather?' }], tools };
    const whole = await post(gateway.fetch, gateway.key, '/chat/completions', request);
    const body = await whole.json<{ choices: { finish_reason: string }[] }>();
    expectOpenAIShape('CreateChatCompletionResponse', body);
    expect(body.choices[0]?.finish_reason).toBe('tool_calls');

    const streamed = await post(gateway.fetch, gateway.key, '/chat/completions', {
      ...request,
      stream: true,
    });
    const chunks = (await expectChunks(streamed)) as { choices: { delta: { tool_calls?: unknown[] } }[] }[];
    expect(chunks.some((c) => (c.choices[0]?.delta.tool_calls?.length ?? 0) > 0)).toBe(true);
  });
});

describe('OpenAI schemas: /v1/embeddings', () => {
  // The schema types `embedding` as numbers only, so the float encoding is the one it can check.
  it('a float answer is a CreateEmbeddingResponse', async () => {
    const res = await post(workerFetch, DEMO_KEY, '/embeddings', {
      model: 'local/hash-384',
      input: ['refund policy', 'shipping times'],
      encoding_format: 'float',
    });
    expectOpenAIShape('CreateEmbeddingResponse', await res.json());
  });
});

describe('the schema check itself', () => {
  it('refuses a body that breaks the schema (a missing choices[].finish_reason)', async () => {
    const res = await post(workerFetch, DEMO_KEY, '/chat/completions', {
      model: 'local/echo-1',
      messages: [{ role: 'user', content: 'break me' }],
    });
    const body = await res.json<{ choices: Record<string, unknown>[] }>();
    expect(openAIShapeErrors('CreateChatCompletionResponse', body)).toEqual([]);
    delete body.choices[0]?.finish_reason;
    expect(openAIShapeErrors('CreateChatCompletionResponse', body).join('\n')).toMatch(
      /must have required property 'finish_reason'/,
    );
    // A nullable field still refuses a wrong type: `nullable: true` became "or null", not "anything".
    const wrong = await (
      await post(workerFetch, DEMO_KEY, '/chat/completions', {
        model: 'local/echo-1',
        messages: [{ role: 'user', content: 'break me' }],
      })
    ).json<{ choices: { message: Record<string, unknown> }[] }>();
    const message = wrong.choices[0]?.message;
    if (message) message.content = 42;
    expect(openAIShapeErrors('CreateChatCompletionResponse', wrong).join('\n')).toMatch(/content/);
  });
});
