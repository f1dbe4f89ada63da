import type { ProviderConfig } from '@aigw/ai/settings';

export type Role = 'system' | 'user' | 'assistant' | 'tool';

export interface ChatMessage {
  role: Role;
  content: string;
  /** For role "tool": the call this message answers. */
  toolCallId?: string;
  /** For role "assistant": tool calls the model asked for. */
  toolCalls?: ToolCall[];
}

export interface ToolCall {
  id: string;
  name: string;
  /** JSON text, as models produce it. */
  arguments: string;
}

export interface ToolSpec {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

/** What a provider streams back; every provider normalises to this. */
export type ChatEvent =
  | { type: 'delta'; text: string }
  | { type: 'tool_calls'; calls: ToolCall[] }
  | { type: 'usage'; inputTokens: number; outputTokens: number }
  | { type: 'finish'; reason: FinishReason };

/** How the answer must be shaped: plain text (the default), any JSON object, or JSON meeting a schema. */
export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | {
      type: 'json_schema';
      name: string;
      schema: Record<string, unknown>;
      description?: string | undefined;
      strict?: boolean | undefined;
    };

/** Which tools the model may call: any it likes, none, at least one, or the named one. */
export type ToolChoice = 'auto' | 'none' | 'required' | { name: string };

/**
 * The generation parameters a request may set, each written once. Codecs fill them from their
 * API's own names; each provider passes on those it declares in `Provider.params`, and a request
 * setting one its model's provider cannot honour is refused before any call (`resolveTargets`).
 * Adding a parameter: a field here, a line in each codec, a line in each provider that has it.
 */
export interface GenerationParams {
  maxTokens?: number | undefined;
  temperature?: number | undefined;
  topP?: number | undefined;
  topK?: number | undefined;
  stop?: string[] | undefined;
  seed?: number | undefined;
  presencePenalty?: number | undefined;
  frequencyPenalty?: number | undefined;
  /** The end user as the client names them; passed on for the provider's abuse monitoring. */
  user?: string | undefined;
  responseFormat?: ResponseFormat | undefined;
  toolChoice?: ToolChoice | undefined;
  parallelToolCalls?: boolean | undefined;
}
export type GenerationParam = keyof GenerationParams;

export interface ChatParams extends GenerationParams {
  /** The provider's own model name (the part after "provider/"). */
  model: string;
  messages: ChatMessage[];
  tools?: ToolSpec[] | undefined;
  /** Whether the caller streams; a provider may still stream upstream and the router aggregates. */
  stream: boolean;
  signal: AbortSignal;
  /**
   * Filled by a provider whose streamed answer already is an OpenAI chunk stream, so that a caller
   * with nothing to change in it can relay the bytes as they are (see `RelayedUpstream`).
   */
  relay?: RelaySlot | undefined;
}

/** Where a provider offers its raw stream for relaying, once the first token has been read. */
export interface RelaySlot {
  detach?: (() => RawChatStream | undefined) | undefined;
}

/** A provider's OpenAI-format SSE answer, handed over unread past its head. */
export interface RawChatStream {
  /** The bytes already read (up to and including the first token), in order. */
  head: Uint8Array[];
  /** The rest of the upstream body, unread. */
  body: ReadableStream<Uint8Array>;
  /**
   * Reads the whole relayed text (head and body) once it has passed: its events, whether it
   * finished (`[DONE]` or a finish reason), and the error it reported itself, if any. Unless
   * `keepText` is set, the text deltas are left out when the stream's end holds its finish and
   * usage: the client has the answer, and only its end is parsed. A caller that keeps the answer
   * (the response cache) sets it, and every event is read.
   */
  read(text: string, options?: { keepText?: boolean }): RawChatSummary;
}

export interface RawChatSummary {
  events: ChatEvent[];
  finished: boolean;
  error?: Error | undefined;
}

/** The environment providers may use: the Workers AI binding and named secrets. */
export interface ProviderEnv {
  AI?: Ai | undefined;
  [secret: string]: unknown;
}

export interface ProviderContext {
  /** The tenant's config for this provider name (defaults for built-ins). */
  config: ProviderConfig;
  /** The name the model id used, e.g. "openai" in "openai/gpt-4o-mini". */
  providerName: string;
  env: ProviderEnv;
  fetch: typeof fetch;
  tenantId: string;
  requestId: string;
  route: string;
}

/**
 * A provider turns one chat request into a stream of normalised events. It throws `ProviderError`
 * for failures it can classify; the router decides about retries and fallback.
 */
export interface Provider {
  chat(params: ChatParams, context: ProviderContext): AsyncIterable<ChatEvent>;
  /** The generation parameters it honours; a request that sets any other is refused for it. */
  readonly params: ReadonlySet<GenerationParam>;
  /** The response formats it can produce besides plain text. */
  readonly responseFormats: ReadonlySet<Exclude<ResponseFormat['type'], 'text'>>;
}
