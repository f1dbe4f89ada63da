import { createRoute, z } from '@hono/zod-openapi';
import { GatewayError } from '@aigw/core';
import type { GatewayApp } from '../../context.ts';
import { chatTurn } from '../../chat/engine.ts';
import { sessionFromHeader } from '../../codecs/params.ts';
import { SSE_HEADERS, sseBody } from '../../codecs/sse.ts';
import { scope } from '../../middleware/tenant/index.ts';
import { jsonBody } from '../../middleware/json-body/index.ts';
import {
  anthropicErrorSchema,
  decodeMessages,
  encodeMessage,
  encodeMessageEvents,
  errorFrame,
  messagesRequest,
  messagesResponse,
} from '../../codecs/messages/index.ts';

const anthropicErrors = Object.fromEntries(
  [400, 401, 403, 404, 409, 413, 429, 500, 502, 503, 504].map((status) => [
    status,
    {
      description: 'Anthropic-shaped error',
      content: { 'application/json': { schema: anthropicErrorSchema } },
    },
  ]),
);

const messagesRoute = createRoute({
  method: 'post',
  path: '/v1/messages',
  tags: ['anthropic'],
  summary: 'Anthropic-compatible Messages API (streaming and not). Keys in x-api-key or Authorization.',
  security: [{ bearer: [] }],
  middleware: [scope('chat'), jsonBody()] as const,
  request: { body: { required: true, content: { 'application/json': { schema: messagesRequest } } } },
  responses: {
    200: {
      description:
        'A message object, or with stream=true an SSE stream: message_start, ping, content_block_start/delta/stop per block, message_delta, then message_stop (or one error event).',
      content: {
        'application/json': { schema: messagesResponse },
        'text/event-stream': { schema: z.string() },
      },
    },
    ...anthropicErrors,
  },
});

/** authenticate (middleware) → decode → engine → encode; no turn logic of its own. */
export function registerMessagesRoutes(app: GatewayApp): void {
  app.openapi(messagesRoute, async (c) => {
    const requestId = c.get('requestId');
    // Anthropic SDKs read the request id from this header (`_request_id`, `error.requestID`).
    c.header('request-id', requestId);
    const request = decodeMessages(c.req.valid('json'), sessionFromHeader(c.req.header('x-session-id')));
    const turn = await chatTurn(c, request);
    // The message id names the request, so a client's log and the gateway's meet on one id.
    const meta = { id: `msg_${requestId.replace(/^req_/, '')}`, model: turn.modelId, requestId };
    if (!request.stream) return c.json(encodeMessage(await turn.result(), meta), 200);
    return c.body(
      sseBody(encodeMessageEvents(turn.events, meta), {
        onCancel: turn.cancel,
        idleMs: turn.clientIdleMs,
        onUnexpected: () =>
          errorFrame(new GatewayError('internal', 'The stream failed unexpectedly.'), requestId),
      }),
      200,
      SSE_HEADERS,
    );
  });
}
