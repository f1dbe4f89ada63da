import { z } from '@hono/zod-openapi';
import { param } from './params.ts';

/**
 * The subset of OpenAI's chat completion request the gateway serves. Unknown fields are accepted
 * and ignored (SDKs send many), so a client written for OpenAI works unchanged.
 */
const textPart = z.object({ type: z.literal('text'), text: z.string() });
const content = z.union([z.string(), z.array(textPart).min(1)]);

const toolCall = z.object({
  id: z.string(),
  type: z.literal('function').default('function'),
  function: z.object({ name: z.string(), arguments: z.string() }),
});

export const openAIMessage = z.discriminatedUnion('role', [
  z.object({ role: z.literal('system'), content, name: z.string().optional() }),
  z.object({ role: z.literal('developer'), content, name: z.string().optional() }),
  z.object({ role: z.literal('user'), content, name: z.string().optional() }),
  z.object({
    role: z.literal('assistant'),
    content: content.nullable().optional(),
    tool_calls: z.array(toolCall).optional(),
    name: z.string().optional(),
  }),
  z.object({ role: z.literal('tool'), content, tool_call_id: z.string() }),
]);

export const openAIChatRequest = z
  .object({
    model: z.string().min(1).describe('"provider/model" from GET /v1/models.'),
    messages: z.array(openAIMessage).min(1),
    stream: z.boolean().default(false),
    stream_options: z.object({ include_usage: z.boolean().optional() }).nullable().optional(),
    max_tokens: param.maxTokens.nullable().optional(),
    max_completion_tokens: param.maxTokens.nullable().optional(),
    temperature: param.temperature.nullable().optional(),
    top_p: param.topP.nullable().optional(),
    stop: param.stop.nullable().optional(),
    seed: param.seed.nullable().optional(),
    presence_penalty: param.penalty.nullable().optional(),
    frequency_penalty: param.penalty.nullable().optional(),
    user: param.user.optional(),
    response_format: z
      .discriminatedUnion('type', [
        z.object({ type: z.literal('text') }),
        z.object({ type: z.literal('json_object') }),
        z.object({
          type: z.literal('json_schema'),
          json_schema: z.object({
            name: param.schemaName,
            schema: param.jsonSchema.optional(),
            description: z.string().max(1024).optional(),
            strict: z.boolean().nullable().optional(),
          }),
        }),
      ])
      .optional()
      .describe('JSON mode or structured output; refused (unsupported_parameter) where the model cannot.'),
    tool_choice: z
      .union([
        z.enum(['auto', 'none', 'required']),
        z.object({ type: z.literal('function'), function: z.object({ name: z.string().min(1) }) }),
      ])
      .optional(),
    parallel_tool_calls: z.boolean().optional(),
    n: z.literal(1, { error: 'only n = 1 is supported' }).nullable().optional(),
    tools: z
      .array(
        z.object({
          type: z.literal('function'),
          function: z.object({
            name: z.string(),
            description: z.string().optional(),
            parameters: z.record(z.string(), z.unknown()).optional(),
          }),
        }),
      )
      .optional(),
  })
  .loose()
  .openapi('ChatCompletionRequest');
export type OpenAIChatRequest = z.infer<typeof openAIChatRequest>;

const openAIUsage = z.object({ prompt_tokens: z.int(), completion_tokens: z.int(), total_tokens: z.int() });

export const openAIChatResponse = z
  .object({
    id: z.string(),
    object: z.literal('chat.completion'),
    created: z.int(),
    model: z.string(),
    choices: z.array(
      z.object({
        index: z.int(),
        message: z.object({
          role: z.literal('assistant'),
          content: z.string().nullable(),
          refusal: z.null(),
          tool_calls: z.array(toolCall).optional(),
        }),
        finish_reason: z.enum(['stop', 'length', 'tool_calls', 'content_filter']),
        logprobs: z.null(),
      }),
    ),
    usage: openAIUsage,
  })
  .openapi('ChatCompletion');

export const openAIModel = z
  .object({
    id: z.string().describe('"provider/model", the id chat and embeddings requests name.'),
    object: z.literal('model'),
    created: z.int().describe('Always 0: the gateway does not know when an upstream published a model.'),
    owned_by: z.string().describe('The provider part of the id; "gateway" for an alias or a route.'),
    gateway: z
      .object({
        kind: z.enum(['alias', 'route']),
        resolvesTo: z.array(z.string()).describe('The models it sends requests to, fallbacks included.'),
        version: z.int().optional().describe("A route's version."),
      })
      .optional()
      .describe('For an alias or a route: what it resolves to (docs/routing.md).'),
  })
  .openapi('Model');

export const openAIModelList = z
  .object({ object: z.literal('list'), data: z.array(openAIModel) })
  .openapi('ModelList');

export const openAIErrorSchema = z
  .object({
    error: z.object({
      message: z.string(),
      type: z.string(),
      param: z.string().nullable(),
      code: z.string(),
    }),
  })
  .openapi('OpenAIError');

/** The OpenAI-shaped error responses of every `/v1` route, for the OpenAPI document. */
export const openAIErrors = Object.fromEntries(
  [400, 401, 403, 404, 413, 429, 500, 502, 504].map((status) => [
    status,
    { description: 'OpenAI-shaped error', content: { 'application/json': { schema: openAIErrorSchema } } },
  ]),
);
