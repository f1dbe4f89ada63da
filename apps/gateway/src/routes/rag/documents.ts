import { createRoute, z } from '@hono/zod-openapi';
import {
  deleteDocument,
  documentRecordSchema,
  getDocument,
  ingestDocumentSchema,
  ingestDocuments,
  listDocuments,
} from '@aigw/rag';
import type { GatewayApp } from '../../context.ts';
import { guardDocuments, guardOf } from '../../guardrails/index.ts';
import { feature, scope } from '../../middleware/tenant/index.ts';
import { jsonBody } from '../../middleware/json-body/index.ts';
import { ragDeps, scopeOf } from '../../rag/deps.ts';
import { errorResponses } from '../openapi.ts';

/** Every document route needs the ingest scope and the rag feature. */
const guard = () => [scope('ingest'), feature('rag')];

const ingestRoute = createRoute({
  method: 'post',
  path: '/ingest',
  tags: ['rag'],
  summary: "Adds or replaces documents in the tenant's corpus. Unchanged documents are skipped.",
  security: [{ bearer: [] }],
  middleware: [...guard(), jsonBody()],
  request: {
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z
            .object({ documents: z.array(ingestDocumentSchema).min(1).max(100) })
            .openapi('IngestRequest'),
        },
      },
    },
  },
  responses: {
    200: {
      description: 'What happened to each document, and the corpus version after the change.',
      content: {
        'application/json': {
          schema: z
            .object({
              added: z.array(z.string()),
              updated: z.array(z.string()),
              unchanged: z.array(z.string()),
              failed: z.array(z.object({ id: z.string(), code: z.string(), message: z.string() })),
              chunks: z.int(),
              corpusVersion: z.int(),
            })
            .openapi('IngestResult'),
        },
      },
    },
    ...errorResponses,
  },
});

const docParams = z.object({
  id: z
    .string()
    .min(1)
    .max(256)
    .openapi({ param: { name: 'id', in: 'path' } }),
});

const listRoute = createRoute({
  method: 'get',
  path: '/documents',
  tags: ['rag'],
  summary: "The tenant's documents, paginated by id.",
  security: [{ bearer: [] }],
  middleware: guard(),
  request: {
    query: z.object({
      limit: z.coerce.number().int().min(1).max(200).default(50),
      after: z.string().max(256).optional(),
    }),
  },
  responses: {
    200: {
      description: 'One page of documents; pass `nextCursor` back as `after`.',
      content: {
        'application/json': {
          schema: z.object({ documents: z.array(documentRecordSchema), nextCursor: z.string().nullable() }),
        },
      },
    },
    ...errorResponses,
  },
});

const getRoute = createRoute({
  method: 'get',
  path: '/documents/{id}',
  tags: ['rag'],
  summary: 'One document: metadata, content hash and chunk ids.',
  security: [{ bearer: [] }],
  middleware: guard(),
  request: { params: docParams },
  responses: {
    200: { description: 'The document.', content: { 'application/json': { schema: documentRecordSchema } } },
    404: { description: 'not_found', content: errorResponses[400].content },
    ...errorResponses,
  },
});

const deleteRoute = createRoute({
  method: 'delete',
  path: '/documents/{id}',
  tags: ['rag'],
  summary: 'Deletes a document and its vectors; bumps the corpus version.',
  security: [{ bearer: [] }],
  middleware: guard(),
  request: { params: docParams },
  responses: {
    200: {
      description: 'Deleted.',
      content: {
        'application/json': { schema: z.object({ id: z.string(), chunks: z.int(), corpusVersion: z.int() }) },
      },
    },
    404: { description: 'not_found', content: errorResponses[400].content },
    ...errorResponses,
  },
});

export function registerDocumentRoutes(app: GatewayApp): void {
  app.openapi(ingestRoute, async (c) => {
    // The tenant's ingest rules first: redacted text is what is chunked, embedded and stored.
    const guarded = await guardDocuments(guardOf(c, 'ingest'), c.req.valid('json').documents);
    const result = await ingestDocuments(ragDeps(c), scopeOf(c), guarded.docs);
    return c.json({ ...result, failed: [...guarded.failed, ...result.failed] }, 200);
  });

  app.openapi(listRoute, async (c) => {
    const { limit, after } = c.req.valid('query');
    const page = await listDocuments(ragDeps(c), scopeOf(c), {
      limit,
      ...(after !== undefined ? { after } : {}),
    });
    return c.json(page, 200);
  });

  app.openapi(getRoute, async (c) =>
    c.json(await getDocument(ragDeps(c), scopeOf(c), c.req.valid('param').id), 200),
  );

  app.openapi(deleteRoute, async (c) =>
    c.json(await deleteDocument(ragDeps(c), scopeOf(c), c.req.valid('param').id), 200),
  );
}
