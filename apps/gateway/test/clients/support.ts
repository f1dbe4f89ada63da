import { exports } from 'cloudflare:workers';
import { CHAT_KEY, chatApp } from '../support/chat-app.ts';
import type { FakeUpstream } from '../support/fake-upstream.ts';

/** What every client is given as its base URL; requests never leave the test. */
export const BASE_URL = 'http://127.0.0.1:8787/v1';
/** The published demo key: tenant acme, models.allowed = local/echo-1, the local embedder. */
export const DEMO_KEY = 'gwk_demo_acme';

export type FetchLike = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

/** The gateway Worker itself (its generated registry), the way a deployed client reaches it. */
export const workerFetch: FetchLike = (input, init) => exports.default.fetch(new Request(input, init));

/** The tool the scripted model asks the client to run; the gateway passes client tools through. */
export const WEATHER_TOOL = {
  name: 'get_weather',
  description: 'Current weather for a city.',
  args: { city: 'Lisbon' },
};

/**
 * A gateway app whose upstream model `upstream/primary` asks for `get_weather` whenever it is
 * offered tools and the conversation has no tool result yet, as JSON or as SSE chunks (the way an
 * OpenAI-compatible server streams a tool call); otherwise the scripted upstream answers in text.
 */
export async function toolGateway(): Promise<{ fetch: FetchLike; key: string; upstream: FakeUpstream }> {
  const { app, upstream, env } = await chatApp();
  const scripted = upstream.fetch;
  upstream.fetch = async (input, init) => {
    const request = new Request(input, init);
    const body = await request.clone().json<{
      model: string;
      stream?: boolean;
      tools?: unknown[];
      messages: { role: string }[];
    }>();
    const answered = body.messages.some((m) => m.role === 'tool');
    if ((body.tools?.length ?? 0) === 0 || answered) return scripted(request);
    const call = {
      id: 'call_weather_1',
      type: 'function' as const,
      function: { name: WEATHER_TOOL.name, arguments: JSON.stringify(WEATHER_TOOL.args) },
    };
    const base = { id: 'up-1', created: 1, model: body.model };
    const usage = { prompt_tokens: 12, completion_tokens: 6, total_tokens: 18 };
    if (body.stream !== true) {
      return Response.json({
        ...base,
        object: 'chat.completion',
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: null, tool_calls: [call] },
            finish_reason: 'tool_calls',
          },
        ],
        usage,
      });
    }
    const chunk = (choices: unknown[], extra: object = {}) =>
      `data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices, ...extra })}\n\n`;
    const frames = [
      chunk([{ index: 0, delta: { role: 'assistant', content: null }, finish_reason: null }]),
      chunk([
        {
          index: 0,
          delta: {
            tool_calls: [
              {
                index: 0,
                id: call.id,
                type: 'function',
                function: { name: call.function.name, arguments: '' },
              },
            ],
          },
          finish_reason: null,
        },
      ]),
      chunk([
        {
          index: 0,
          delta: { tool_calls: [{ index: 0, function: { arguments: call.function.arguments } }] },
          finish_reason: null,
        },
      ]),
      chunk([{ index: 0, delta: {}, finish_reason: 'tool_calls' }]),
      chunk([], { usage }),
      'data: [DONE]\n\n',
    ];
    return new Response(frames.join(''), { headers: { 'content-type': 'text/event-stream' } });
  };
  return {
    fetch: (input, init) => Promise.resolve(app.fetch(new Request(input, init), env)),
    key: CHAT_KEY,
    upstream,
  };
}
