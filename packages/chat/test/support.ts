import { env } from 'cloudflare:workers';
import { CircuitBreakers } from '@aigw/ai';
import type { UsageRecord } from '@aigw/observability';
import { tenantConfigSchema, type TenantConfigInput } from '@aigw/tenancy';
import type { Caller, ChatRequest, EngineDeps, TurnEvent } from '../src/index.ts';

/**
 * The engine's test harness: real SessionDO and BudgetDO (this package's test Worker), the offline
 * `local` provider, and a scripted OpenAI-compatible upstream at the network boundary.
 */

/** One scripted upstream answer: text (streamed or not), a tool call, an error status, or a cut stream. */
export type Answer =
  | { kind: 'text'; text: string }
  /** Text streamed in exactly these pieces. */
  | { kind: 'chunks'; chunks: string[] }
  | { kind: 'tool'; name: string; args: string }
  | { kind: 'status'; status: number }
  | { kind: 'cut'; afterWords: number };

export function scriptedUpstream(...answers: Answer[]) {
  const bodies: Record<string, unknown>[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const body = await request.json<Record<string, unknown>>();
    bodies.push(body);
    const answer = (answers.length > 1 ? answers.shift() : answers[0]) ?? { kind: 'text', text: 'ok' };
    if (answer.kind === 'status')
      return Response.json({ error: { message: 'scripted' } }, { status: answer.status });
    if (body.stream !== true && (answer.kind === 'text' || answer.kind === 'chunks')) {
      const content = answer.kind === 'text' ? answer.text : answer.chunks.join('');
      return Response.json({
        choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 10, completion_tokens: 5 },
      });
    }
    const chunk = (delta: object, finish: string | null) =>
      `data: ${JSON.stringify({ choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    const usage = `data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: 10, completion_tokens: 5 } })}\n\n`;
    let frames: string[];
    if (answer.kind === 'tool') {
      frames = [
        chunk(
          {
            tool_calls: [{ index: 0, id: 'call_1', function: { name: answer.name, arguments: answer.args } }],
          },
          null,
        ),
        chunk({}, 'tool_calls'),
        usage,
        'data: [DONE]\n\n',
      ];
    } else {
      const words =
        answer.kind === 'chunks'
          ? answer.chunks
          : (answer.kind === 'text' ? answer.text : 'one two three four five').split(/(?<=\s)/);
      const sent = answer.kind === 'cut' ? words.slice(0, answer.afterWords) : words;
      frames = sent.map((word) => chunk({ content: word }, null));
      if (answer.kind !== 'cut') frames.push(chunk({}, 'stop'), usage, 'data: [DONE]\n\n');
    }
    const encoder = new TextEncoder();
    let index = 0;
    return new Response(
      new ReadableStream<Uint8Array>({
        pull(controller) {
          const frame = frames[index++];
          if (frame !== undefined) controller.enqueue(encoder.encode(frame));
          else if (answer.kind === 'cut') controller.error(new TypeError('upstream connection reset'));
          else controller.close();
        },
      }),
      { headers: { 'content-type': 'text/event-stream' } },
    );
  };
  return { fetch, bodies };
}

export function tenant(overrides: Partial<TenantConfigInput> = {}) {
  return tenantConfigSchema.parse({
    id: `engine-${crypto.randomUUID().slice(0, 8)}`,
    name: 'Engine test',
    environments: ['development'],
    apiKeys: [
      {
        id: 'key-1',
        hash: '0'.repeat(64),
        scopes: ['chat'],
        label: 'test',
        createdAt: '2026-01-01T00:00:00Z',
      },
    ],
    providers: { upstream: { type: 'openai-compatible', baseUrl: 'http://upstream.test/v1' } },
    models: {
      chat: 'upstream/primary',
      allowed: [
        'upstream/primary',
        'upstream/backup',
        'local/echo-1',
        'workers-ai/@cf/meta/llama-3.1-8b-instruct',
      ],
    },
    routing: {
      maxAttempts: 1,
      backoffBaseMs: 1,
      backoffMaxMs: 2,
      firstTokenTimeoutMs: 500,
      totalTimeoutMs: 3000,
    },
    features: { tools: true },
    tools: { enabled: ['summarize'] },
    ...overrides,
  });
}

export interface Harness {
  deps: EngineDeps;
  caller: (signal?: AbortSignal) => Caller;
  usage: Promise<UsageRecord>[];
  toolRuns: { name: string; args: unknown }[];
  /** Resolves when every piece of work kept alive (`keepAlive`) has been released. */
  idle: () => Promise<void>;
}

export function harness(config: ReturnType<typeof tenant>, upstream = scriptedUpstream()): Harness {
  const usage: Promise<UsageRecord>[] = [];
  const toolRuns: { name: string; args: unknown }[] = [];
  let alive = 0;
  const deps: EngineDeps = {
    router: { env: {}, fetch: upstream.fetch, breakers: new CircuitBreakers() },
    sessions: env.SESSIONS,
    budgets: env.BUDGET,
    limiters: env.RATE_LIMITER,
    keepAlive: () => {
      alive += 1;
      let released = false;
      return () => {
        if (!released) alive -= 1;
        released = true;
      };
    },
    reportUsage: (record) => usage.push(record),
    recordModelCall: () => undefined,
    runTool: (name, args) => {
      toolRuns.push({ name, args });
      return Promise.resolve({ summary: `summary of ${JSON.stringify(args)}` });
    },
    retrieve: () => Promise.reject(new Error('no retrieval in these tests')),
    log: () => undefined,
  };
  return {
    deps,
    caller: (signal = new AbortController().signal) => ({
      tenant: config,
      apiKey:
        config.apiKeys[0] ??
        (() => {
          throw new Error('no key');
        })(),
      requestId: `req_${crypto.randomUUID().replaceAll('-', '')}`,
      signal,
    }),
    usage,
    toolRuns,
    idle: async () => {
      for (let i = 0; i < 200 && alive > 0; i++) await new Promise((resolve) => setTimeout(resolve, 5));
      if (alive > 0) throw new Error(`${alive} piece(s) of work still kept alive`);
    },
  };
}

export function ask(text: string, extra: Partial<ChatRequest> = {}): ChatRequest {
  return { api: '/test', messages: [{ role: 'user', content: text }], params: {}, stream: true, ...extra };
}

export async function collect(events: AsyncIterable<TurnEvent>): Promise<TurnEvent[]> {
  const all: TurnEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}
