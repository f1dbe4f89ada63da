/**
 * What moving a streamed answer through JavaScript costs in workerd, whatever a gateway does with
 * it: the same pass-through as bare.ts, with the upstream body handled in different ways, chosen
 * by `?mode=` (bench/floor.mjs compares them). Non-streaming modes (`json-*`) parse and rebuild a
 * JSON answer instead.
 */
import { createParser } from 'eventsource-parser';
import { relayBody } from '../../packages/chat/src/run/relay.ts';

interface FloorEnv {
  UPSTREAM_BASE_URL: string;
}

const encoder = new TextEncoder();
const SSE = { 'content-type': 'text/event-stream' };

/** A JavaScript-pulled body: one read and one enqueue per upstream chunk. */
function pump(
  body: ReadableStream<Uint8Array>,
  each: (chunk: Uint8Array, out: (bytes: Uint8Array) => void) => void,
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) controller.close();
      else {
        each(value, (bytes) => {
          controller.enqueue(bytes);
        });
      }
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}

/** The first chunks of a body, read in JavaScript (the gateway reads up to the first token). */
async function readHead(body: ReadableStream<Uint8Array>): Promise<Uint8Array[]> {
  const reader = body.getReader();
  const head: Uint8Array[] = [];
  for (let i = 0; i < 2; i++) {
    const { done, value } = await reader.read();
    if (done) break;
    head.push(value);
  }
  reader.releaseLock();
  return head;
}

/** The tail the gateway writes after a relayed stream that did not finish. */
const tailOf = (text: string): string | undefined =>
  text.includes('[DONE]') ? undefined : 'data: {"error":{}}\n\n';

/** The relay's first version: the audit copy piped into a second stream to keep it through a failure. */
async function relayPipedAudit(body: ReadableStream<Uint8Array>): Promise<ReadableStream<Uint8Array>> {
  const head = await readHead(body);
  const [toClient, toAudit] = body.tee();
  const client = new IdentityTransformStream();
  const audit = new IdentityTransformStream();
  const auditText = new Response(audit.readable).text();
  const copy = async (branch: ReadableStream<Uint8Array>, to: WritableStream<Uint8Array>) => {
    const writer = to.getWriter();
    for (const chunk of head) await writer.write(chunk);
    writer.releaseLock();
    await branch.pipeTo(to, { preventClose: true, preventAbort: true });
  };
  void (async () => {
    await Promise.allSettled([copy(toClient, client.writable), copy(toAudit, audit.writable)]);
    await audit.writable.close();
    const text = await auditText;
    const tail = client.writable.getWriter();
    const frame = tailOf(text);
    if (frame !== undefined) await tail.write(encoder.encode(frame));
    await tail.close();
  })();
  return client.readable;
}

export default {
  async fetch(request, env) {
    const mode = new URL(request.url).searchParams.get('mode') ?? 'native';
    const upstreamUrl = `${env.UPSTREAM_BASE_URL}/chat/completions`;
    if (mode === 'json-parse' || mode === 'json-parse-log') {
      // The least a JSON gateway does: parse the request, call the upstream with its own body,
      // parse the answer, answer with its own JSON (and, with -log, write one log line).
      const input = await request.json<Record<string, unknown>>();
      const answer = await fetch(upstreamUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: input.model, messages: input.messages, stream: false }),
      });
      const data = await answer.json<Record<string, unknown>>();
      if (mode === 'json-parse-log') {
        console.log(JSON.stringify({ level: 'info', msg: 'request', status: 200, usage: data.usage }));
      }
      return Response.json({ ...data, id: 'chatcmpl-floor' });
    }
    const upstream = await fetch(upstreamUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: request.body,
    });
    const body = upstream.body as ReadableStream<Uint8Array> | null;
    if (!body || mode === 'native') return upstream;
    switch (mode) {
      case 'tee-audit': {
        // Tee'd natively; one branch to the client, the other read whole at the end.
        const [client, audit] = body.tee();
        void new Response(audit).text();
        return new Response(client, { headers: SSE });
      }
      case 'relay':
        return new Response(await relayPipedAudit(body), { headers: SSE });
      case 'relay-lite':
        // The shipped relay itself.
        return new Response(
          relayBody(await readHead(body), body, { end: tailOf, clientGone: () => undefined }),
          { headers: SSE },
        );
      case 'pump':
        return new Response(
          pump(body, (chunk, out) => {
            out(chunk);
          }),
          { headers: SSE },
        );
      case 'writer': {
        // Read in JavaScript, written to a native stream: no JavaScript pull on the client side.
        const { readable, writable } = new IdentityTransformStream();
        void (async () => {
          const reader = body.getReader();
          const writer = writable.getWriter();
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            await writer.write(value);
          }
          await writer.close();
        })();
        return new Response(readable, { headers: SSE });
      }
      case 'transform':
        return new Response(
          body.pipeThrough(
            new TransformStream<Uint8Array, Uint8Array>({
              transform(chunk, controller) {
                controller.enqueue(chunk);
              },
            }),
          ),
          { headers: SSE },
        );
      case 'parse': {
        // pump + decode, parse SSE, JSON.parse and re-serialise each event: a gateway's minimum.
        const decoder = new TextDecoder();
        let frames: string[] = [];
        const parser = createParser({
          onEvent(event) {
            frames.push(
              event.data === '[DONE]'
                ? 'data: [DONE]\n\n'
                : `data: ${JSON.stringify(JSON.parse(event.data))}\n\n`,
            );
          },
        });
        return new Response(
          pump(body, (chunk, out) => {
            parser.feed(decoder.decode(chunk, { stream: true }));
            if (frames.length > 0) {
              out(encoder.encode(frames.join('')));
              frames = [];
            }
          }),
          { headers: SSE },
        );
      }
      default:
        return new Response(`unknown mode ${mode}`, { status: 400 });
    }
  },
} satisfies ExportedHandler<FloorEnv>;
