import { createRoute, z } from '@hono/zod-openapi';
import type { GatewayApp } from '../../context.ts';
import { chatTurn } from '../../chat/engine.ts';
import { chatFrames, chatJson, decodeChat, metaOf, unexpectedFrame } from '../../codecs/native/codec.ts';
import { chatRequest, chatResponse } from '../../codecs/native/schema.ts';
import { SSE_HEADERS, sseBody } from '../../codecs/sse.ts';
import { scope } from '../../middleware/tenant/index.ts';
import { jsonBody } from '../../middleware/json-body/index.ts';
import { modelErrorResponses } from '../openapi.ts';

const chatRoute = createRoute({
  method: 'post',
  path: '/chat',
  tags: ['chat'],
  summary:
    "Chat with the tenant's model. Streams SSE events meta, delta, tool_call/tool_result, usage, citations, then done or error.",
  security: [{ bearer: [] }],
  middleware: [scope('chat'), jsonBody()] as const,
  request: { body: { required: true, content: { 'application/json': { schema: chatRequest } } } },
  responses: {
    200: {
      description:
        'With stream=true (default): text/event-stream of `meta`, `delta`*, `tool_call`/`tool_result` (with tools), `usage`, `citations` (with rag) and exactly one terminal `done` or `error`. With stream=false: one JSON object.',
      content: { 'application/json': { schema: chatResponse }, 'text/event-stream': { schema: z.string() } },
    },
    ...modelErrorResponses,
  },
});

/** authenticate (middleware) → decode → engine → encode. */
export function registerNativeChatRoutes(app: GatewayApp): void {
  app.openapi(chatRoute, async (c) => {
    const request = decodeChat(c.req.valid('json'));
    const turn = await chatTurn(c, request);
    const requestId = c.get('requestId');
    const meta = metaOf(turn, requestId);
    if (!request.stream) return c.json(chatJson(await turn.result(), meta), 200);
    return c.body(
      sseBody(chatFrames(turn, meta), {
        onCancel: turn.cancel,
        idleMs: turn.clientIdleMs,
        onUnexpected: () => unexpectedFrame(requestId),
      }),
      200,
      SSE_HEADERS,
    );
  });
}
