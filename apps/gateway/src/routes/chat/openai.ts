import { createRoute, z } from '@hono/zod-openapi';
import { GatewayError } from '@aigw/core';
import type { ChatMessage, ToolCall } from '@aigw/ai';
import type { GatewayApp } from '../../context.ts';
import { drain, finishOf, unfinishedError, type ChatRun } from '../../chat/chat-service.ts';
import { beginSessionTurn, startTurn, type TurnRun } from '../../chat/session-turn.ts';
import { SSE_HEADERS, sseBody, sseFrame } from '../../chat/sse.ts';
import { offeredTools } from './offered-tools.ts';
import { scope } from '../../middleware/tenant/index.ts';
import { jsonBody } from '../../middleware/json-body/index.ts';
import { registerModelRoutes } from './models.ts';
import {
  openAIChatRequest,
  openAIChatResponse,
  openAIErrors,
  type OpenAIChatRequest,
} from './openai-schema.ts';
import { toOpenAIErrorBody } from '@aigw/core';
import { sessionIdSchema } from '@aigw/sessions';

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

export function registerOpenAIRoutes(app: GatewayApp): void {
  registerModelRoutes(app);

  app.openapi(completionsRoute, async (c) => {
    const body = c.req.valid('json');
    const messages = toChatMessages(body.messages);
    // Stateless unless the client names a session: then the gateway supplies the history and
    // the request carries only the new user message (and optionally a system prompt).
    const offered = (body.tools ?? []).map((tool) => ({
      name: tool.function.name,
      description: tool.function.description ?? '',
      parameters: tool.function.parameters ?? { type: 'object', properties: {} },
    }));
    const tools = offeredTools(c, offered);
    const sessionHeader = c.req.header('x-session-id');
    const turn =
      sessionHeader === undefined
        ? undefined
        : await beginSessionTurn(c, sessionTurnInput(sessionHeader, messages));
    const { run, settle, clientIdleMs } = await startTurn(
      c,
      turn,
      {
        httpRoute: '/v1/chat/completions',
        modelRoute: 'chat',
        requestedModel: body.model,
        messages: turn?.messages ?? messages,
        maxTokens: body.max_completion_tokens ?? body.max_tokens ?? undefined,
        temperature: body.temperature ?? undefined,
        tools: tools?.specs,
        stream: body.stream,
      },
      tools?.loop,
    );
    if (turn) c.header('x-session-id', turn.sessionId);
    const id = `chatcmpl-${c.get('requestId')}`;
    const created = Math.floor(Date.now() / 1000);

    if (!body.stream) {
      await drain(run);
      const { outcome, saveError } = await settle();
      if (saveError) throw saveError;
      const finishReason = finishOf(outcome);
      const { inputTokens, outputTokens } = outcome.usage;
      return c.json(
        {
          id,
          object: 'chat.completion' as const,
          created,
          model: run.modelId,
          choices: [
            {
              index: 0,
              message: {
                role: 'assistant' as const,
                content: outcome.text === '' && outcome.toolCalls.length > 0 ? null : outcome.text,
                refusal: null,
                ...(outcome.toolCalls.length > 0 ? { tool_calls: outcome.toolCalls.map(wireToolCall) } : {}),
              },
              finish_reason: finishReason,
              logprobs: null,
            },
          ],
          usage: {
            prompt_tokens: inputTokens,
            completion_tokens: outputTokens,
            total_tokens: inputTokens + outputTokens,
          },
        },
        200,
      );
    }

    const includeUsage = body.stream_options?.include_usage === true;
    // With usage asked for and no session to write, the upstream's own chunk stream is exactly
    // what the client asked for: relay its bytes (docs/chat.md, "Relayed streams").
    const relayed =
      includeUsage && turn === undefined
        ? run.relay((error) => sseFrame(toOpenAIErrorBody(error)))
        : undefined;
    if (relayed) return c.body(relayed, 200, SSE_HEADERS);
    return c.body(
      sseBody(chunkFrames(run, settle, { id, created, includeUsage }), {
        onCancel: () => {
          run.cancel();
        },
        idleMs: clientIdleMs,
        onUnexpected: () =>
          sseFrame(toOpenAIErrorBody(new GatewayError('internal', 'The stream failed unexpectedly.'))),
      }),
      200,
      SSE_HEADERS,
    );
  });
}

function wireToolCall(call: ToolCall) {
  return { id: call.id, type: 'function' as const, function: { name: call.name, arguments: call.arguments } };
}

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
      'With x-session-id the last message must be the new user message.',
      {
        param: 'messages',
      },
    );
  }
  const system = messages.filter((message) => message.role === 'system').map((message) => message.content);
  return {
    sessionId: parsed.data,
    message: last.content,
    system: system.length > 0 ? system.join('\n\n') : undefined,
  };
}

function toChatMessages(messages: OpenAIChatRequest['messages']): ChatMessage[] {
  return messages.map((message): ChatMessage => {
    const text = (value: typeof message.content): string =>
      value === null || value === undefined
        ? ''
        : typeof value === 'string'
          ? value
          : value.map((part) => part.text).join('');
    switch (message.role) {
      case 'developer':
        return { role: 'system', content: text(message.content) };
      case 'assistant':
        return {
          role: 'assistant',
          content: text(message.content),
          ...(message.tool_calls
            ? {
                toolCalls: message.tool_calls.map((call) => ({
                  id: call.id,
                  name: call.function.name,
                  arguments: call.function.arguments,
                })),
              }
            : {}),
        };
      case 'tool':
        return { role: 'tool', content: text(message.content), toolCallId: message.tool_call_id };
      default:
        return { role: message.role, content: text(message.content) };
    }
  });
}

/** OpenAI's chunk stream: a role chunk, content chunks, a finish chunk, optional usage, [DONE]. */
async function* chunkFrames(
  run: ChatRun,
  settle: TurnRun['settle'],
  options: { id: string; created: number; includeUsage: boolean },
): AsyncIterable<string> {
  const chunk = (delta: Record<string, unknown>, finish: string | null) =>
    sseFrame({
      id: options.id,
      object: 'chat.completion.chunk',
      created: options.created,
      model: run.modelId,
      choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
    });
  // Content chunks differ only in their text: everything around it is serialised once.
  const [contentHead, contentTail] = chunk({ content: '\u0000' }, null).split('"\\u0000"');
  const contentChunk = (text: string) => `${contentHead ?? ''}${JSON.stringify(text)}${contentTail ?? ''}`;

  yield chunk({ role: 'assistant', content: '' }, null);
  try {
    for await (const event of run.events) {
      if (event.type === 'delta') yield contentChunk(event.text);
      else if (event.type === 'tool_calls') {
        yield chunk(
          { tool_calls: event.calls.map((call, index) => ({ index, ...wireToolCall(call) })) },
          null,
        );
      }
    }
  } catch {
    // Reported below from the outcome.
  }
  // The session turn is stored before the terminal chunk, so a client's next turn finds it free.
  const { outcome, saveError } = await settle();
  const failure = outcome.error ?? (outcome.finishReason === undefined ? unfinishedError() : saveError);
  if (failure || outcome.finishReason === undefined) {
    // OpenAI SDKs raise an APIError on a chunk carrying `error`; no [DONE] follows, so the answer
    // can never be taken as complete.
    yield sseFrame(toOpenAIErrorBody(failure ?? new GatewayError('upstream_error')));
    return;
  }
  yield chunk({}, outcome.finishReason);
  if (options.includeUsage) {
    const { inputTokens, outputTokens } = outcome.usage;
    yield sseFrame({
      id: options.id,
      object: 'chat.completion.chunk',
      created: options.created,
      model: run.modelId,
      choices: [],
      usage: {
        prompt_tokens: inputTokens,
        completion_tokens: outputTokens,
        total_tokens: inputTokens + outputTokens,
      },
    });
  }
  yield sseFrame('[DONE]');
}
