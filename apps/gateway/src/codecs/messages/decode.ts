import type { ChatMessage, ToolCall, ToolSpec } from '@aigw/ai';
import type { AnthropicMessage, MessagesRequest } from './schema.ts';

/** A Messages request as the engine's chat input parts: everything the turn needs, once. */
export interface DecodedMessages {
  requestedModel: string;
  /** The system prompt first (when given), then the conversation in the engine's roles. */
  messages: ChatMessage[];
  /** The tools the model is offered, before the gateway's own are told from the client's. */
  tools: ToolSpec[];
  maxTokens: number;
  temperature: number | undefined;
  stream: boolean;
}

/**
 * Anthropic's text blocks are separate segments of one message; joined with a blank line so two
 * blocks never run into one word.
 */
const BLOCK_SEPARATOR = '\n\n';

/** Decodes a validated request. Pure: no tenant, no I/O; the schema has refused what cannot run. */
export function decodeMessages(body: MessagesRequest): DecodedMessages {
  const system = body.system === undefined ? undefined : textOf(body.system);
  const messages: ChatMessage[] = [
    ...(system !== undefined ? [{ role: 'system' as const, content: system }] : []),
    ...body.messages.flatMap(toChatMessages),
  ];
  // tool_choice "none" lets the model use no tool: it is offered none.
  const tools =
    body.tool_choice?.type === 'none'
      ? []
      : (body.tools ?? []).map((tool) => ({
          name: tool.name,
          description: tool.description ?? '',
          parameters: tool.input_schema,
        }));
  return {
    requestedModel: body.model,
    messages,
    tools,
    maxTokens: body.max_tokens,
    temperature: body.temperature,
    stream: body.stream,
  };
}

function textOf(content: string | readonly { text: string }[]): string {
  return typeof content === 'string' ? content : content.map((block) => block.text).join(BLOCK_SEPARATOR);
}

/**
 * One Anthropic message as engine messages. A user message's `tool_result` blocks become `tool`
 * messages (placed first: they answer the assistant turn just before), its text one user message;
 * an assistant's `tool_use` blocks become its tool calls.
 */
function toChatMessages(message: AnthropicMessage): ChatMessage[] {
  if (typeof message.content === 'string') return [{ role: message.role, content: message.content }];
  if (message.role === 'assistant') {
    const text: string[] = [];
    const toolCalls: ToolCall[] = [];
    for (const block of message.content) {
      if (block.type === 'text') text.push(block.text);
      else toolCalls.push({ id: block.id, name: block.name, arguments: JSON.stringify(block.input ?? {}) });
    }
    return [
      {
        role: 'assistant',
        content: text.join(BLOCK_SEPARATOR),
        ...(toolCalls.length > 0 ? { toolCalls } : {}),
      },
    ];
  }
  const results: ChatMessage[] = [];
  const text: string[] = [];
  for (const block of message.content) {
    if (block.type === 'text') {
      text.push(block.text);
      continue;
    }
    const content = block.content === undefined ? '' : textOf(block.content);
    results.push({
      role: 'tool',
      toolCallId: block.tool_use_id,
      // A failed client tool is told to the model in the shape the gateway's own tool errors take.
      content: block.is_error === true ? JSON.stringify({ error: { message: content } }) : content,
    });
  }
  // A message of tool results alone has no user text to add.
  return text.length > 0 || results.length === 0
    ? [...results, { role: 'user', content: text.join(BLOCK_SEPARATOR) }]
    : results;
}
