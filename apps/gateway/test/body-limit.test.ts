import { env, exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { bearer, fixtureApp, KEYS } from './fixtures.ts';

/**
 * Issue 13 item 4: an oversized chunked upload must not break the next request. These run in
 * workerd (the Worker itself, no dev proxy): the body limit has to stop reading and cancel the
 * client's stream, and the isolate must go on serving other tenants.
 */

/** An endless chunked body that records whether its reader cancelled it and how much was pulled. */
function endlessBody(chunkBytes = 16 * 1024) {
  const state = { pulled: 0, cancelled: false };
  const chunk = new TextEncoder().encode(`{"text":"${'x'.repeat(chunkBytes)}`);
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      state.pulled += chunk.byteLength;
      controller.enqueue(chunk.slice());
    },
    cancel() {
      state.cancelled = true;
    },
  });
  return { stream, state };
}

const chunkedPost = (url: string, key: string, body: ReadableStream<Uint8Array>) =>
  new Request(url, {
    method: 'POST',
    headers: bearer(key, { 'content-type': 'application/json' }),
    body,
    duplex: 'half',
  } as RequestInit);

describe('body limit on a streamed body', () => {
  it('answers 413 after reading just past the limit, and cancels the rest of the stream', async () => {
    const { app } = await fixtureApp();
    const { stream, state } = endlessBody();
    const req = chunkedPost('http://gateway.test/echo', KEYS.alpha, stream);
    expect(req.headers.get('content-length')).toBeNull();
    const res = await app.request(req, undefined, env);
    expect(res.status).toBe(413);
    expect((await res.json<{ error: { code: string } }>()).error.code).toBe('payload_too_large');
    // alpha's limit is 2,048 bytes: one 16 KiB chunk is enough to know, and the stream is let go.
    expect(state.pulled).toBeLessThanOrEqual(2 * 16 * 1024 + 64);
    expect(state.cancelled).toBe(true);
  });

  it("through the Worker's fetch handler: the next POST of another tenant is served normally", async () => {
    // globex's limit is 64 KiB; the upload is endless, so only the limit can end it.
    const { stream, state } = endlessBody();
    const refused = await exports.default.fetch(
      chunkedPost('http://127.0.0.1:8787/chat', 'gwk_demo_globex', stream),
    );
    expect(refused.status).toBe(413);
    expect((await refused.json<{ error: { code: string } }>()).error.code).toBe('payload_too_large');
    expect(state.pulled).toBeLessThan(1024 * 1024);

    for (const key of ['gwk_demo_acme', 'gwk_demo_globex']) {
      const next = await exports.default.fetch('http://127.0.0.1:8787/chat', {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ message: 'hello after the big upload', stream: false }),
      });
      expect(next.status, key).toBe(200);
      expect((await next.json<{ text: string }>()).text.length).toBeGreaterThan(0);
    }
  });
});
