import { createRoute, z } from '@hono/zod-openapi';
import type { GatewayApp } from '../../context.ts';
import { chatTurn } from '../../chat/engine.ts';
import {
  completionChunks,
  completionJson,
  completionMeta,
  decodeCompletion,
  errorChunk,
  unexpectedChunk,
} from '../../codecs/openai-chat.ts';
import { openAIChatRequest, openAIChatResponse, openAIErrors } from '../../codecs/openai-schema.ts';
import { sessionFromHeader } from '../../codecs/params.ts';
import { SSE_HEADERS, sseBody } from '../../codecs/sse.ts';
import { scope } from '../../middleware/tenant/index.ts';
import { jsonBody } from '../../middleware/json-body/index.ts';
import { registerModelRoutes } from './models.ts';

const completionsRoute = createRoute({
  method: 'post',
  path: '/v1/chat/completions',
  tags: ['openai'],
  summary: 'OpenAI-compatible chat completions (streaming and not).',
  security: [{ bearer: [] }],
  middleware: [scope('chat'), jsonBody()] as const,
  request: { body: { required: true, content: { 'application/json': { schema: openAIChatRequest } } } },
  responses: {
    200: {
      description:
        'A chat.completion object, or with stream=true an SSE stream of chat.completion.chunk and [DONE].',
      content: {
        'application/json': { schema: openAIChatResponse },
        'text/event-stream': { schema: z.string() },
      },
    },
    ...openAIErrors,
  },
});

/** authenticate (middleware) → decode → engine → encode. */
export function registerOpenAIRoutes(app: GatewayApp): void {
  registerModelRoutes(app);

  app.openapi(completionsRoute, async (c) => {
    const body = c.req.valid('json');
    // Stateless unless the client names a session: then the gateway supplies the history and
    // the request carries only the new user message (and optionally a system prompt).
    const request = decodeCompletion(body, sessionFromHeader(c.req.header('x-session-id')));
    const turn = await chatTurn(c, request);
    const meta = completionMeta(turn, c.get('requestId'));
    if (!request.stream) return c.json(completionJson(await turn.result(), meta), 200);

    const includeUsage = body.stream_options?.include_usage === true;
    // With usage asked for, the upstream's own chunk stream may be exactly what the client asked
    // for: the engine then hands its bytes over to relay (docs/chat.md, "Relayed streams").
    const relayed = includeUsage ? turn.relay(errorChunk) : undefined;
    if (relayed) return c.body(relayed, 200, SSE_HEADERS);
    return c.body(
      sseBody(completionChunks(turn, meta, includeUsage), {
        onCancel: turn.cancel,
        idleMs: turn.clientIdleMs,
        onUnexpected: unexpectedChunk,
      }),
      200,
      SSE_HEADERS,
    );
  });
}
