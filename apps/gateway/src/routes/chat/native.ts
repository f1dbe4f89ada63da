import { createRoute, z } from '@hono/zod-openapi';
import { sessionIdSchema } from '@aigw/sessions';
import type { GatewayApp } from '../../context.ts';

import { finishOf, type ChatOutcome, type ChatRun, type ToolOutcome } from '../../chat/chat-service.ts';
import { chatTools } from '../../chat/tools.ts';
import type { ToolCall } from '@aigw/ai';
import { beginSessionTurn, startTurn, type TurnRun } from '../../chat/session-turn.ts';
import { SSE_HEADERS, sseBody, sseFrame } from '../../chat/sse.ts';
import { scope } from '../../middleware/tenant/index.ts';
import { jsonBody } from '../../middleware/json-body/index.ts';
import { modelErrorResponses } from '../openapi.ts';
import { chatRagContext, citationsPayload } from '../../rag/chat-context.ts';
import type { Source } from '@aigw/rag';
import { checkJsonText } from '@aigw/core';
import { TOOL_ARGUMENT_LIMITS } from '@aigw/tools';

export const chatRequest = z
  .object({
    sessionId: sessionIdSchema
      .optional()
      .describe(
        'Store the turn in this session and send its history to the model (any new id starts one). Omitted: a stateless one-off message.',
      ),
    message: z.string().min(1).max(100_000).describe('The user message.'),
    model: z.string().min(3).optional().describe('"provider/model" from the tenant\'s allow-list.'),
    system: z.string().max(20_000).optional().describe('System prompt.'),
    stream: z
      .boolean()
      .default(true)
      .describe('Stream as server-sent events (default) or return one JSON object.'),
    rag: z
      .boolean()
      .default(false)
      .describe(
        "Ground the answer in the tenant's documents; a `citations` event lists the sources before `done`.",
      ),
    maxTokens: z.int().min(1).max(32_768).optional(),
    temperature: z.number().min(0).max(2).optional(),
    tools: z
      .array(z.string().min(1).max(64))
      .max(16)
      .optional()
      .describe(
        'Gateway tools the model may call (enabled for the tenant). The gateway runs them and streams `tool_call` and `tool_result` events.',
      ),
  })
  .strict()
  .openapi('ChatRequest');

const usageSchema = z.object({
  inputTokens: z.int(),
  outputTokens: z.int(),
  estimated: z.boolean().describe('True when the provider reported no usage and tokens were estimated.'),
  costUsd: z.number(),
  latencyMs: z.number(),
  ttftMs: z.number().nullable(),
});

export const chatResponse = z
  .object({
    requestId: z.string(),
    sessionId: z.string().nullable(),
    model: z.string(),
    provider: z.string(),
    text: z.string(),
    citations: z
      .array(
        z.object({
          n: z.int(),
          id: z.string(),
          documentId: z.string(),
          title: z.string().nullable(),
          url: z.string().nullable(),
          snippet: z.string(),
          score: z.number(),
          cited: z.boolean(),
        }),
      )
      .optional()
      .describe('With rag: every source the model was given, and whether the answer cites it.'),
    tools: z
      .array(
        z.object({
          id: z.string(),
          name: z.string(),
          ok: z.boolean(),
          result: z.unknown().optional(),
          error: z.object({ code: z.string(), message: z.string() }).optional(),
        }),
      )
      .optional()
      .describe('With tools: each tool the gateway ran for the model, in order.'),
    finishReason: z.enum(['stop', 'length', 'tool_calls', 'content_filter']),
    usage: usageSchema,
  })
  .openapi('ChatResponse');

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

export function registerNativeChatRoutes(app: GatewayApp): void {
  app.openapi(chatRoute, async (c) => {
    const body = c.req.valid('json');
    const requestId = c.get('requestId');
    const sessionId = body.sessionId ?? null;
    // Validated before the session is touched: an unknown tool takes no lock.
    const tools = chatTools(c, body.tools ?? []);
    const rag = body.rag ? await chatRagContext(c, body.message, body.system) : undefined;
    const system = rag?.system ?? body.system;
    const prompt = rag?.prompt ?? body.message;
    // Sessions are explicit: a one-off message (no sessionId) touches no session storage at all.
    const turn =
      sessionId === null
        ? undefined
        : await beginSessionTurn(c, { sessionId, message: body.message, prompt: rag?.prompt, system });
    const { run, settle, clientIdleMs } = await startTurn(
      c,
      turn,
      {
        httpRoute: '/chat',
        modelRoute: 'chat',
        requestedModel: body.model,
        messages: turn?.messages ?? [
          ...(system !== undefined ? [{ role: 'system' as const, content: system }] : []),
          { role: 'user' as const, content: prompt },
        ],
        maxTokens: body.maxTokens,
        temperature: body.temperature,
        tools: tools?.specs,
        stream: body.stream,
      },
      tools?.loop,
    );
    const meta = { requestId, sessionId, model: run.modelId, provider: run.providerName };

    if (!body.stream) {
      const toolSteps = await collectToolSteps(run);
      const { outcome, saveError } = await settle();
      if (saveError) throw saveError;
      return c.json(
        {
          ...meta,
          text: outcome.text,
          ...(rag ? { citations: citationsPayload(outcome.text, rag.sources).sources } : {}),
          ...(toolSteps.length > 0 ? { tools: toolSteps } : {}),
          finishReason: finishOf(outcome),
          usage: usageOf(outcome),
        },
        200,
      );
    }

    return c.body(
      sseBody(nativeFrames(run, settle, meta, requestId, rag?.sources), {
        onCancel: () => {
          run.cancel();
        },
        idleMs: clientIdleMs,
        onUnexpected: () =>
          sseFrame({ code: 'internal', message: 'The stream failed unexpectedly.', requestId }, 'error'),
      }),
      200,
      SSE_HEADERS,
    );
  });
}

async function* nativeFrames(
  run: ChatRun,
  settle: TurnRun['settle'],
  meta: Record<string, unknown>,
  requestId: string,
  sources: Source[] | undefined,
): AsyncIterable<string> {
  yield sseFrame(meta, 'meta');
  try {
    for await (const event of run.events) {
      if (event.type === 'delta') yield sseFrame({ text: event.text }, 'delta');
      else if (event.type === 'tool_call') yield sseFrame(toolCallPayload(event.call), 'tool_call');
      else if (event.type === 'tool_result')
        yield sseFrame(toolResultPayload(event.call, event.outcome), 'tool_result');
    }
  } catch {
    // Reported below from the outcome, after the usage of what was streamed.
  }
  const { outcome, saveError } = await settle();
  yield sseFrame(usageOf(outcome), 'usage');
  const failure = outcome.error ?? saveError;
  if (failure) {
    yield sseFrame({ code: failure.code, message: failure.message, requestId }, 'error');
    return;
  }
  if (sources) yield sseFrame(citationsPayload(outcome.text, sources), 'citations');
  yield sseFrame({ finishReason: finishOf(outcome) }, 'done');
}

function toolCallPayload(call: ToolCall) {
  let args: unknown = call.arguments;
  // A model's arguments past the JSON bounds stay the string it sent: parsed, they would be
  // written back out (JSON.stringify recurses) into the event and could overflow the stack.
  if (checkJsonText(call.arguments, TOOL_ARGUMENT_LIMITS) === undefined) {
    try {
      args = JSON.parse(call.arguments);
    } catch {
      // Shown as sent.
    }
  }
  return { id: call.id, name: call.name, arguments: args };
}

function toolResultPayload(call: ToolCall, outcome: ToolOutcome) {
  return outcome.ok
    ? { id: call.id, name: call.name, ok: true, result: outcome.result }
    : {
        id: call.id,
        name: call.name,
        ok: false,
        error: { code: outcome.error.code, message: outcome.error.message },
      };
}

/** Drains a non-streamed run, keeping its tool steps for the JSON answer. */
async function collectToolSteps(run: ChatRun): Promise<ReturnType<typeof toolResultPayload>[]> {
  const steps: ReturnType<typeof toolResultPayload>[] = [];
  for await (const event of run.events) {
    if (event.type === 'tool_result') steps.push(toolResultPayload(event.call, event.outcome));
  }
  return steps;
}

export function usageOf(outcome: ChatOutcome): z.infer<typeof usageSchema> {
  const { inputTokens, outputTokens, estimated, costUsd, latencyMs, ttftMs } = outcome.usage;
  return { inputTokens, outputTokens, estimated, costUsd, latencyMs, ttftMs };
}
