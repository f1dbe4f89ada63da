import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { GatewayError, isGatewayError, newId } from '@aigw/core';
import { responseStore } from '@aigw/sessions';
import type { GatewayApp, GatewayEnv } from '../../context.ts';
import { chatTurn } from '../../chat/engine.ts';
import { SSE_HEADERS, sseBody } from '../../codecs/sse.ts';
import { scope } from '../../middleware/tenant/index.ts';
import { jsonBody } from '../../middleware/json-body/index.ts';
import {
  RESPONSES_PARAM_NAMES,
  conversationItem,
  decodeRequest,
  resolveReferences,
  toChatMessages,
  type ConversationItem,
} from '../../codecs/responses/request.ts';
import { conversationAfter, finishedResponse, type ResponseBase } from '../../codecs/responses/response.ts';
import { createResponseRequest, responseObject, type ResponseObject } from '../../codecs/responses/schema.ts';
import { ResponseEventWriter, responseEvents } from '../../codecs/responses/stream.ts';
import { openAIErrors } from '../../codecs/openai-schema.ts';

const createResponseRoute = createRoute({
  method: 'post',
  path: '/v1/responses',
  tags: ['openai'],
  summary:
    'OpenAI Responses API: text and function tools, streaming and not, stored responses (docs/responses.md).',
  security: [{ bearer: [] }],
  middleware: [scope('chat'), jsonBody()] as const,
  request: { body: { required: true, content: { 'application/json': { schema: createResponseRequest } } } },
  responses: {
    200: {
      description: 'A response object, or with stream=true an SSE stream of typed response events.',
      content: {
        'application/json': { schema: responseObject },
        'text/event-stream': { schema: z.string() },
      },
    },
    ...openAIErrors,
  },
});

const responseParams = z.object({
  response_id: z
    .string()
    .max(128)
    .openapi({ param: { name: 'response_id', in: 'path' } }),
});

const getResponseRoute = createRoute({
  method: 'get',
  path: '/v1/responses/{response_id}',
  tags: ['openai'],
  summary: "A stored response. Another tenant's response is a 404, like a missing one.",
  security: [{ bearer: [] }],
  middleware: [scope('chat')] as const,
  request: { params: responseParams },
  responses: {
    200: { description: 'The response object.', content: { 'application/json': { schema: responseObject } } },
    ...openAIErrors,
  },
});

const deleteResponseRoute = createRoute({
  method: 'delete',
  path: '/v1/responses/{response_id}',
  tags: ['openai'],
  summary: 'Deletes a stored response.',
  security: [{ bearer: [] }],
  middleware: [scope('chat')] as const,
  request: { params: responseParams },
  responses: {
    200: {
      description: 'Deleted.',
      content: {
        'application/json': {
          schema: z.object({ id: z.string(), object: z.literal('response'), deleted: z.literal(true) }),
        },
      },
    },
    ...openAIErrors,
  },
});

const storedItems = z.array(
  z
    .string()
    .transform((text) => JSON.parse(text) as unknown)
    .pipe(conversationItem),
);

/** The tenant's stored response `id`; a missing (or another tenant's) one is a 404 naming `param`. */
function stored(c: Context<GatewayEnv>, id: string, param?: string) {
  return responseStore(c.env.RESPONSES, c.get('tenant').id, id, param);
}

async function conversationOf(
  c: Context<GatewayEnv>,
  id: string,
  param: string,
): Promise<ConversationItem[]> {
  try {
    return storedItems.parse((await stored(c, id, param).get()).items);
  } catch (error) {
    if (isGatewayError(error) && error.code === 'not_found') {
      throw new GatewayError('not_found', `No response with id "${id.slice(0, 80)}" exists.`, { param });
    }
    throw error;
  }
}

export function registerResponsesRoutes(app: GatewayApp): void {
  app.openapi(createResponseRoute, async (c) => {
    const request = decodeRequest(c.req.valid('json'));
    const tenant = c.get('tenant');
    // The conversation: the stored one this response continues, then this request's items.
    const previous =
      request.previousResponseId === undefined
        ? []
        : await conversationOf(c, request.previousResponseId, 'previous_response_id');
    const input = await resolveReferences(request.input, (id, param) => conversationOf(c, id, param));
    const conversation = [...previous, ...input];
    const turn = await chatTurn(c, {
      api: '/v1/responses',
      model: request.model,
      messages: toChatMessages(request.instructions, conversation),
      params: request.params,
      paramNames: RESPONSES_PARAM_NAMES,
      tools: { offered: request.tools },
      stream: request.stream,
    });
    const base: ResponseBase = {
      id: newId('resp'),
      createdAt: Math.floor(Date.now() / 1000),
      model: turn.modelId,
      request,
    };
    /** Keeps the response for GET and continuations (unless `store: false`). */
    const store = async (response: ResponseObject): Promise<GatewayError | undefined> => {
      if (!request.store) return undefined;
      try {
        await stored(c, base.id).put({
          response: JSON.stringify(response),
          items: conversationAfter(conversation, response.output).map((item) => JSON.stringify(item)),
          retentionDays: tenant.sessions.retentionDays,
        });
        return undefined;
      } catch (error) {
        return new GatewayError('internal', 'The response could not be stored.', { cause: error });
      }
    };

    if (!request.stream) {
      // A non-streamed answer that broke off is an error (thrown by `result`), never a response.
      const result = await turn.result();
      const response = finishedResponse(base, { ok: true, ...result });
      const storeError = await store(response);
      if (storeError) throw storeError;
      return c.json(response, 200);
    }

    const writer = new ResponseEventWriter();
    return c.body(
      sseBody(responseEvents(turn.events, base, writer, store), {
        onCancel: turn.cancel,
        idleMs: turn.clientIdleMs,
        onUnexpected: () =>
          writer.unexpected(new GatewayError('internal', 'The stream failed unexpectedly.')),
      }),
      200,
      SSE_HEADERS,
    );
  });

  app.openapi(getResponseRoute, async (c) => {
    const { response_id: id } = c.req.valid('param');
    const { response } = await stored(c, id).get();
    return c.json(JSON.parse(response) as ResponseObject, 200);
  });

  app.openapi(deleteResponseRoute, async (c) => {
    const { response_id: id } = c.req.valid('param');
    await stored(c, id).remove();
    return c.json({ id, object: 'response' as const, deleted: true as const }, 200);
  });
}
