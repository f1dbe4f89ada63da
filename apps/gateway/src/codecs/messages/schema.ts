import { z } from '@hono/zod-openapi';
import { param } from '../params.ts';

/**
 * The subset of Anthropic's Messages API request the gateway serves (docs/messages.md).
 *
 * Content blocks and the top level accept fields they do not know and ignore them: SDKs send
 * response blocks back as history (`citations: null`, `caller`) and account-level hints
 * (`service_tier`). What would change the answer if ignored is refused by name instead: thinking, structured output, and every content type but text and tools.
 */

/**
 * A union of content blocks on `type`; a block of another type is refused with its name and what
 * is accepted there ("image blocks are not supported in user messages; send text, tool_result").
 */
function blocksOf<const Options extends readonly [z.ZodObject, ...z.ZodObject[]]>(
  where: string,
  accepted: string,
  options: Options,
) {
  return z.discriminatedUnion('type', options, {
    error: (issue) => {
      const input: unknown = issue.input;
      if (typeof input !== 'object' || input === null || !('type' in input)) return undefined;
      return `${String(input.type)} blocks are not supported in ${where}; send ${accepted}`;
    },
  });
}

/**
 * Content as a string or a list of blocks. A union reports only "Invalid input" when every option
 * fails; for a list, the first failing block is named instead ("block 1 (type): image blocks are
 * not supported…"), so the client learns which block and why.
 */
function textOr<Block extends z.ZodType>(blocks: Block) {
  return z.union([z.string(), z.array(blocks)], {
    error: (issue) => {
      if (!Array.isArray(issue.input)) return undefined;
      const nested = issue.errors.at(-1)?.[0];
      if (nested === undefined) return undefined;
      const [index, ...rest] = nested.path;
      const where = rest.length > 0 ? ` (${rest.map(String).join('.')})` : '';
      return `block ${String(index)}${where}: ${nested.message}`;
    },
  });
}

const textBlock = z
  .object({
    type: z.literal('text'),
    text: z.string(),
  })
  .loose();

const toolResultBlock = z
  .object({
    type: z.literal('tool_result'),
    tool_use_id: z.string().min(1),
    content: textOr(blocksOf('tool_result content', 'text', [textBlock]))
      .optional()
      .describe('The client tool’s result: text, or text blocks.'),
    is_error: z.boolean().optional().describe('The tool failed; its content is the error.'),
  })
  .loose();

const toolUseBlock = z
  .object({
    type: z.literal('tool_use'),
    id: z.string().min(1),
    name: z.string().min(1),
    input: z.unknown(),
  })
  .loose();

const userContent = textOr(blocksOf('user messages', 'text, tool_result', [textBlock, toolResultBlock]));
const assistantContent = textOr(blocksOf('assistant messages', 'text, tool_use', [textBlock, toolUseBlock]));

export const anthropicMessage = z.discriminatedUnion('role', [
  z.object({ role: z.literal('user'), content: userContent }),
  z.object({ role: z.literal('assistant'), content: assistantContent }),
]);

const tool = z
  .object({
    type: z
      .literal('custom', { error: 'only custom tools (name, input_schema) are supported, not server tools' })
      .nullable()
      .optional(),
    name: z.string().min(1).max(128),
    description: z.string().optional(),
    input_schema: z.record(z.string(), z.unknown()),
  })
  .loose();

/** A field the engine does not act on yet: refused when set, so nothing is silently dropped. */
const refused = (why: string, allowed: (value: unknown) => boolean = (value) => value === undefined) =>
  z.unknown().refine(allowed, { message: why }).optional().describe(`Refused with 400: ${why}.`);

export const messagesRequest = z
  .object({
    model: z.string().min(1).describe('"provider/model" from GET /v1/models.'),
    max_tokens: z
      .int()
      .min(1)
      .max(32_768)
      .describe('Required, as Anthropic requires it: the most output tokens the answer may use.'),
    messages: z.array(anthropicMessage).min(1),
    system: textOr(blocksOf('system', 'text', [textBlock])).optional(),
    temperature: z.number().min(0).max(1).optional(),
    top_p: param.topP.optional(),
    stop_sequences: z.array(z.string().min(1).max(256)).max(4).optional(),
    metadata: z
      .object({ user_id: param.user.nullable().optional() })
      .loose()
      .optional()
      .describe("metadata.user_id: your end user, passed to the provider (OpenAI's `user`)."),
    stream: z.boolean().default(false),
    tools: z
      .array(tool)
      .max(64)
      .optional()
      .describe(
        "Tools named like one of the tenant's enabled gateway tools run in the gateway; the others are the client's and come back as tool_use blocks.",
      ),
    tool_choice: z
      .discriminatedUnion('type', [
        z.object({ type: z.literal('auto'), disable_parallel_tool_use: z.boolean().optional() }).loose(),
        z.object({ type: z.literal('any'), disable_parallel_tool_use: z.boolean().optional() }).loose(),
        z
          .object({
            type: z.literal('tool'),
            name: z.string().min(1).max(128),
            disable_parallel_tool_use: z.boolean().optional(),
          })
          .loose(),
        z.object({ type: z.literal('none') }).loose(),
      ])
      .optional(),
    top_k: param.topK.optional(),
    thinking: refused('extended thinking is not supported', (value) => {
      return (
        value === undefined ||
        (typeof value === 'object' && value !== null && 'type' in value && value.type === 'disabled')
      );
    }),
    output_config: refused('output_config (structured output, effort) is not supported yet'),
    container: refused('containers are not supported'),
    mcp_servers: refused('MCP servers are not supported'),
  })
  .loose()
  .openapi('MessagesRequest');
export type MessagesRequest = z.infer<typeof messagesRequest>;
export type AnthropicMessage = z.infer<typeof anthropicMessage>;

const usage = z.object({ input_tokens: z.int(), output_tokens: z.int() });

export const stopReason = z.enum(['end_turn', 'max_tokens', 'tool_use', 'refusal']);
export type StopReason = z.infer<typeof stopReason>;

export const messagesResponse = z
  .object({
    id: z.string(),
    type: z.literal('message'),
    role: z.literal('assistant'),
    content: z.array(
      z.discriminatedUnion('type', [
        z.object({ type: z.literal('text'), text: z.string() }),
        z.object({ type: z.literal('tool_use'), id: z.string(), name: z.string(), input: z.unknown() }),
      ]),
    ),
    model: z.string(),
    stop_reason: stopReason,
    stop_sequence: z.null(),
    usage,
  })
  .openapi('Message');

export const anthropicErrorSchema = z
  .object({
    type: z.literal('error'),
    error: z.object({
      type: z.string().describe('invalid_request_error, authentication_error, permission_error, …'),
      message: z.string(),
      details: z.object({ error_code: z.string(), param: z.string().optional() }),
    }),
    request_id: z.string(),
  })
  .openapi('AnthropicError');
