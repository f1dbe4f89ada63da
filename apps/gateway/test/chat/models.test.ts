import { env, exports } from 'cloudflare:workers';
import { Validator, type Schema } from '@cfworker/json-schema';
import { compileRegistry, hashApiKey, TenantRegistry, type TenantConfigInput } from '@aigw/tenancy';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import openAISchemas from '../fixtures/openai/models.schema.json' with { type: 'json' };

/** Validates a body against one of OpenAI's own schemas (the committed fixture from its spec). */
function conforms(name: 'ListModelsResponse' | 'Model' | 'ErrorResponse', body: unknown): string[] {
  const schema = { ...openAISchemas, $ref: `#/$defs/${name}` } as Schema;
  const result = new Validator(schema, '2020-12', false).validate(body);
  return result.errors.map((error) => `${error.instanceLocation}: ${error.error}`);
}

const KEYS = {
  a: 'gwk_test_models_a_full',
  aChat: 'gwk_test_models_a_chat',
  aSearch: 'gwk_test_models_a_search',
  aTools: 'gwk_test_models_a_tools',
  b: 'gwk_test_models_b_full',
} as const;

async function key(id: string, plaintext: string, scopes: TenantConfigInput['apiKeys'][number]['scopes']) {
  return { id, hash: await hashApiKey(plaintext), scopes, label: id, createdAt: '2026-01-01T00:00:00Z' };
}

/** Two tenants with different chat models and embedders, and keys with different scopes. */
async function modelsApp() {
  const configs: TenantConfigInput[] = [
    {
      id: 'models-a',
      name: 'Models A',
      environments: ['development'],
      apiKeys: [
        await key('a-full', KEYS.a, ['chat', 'search']),
        await key('a-chat', KEYS.aChat, ['chat']),
        await key('a-search', KEYS.aSearch, ['search']),
        await key('a-tools', KEYS.aTools, ['tools']),
      ],
      models: {
        chat: 'local/echo-1',
        allowed: ['local/echo-1', 'workers-ai/@cf/meta/llama-3.1-8b-instruct'],
      },
      rag: { embedder: 'local/hash-384' },
    },
    {
      id: 'models-b',
      name: 'Models B',
      environments: ['development'],
      apiKeys: [await key('b-full', KEYS.b, ['chat', 'search'])],
      providers: { secret: { type: 'openai-compatible', baseUrl: 'http://b.test/v1' } },
      models: { chat: 'secret/b-only', allowed: ['secret/b-only'] },
      rag: { embedder: 'local/hash-64' },
    },
  ];
  const result = compileRegistry(
    configs.map((data) => ({ file: `tenants/${data.id}/tenant.config.json`, data })),
    'development',
  );
  if (!result.success) throw new Error(JSON.stringify(result.issues));
  const app = createApp({ registry: new TenantRegistry(result.registry) });
  return (request: Request) => app.fetch(request, env);
}

function client(apiKey: string, fetchImpl: (request: Request) => Promise<Response> | Response) {
  return new OpenAI({
    apiKey,
    baseURL: 'http://127.0.0.1:8787/v1',
    maxRetries: 0,
    fetch: (input: RequestInfo | URL, init?: RequestInit) =>
      Promise.resolve(fetchImpl(new Request(input, init))),
  });
}

const worker = (request: Request) => exports.default.fetch(request);

describe('GET /v1/models', () => {
  it("lists the demo tenant's chat models, its embedder, its alias and its route in OpenAI's ListModelsResponse shape", async () => {
    const res = await worker(
      new Request('http://127.0.0.1:8787/v1/models', { headers: { authorization: 'Bearer gwk_demo_acme' } }),
    );
    expect(res.status).toBe(200);
    const body = await res.json<{ data: { id: string; owned_by: string; gateway?: unknown }[] }>();
    expect(conforms('ListModelsResponse', body)).toEqual([]);
    expect(body.data.map((model) => model.id)).toEqual([
      'local/echo-1',
      'local/echo-2',
      'local/hash-384',
      'default',
      'demo-ab',
    ]);
    expect(body.data.slice(0, 3).every((model) => model.owned_by === 'local')).toBe(true);
    // An alias and a route say what they lead to.
    expect(body.data[3]).toMatchObject({
      owned_by: 'gateway',
      gateway: { kind: 'alias', resolvesTo: ['local/echo-1'] },
    });
    expect(body.data[4]).toMatchObject({
      owned_by: 'gateway',
      gateway: { kind: 'route', version: 1, resolvesTo: ['local/echo-1', 'local/echo-2'] },
    });
  });

  it('lists what each key may use: chat models for chat, the embedder for search', async () => {
    const fetchApp = await modelsApp();
    const ids = async (apiKey: string) =>
      (await client(apiKey, fetchApp).models.list()).data.map((m) => m.id);
    expect(await ids(KEYS.a)).toEqual([
      'local/echo-1',
      'workers-ai/@cf/meta/llama-3.1-8b-instruct',
      'local/hash-384',
    ]);
    expect(await ids(KEYS.aChat)).toEqual(['local/echo-1', 'workers-ai/@cf/meta/llama-3.1-8b-instruct']);
    expect(await ids(KEYS.aSearch)).toEqual(['local/hash-384']);
    expect(await ids(KEYS.b)).toEqual(['secret/b-only', 'local/hash-64']);
    await expect(client(KEYS.aTools, fetchApp).models.list()).rejects.toBeInstanceOf(
      OpenAI.PermissionDeniedError,
    );
  });
});

describe('GET /v1/models/{model}', () => {
  it("retrieves a model through the openai SDK (which sends the slash as %2F) in OpenAI's Model shape", async () => {
    const seen: string[] = [];
    const sdk = client('gwk_demo_acme', (request) => {
      seen.push(new URL(request.url).pathname);
      return worker(request);
    });
    const chat = await sdk.models.retrieve('local/echo-1');
    expect(chat).toMatchObject({ id: 'local/echo-1', object: 'model', owned_by: 'local' });
    expect(conforms('Model', chat)).toEqual([]);
    // The fixture is strict enough to fail: a model without `created` and `owned_by` is refused.
    expect(conforms('Model', { id: 'local/echo-1', object: 'model' })).not.toEqual([]);
    const embedder = await sdk.models.retrieve('local/hash-384');
    expect(embedder.id).toBe('local/hash-384');
    expect(seen).toEqual(['/v1/models/local%2Fecho-1', '/v1/models/local%2Fhash-384']);
  });

  it('retrieves a model named with a literal slash (curl), including ids with more slashes', async () => {
    const fetchApp = await modelsApp();
    const get = (path: string) =>
      fetchApp(new Request(`http://gw.test${path}`, { headers: { authorization: `Bearer ${KEYS.a}` } }));
    const res = await get('/v1/models/local/echo-1');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: 'local/echo-1', object: 'model', created: 0, owned_by: 'local' });
    const workersAi = await get('/v1/models/workers-ai/@cf/meta/llama-3.1-8b-instruct');
    expect(workersAi.status).toBe(200);
    expect(await workersAi.json()).toMatchObject({ owned_by: 'workers-ai' });
  });

  it("answers 404 model_not_found in OpenAI's error shape for unknown models and another tenant's", async () => {
    const fetchApp = await modelsApp();
    for (const model of ['openai/gpt-9', 'secret/b-only', 'local/hash-64', 'local']) {
      const res = await fetchApp(
        new Request(`http://gw.test/v1/models/${encodeURIComponent(model)}`, {
          headers: { authorization: `Bearer ${KEYS.a}` },
        }),
      );
      expect(res.status, model).toBe(404);
      const body = await res.json<{ error: { code: string; param: string | null } }>();
      expect(conforms('ErrorResponse', body)).toEqual([]);
      expect(body.error).toMatchObject({ code: 'model_not_found', param: 'model' });
      expect(res.headers.get('x-request-id')).toMatch(/^req_/);
    }
    // Tenant B sees its own model, so the 404 above is the tenant boundary, not a missing model.
    expect((await client(KEYS.b, fetchApp).models.retrieve('secret/b-only')).id).toBe('secret/b-only');
    const error = await client(KEYS.aChat, fetchApp)
      .models.retrieve('local/hash-384')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect((error as InstanceType<typeof OpenAI.NotFoundError>).code).toBe('model_not_found');
  });
});
