import { createParser } from 'eventsource-parser';
import { sseSource, type SseSource } from '../../stream/sse-events.ts';
import { ProviderError, isRetryableStatus, parseRetryAfter } from '../../errors.ts';
import type {
  ChatEvent,
  ChatMessage,
  ChatParams,
  FinishReason,
  Provider,
  ProviderContext,
  RawChatSummary,
  ResponseFormat,
  ToolCall,
  ToolChoice,
} from '../../types.ts';

/**
 * Any OpenAI-compatible `/chat/completions` endpoint: a hosted API, Cloudflare AI Gateway's compat
 * endpoint, or a local model server. The API key comes from the Worker secret the tenant config
 * names, never from the config itself.
 */
export const openAICompatibleProvider: Provider = {
  // Every parameter of the request: the endpoint speaks the API they come from.
  params: new Set([
    'maxTokens',
    'temperature',
    'topP',
    'stop',
    'seed',
    'presencePenalty',
    'frequencyPenalty',
    'user',
    'toolChoice',
    'parallelToolCalls',
  ]),
  responseFormats: new Set(['json_object', 'json_schema']),
  // A hand-written iterator rather than an async generator: a streamed answer's every event
  // passes through it, and each generator layer costs promises and microtask hops per event.
  chat(params, context) {
    let events: AsyncIterator<ChatEvent> | undefined;
    let stopped = false;
    const iterator: AsyncIterator<ChatEvent> = {
      next() {
        if (events !== undefined) return events.next();
        if (stopped) return Promise.resolve({ done: true, value: undefined });
        return open(params, context).then((opened) => {
          events = opened;
          return opened.next();
        });
      },
      async return() {
        stopped = true;
        await events?.return?.();
        return { done: true, value: undefined };
      },
    };
    return { [Symbol.asyncIterator]: () => iterator };
  },
};

/** Calls the endpoint; the answer's events, or the failure as a `ProviderError`. */
async function open(params: ChatParams, context: ProviderContext): Promise<AsyncIterator<ChatEvent>> {
  if (context.config.type !== 'openai-compatible')
    throw new Error('openai-compatible provider given another config');
  const { baseUrl, apiKeySecret, headers } = context.config;
  const requestHeaders: Record<string, string> = { 'content-type': 'application/json', ...headers };
  if (apiKeySecret !== undefined) {
    const key = context.env[apiKeySecret];
    if (typeof key !== 'string' || key === '') {
      throw new ProviderError(
        `The secret ${apiKeySecret} for provider "${context.providerName}" is not set.`,
        {
          retryable: false,
          code: 'provider_unavailable',
        },
      );
    }
    requestHeaders.authorization = `Bearer ${key}`;
  }

  let response: Response;
  try {
    response = await context.fetch(`${baseUrl.replace(/\/+$/, '')}/chat/completions`, {
      method: 'POST',
      headers: requestHeaders,
      body: JSON.stringify(requestBody(params)),
      signal: params.signal,
    });
  } catch (error) {
    if (params.signal.aborted) throw error;
    throw new ProviderError(`Could not reach ${context.providerName}: ${String(error)}`, {
      retryable: true,
      cause: error,
    });
  }

  if (!response.ok) throw await upstreamError(response, context);
  if (!params.stream) return jsonEvents(response)[Symbol.asyncIterator]();
  if (!response.body) throw new ProviderError('Empty streaming response', { retryable: true });
  const source = sseSource(response.body as ReadableStream<Uint8Array>);
  if (params.relay) {
    params.relay.detach = () => {
      const detached = source.detach();
      return (
        detached && {
          ...detached,
          read: (text, options) => readWhole(text, context.providerName, options?.keepText === true),
        }
      );
    };
  }
  return new ChunkStream(source, context.providerName);
}

/** The request in OpenAI's wire names; fields left undefined are dropped by `JSON.stringify`. */
function requestBody(params: ChatParams): Record<string, unknown> {
  const tools = params.tools && params.tools.length > 0 ? params.tools : undefined;
  return {
    model: params.model,
    messages: params.messages.map(toWireMessage),
    max_tokens: params.maxTokens,
    temperature: params.temperature,
    top_p: params.topP,
    stop: params.stop,
    seed: params.seed,
    presence_penalty: params.presencePenalty,
    frequency_penalty: params.frequencyPenalty,
    user: params.user,
    response_format: params.responseFormat && wireResponseFormat(params.responseFormat),
    tools: tools?.map((tool) => ({ type: 'function', function: tool })),
    // OpenAI refuses these two without tools.
    tool_choice: tools && params.toolChoice && wireToolChoice(params.toolChoice),
    parallel_tool_calls: tools && params.parallelToolCalls,
    stream: params.stream,
    stream_options: params.stream ? { include_usage: true } : undefined,
  };
}

function wireResponseFormat(format: ResponseFormat): Record<string, unknown> {
  if (format.type !== 'json_schema') return { type: format.type };
  const { name, schema, description, strict } = format;
  return { type: 'json_schema', json_schema: { name, schema, description, strict } };
}

function wireToolChoice(choice: ToolChoice): unknown {
  return typeof choice === 'string' ? choice : { type: 'function', function: { name: choice.name } };
}

function toWireMessage(message: ChatMessage): Record<string, unknown> {
  return {
    role: message.role,
    content: message.content,
    ...(message.toolCallId !== undefined ? { tool_call_id: message.toolCallId } : {}),
    ...(message.toolCalls && message.toolCalls.length > 0
      ? {
          tool_calls: message.toolCalls.map((call) => ({
            id: call.id,
            type: 'function',
            function: { name: call.name, arguments: call.arguments },
          })),
        }
      : {}),
  };
}

async function upstreamError(response: Response, context: ProviderContext): Promise<ProviderError> {
  const text = await response.text().catch(() => '');
  let detail = text.slice(0, 300);
  try {
    const parsed = JSON.parse(text) as { error?: { message?: string } | string };
    detail = typeof parsed.error === 'string' ? parsed.error : (parsed.error?.message ?? detail);
  } catch {
    // Not JSON: keep the raw (truncated) text.
  }
  return new ProviderError(`${context.providerName} answered ${response.status}: ${detail}`, {
    status: response.status,
    retryable: isRetryableStatus(response.status),
    retryAfterMs: parseRetryAfter(response.headers.get('retry-after')),
  });
}

interface WireToolCallDelta {
  index?: number;
  id?: string;
  function?: { name?: string; arguments?: string };
}

interface WireChunk {
  choices?: {
    delta?: { content?: string | null; tool_calls?: WireToolCallDelta[] };
    message?: {
      content?: string | null;
      tool_calls?: { id: string; function: { name: string; arguments: string } }[];
    };
    finish_reason?: string | null;
  }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
  error?: { message?: string };
}

/**
 * The normalised events of an OpenAI chunk stream, one SSE `data` payload at a time: the
 * streamed path and the relayed one (read once at its end) share it.
 */
class ChunkReader {
  private readonly toolCalls = new Map<number, ToolCall>();
  private finish: FinishReason | undefined;
  /** `[DONE]` was seen. */
  done = false;

  constructor(private readonly providerName: string) {}

  /** The events one payload carries; throws `ProviderError` for an error the stream reports. */
  read(data: string, out: ChatEvent[]): void {
    if (data === '[DONE]') {
      this.done = true;
      return;
    }
    const chunk = JSON.parse(data) as WireChunk;
    if (chunk.error) {
      throw new ProviderError(`${this.providerName} reported: ${chunk.error.message ?? 'stream error'}`, {
        retryable: true,
      });
    }
    const choice = chunk.choices?.[0];
    const text = choice?.delta?.content;
    if (text) out.push({ type: 'delta', text });
    for (const call of choice?.delta?.tool_calls ?? []) {
      const index = call.index ?? 0;
      const current = this.toolCalls.get(index) ?? { id: '', name: '', arguments: '' };
      this.toolCalls.set(index, {
        id: call.id ?? current.id,
        name: current.name + (call.function?.name ?? ''),
        arguments: current.arguments + (call.function?.arguments ?? ''),
      });
    }
    if (choice?.finish_reason) this.finish = normaliseFinish(choice.finish_reason);
    if (chunk.usage) {
      out.push({
        type: 'usage',
        inputTokens: chunk.usage.prompt_tokens ?? 0,
        outputTokens: chunk.usage.completion_tokens ?? 0,
      });
    }
  }

  get finished(): boolean {
    return this.done || this.finish !== undefined;
  }

  /** The closing events: the assembled tool calls, then the finish. */
  end(out: ChatEvent[]): void {
    if (this.toolCalls.size > 0) out.push({ type: 'tool_calls', calls: [...this.toolCalls.values()] });
    out.push({ type: 'finish', reason: this.finish ?? 'stop' });
  }
}

const END: IteratorReturnResult<undefined> = { done: true, value: undefined };

/**
 * A streamed answer's events: each read's SSE events are mapped synchronously and handed out one
 * by one without another await, so the stream costs one await per upstream read. An error a
 * read reports comes after the events read before it.
 */
class ChunkStream implements AsyncIterator<ChatEvent> {
  private readonly reader: ChunkReader;
  private queue: ChatEvent[] = [];
  private index = 0;
  private failure: Error | undefined;
  private closed = false;

  constructor(
    private readonly source: SseSource,
    private readonly providerName: string,
  ) {
    this.reader = new ChunkReader(providerName);
  }

  next(): Promise<IteratorResult<ChatEvent>> {
    const queued = this.queue[this.index];
    if (queued !== undefined) {
      this.index += 1;
      return Promise.resolve({ done: false, value: queued });
    }
    return this.fill();
  }

  async return(): Promise<IteratorResult<ChatEvent>> {
    this.closed = true;
    await this.source.cancel();
    return END;
  }

  private async fill(): Promise<IteratorResult<ChatEvent>> {
    this.queue = [];
    this.index = 0;
    if (this.failure !== undefined) {
      const failure = this.failure;
      this.failure = undefined;
      this.closed = true;
      throw failure;
    }
    try {
      while (!this.closed && this.queue.length === 0) {
        const events = await this.source.read();
        if (events === undefined) {
          this.closed = true;
          if (!this.reader.finished) {
            throw new ProviderError(`${this.providerName} closed the stream before it finished`, {
              retryable: true,
            });
          }
          this.reader.end(this.queue);
          break;
        }
        for (const event of events) {
          this.reader.read(event.data, this.queue);
          if (this.reader.done) break;
        }
        if (this.reader.done) {
          // `[DONE]`: nothing after it is an event. The body is finished once the events are
          // drained, not now: until then the stream may still be handed over (`detach`).
          this.closed = true;
          this.reader.end(this.queue);
        }
      }
    } catch (error) {
      void this.source.cancel();
      if (this.queue.length === 0) {
        this.closed = true;
        throw error;
      }
      this.failure = error instanceof Error ? error : new Error(String(error));
    }
    const first = this.queue[0];
    if (first === undefined) {
      void this.source.finish();
      return END;
    }
    this.index = 1;
    return { done: false, value: first };
  }
}

/** Characters at the end of a relayed stream read for its summary: its finish, usage and `[DONE]`. */
const RELAY_TAIL_CHARS = 4096;

/**
 * A whole relayed stream's summary (`RawChatStream.read`). The client had the answer from the
 * runtime; the accounting needs only how it ended: the finish and the usage, which OpenAI streams
 * send last. So only the last events are parsed, not the whole answer a second time, and the
 * summary then holds no text deltas. Every event is read, as `readEvents` does, when the end does
 * not say it all: no usage there (the tokens are then estimated from the text), a tool call (its
 * arguments arrive in pieces) or an error the stream reported.
 */
function readWhole(text: string, providerName: string, keepText: boolean): RawChatSummary {
  // Only a key or a value can contain these with their quotes: answer text has them escaped.
  if (
    !keepText &&
    text.length > RELAY_TAIL_CHARS &&
    !text.includes('"error"') &&
    !text.includes('"tool_calls"')
  ) {
    // A blank line ends an event, so what follows the first one in the window is whole events.
    const boundary = text.indexOf('\n\n', text.length - RELAY_TAIL_CHARS);
    if (boundary !== -1) {
      const tail = readEvents(text.slice(boundary + 2), providerName);
      if (tail.finished && tail.events.some((event) => event.type === 'usage')) {
        return { ...tail, events: tail.events.filter((event) => event.type !== 'delta') };
      }
    }
  }
  return readEvents(text, providerName);
}

/** Every event of a relayed stream's text (or of its end). */
function readEvents(text: string, providerName: string): RawChatSummary {
  const reader = new ChunkReader(providerName);
  const events: ChatEvent[] = [];
  let error: Error | undefined;
  const parser = createParser({
    onEvent: (event) => {
      if (error !== undefined || reader.done) return;
      try {
        reader.read(event.data, events);
      } catch (thrown) {
        error = thrown instanceof Error ? thrown : new Error(String(thrown));
      }
    },
  });
  parser.feed(text);
  const finished = error === undefined && reader.finished;
  if (finished) reader.end(events);
  return { events, finished, error };
}

async function* jsonEvents(response: Response): AsyncIterable<ChatEvent> {
  const body = await response.json<WireChunk>();
  const choice = body.choices?.[0];
  const text = choice?.message?.content;
  if (text) yield { type: 'delta', text };
  const calls = choice?.message?.tool_calls ?? [];
  if (calls.length > 0) {
    yield {
      type: 'tool_calls',
      calls: calls.map((call) => ({
        id: call.id,
        name: call.function.name,
        arguments: call.function.arguments,
      })),
    };
  }
  if (body.usage) {
    yield {
      type: 'usage',
      inputTokens: body.usage.prompt_tokens ?? 0,
      outputTokens: body.usage.completion_tokens ?? 0,
    };
  }
  yield { type: 'finish', reason: normaliseFinish(choice?.finish_reason ?? 'stop') };
}

function normaliseFinish(reason: string): FinishReason {
  return reason === 'length' || reason === 'tool_calls' || reason === 'content_filter' ? reason : 'stop';
}
