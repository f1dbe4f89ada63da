import { createRoute, z } from '@hono/zod-openapi';
import { aliasTarget } from '@aigw/ai/settings';
import { GatewayError } from '@aigw/core';
import { hasScope, requireScope, type ApiKeyConfig, type TenantConfig } from '@aigw/tenancy';
import type { Context } from 'hono';
import type { GatewayApp, GatewayEnv } from '../../context.ts';
import { openAIErrors, openAIModel, openAIModelList } from '../../codecs/openai-schema.ts';

type OpenAIModel = z.infer<typeof openAIModel>;

const listRoute = createRoute({
  method: 'get',
  path: '/v1/models',
  tags: ['openai'],
  summary: 'Every model this key may use: the chat models (chat scope) and the embedder (search scope).',
  security: [{ bearer: [] }],
  responses: {
    200: { description: 'Model list', content: { 'application/json': { schema: openAIModelList } } },
    ...openAIErrors,
  },
});

/** Documented as OpenAI's `{model}`; served by a route whose parameter may contain `/` (see below). */
const retrieveRoute = createRoute({
  method: 'get',
  path: '/v1/models/{model}',
  tags: ['openai'],
  summary: 'One model this key may use, by id ("provider/model"; the slash may be sent as %2F).',
  security: [{ bearer: [] }],
  request: {
    params: z.object({
      model: z.string().openapi({ param: { name: 'model', in: 'path' }, example: 'local/echo-1' }),
    }),
  },
  responses: {
    200: { description: 'The model', content: { 'application/json': { schema: openAIModel } } },
    ...openAIErrors,
  },
});

/**
 * The models a key may call: the tenant's allow-list when it may chat, the tenant's embedder when
 * it may embed (`/v1/embeddings` needs `search`). A key with neither scope is refused like any
 * scoped route, so the list never names a model the key would then be refused.
 */
export function modelsFor(tenant: TenantConfig, key: ApiKeyConfig): OpenAIModel[] {
  if (!hasScope(key, 'chat') && !hasScope(key, 'search')) requireScope(key, 'chat');
  const ids = [
    ...(hasScope(key, 'chat') ? tenant.models.allowed : []),
    ...(hasScope(key, 'search') ? [tenant.rag.embedder] : []),
  ];
  const models: OpenAIModel[] = [...new Set(ids)].map((id) => ({
    id,
    object: 'model',
    // The gateway does not know when an upstream published a model; 0 says "unknown" in the
    // integer field OpenAI's schema requires, rather than inventing a date.
    created: 0,
    owned_by: id.slice(0, id.indexOf('/')),
  }));
  if (!hasScope(key, 'chat')) return models;
  // Names a client may send as `model` instead of a model id, with what they lead to.
  const named = (id: string, gateway: NonNullable<OpenAIModel['gateway']>): OpenAIModel => ({
    id,
    object: 'model',
    created: 0,
    owned_by: 'gateway',
    gateway,
  });
  for (const [id, alias] of Object.entries(tenant.models.aliases)) {
    const { model, fallbacks } = aliasTarget(alias);
    models.push(named(id, { kind: 'alias', resolvesTo: [model, ...fallbacks] }));
  }
  for (const [id, route] of Object.entries(tenant.routes)) {
    const resolvesTo = Object.values(route.nodes).flatMap((node) =>
      node.type === 'model' ? [node.model, ...node.fallbacks] : [],
    );
    models.push(named(id, { kind: 'route', resolvesTo: [...new Set(resolvesTo)], version: route.version }));
  }
  return models;
}

function retrieve(c: Context<GatewayEnv>) {
  // Hono decodes the parameter, so `local%2Fecho-1` (the openai SDK's encoding) and a literal
  // `local/echo-1` both arrive as the id.
  const id = c.req.param('model') ?? '';
  const model = modelsFor(c.get('tenant'), c.get('apiKey')).find((entry) => entry.id === id);
  if (model === undefined) {
    throw new GatewayError(
      'model_not_found',
      `The model "${id}" does not exist or this key may not use it.`,
      {
        param: 'model',
      },
    );
  }
  return c.json(model, 200);
}

export function registerModelRoutes(app: GatewayApp): void {
  app.openapi(listRoute, (c) => {
    const data = modelsFor(c.get('tenant'), c.get('apiKey'));
    return c.json({ object: 'list' as const, data }, 200);
  });
  // Model ids contain "/", which a `{model}` segment cannot match unencoded; Hono's regex
  // parameter takes the rest of the path. The OpenAPI document still describes `{model}`.
  app.openAPIRegistry.registerPath(retrieveRoute);
  app.get('/v1/models/:model{.+}', retrieve);
}
