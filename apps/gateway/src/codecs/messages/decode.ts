import type { ChatMessage, GenerationParam, ToolCall, ToolChoice } from '@aigw/ai';
import type { ChatRequest } from '@aigw/chat';
import { definedParams } from '../params.ts';
import type { AnthropicMessage, MessagesRequest } from './schema.ts';

const PARAM_NAMES: Partial<Record<GenerationParam, string>> = {
  maxTokens: 'max_tokens',
  topP: 'top_p',
  topK: 'top_k',
  stop: 'stop_sequences',
  user: 'metadata.user_id',
  toolChoice: 'tool_choice',
  parallelToolCalls: 'tool_choice.disable_parallel_tool_use',
};

/**
 * Anthropic's text blocks are separate segments of one message; joined with a blank line so two
 * blocks never run into one word.
 */
const BLOCK_SEPARATOR = '\n\n';

/**
 * Decodes a validated request into the engine's. Pure: no tenant, no I/O; the schema has refused
 * what cannot run. `sessionId` from `x-session-id`, when the client names a session.
 */
export function decodeMessages(body: MessagesRequest, sessionId: string | undefined): ChatRequest {
  const system = body.system === undefined ? undefined : textOf(body.system);
  const choice = body.tool_choice;
  return {
    api: '/v1/messages',
    model: body.model,
    messages: [
      ...(system !== undefined ? [{ role: 'system' as const, content: system }] : []),
      ...body.messages.flatMap(toChatMessages),
    ],
    params: definedParams({
      maxTokens: body.max_tokens,
      temperature: body.temperature,
      topP: body.top_p,
      topK: body.top_k,
      stop: body.stop_sequences,
      user: body.metadata?.user_id ?? undefined,
      toolChoice: toolChoiceOf(choice),
      parallelToolCalls:
        choice && 'disable_parallel_tool_use' in choice && choice.disable_parallel_tool_use === true
          ? false
          : undefined,
    }),
    paramNames: PARAM_NAMES,
    tools: {
      offered: (body.tools ?? []).map((tool) => ({
        name: tool.name,
        description: tool.description ?? '',
        parameters: tool.input_schema,
      })),
    },
    sessionId,
    stream: body.stream,
  };
}

/** Anthropic's choices in the engine's terms: `any` is OpenAI's `required`. */
function toolChoiceOf(choice: MessagesRequest['tool_choice']): ToolChoice | undefined {
  if (choice === undefined) return undefined;
  switch (choice.type) {
    case 'any':
      return 'required';
    case 'tool':
      return { name: choice.name };
    default:
      return choice.type;
  }
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
