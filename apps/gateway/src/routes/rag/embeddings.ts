import { createRoute, z } from '@hono/zod-openapi';
import { GatewayError } from '@aigw/core';
import { estimateTokens } from '@aigw/ai';
import type { GatewayApp } from '../../context.ts';
import { scope } from '../../middleware/tenant/index.ts';
import { jsonBody } from '../../middleware/json-body/index.ts';
import { ragDeps } from '../../rag/deps.ts';
import { openAIErrorSchema } from '../../codecs/openai-schema.ts';

const embeddingsRequest = z
  .object({
    input: z.union([z.string().min(1), z.array(z.string().min(1)).min(1).max(256)]),
    model: z.string().optional().describe("The tenant's embedder id (rag.embedder); omit to use it."),
    encoding_format: z.enum(['float', 'base64']).default('float'),
    dimensions: z.int().optional(),
  })
  .loose()
  .openapi('EmbeddingsRequest');

const embeddingsResponse = z
  .object({
    object: z.literal('list'),
    data: z.array(
      z.object({
        object: z.literal('embedding'),
        index: z.int(),
        embedding: z.union([z.array(z.number()), z.string()]),
      }),
    ),
    model: z.string(),
    usage: z.object({ prompt_tokens: z.int(), total_tokens: z.int() }),
  })
  .openapi('EmbeddingsResponse');

const route = createRoute({
  method: 'post',
  path: '/v1/embeddings',
  tags: ['openai'],
  summary: "OpenAI-compatible embeddings from the tenant's embedder.",
  security: [{ bearer: [] }],
  middleware: [scope('search'), jsonBody()],
  request: { body: { required: true, content: { 'application/json': { schema: embeddingsRequest } } } },
  responses: {
    200: {
      description: 'Embeddings, as floats or base64 little-endian float32.',
      content: { 'application/json': { schema: embeddingsResponse } },
    },
    400: {
      description: 'OpenAI-shaped error',
      content: { 'application/json': { schema: openAIErrorSchema } },
    },
  },
});

export function registerEmbeddingRoutes(app: GatewayApp): void {
  app.openapi(route, async (c) => {
    const body = c.req.valid('json');
    const { embedder } = ragDeps(c);
    if (body.model !== undefined && body.model !== embedder.id) {
      throw new GatewayError('model_not_allowed', `This tenant embeds with "${embedder.id}".`, {
        param: 'model',
        details: { model: body.model, allowed: [embedder.id] },
      });
    }
    if (body.dimensions !== undefined && body.dimensions !== embedder.dimensions) {
      throw new GatewayError(
        'invalid_request',
        `The embedder "${embedder.id}" has ${embedder.dimensions} dimensions.`,
        {
          param: 'dimensions',
        },
      );
    }
    const inputs = typeof body.input === 'string' ? [body.input] : body.input;
    const vectors = await embedder.embed(inputs);
    const tokens = inputs.reduce((sum, text) => sum + estimateTokens(text), 0);
    return c.json(
      {
        object: 'list' as const,
        data: vectors.map((vector, index) => ({
          object: 'embedding' as const,
          index,
          embedding: body.encoding_format === 'base64' ? toBase64(vector) : vector,
        })),
        model: embedder.id,
        usage: { prompt_tokens: tokens, total_tokens: tokens },
      },
      200,
    );
  });
}

/** OpenAI's base64 encoding: the little-endian float32 bytes of the vector. */
function toBase64(vector: number[]): string {
  const bytes = new Uint8Array(new Float32Array(vector).buffer);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}
