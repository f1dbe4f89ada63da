import { z } from '@hono/zod-openapi';
import { sessionIdSchema } from '@aigw/sessions';
import { flatResponseFormat, param } from '../params.ts';

/** The native `/chat` request: one message in, camelCase parameters, gateway tools by name. */
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
    maxTokens: param.maxTokens.optional(),
    temperature: param.temperature.optional(),
    topP: param.topP.optional().describe('Nucleus sampling: the probability mass the model samples from.'),
    topK: param.topK.optional().describe('Sample from the k most likely tokens only.'),
    stop: param.stop.optional().describe('Up to 4 sequences where the answer stops (not included in it).'),
    seed: param.seed.optional().describe('Ask the model for repeatable sampling, where it supports it.'),
    presencePenalty: param.penalty.optional(),
    frequencyPenalty: param.penalty.optional(),
    user: param.user.optional().describe('Your end user, passed to the provider for abuse monitoring.'),
    responseFormat: flatResponseFormat(z.boolean().optional())
      .optional()
      .describe(
        'The answer as JSON: any object, or one that meets a JSON Schema. Refused (400 unsupported_parameter) where the model cannot.',
      ),
    tools: z
      .array(z.string().min(1).max(64))
      .max(16)
      .optional()
      .describe(
        'Gateway tools the model may call (enabled for the tenant). The gateway runs them and streams `tool_call` and `tool_result` events.',
      ),
    toolChoice: z
      .union([z.enum(['auto', 'none', 'required']), z.object({ name: z.string().min(1).max(64) }).strict()])
      .optional()
      .describe('Whether the model must call a tool (`required`), a named one, or none; for the first step.'),
    parallelToolCalls: z.boolean().optional().describe('false: at most one tool call per step.'),
  })
  .strict()
  .openapi('ChatRequest');
export type ChatRequestBody = z.infer<typeof chatRequest>;

export const usageSchema = z.object({
  inputTokens: z.int(),
  outputTokens: z.int(),
  estimated: z.boolean().describe('True when the provider reported no usage and tokens were estimated.'),
  costUsd: z.number(),
  latencyMs: z.number(),
  ttftMs: z.number().nullable(),
});

export const citationSchema = z.object({
  n: z.int(),
  id: z.string(),
  documentId: z.string(),
  title: z.string().nullable(),
  url: z.string().nullable(),
  snippet: z.string(),
  score: z.number(),
  cited: z.boolean(),
});

export const toolStepSchema = z.object({
  id: z.string(),
  name: z.string(),
  ok: z.boolean(),
  result: z.unknown().optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});

export const chatResponse = z
  .object({
    requestId: z.string(),
    sessionId: z.string().nullable(),
    model: z.string(),
    provider: z.string(),
    text: z.string(),
    citations: z
      .array(citationSchema)
      .optional()
      .describe('With rag: every source the model was given, and whether the answer cites it.'),
    tools: z
      .array(toolStepSchema)
      .optional()
      .describe('With tools: each tool the gateway ran for the model, in order.'),
    finishReason: z.enum(['stop', 'length', 'tool_calls', 'content_filter']),
    usage: usageSchema,
  })
  .openapi('ChatResponse');
