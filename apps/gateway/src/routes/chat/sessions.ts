import { createRoute, z } from '@hono/zod-openapi';
import { sessionIdSchema, sessionStub } from '@aigw/sessions';
import type { GatewayApp } from '../../context.ts';
import { scope } from '../../middleware/tenant/index.ts';
import { errorResponses } from '../openapi.ts';

const sessionParams = z.object({
  sessionId: sessionIdSchema.openapi({ param: { name: 'sessionId', in: 'path' } }),
});

const storedMessage = z.object({
  id: z.int(),
  role: z.enum(['system', 'user', 'assistant', 'tool']),
  content: z.string(),
  tokens: z.int(),
  model: z.string().nullable(),
  requestId: z.string(),
  createdAt: z.string(),
  status: z.enum(['complete', 'incomplete', 'error']),
});

const historyRoute = createRoute({
  method: 'get',
  path: '/chat/{sessionId}/history',
  tags: ['chat'],
  summary: "A session's messages, oldest first, paginated. Another tenant's session is a 404.",
  security: [{ bearer: [] }],
  middleware: [scope('chat')] as const,
  request: {
    params: sessionParams,
    query: z.object({
      limit: z.coerce.number().int().min(1).max(200).default(50),
      cursor: z.string().max(200).optional(),
    }),
  },
  responses: {
    200: {
      description: 'One page of history; pass `nextCursor` back as `cursor` for the next.',
      content: {
        'application/json': {
          schema: z.object({
            sessionId: z.string(),
            messages: z.array(storedMessage),
            nextCursor: z.string().nullable(),
          }),
        },
      },
    },
    404: { description: 'not_found', content: errorResponses[400].content },
    ...errorResponses,
  },
});

const deleteRoute = createRoute({
  method: 'delete',
  path: '/chat/{sessionId}',
  tags: ['chat'],
  summary: 'Deletes a session and everything in it. Idempotent.',
  security: [{ bearer: [] }],
  middleware: [scope('chat')] as const,
  request: { params: sessionParams },
  responses: {
    200: {
      description: 'Deleted (or there was nothing to delete).',
      content: {
        'application/json': { schema: z.object({ sessionId: z.string(), deleted: z.literal(true) }) },
      },
    },
    ...errorResponses,
  },
});

export function registerSessionRoutes(app: GatewayApp): void {
  app.openapi(historyRoute, async (c) => {
    const { sessionId } = c.req.valid('param');
    const { limit, cursor } = c.req.valid('query');
    const page = await sessionStub(c.env.SESSIONS, c.get('tenant').id, sessionId).history({ limit, cursor });
    return c.json({ sessionId, messages: page.messages, nextCursor: page.nextCursor }, 200);
  });

  app.openapi(deleteRoute, async (c) => {
    const { sessionId } = c.req.valid('param');
    await sessionStub(c.env.SESSIONS, c.get('tenant').id, sessionId).clear();
    return c.json({ sessionId, deleted: true as const }, 200);
  });
}
