import { sseEvents } from '../../stream/sse-events.ts';
import { ProviderError } from '../../errors.ts';
import type { ChatEvent, ChatParams, FinishReason, Provider, ProviderContext } from '../../types.ts';

/**
 * Workers AI through the `AI` binding, routed through the tenant's Cloudflare AI Gateway when one
 * is configured (metadata carries tenant, request and route, so the AI Gateway's logs can be
 * filtered per tenant). The binding exists only in staging and production.
 */
export const workersAiProvider: Provider = {
  // Workers AI's text-generation input has no stop sequences and no tool choice.
  params: new Set([
    'maxTokens',
    'temperature',
    'topP',
    'topK',
    'seed',
    'presencePenalty',
    'frequencyPenalty',
    'user',
  ]),
  responseFormats: new Set(['json_schema']),
  async *chat(params, context) {
    const ai = context.env.AI;
    if (ai === undefined) {
      throw new ProviderError(
        'Workers AI is not available here: the AI binding is declared only in the staging and production environments. Use a local/* or an openai-compatible model in development.',
        { retryable: false, code: 'provider_unavailable' },
      );
    }
    const options = runOptions(params, context);
    let output: unknown;
    try {
      // The binding's overloads are keyed by model name; ours is a tenant-chosen string.
      output = await (ai.run as (model: string, inputs: object, options: AiOptions) => Promise<unknown>)(
        params.model,
        inputs(params),
        options,
      );
    } catch (error) {
      if (params.signal.aborted) throw error;
      throw new ProviderError(
        `Workers AI failed: ${error instanceof Error ? error.message : String(error)}`,
        {
          retryable: isRetryableAiError(error),
          cause: error,
        },
      );
    }
    if (output instanceof ReadableStream) yield* streamEvents(output as ReadableStream<Uint8Array>);
    else yield* jsonEvents(output);
  },
};

function inputs(params: ChatParams): Record<string, unknown> {
  return {
    messages: params.messages.map((message) => ({ role: message.role, content: message.content })),
    max_tokens: params.maxTokens,
    temperature: params.temperature,
    top_p: params.topP,
    top_k: params.topK,
    seed: params.seed,
    presence_penalty: params.presencePenalty,
    frequency_penalty: params.frequencyPenalty,
    response_format:
      params.responseFormat?.type === 'json_schema'
        ? { type: 'json_schema', json_schema: params.responseFormat.schema }
        : undefined,
    ...(params.tools && params.tools.length > 0 ? { tools: params.tools } : {}),
    stream: params.stream,
  };
}

function runOptions(params: ChatParams, context: ProviderContext): AiOptions {
  const config = context.config.type === 'workers-ai' ? context.config : undefined;
  const options: AiOptions = { signal: params.signal };
  if (config?.gatewayId !== undefined) {
    options.gateway = {
      id: config.gatewayId,
      skipCache: config.skipCache,
      ...(config.cacheTtl !== undefined ? { cacheTtl: config.cacheTtl } : {}),
      // The end user rides along in AI Gateway's log metadata: Workers AI itself has no field for it.
      metadata: {
        tenantId: context.tenantId,
        requestId: context.requestId,
        route: context.route,
        ...(params.user !== undefined ? { user: params.user } : {}),
      },
    };
  }
  return options;
}

/** Input errors (bad model, bad input) will fail again; capacity and internal errors may not. */
function isRetryableAiError(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return !/\b(5006|5007|5016|8001)\b|invalid input|no such model|not found/i.test(message);
}

interface AiChunk {
  response?: string | null;
  usage?: { prompt_tokens?: number; completion_tokens?: number };
  choices?: { delta?: { content?: string | null }; finish_reason?: string | null }[];
  tool_calls?: { id?: string; name: string; arguments: unknown }[];
}

async function* streamEvents(stream: ReadableStream<Uint8Array>): AsyncIterable<ChatEvent> {
  const events = sseEvents(stream);
  let done = false;
  let finish: FinishReason = 'stop';
  for await (const event of events) {
    if (event.data === '[DONE]') {
      done = true;
      break;
    }
    const chunk = JSON.parse(event.data) as AiChunk;
    // Older models stream `{ response }`; newer ones stream OpenAI-style `choices[].delta`.
    const text = chunk.response ?? chunk.choices?.[0]?.delta?.content;
    if (text) yield { type: 'delta', text };
    if (chunk.choices?.[0]?.finish_reason === 'length') finish = 'length';
    if (chunk.usage) {
      yield {
        type: 'usage',
        inputTokens: chunk.usage.prompt_tokens ?? 0,
        outputTokens: chunk.usage.completion_tokens ?? 0,
      };
    }
  }
  if (!done) throw new ProviderError('Workers AI closed the stream before it finished', { retryable: true });
  yield { type: 'finish', reason: finish };
}

// eslint-disable-next-line @typescript-eslint/require-await -- a synchronous source meeting the AsyncIterable contract
async function* jsonEvents(output: unknown): AsyncIterable<ChatEvent> {
  const body = (output ?? {}) as AiChunk;
  if (body.response) yield { type: 'delta', text: body.response };
  if (body.tool_calls && body.tool_calls.length > 0) {
    yield {
      type: 'tool_calls',
      calls: body.tool_calls.map((call, index) => ({
        id: call.id ?? `call_${index}`,
        name: call.name,
        arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments),
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
  yield { type: 'finish', reason: body.tool_calls?.length ? 'tool_calls' : 'stop' };
}
