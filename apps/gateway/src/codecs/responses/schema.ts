import { z } from '@hono/zod-openapi';
import { flatResponseFormat, param } from '../params.ts';

/**
 * The subset of OpenAI's `CreateResponse` the gateway serves. Fields SDKs send that change nothing
 * here (`safety_identifier`, `prompt_cache_key`, `service_tier`, `stream_options`) are
 * accepted and ignored; fields whose meaning the gateway cannot honour are refused by name
 * (`UNSUPPORTED` in request.ts), never silently dropped. Input items and tools are checked one by
 * one in request.ts, so a refusal names the exact item (`input.2.content.0.type`).
 */
const inputItem = z.looseObject({ type: z.string().optional(), role: z.string().optional() }).openapi({
  description:
    'A message (`role` user, assistant, system or developer; content a string or `input_text` / ' +
    '`output_text` parts), a `function_call`, a `function_call_output`, or an `item_reference` to ' +
    'an item of a stored response.',
});

const tool = z.looseObject({ type: z.string() }).openapi({
  description:
    'A function tool (`type: "function"`, `name`, `description`, `parameters`). Built-in tools are refused.',
});

export const createResponseRequest = z
  .looseObject({
    model: z.string().min(1).describe('"provider/model" from GET /v1/models.'),
    input: z.union([z.string(), z.array(inputItem).min(1)]),
    instructions: z.string().nullable().optional(),
    max_output_tokens: z.int().min(1).max(32_768).nullable().optional(),
    temperature: param.temperature.nullable().optional(),
    top_p: param.topP.nullable().optional(),
    user: param.user.optional(),
    text: z
      .looseObject({
        format: flatResponseFormat(z.boolean().nullable().optional()).optional(),
      })
      .nullable()
      .optional()
      .describe('text.format: plain text (default), JSON mode or structured output (json_schema).'),
    tools: z.array(tool).optional(),
    tool_choice: z.unknown().optional().openapi({
      description: '"auto" (default), "none", "required" or {"type":"function","name":...}.',
    }),
    parallel_tool_calls: z.boolean().nullable().optional(),
    stream: z.boolean().nullable().optional(),
    store: z
      .boolean()
      .nullable()
      .optional()
      .describe('Default true: the response is kept for GET and previous_response_id.'),
    previous_response_id: z.string().nullable().optional(),
    metadata: z.record(z.string().max(64), z.string().max(512)).nullable().optional(),
  })
  .openapi('CreateResponseRequest');
export type CreateResponseRequest = z.infer<typeof createResponseRequest>;

const outputText = z.object({
  type: z.literal('output_text'),
  text: z.string(),
  annotations: z.array(z.unknown()),
  logprobs: z.array(z.unknown()),
});

export const outputMessage = z.object({
  type: z.literal('message'),
  id: z.string(),
  status: z.enum(['in_progress', 'completed', 'incomplete']),
  role: z.literal('assistant'),
  content: z.array(outputText),
});

export const outputFunctionCall = z.object({
  type: z.literal('function_call'),
  id: z.string(),
  call_id: z.string(),
  name: z.string(),
  arguments: z.string(),
  status: z.enum(['in_progress', 'completed', 'incomplete']),
});

export const responseObject = z
  .object({
    id: z.string(),
    object: z.literal('response'),
    created_at: z.number(),
    completed_at: z.number().nullable(),
    status: z.enum(['completed', 'failed', 'in_progress', 'incomplete']),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
    incomplete_details: z.object({ reason: z.enum(['max_output_tokens', 'content_filter']) }).nullable(),
    model: z.string(),
    instructions: z.string().nullable(),
    output: z.array(z.union([outputMessage, outputFunctionCall])),
    usage: z
      .object({
        input_tokens: z.int(),
        input_tokens_details: z.object({ cached_tokens: z.int(), cache_write_tokens: z.int() }),
        output_tokens: z.int(),
        output_tokens_details: z.object({ reasoning_tokens: z.int() }),
        total_tokens: z.int(),
      })
      .optional(),
    previous_response_id: z.string().nullable(),
    store: z.boolean(),
    max_output_tokens: z.int().nullable(),
    temperature: z.number().nullable(),
    top_p: z.number().nullable(),
    tools: z.array(z.record(z.string(), z.unknown())),
    tool_choice: z.union([
      z.enum(['auto', 'none', 'required']),
      z.object({ type: z.literal('function'), name: z.string() }),
    ]),
    parallel_tool_calls: z.boolean(),
    metadata: z.record(z.string(), z.string()),
    text: z.object({ format: z.record(z.string(), z.unknown()) }),
    truncation: z.literal('disabled'),
    background: z.literal(false),
    reasoning: z.null(),
  })
  .openapi('Response');
export type ResponseObject = z.infer<typeof responseObject>;
export type OutputItem = ResponseObject['output'][number];
