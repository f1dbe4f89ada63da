// What is measured: each scenario sends the same chat to the gateway and to the bare pass-through
// Worker, which both reach the same fake upstream. The bare Worker always forwards an OpenAI body,
// so the gateway's native `/chat` is compared with the same upstream work.
import { ANSWER_TEXT } from './fake-upstream.mjs';
import { parseEvent, send } from './load.mjs';
import { BENCH_API_KEY, BENCH_MODEL } from './workers.mjs';

/**
 * @typedef {import('./load.mjs').HttpCall} HttpCall
 * @typedef {{ event: string, data: string }} SseEvent
 * @typedef {{
 *   call: HttpCall,
 *   isContent?: (event: SseEvent) => boolean,
 *   answerOf: (status: number, contentType: string, body: string) => string | undefined,
 * }} Target
 * @typedef {{ id: string, title: string, stream: boolean, informational?: boolean, twin?: string, targets: { bare: Target, gateway: Target } }} Scenario
 */

const MESSAGES = [
  { role: 'system', content: 'You are a terse assistant.' },
  { role: 'user', content: 'Name twenty words.' },
];

const JSON_HEADERS = { 'content-type': 'application/json' };
const GATEWAY_HEADERS = { ...JSON_HEADERS, authorization: `Bearer ${BENCH_API_KEY}` };

/** @param {boolean} stream @param {boolean} [includeUsage] */
const openaiBody = (stream, includeUsage = stream) =>
  JSON.stringify({
    model: BENCH_MODEL,
    messages: MESSAGES,
    stream,
    ...(includeUsage ? { stream_options: { include_usage: true } } : {}),
  });

/** @param {boolean} stream */
const nativeBody = (stream) => JSON.stringify({ message: 'Name twenty words.', stream });

/** @param {string} body */
const parseJson = (body) => {
  try {
    return /** @type {unknown} */ (JSON.parse(body));
  } catch {
    return undefined;
  }
};

/** @param {string} body */
export const sseEvents = (body) =>
  body
    .split(/\r?\n\r?\n/)
    .filter((block) => block.trim() !== '')
    .map(parseEvent);

/** @param {SseEvent} event */
const openaiDeltaText = (event) => {
  if (event.data === '' || event.data === '[DONE]') return '';
  const chunk = /** @type {{ choices?: { delta?: { content?: unknown } }[] } | undefined} */ (
    parseJson(event.data)
  );
  const content = chunk?.choices?.[0]?.delta?.content;
  return typeof content === 'string' ? content : '';
};

/** @param {SseEvent} event */
const nativeDeltaText = (event) => {
  if (event.event !== 'delta') return '';
  const data = /** @type {{ text?: unknown } | undefined} */ (parseJson(event.data));
  return typeof data?.text === 'string' ? data.text : '';
};

/** @type {Target['answerOf']} */
export const openaiJsonAnswer = (status, _type, body) => {
  if (status !== 200) return undefined;
  const value = /** @type {{ choices?: { message?: { content?: unknown } }[] } | undefined} */ (
    parseJson(body)
  );
  const content = value?.choices?.[0]?.message?.content;
  return typeof content === 'string' ? content : undefined;
};

/** @type {Target['answerOf']} */
export const openaiStreamAnswer = (status, type, body) => {
  if (status !== 200 || !type.startsWith('text/event-stream')) return undefined;
  const events = sseEvents(body);
  if (events.at(-1)?.data !== '[DONE]') return undefined;
  return events.map(openaiDeltaText).join('');
};

/** @type {Target['answerOf']} */
export const nativeJsonAnswer = (status, _type, body) => {
  if (status !== 200) return undefined;
  const value = /** @type {Record<string, unknown> | undefined} */ (parseJson(body));
  // The field holding the answer text is the gateway's to name; accept the usual ones.
  for (const key of ['text', 'message', 'content', 'answer']) {
    const field = value?.[key];
    if (typeof field === 'string') return field;
  }
  return undefined;
};

/** @type {Target['answerOf']} */
export const nativeStreamAnswer = (status, type, body) => {
  if (status !== 200 || !type.startsWith('text/event-stream')) return undefined;
  const events = sseEvents(body);
  if (events.at(-1)?.event !== 'done') return undefined;
  return events.map(nativeDeltaText).join('');
};

/** @type {Target['answerOf']} The Responses API's stream: `response.output_text.delta`s, then `response.completed`. */
export const responsesStreamAnswer = (status, type, body) => {
  if (status !== 200 || !type.startsWith('text/event-stream')) return undefined;
  const events = sseEvents(body);
  if (events.at(-1)?.event !== 'response.completed') return undefined;
  return events
    .filter((event) => event.event === 'response.output_text.delta')
    .map((event) => {
      const data = /** @type {{ delta?: unknown } | undefined} */ (parseJson(event.data));
      return typeof data?.delta === 'string' ? data.delta : '';
    })
    .join('');
};

/** @type {Target['answerOf']} The Messages API's stream: `text_delta`s, then `message_stop`. */
export const messagesStreamAnswer = (status, type, body) => {
  if (status !== 200 || !type.startsWith('text/event-stream')) return undefined;
  const events = sseEvents(body);
  if (events.at(-1)?.event !== 'message_stop') return undefined;
  return events
    .filter((event) => event.event === 'content_block_delta')
    .map((event) => {
      const data = /** @type {{ delta?: { text?: unknown } } | undefined} */ (parseJson(event.data));
      return typeof data?.delta?.text === 'string' ? data.delta.text : '';
    })
    .join('');
};

/** @param {string} path @param {string} body @param {Record<string, string>} headers @returns {HttpCall} */
export const post = (path, body, headers) => ({ method: 'POST', path, headers, body });

/** @type {{ bare: Target, gateway: Target }} */
const openaiJson = {
  bare: { call: post('/v1/chat/completions', openaiBody(false), JSON_HEADERS), answerOf: openaiJsonAnswer },
  gateway: {
    call: post('/v1/chat/completions', openaiBody(false), GATEWAY_HEADERS),
    answerOf: openaiJsonAnswer,
  },
};

/** @param {SseEvent} event */
const hasOpenaiContent = (event) => openaiDeltaText(event) !== '';

/** @type {{ bare: Target, gateway: Target }} */
const openaiStream = {
  bare: {
    call: post('/v1/chat/completions', openaiBody(true), JSON_HEADERS),
    answerOf: openaiStreamAnswer,
    isContent: hasOpenaiContent,
  },
  gateway: {
    call: post('/v1/chat/completions', openaiBody(true), GATEWAY_HEADERS),
    answerOf: openaiStreamAnswer,
    isContent: hasOpenaiContent,
  },
};

/** @type {Scenario[]} */
export const SCENARIOS = [
  {
    id: 'openai-json',
    title: 'POST /v1/chat/completions, JSON',
    stream: false,
    targets: openaiJson,
  },
  {
    id: 'openai-stream',
    title: 'POST /v1/chat/completions, stream',
    stream: true,
    twin: 'openai-json',
    targets: openaiStream,
  },
  {
    // Without include_usage the gateway cannot relay the upstream's bytes (docs/chat.md) and
    // frames every chunk itself: the stream path of /chat, tools and sessions.
    id: 'openai-stream-framed',
    title: 'POST /v1/chat/completions, stream, no include_usage (gateway-framed)',
    stream: true,
    twin: 'openai-json',
    targets: {
      bare: {
        ...openaiStream.bare,
        call: post('/v1/chat/completions', openaiBody(true, false), JSON_HEADERS),
      },
      gateway: {
        ...openaiStream.gateway,
        call: post('/v1/chat/completions', openaiBody(true, false), GATEWAY_HEADERS),
      },
    },
  },
  {
    id: 'chat-json',
    title: 'POST /chat, JSON (bare: OpenAI JSON)',
    stream: false,
    targets: {
      bare: openaiJson.bare,
      gateway: { call: post('/chat', nativeBody(false), GATEWAY_HEADERS), answerOf: nativeJsonAnswer },
    },
  },
  {
    id: 'chat-stream',
    title: 'POST /chat, stream (bare: OpenAI stream)',
    stream: true,
    twin: 'chat-json',
    targets: {
      bare: openaiStream.bare,
      gateway: {
        call: post('/chat', nativeBody(true), GATEWAY_HEADERS),
        answerOf: nativeStreamAnswer,
        isContent: (event) => nativeDeltaText(event) !== '',
      },
    },
  },
  {
    // Not a target: what one request costs with no upstream at all (gateway: routing, auth, the
    // log line; bare: a static response), i.e. the gateway's fixed cost per request.
    id: 'no-upstream',
    title: 'No upstream: GET /tenant (bare: static JSON)',
    stream: false,
    informational: true,
    targets: {
      bare: {
        call: { method: 'GET', path: '/static', headers: {} },
        answerOf: (status) => (status === 200 ? '' : undefined),
      },
      gateway: {
        call: { method: 'GET', path: '/tenant', headers: { authorization: `Bearer ${BENCH_API_KEY}` } },
        answerOf: (status) => (status === 200 ? '' : undefined),
      },
    },
  },
];

/** The answer every chat scenario should deliver unchanged. */
export const EXPECTED_ANSWER = ANSWER_TEXT;

/**
 * Sends one request and checks it: the route exists, answers 2xx, and delivers the fake
 * upstream's answer. A scenario whose route is missing is skipped, not measured.
 * @param {string} url
 * @param {Target} target
 * @param {boolean} chat whether the answer must be the upstream's text
 * @returns {Promise<{ ok: true } | { ok: false, missing: boolean, reason: string }>}
 */
export async function probe(url, target, chat) {
  const { call } = target;
  const { status, type, body } = await send(url, call);
  if (status === 404 || status === 405) {
    return { ok: false, missing: true, reason: `${call.method} ${call.path} answers ${status}` };
  }
  const answer = target.answerOf(status, type, body);
  if (answer === undefined || (chat && answer !== EXPECTED_ANSWER)) {
    return {
      ok: false,
      missing: false,
      reason: `${call.method} ${call.path} answered ${status} ${type}: ${body.slice(0, 300)}`,
    };
  }
  return { ok: true };
}
