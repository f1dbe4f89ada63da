import { describe, expect, it } from 'vitest';
import { GatewayError } from '@aigw/core';
import { resolveRagSettings } from '@aigw/rag/settings';
import { createEmbedder } from './create.ts';
import type { AiRunner } from './embedder.ts';
import { HashingEmbedder } from './hashing.ts';
import { OpenAiCompatibleEmbedder } from './openai-compatible.ts';
import { WorkersAiEmbedder } from './workers-ai.ts';

const dot = (a: number[], b: number[]): number => a.reduce((sum, v, i) => sum + v * (b[i] ?? 0), 0);

describe('HashingEmbedder', () => {
  const embedder = new HashingEmbedder();

  it('is deterministic, L2-normalised and 384-dimensional by default', async () => {
    const [a, b] = await embedder.embed([
      'Refunds are issued within 14 days.',
      'Refunds are issued within 14 days.',
    ]);
    expect(embedder).toMatchObject({ id: 'local/hash-384', dimensions: 384 });
    expect(a).toHaveLength(384);
    expect(a).toEqual(b);
    expect(Math.sqrt(dot(a ?? [], a ?? []))).toBeCloseTo(1, 10);
  });

  it('ranks related text above unrelated text, across inflections', async () => {
    const [query, related, unrelated] = await embedder.embed([
      'How do I get refunded?',
      'Refunding a payment: we refund within 14 days.',
      'The mobile app supports dark mode.',
    ]);
    expect(dot(query ?? [], related ?? [])).toBeGreaterThan(dot(query ?? [], unrelated ?? []) + 0.1);
  });

  it('honours a configured dimension and gives a zero vector for text without words', async () => {
    const small = new HashingEmbedder(64);
    const [v, empty] = await small.embed(['hello world', '!!!']);
    expect(small.id).toBe('local/hash-64');
    expect(v).toHaveLength(64);
    expect(empty?.every((x) => x === 0)).toBe(true);
    expect(() => new HashingEmbedder(2000)).toThrow(RangeError);
  });
});

describe('WorkersAiEmbedder', () => {
  it('batches to the model limit and keeps order', async () => {
    const calls: number[] = [];
    // Workers AI has no local simulator; this stands in for the binding's documented response.
    const ai: AiRunner = {
      run(model, inputs) {
        expect(model).toBe('@cf/baai/bge-base-en-v1.5');
        const texts = inputs['text'] as string[];
        calls.push(texts.length);
        return Promise.resolve({
          shape: [texts.length, 768],
          data: texts.map((t) => new Array<number>(768).fill(Number(t))),
        });
      },
    };
    const embedder = new WorkersAiEmbedder(ai);
    const texts = Array.from({ length: 230 }, (_, i) => String(i));
    const vectors = await embedder.embed(texts);
    expect(calls).toEqual([100, 100, 30]);
    expect(vectors.map((v) => v[0])).toEqual(texts.map(Number));
    expect(embedder).toMatchObject({ id: 'workers-ai/@cf/baai/bge-base-en-v1.5', dimensions: 768 });
  });

  it('turns a malformed response into upstream_error', async () => {
    const embedder = new WorkersAiEmbedder({ run: () => Promise.resolve({ data: [[1, 2]] }) });
    await expect(embedder.embed(['a'])).rejects.toMatchObject({ code: 'upstream_error' });
  });
});

describe('OpenAiCompatibleEmbedder', () => {
  it('posts to /embeddings with the key and orders results by index', async () => {
    let seen: { url: string; auth: string | null; body: unknown } | undefined;
    const fetcher: typeof fetch = async (input, init) => {
      const request = new Request(input, init);
      seen = { url: request.url, auth: request.headers.get('authorization'), body: await request.json() };
      return Response.json({
        data: [
          { index: 1, embedding: [0, 1] },
          { index: 0, embedding: [1, 0] },
        ],
      });
    };
    const embedder = new OpenAiCompatibleEmbedder({
      name: 'ollama',
      baseUrl: 'http://127.0.0.1:11434/v1/',
      apiKey: 'sk-test',
      model: 'nomic-embed-text',
      dimensions: 2,
      fetch: fetcher,
    });
    expect(await embedder.embed(['a', 'b'])).toEqual([
      [1, 0],
      [0, 1],
    ]);
    expect(seen).toEqual({
      url: 'http://127.0.0.1:11434/v1/embeddings',
      auth: 'Bearer sk-test',
      body: { model: 'nomic-embed-text', input: ['a', 'b'], encoding_format: 'float' },
    });
    expect(embedder.id).toBe('ollama/nomic-embed-text');
  });

  it('maps upstream failures to upstream_error', async () => {
    const embedder = new OpenAiCompatibleEmbedder({
      name: 'x',
      baseUrl: 'http://127.0.0.1:1/v1',
      model: 'm',
      dimensions: 2,
      fetch: () => Promise.resolve(new Response('nope', { status: 500 })),
    });
    await expect(embedder.embed(['a'])).rejects.toMatchObject({ code: 'upstream_error' });
  });
});

describe('createEmbedder and settings', () => {
  it('fills every default', () => {
    expect(resolveRagSettings()).toEqual({
      embedder: 'local/hash-384',
      chunkTokens: 256,
      overlapTokens: 32,
      topK: 5,
      scoreFloor: 0.2,
      retrieval: 'hybrid',
      fusion: 'weighted',
      latent: true,
      rerank: true,
      maxChunks: 100_000,
      cacheTtlSeconds: 300,
      blocklist: [],
    });
  });

  it('refuses invalid settings', () => {
    expect(() => resolveRagSettings({ cacheTtlSeconds: 30 })).toThrow();
    expect(() => resolveRagSettings({ chunkTokens: 64, overlapTokens: 40 })).toThrow();
    expect(() => resolveRagSettings({ embedder: 'workers-ai/@cf/nope' })).toThrow();
    expect(() => resolveRagSettings({ retrieval: 'semantic' as 'hybrid' })).toThrow();
    expect(() => resolveRagSettings({ embedder: 'openai/text-embedding-3-small' })).toThrow();
    expect(
      resolveRagSettings({ embedder: 'openai/text-embedding-3-small', embedderDimensions: 1536 }).embedder,
    ).toBe('openai/text-embedding-3-small');
  });

  it('builds each kind of embedder, failing clearly when the environment lacks it', () => {
    expect(createEmbedder(resolveRagSettings({ embedder: 'local/hash-128' })).dimensions).toBe(128);
    const workersAi = resolveRagSettings({ embedder: 'workers-ai/@cf/baai/bge-base-en-v1.5' });
    expect(() => createEmbedder(workersAi)).toThrow(GatewayError);
    expect(createEmbedder(workersAi, { ai: { run: () => Promise.resolve({}) } }).id).toBe(
      'workers-ai/@cf/baai/bge-base-en-v1.5',
    );
    const openai = resolveRagSettings({
      embedder: 'openai/text-embedding-3-small',
      embedderDimensions: 1536,
    });
    expect(() => createEmbedder(openai)).toThrow(GatewayError);
    const built = createEmbedder(openai, {
      upstream: (name) => (name === 'openai' ? { baseUrl: 'https://api.openai.com/v1' } : undefined),
    });
    expect(built).toMatchObject({ id: 'openai/text-embedding-3-small', dimensions: 1536 });
  });
});
