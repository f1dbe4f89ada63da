// A fast fake OpenAI-compatible upstream for the benchmark: `POST /v1/chat/completions` answers at
// once, as one `chat.completion` JSON object or, with `stream: true`, as an SSE stream of
// `chat.completion.chunk` events ending in `data: [DONE]`. No artificial delay: the figures should
// show what the Workers in front of it cost, not what the model costs.
//
// Run as a child process (`node bench/lib/fake-upstream.mjs`) so that it does not share an event
// loop with the load generator; it reports its port, and later its request counts, over IPC.
import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';

/** `count` words of a fake answer: one streamed delta each. */
export const answerWords = (/** @type {number} */ count) =>
  Array.from({ length: count }, (_, i) => `word${i + 1}`);
/** Words of the fake answer. */
export const ANSWER_WORDS = answerWords(20);
export const ANSWER_TEXT = ANSWER_WORDS.join(' ');
/** Deltas of the long answer: enough that per-chunk costs dwarf per-request ones. */
export const LONG_ANSWER_CHUNKS = 500;
export const LONG_ANSWER_WORDS = answerWords(LONG_ANSWER_CHUNKS);
export const LONG_ANSWER_TEXT = LONG_ANSWER_WORDS.join(' ');
/** @param {string} model */
const wordsFor = (model) => (model.endsWith('-long') ? LONG_ANSWER_WORDS : ANSWER_WORDS);
const PROMPT_TOKENS = 12;

/** @param {string[]} words */
const usageOf = (words) => ({
  prompt_tokens: PROMPT_TOKENS,
  completion_tokens: words.length,
  total_tokens: PROMPT_TOKENS + words.length,
});

/**
 * Starts the server on 127.0.0.1 (a random free port unless one is given).
 * @param {{ port?: number }} [options]
 * @returns {Promise<{ port: number, stats: { requests: number, streams: number, errors: number }, close: () => Promise<void> }>}
 */
export async function startFakeUpstream(options = {}) {
  const stats = { requests: 0, streams: 0, errors: 0 };
  let sequence = 0;

  const server = createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
      stats.errors++;
      sendJson(res, 404, { error: { message: `no route ${req.method} ${req.url}`, type: 'not_found' } });
      return;
    }
    /** @type {Buffer[]} */
    const parts = [];
    req.on('data', (part) => parts.push(part));
    req.on('end', () => {
      /** @type {{ model?: unknown, stream?: unknown, stream_options?: { include_usage?: unknown }, max_tokens?: unknown }} */
      let body;
      try {
        body = JSON.parse(Buffer.concat(parts).toString('utf8'));
      } catch {
        stats.errors++;
        sendJson(res, 400, { error: { message: 'body is not JSON', type: 'invalid_request_error' } });
        return;
      }
      stats.requests++;
      const id = `chatcmpl-bench-${++sequence}`;
      const model = typeof body.model === 'string' ? body.model : 'fake-model';
      const created = Math.floor(Date.now() / 1000);
      if (body.stream === true) {
        stats.streams++;
        // A model named `*-long` streams 500 words (the chunks suite). Another stream that asks for
        // more tokens than the usual answer has gets that many words (the guardrails suite's long
        // answer); every other request gets the usual twenty.
        const long =
          !model.endsWith('-long') &&
          typeof body.max_tokens === 'number' &&
          body.max_tokens > ANSWER_WORDS.length;
        streamCompletion(res, {
          id,
          model,
          created,
          includeUsage: body.stream_options?.include_usage === true,
          words: long ? answerWords(Number(body.max_tokens)) : wordsFor(model),
        });
      } else {
        sendJson(res, 200, {
          id,
          object: 'chat.completion',
          created,
          model,
          choices: [
            {
              index: 0,
              message: { role: 'assistant', content: wordsFor(model).join(' ') },
              logprobs: null,
              finish_reason: 'stop',
            },
          ],
          usage: usageOf(wordsFor(model)),
        });
      }
    });
  });
  server.keepAliveTimeout = 60_000;

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve(undefined));
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('fake upstream has no TCP address');

  return {
    port: address.port,
    stats,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve(undefined));
      }),
  };
}

/**
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {unknown} value
 */
function sendJson(res, status, value) {
  const text = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * Writes the stream one event per event-loop turn (`setImmediate`, no timer), so the Worker in
 * front reads it in several pieces as it would from a real model, without waiting for anything.
 * @param {import('node:http').ServerResponse} res
 * @param {{ id: string, model: string, created: number, includeUsage: boolean, words: string[] }} meta
 */
function streamCompletion(res, { id, model, created, includeUsage, words }) {
  /** @param {Record<string, unknown>} delta @param {string | null} finishReason */
  const chunk = (delta, finishReason) =>
    `data: ${JSON.stringify({
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
      ...(includeUsage ? { usage: null } : {}),
    })}\n\n`;

  const events = [
    chunk({ role: 'assistant', content: '' }, null),
    ...words.map((word, i) => chunk({ content: i === 0 ? word : ` ${word}` }, null)),
    chunk({}, 'stop'),
  ];
  if (includeUsage) {
    events.push(
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [], usage: usageOf(words) })}\n\n`,
    );
  }
  events.push('data: [DONE]\n\n');

  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
  });
  res.flushHeaders();
  let next = 0;
  let closed = false;
  res.on('close', () => {
    closed = true;
  });
  const writeNext = () => {
    if (closed) return;
    const event = events[next++];
    if (event === undefined) {
      res.end();
      return;
    }
    res.write(event);
    setImmediate(writeNext);
  };
  writeNext();
}

/** The fake upstream in a child process of its own (this file), off the load generator's event loop. */
export async function startUpstreamProcess() {
  const child = fork(fileURLToPath(import.meta.url), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  /** @type {((stats: { requests: number, streams: number, errors: number }) => void)[]} */
  const waiting = [];
  /** @type {number} */
  const port = await new Promise((resolve, reject) => {
    child.on('message', (/** @type {any} */ message) => {
      if (message?.type === 'ready') resolve(message.port);
      if (message?.type === 'stats') waiting.shift()?.(message.stats);
    });
    child.once('exit', (code) => reject(new Error(`fake upstream exited (${code})`)));
  });
  return {
    port,
    pid: child.pid,
    /** @returns {Promise<{ requests: number, streams: number, errors: number }>} */
    stats: () =>
      new Promise((resolve) => {
        waiting.push(resolve);
        child.send('stats');
      }),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(undefined);
        child.once('exit', () => resolve(undefined));
        child.send('stop');
        setTimeout(() => child.kill('SIGKILL'), 2000).unref();
      }),
  };
}

// As a child process: start, report the port, answer stats requests, stop on demand.
if (import.meta.url === `file://${process.argv[1]}` && typeof process.send === 'function') {
  const send = process.send.bind(process);
  const upstream = await startFakeUpstream();
  process.on('message', (message) => {
    if (message === 'stats') send({ type: 'stats', stats: upstream.stats });
    if (message === 'stop') void upstream.close().then(() => process.exit(0));
  });
  // The parent going away must not leave the server behind.
  process.on('disconnect', () => void upstream.close().then(() => process.exit(0)));
  send({ type: 'ready', port: upstream.port });
}
