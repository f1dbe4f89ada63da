import { z } from 'zod';
import { GatewayError, invalidRequest } from '@aigw/core';
import type { ChatMessage, GenerationParam, GenerationParams, ToolSpec } from '@aigw/ai';
import { definedParams, responseFormatOf, toolChoiceOf } from '../params.ts';
import type { CreateResponseRequest } from './schema.ts';

/**
 * Decoding a Responses API request into the gateway's chat input: the conversation as items (what
 * a stored response keeps, so a continuation can rebuild it), the function tools, the parameters.
 * Pure: no I/O, no Hono; the route resolves `previous_response_id` and `item_reference`s.
 */

/** One item of a conversation, as the gateway keeps it (text only; ids where the API gave one). */
export const conversationItem = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('message'),
    role: z.enum(['user', 'assistant', 'system', 'developer']),
    text: z.string(),
    id: z.string().optional(),
  }),
  z.object({
    type: z.literal('function_call'),
    id: z.string().optional(),
    call_id: z.string().min(1).max(256),
    name: z.string().min(1).max(128),
    arguments: z.string(),
  }),
  z.object({
    type: z.literal('function_call_output'),
    call_id: z.string().min(1).max(256),
    output: z.string(),
  }),
]);
export type ConversationItem = z.infer<typeof conversationItem>;

/** An input item that points at an item of a stored response, resolved by the route. */
export interface ItemReference {
  type: 'item_reference';
  id: string;
}

export interface ResponsesRequest {
  model: string;
  instructions: string | undefined;
  input: (ConversationItem | ItemReference)[];
  /** The function tools offered (gateway tools among them run in the gateway). */
  tools: ToolSpec[];
  /** As given, echoed in the response object. */
  toolObjects: Record<string, unknown>[];
  /** As given (default "auto"), echoed in the response object. */
  toolChoice: 'auto' | 'none' | 'required' | { type: 'function'; name: string };
  /** `text.format` as given (default text), echoed in the response object. */
  textFormat: Record<string, unknown>;
  /** The generation parameters, as the engine takes them (echoed in the response object too). */
  params: GenerationParams;
  stream: boolean;
  store: boolean;
  previousResponseId: string | undefined;
  metadata: Record<string, string>;
}

/**
 * Parameters the gateway cannot honour, refused by name when set to anything but their default:
 * a client asking for them must learn that they do nothing here.
 */
const UNSUPPORTED: Record<string, { refuses: (value: unknown) => boolean; why: string; param?: string }> = {
  background: { refuses: (v) => v === true, why: 'background responses are not supported' },
  reasoning: { refuses: (v) => v !== null && v !== undefined, why: 'reasoning options are not supported' },
  conversation: {
    refuses: (v) => v !== null && v !== undefined,
    why: 'conversations are not supported; use previous_response_id',
  },
  prompt: { refuses: (v) => v !== null && v !== undefined, why: 'prompt templates are not supported' },
  include: {
    refuses: (v) => (Array.isArray(v) ? v.length > 0 : v !== null && v !== undefined),
    why: 'include is not supported',
  },
  top_logprobs: {
    refuses: (v) => v !== null && v !== undefined && v !== 0,
    why: 'logprobs are not supported',
  },
  max_tool_calls: { refuses: (v) => v !== null && v !== undefined, why: 'max_tool_calls is not supported' },
  truncation: {
    refuses: (v) => v !== null && v !== undefined && v !== 'disabled',
    why: 'only truncation "disabled" is supported',
  },
};

const unsupported = (param: string, why: string) =>
  new GatewayError('invalid_request', `${param}: ${why}.`, { param });

/** Parses `value` with `schema`; a failure names the field by its full path in the body. */
function parseAt<S extends z.ZodType>(schema: S, value: unknown, path: (string | number)[]): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw invalidRequest(
    new z.ZodError(parsed.error.issues.map((issue) => ({ ...issue, path: [...path, ...issue.path] }))),
  );
}

const TEXT_PARTS = new Set(['input_text', 'output_text']);
const textPart = z.object({ type: z.enum(['input_text', 'output_text']), text: z.string() });

function contentText(content: unknown, path: (string | number)[]): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content) || content.length === 0) {
    throw unsupported(path.join('.'), 'expected a string or a non-empty array of text parts');
  }
  return content
    .map((part: unknown, index) => {
      const type = (part as { type?: unknown } | null)?.type;
      if (typeof type === 'string' && !TEXT_PARTS.has(type)) {
        throw unsupported(
          [...path, index, 'type'].join('.'),
          `content of type "${type}" is not supported; only input_text and output_text (no images, files or audio)`,
        );
      }
      return parseAt(textPart, part, [...path, index]).text;
    })
    .join('');
}

const messageItem = z.object({
  role: z.enum(['user', 'assistant', 'system', 'developer']),
  content: z.unknown(),
  id: z.string().max(256).optional(),
});
const functionCallItem = z.object({
  call_id: z.string().min(1).max(256),
  name: z.string().min(1).max(128),
  arguments: z.string(),
  id: z.string().max(256).optional(),
});
const functionCallOutputItem = z.object({
  call_id: z.string().min(1).max(256),
  output: z.union([z.string(), z.array(textPart).min(1)]),
});
const itemReference = z.object({ id: z.string().min(1).max(256) });

function decodeItem(raw: unknown, index: number): ConversationItem | ItemReference {
  const path = ['input', index];
  const item = (raw ?? {}) as { type?: unknown; role?: unknown };
  const type = item.type ?? (item.role === undefined ? undefined : 'message');
  switch (type) {
    case 'message': {
      const message = parseAt(messageItem, raw, path);
      const text = contentText(message.content, [...path, 'content']);
      return { type: 'message', role: message.role, text, ...(message.id ? { id: message.id } : {}) };
    }
    case 'function_call': {
      const call = parseAt(functionCallItem, raw, path);
      return {
        type: 'function_call',
        call_id: call.call_id,
        name: call.name,
        arguments: call.arguments,
        ...(call.id ? { id: call.id } : {}),
      };
    }
    case 'function_call_output': {
      const result = parseAt(functionCallOutputItem, raw, path);
      const output =
        typeof result.output === 'string' ? result.output : result.output.map((part) => part.text).join('');
      return { type: 'function_call_output', call_id: result.call_id, output };
    }
    case 'item_reference':
      return { type: 'item_reference', id: parseAt(itemReference, raw, path).id };
    default:
      throw unsupported(
        `input.${index}.type`,
        typeof type === 'string'
          ? `input items of type "${type}" are not supported; only message, function_call, function_call_output and item_reference`
          : 'expected an item with a type (or a role, for a message)',
      );
  }
}

const functionTool = z.object({
  type: z.literal('function'),
  name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, "_" and "-", 1 to 64'),
  description: z.string().max(4096).nullable().optional(),
  parameters: z.record(z.string(), z.unknown()).nullable().optional(),
  strict: z.boolean().nullable().optional(),
});

function decodeTools(tools: CreateResponseRequest['tools']): {
  specs: ToolSpec[];
  objects: Record<string, unknown>[];
} {
  const specs: ToolSpec[] = [];
  const objects: Record<string, unknown>[] = [];
  (tools ?? []).forEach((raw, index) => {
    if (raw.type !== 'function') {
      throw unsupported(
        `tools.${index}.type`,
        `built-in tools ("${raw.type}") are not supported; only function tools`,
      );
    }
    const tool = parseAt(functionTool, raw, ['tools', index]);
    const parameters = tool.parameters ?? { type: 'object', properties: {} };
    specs.push({ name: tool.name, description: tool.description ?? '', parameters });
    objects.push({
      type: 'function',
      name: tool.name,
      description: tool.description ?? null,
      parameters,
      strict: tool.strict ?? true,
    });
  });
  return { specs, objects };
}

const toolChoice = z.union([
  z.enum(['auto', 'none', 'required']),
  z.object({ type: z.literal('function'), name: z.string().min(1).max(128) }),
]);

function decodeToolChoice(value: unknown): ResponsesRequest['toolChoice'] {
  if (value === undefined || value === null) return 'auto';
  const parsed = toolChoice.safeParse(value);
  if (!parsed.success) {
    throw unsupported(
      'tool_choice',
      'only "auto", "none", "required" and {"type":"function","name":...} are supported',
    );
  }
  return parsed.data;
}

/** The engine's parameter names in this API, for refusals. */
export const RESPONSES_PARAM_NAMES: Partial<Record<GenerationParam, string>> = {
  maxTokens: 'max_output_tokens',
  topP: 'top_p',
  responseFormat: 'text.format',
  toolChoice: 'tool_choice',
  parallelToolCalls: 'parallel_tool_calls',
};

/** The request as the gateway runs it; throws `invalid_request` naming the field at fault. */
export function decodeRequest(body: CreateResponseRequest): ResponsesRequest {
  const raw = body as Record<string, unknown>;
  for (const [param, rule] of Object.entries(UNSUPPORTED)) {
    if (rule.refuses(raw[param])) throw unsupported(rule.param ?? param, rule.why);
  }
  const input =
    typeof body.input === 'string'
      ? [{ type: 'message' as const, role: 'user' as const, text: body.input }]
      : body.input.map(decodeItem);
  const tools = decodeTools(body.tools);
  const choice = decodeToolChoice(body.tool_choice);
  const format = body.text?.format ?? { type: 'text' as const };
  return {
    model: body.model,
    instructions: body.instructions ?? undefined,
    input,
    tools: tools.specs,
    toolObjects: tools.objects,
    toolChoice: choice,
    textFormat: format,
    params: definedParams({
      maxTokens: body.max_output_tokens ?? undefined,
      temperature: body.temperature ?? undefined,
      topP: body.top_p ?? undefined,
      user: body.user,
      responseFormat: responseFormatOf(format),
      toolChoice: toolChoiceOf(choice),
      parallelToolCalls: body.parallel_tool_calls ?? true,
    }),
    stream: body.stream === true,
    // OpenAI's default: a response is stored unless the client says otherwise.
    store: body.store !== false,
    previousResponseId: body.previous_response_id ?? undefined,
    metadata: body.metadata ?? {},
  };
}

/**
 * The response an item id this gateway issued belongs to (`msg_<hex>`, `fc_<hex>_<n>` belong to
 * `resp_<hex>`, see `outputIds`), so an `item_reference` finds its object without an index.
 */
export function responseOfItem(itemId: string): string | undefined {
  const match = /^(?:msg|fc)_([0-9a-f]{32})(?:_\d+)?$/.exec(itemId);
  return match ? `resp_${match[1] ?? ''}` : undefined;
}

/**
 * Replaces each `item_reference` by the item it names, loading each stored response it points at
 * once. An id this gateway never issued (or of another tenant) is a 404 naming the input item.
 */
export async function resolveReferences(
  input: readonly (ConversationItem | ItemReference)[],
  load: (responseId: string, param: string) => Promise<ConversationItem[]>,
): Promise<ConversationItem[]> {
  const loaded = new Map<string, Promise<ConversationItem[]>>();
  const resolved: ConversationItem[] = [];
  for (const [index, item] of input.entries()) {
    if (item.type !== 'item_reference') {
      resolved.push(item);
      continue;
    }
    const param = `input.${index}.id`;
    const notFound = new GatewayError('not_found', `No item with id "${item.id.slice(0, 80)}" exists.`, {
      param,
    });
    const responseId = responseOfItem(item.id);
    if (responseId === undefined) throw notFound;
    let items = loaded.get(responseId);
    if (items === undefined) {
      items = load(responseId, param);
      loaded.set(responseId, items);
    }
    const found = (await items).find(
      (candidate) => candidate.type !== 'function_call_output' && candidate.id === item.id,
    );
    if (found === undefined) throw notFound;
    resolved.push(found);
  }
  return resolved;
}

/**
 * The model's prompt: the instructions as the system message (they are not carried over from a
 * previous response, as with OpenAI), then the conversation. A model's calls join the assistant
 * message before them, as chat providers expect.
 */
export function toChatMessages(
  instructions: string | undefined,
  items: readonly ConversationItem[],
): ChatMessage[] {
  const messages: ChatMessage[] =
    instructions === undefined ? [] : [{ role: 'system', content: instructions }];
  for (const item of items) {
    if (item.type === 'message') {
      messages.push({ role: item.role === 'developer' ? 'system' : item.role, content: item.text });
    } else if (item.type === 'function_call') {
      const call = { id: item.call_id, name: item.name, arguments: item.arguments };
      const last = messages.at(-1);
      if (last?.role === 'assistant') last.toolCalls = [...(last.toolCalls ?? []), call];
      else messages.push({ role: 'assistant', content: '', toolCalls: [call] });
    } else {
      messages.push({ role: 'tool', toolCallId: item.call_id, content: item.output });
    }
  }
  return messages;
}
