import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { ragApp } from '../support/rag-app.ts';

describe('/v1/embeddings', () => {
  it("serves the tenant's embedder to the openai client (base64 by default) and as floats", async () => {
    const { app, ids, env } = await ragApp();
    const client = new OpenAI({
      apiKey: `gwk_${ids.a}`,
      baseURL: 'http://127.0.0.1:8787/v1',
      maxRetries: 0,
      fetch: (input: RequestInfo | URL, init?: RequestInit) =>
        Promise.resolve(app.fetch(new Request(input, init), env)),
    });
    const viaSdk = await client.embeddings.create({
      model: 'local/hash-384',
      input: ['refund policy', 'shipping times'],
    });
    expect(viaSdk.model).toBe('local/hash-384');
    expect(viaSdk.data).toHaveLength(2);
    const vector = viaSdk.data[0]?.embedding ?? [];
    expect(vector).toHaveLength(384);
    const norm = Math.sqrt(vector.reduce((sum, x) => sum + x * x, 0));
    expect(norm).toBeCloseTo(1, 4);

    const floats = await client.embeddings.create({
      model: 'local/hash-384',
      input: 'refund policy',
      encoding_format: 'float',
    });
    // base64 float32 and JSON floats agree to float32 precision.
    floats.data[0]?.embedding.forEach((x, i) => {
      expect(x).toBeCloseTo(vector[i] ?? Number.NaN, 5);
    });
  });

  it('refuses another embedding model with model_not_allowed', async () => {
    const { call, ids } = await ragApp();
    const res = await call(ids.a, 'POST', '/v1/embeddings', {
      model: 'openai/text-embedding-3-small',
      input: 'x',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'model_not_allowed', param: 'model' } });
  });
});
