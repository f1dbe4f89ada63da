/**
 * A scripted OpenAI-compatible server, called through the gateway's upstream `fetch`: the network
 * boundary. It speaks the real wire format (JSON and SSE chunks); each model follows a script of
 * steps, one step per call, the last step repeating.
 */
export type Step =
  /** A whole answer; with `frameDelayMs`, streamed one frame per that many ms, like a real model. */
  | { kind: 'ok'; text?: string; usage?: boolean; frameDelayMs?: number; chunks?: string[] }
  | { kind: 'status'; status: number; retryAfter?: string }
  | { kind: 'hang' }
  /** The stream stops after `afterDeltas` deltas: a dropped connection, or with `clean` an orderly close. */
  | { kind: 'cut'; afterDeltas: number; clean?: boolean }
  | { kind: 'stall'; afterDeltas: number }
  | { kind: 'throw' };

export interface UpstreamCall {
  model: string;
  stream: boolean;
  body: Record<string, unknown>;
  headers: Headers;
  /** Set when the gateway aborted this call (client gone, timeout). */
  aborted: boolean;
  /**
   * A streamed answer's body: `read` to its end (the connection can serve another request),
   * `cancelled` by the gateway, or still `open`.
   */
  answer: 'open' | 'read' | 'cancelled';
}

export interface FakeUpstream {
  fetch: (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;
  calls: UpstreamCall[];
  script(model: string, ...steps: Step[]): void;
  callsFor(model: string): UpstreamCall[];
}

const encoder = new TextEncoder();

export function fakeUpstream(): FakeUpstream {
  const scripts = new Map<string, Step[]>();
  const calls: UpstreamCall[] = [];

  const nextStep = (model: string): Step => {
    const steps = scripts.get(model) ?? [{ kind: 'ok' }];
    return (steps.length > 1 ? steps.shift() : steps[0]) ?? { kind: 'ok' };
  };

  const handle = async (request: Request): Promise<Response> => {
    const body = await request.json<Record<string, unknown>>();
    const model = String(body.model);
    const call: UpstreamCall = {
      model,
      stream: body.stream === true,
      body,
      headers: request.headers,
      aborted: false,
      answer: 'open',
    };
    calls.push(call);
    if (request.signal.aborted) call.aborted = true;
    request.signal.addEventListener('abort', () => {
      call.aborted = true;
    });
    const step = nextStep(model);
    switch (step.kind) {
      case 'status':
        return Response.json(
          { error: { message: `scripted ${step.status}`, type: 'server_error' } },
          {
            status: step.status,
            headers: step.retryAfter !== undefined ? { 'retry-after': step.retryAfter } : {},
          },
        );
      case 'throw':
        throw new TypeError('network connection lost');
      case 'hang':
        return new Promise<Response>((_, reject) => {
          request.signal.addEventListener('abort', () => {
            reject(new DOMException('aborted', 'AbortError'));
          });
        });
      case 'ok':
      case 'cut':
      case 'stall':
        return call.stream ? streamResponse(step, model, request.signal, call) : jsonResponse(step, model);
    }
  };

  return {
    calls,
    fetch: (input: RequestInfo | URL, init?: RequestInit) => handle(new Request(input, init)),
    script(model, ...steps) {
      scripts.set(model, steps);
    },
    callsFor: (model) => calls.filter((call) => call.model === model),
  };
}

const words = (text: string) => text.split(/(?<=\s)/);

function jsonResponse(step: Step & { kind: 'ok' | 'cut' | 'stall' }, model: string): Response {
  // A cut connection leaves a truncated JSON body.
  if (step.kind === 'cut')
    return new Response('{"id":"chatcmpl-upstream","choices":[{"mess', {
      headers: { 'content-type': 'application/json' },
    });
  const text =
    step.kind === 'ok' ? (step.chunks?.join('') ?? step.text ?? `upstream answer from ${model}`) : 'partial';
  return Response.json({
    id: 'chatcmpl-upstream',
    object: 'chat.completion',
    created: 1,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 },
  });
}

function streamResponse(
  step: Step & { kind: 'ok' | 'cut' | 'stall' },
  model: string,
  signal: AbortSignal,
  call: UpstreamCall,
): Response {
  const text =
    step.kind === 'ok' ? (step.text ?? `upstream answer from ${model}`) : 'one two three four five six';
  const frames: string[] = [];
  const chunk = (delta: object, finish: string | null) =>
    `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  frames.push(chunk({ role: 'assistant', content: '' }, null));
  // Scripted pieces stream exactly as given; otherwise one delta per word.
  const parts = step.kind === 'ok' && step.chunks !== undefined ? step.chunks : words(text);
  const limit = step.kind === 'ok' ? parts.length : step.afterDeltas;
  for (const part of parts.slice(0, limit)) frames.push(chunk({ content: part }, null));
  if (step.kind === 'ok') {
    frames.push(chunk({}, 'stop'));
    if (step.usage !== false) {
      frames.push(
        `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model, choices: [], usage: { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 } })}\n\n`,
      );
    }
    frames.push('data: [DONE]\n\n');
  }
  let index = 0;
  return new Response(
    new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          if (step.kind === 'ok' && step.frameDelayMs !== undefined && index > 0) {
            await new Promise((resolve) => setTimeout(resolve, step.frameDelayMs));
          }
          // Like a real fetch body: an aborted call errors the body.
          if (signal.aborted) {
            controller.error(new DOMException('The operation was aborted.', 'AbortError'));
            return;
          }
          const frame = frames[index++];
          if (frame === undefined) {
            // A cut stream errors like a dropped connection; a stalled one waits until aborted.
            if (step.kind === 'cut' && step.clean !== true)
              controller.error(new TypeError('upstream connection reset'));
            else if (step.kind === 'stall') {
              // Like a real fetch body: aborting the request errors the pending read.
              return new Promise<void>((resolve) => {
                signal.addEventListener('abort', () => {
                  controller.error(new DOMException('The operation was aborted.', 'AbortError'));
                  resolve();
                });
              });
            } else {
              controller.close();
              call.answer = 'read';
            }
            return;
          }
          controller.enqueue(encoder.encode(frame));
        },
        cancel() {
          call.answer = 'cancelled';
        },
      },
      // Nothing is produced ahead of a read, as with a network body: the end is only seen when read.
      { highWaterMark: 0 },
    ),
    { headers: { 'content-type': 'text/event-stream' } },
  );
}

/** A Workers AI binding stand-in at the binding boundary: records calls, streams Workers AI SSE. */
export function fakeAi(options: { fail?: string } = {}) {
  const runs: { model: string; inputs: Record<string, unknown>; options: AiOptions }[] = [];
  const ai = {
    run(model: string, inputs: Record<string, unknown>, runOptions: AiOptions): Promise<unknown> {
      runs.push({ model, inputs, options: runOptions });
      if (options.fail !== undefined) return Promise.reject(new Error(options.fail));
      const pieces = ['Hello ', 'from ', 'Workers ', 'AI'];
      if (inputs.stream !== true) {
        return Promise.resolve({
          response: pieces.join(''),
          usage: { prompt_tokens: 9, completion_tokens: 4, total_tokens: 13 },
        });
      }
      const frames = [
        ...pieces.map((piece) => `data: ${JSON.stringify({ response: piece })}\n\n`),
        `data: ${JSON.stringify({ response: '', usage: { prompt_tokens: 9, completion_tokens: 4, total_tokens: 13 } })}\n\n`,
        'data: [DONE]\n\n',
      ];
      return Promise.resolve(
        new ReadableStream<Uint8Array>({
          start(controller) {
            for (const frame of frames) controller.enqueue(encoder.encode(frame));
            controller.close();
          },
        }),
      );
    },
  };
  return { ai: ai as unknown as Ai, runs };
}

/**
 * Makes `model` ask for `tool` whenever it is offered tools (`times` times at most), and answer
 * in text otherwise: a model that would loop forever without the gateway's step limit.
 */
export function toolCallingUpstream(
  upstream: FakeUpstream,
  model: string,
  tool: string,
  args: Record<string, unknown> = { text: 'Some text to work on. It has two sentences.' },
  times = Number.POSITIVE_INFINITY,
) {
  let withTools = 0;
  let withoutTools = 0;
  const original = upstream.fetch;
  upstream.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    const body = await request.clone().json<{ model: string; tools?: unknown[] }>();
    if (body.model !== model) return original(request);
    if (body.tools && body.tools.length > 0 && withTools < times) {
      withTools += 1;
      return Response.json({
        id: 'c',
        object: 'chat.completion',
        created: 1,
        model,
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: null,
              tool_calls: [
                {
                  id: `call_${withTools}`,
                  type: 'function',
                  function: { name: tool, arguments: JSON.stringify(args) },
                },
              ],
            },
            finish_reason: 'tool_calls',
          },
        ],
        usage: { prompt_tokens: 5, completion_tokens: 5, total_tokens: 10 },
      });
    }
    if (!body.tools || body.tools.length === 0) withoutTools += 1;
    return original(request);
  };
  return { callsWithTools: () => withTools, callsWithoutTools: () => withoutTools };
}
