import { createRoute, z } from '@hono/zod-openapi';
import { GatewayError } from '@aigw/core';
import type { ChatMessage } from '@aigw/ai';
import { sessionIdSchema } from '@aigw/sessions';
import type { GatewayApp } from '../../context.ts';
import { drain, finishOf, unfinishedError } from '../../chat/chat-service.ts';
import { beginSessionTurn, startTurn } from '../../chat/session-turn.ts';
import { chatTools, splitClientTools } from '../../chat/tools.ts';
import { SSE_HEADERS, sseBody } from '../../chat/sse.ts';
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
  type SettledRun,
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
    const decoded = decodeMessages(c.req.valid('json'));
    // Tools named like an enabled gateway tool run in the gateway; the rest are the client's.
    const split = splitClientTools(c, decoded.tools);
    const tools = chatTools(c, split.gatewayNames, split.clientTools);
    const sessionHeader = c.req.header('x-session-id');
    const turn =
      sessionHeader === undefined
        ? undefined
        : await beginSessionTurn(c, sessionTurnInput(sessionHeader, decoded.messages));
    const { run, settle, clientIdleMs } = await startTurn(
      c,
      turn,
      {
        httpRoute: '/v1/messages',
        modelRoute: 'chat',
        requestedModel: decoded.requestedModel,
        messages: turn?.messages ?? decoded.messages,
        maxTokens: decoded.maxTokens,
        temperature: decoded.temperature,
        tools: tools?.specs,
        stream: decoded.stream,
      },
      tools?.loop,
    );
    if (turn) c.header('x-session-id', turn.sessionId);
    // The message id names the request, so a client's log and the gateway's meet on one id.
    const meta = { id: `msg_${requestId.replace(/^req_/, '')}`, model: run.modelId, requestId };

    if (!decoded.stream) {
      await drain(run);
      const { outcome, saveError } = await settle();
      if (saveError) throw saveError;
      return c.json(encodeMessage(outcome, finishOf(outcome), meta), 200);
    }

    const settled = async (): Promise<SettledRun> => {
      const { outcome, saveError } = await settle();
      const failure = outcome.error ?? (outcome.finishReason === undefined ? unfinishedError() : saveError);
      return { outcome, failure };
    };
    return c.body(
      sseBody(encodeMessageEvents(run.events, settled, meta), {
        onCancel: () => {
          run.cancel();
        },
        idleMs: clientIdleMs,
        onUnexpected: () =>
          errorFrame(new GatewayError('internal', 'The stream failed unexpectedly.'), requestId),
      }),
      200,
      SSE_HEADERS,
    );
  });
}

/**
 * With `x-session-id` the gateway supplies the history: the request carries the new user message
 * (text only) and optionally the system prompt, as on /v1/chat/completions.
 */
function sessionTurnInput(sessionId: string, messages: ChatMessage[]) {
  const parsed = sessionIdSchema.safeParse(sessionId);
  if (!parsed.success) {
    throw new GatewayError(
      'invalid_request',
      `x-session-id: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
      { param: 'x-session-id' },
    );
  }
  const last = messages.at(-1);
  if (last?.role !== 'user') {
    throw new GatewayError(
      'invalid_request',
      'With x-session-id the last message must be the new user message, with text.',
      { param: 'messages' },
    );
  }
  const system = messages.find((message) => message.role === 'system')?.content;
  return { sessionId: parsed.data, message: last.content, system };
}
