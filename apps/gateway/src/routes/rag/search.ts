import { createRoute, z } from '@hono/zod-openapi';
import { metadataFilterSchema } from '@aigw/rag';
import type { GatewayApp } from '../../context.ts';
import { feature, scope } from '../../middleware/tenant/index.ts';
import { jsonBody } from '../../middleware/json-body/index.ts';
import { searchAnswer } from '../../rag/search.ts';
import { errorResponses } from '../openapi.ts';

const searchRequest = z
  .object({
    query: z.string().trim().min(1).max(4000),
    topK: z
      .int()
      .min(1)
      .max(100)
      .optional()
      .describe("Passages to retrieve; clamped to 20 (Vectorize's limit with metadata)."),
    filter: metadataFilterSchema
      .optional()
      .describe(
        'Metadata filter ($eq $ne $in $nin $lt $lte $gt $gte) on your document metadata, documentId or source.',
      ),
  })
  .strict()
  .openapi('SearchRequest');

const searchResponse = z
  .object({
    answer: z.string().describe('Cites its sources as [1], [2], … which index `sources` (1-based).'),
    sources: z.array(
      z.object({
        id: z.string(),
        documentId: z.string(),
        title: z.string().nullable(),
        url: z.string().nullable(),
        snippet: z.string(),
        score: z.number(),
      }),
    ),
    confidence: z.number().min(0).max(1).describe('See docs/search.md for the formula.'),
    followUps: z.array(z.string()),
    cached: z.boolean(),
    usage: z.object({
      model: z.string(),
      inputTokens: z.int(),
      outputTokens: z.int(),
      costUsd: z.number(),
      estimated: z.boolean(),
    }),
  })
  .openapi('SearchResponse');

const searchRoute = createRoute({
  method: 'post',
  path: '/search',
  tags: ['rag'],
  summary: "A grounded answer from the tenant's documents, with citations. Cached per corpus version.",
  security: [{ bearer: [] }],
  middleware: [scope('search'), feature('rag'), jsonBody()],
  request: { body: { required: true, content: { 'application/json': { schema: searchRequest } } } },
  responses: {
    200: {
      description: 'The answer. Header `x-cache: HIT|MISS` reports the cache.',
      content: { 'application/json': { schema: searchResponse } },
    },
    ...errorResponses,
  },
});

export function registerSearchRoutes(app: GatewayApp): void {
  app.openapi(searchRoute, async (c) => c.json(await searchAnswer(c, c.req.valid('json')), 200));
}
