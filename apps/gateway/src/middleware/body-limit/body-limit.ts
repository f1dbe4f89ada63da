import { createMiddleware } from 'hono/factory';
import { GatewayError } from '@aigw/core';
import { optionalCaller, type GatewayEnv } from '../../context.ts';

/**
 * The tenant's body limit (`limits.maxBodyBytes`). Mount after the tenant middleware.
 *
 * A Content-Length is trusted only without Transfer-Encoding (the runtime enforces a declared
 * length); any other body is counted as it is read, so a chunked body cannot slip past.
 *
 * This is Hono's `bodyLimit` with one change, the reason it is not used as is: past the limit
 * Hono returns with the body's reader still locked and the rest of the upload unread. Here the
 * reader is cancelled, which tells the runtime we want no more of it, so an endless or
 * oversized upload stops at the limit instead of being left to the connection. (A body refused
 * by its Content-Length is cancelled too, unread.)
 */
export const tenantBodyLimit = () =>
  createMiddleware<GatewayEnv>(async (c, next) => {
    const { tenant } = optionalCaller(c);
    const body = c.req.raw.body;
    if (tenant === undefined || body === null) return next();
    const maxSize = tenant.limits.maxBodyBytes;
    const tooLarge = () =>
      new GatewayError(
        'payload_too_large',
        `The request body exceeds this tenant's limit of ${maxSize} bytes.`,
        {
          details: { limitBytes: maxSize },
        },
      );

    const headers = c.req.raw.headers;
    if (headers.has('content-length') && !headers.has('transfer-encoding')) {
      if (Number.parseInt(headers.get('content-length') ?? '0', 10) <= maxSize) return next();
      await cancelQuietly(body.cancel());
      throw tooLarge();
    }

    // workerd types a request body's chunks as `any`; they are always bytes.
    const reader = (body as ReadableStream<Uint8Array>).getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxSize) {
        await cancelQuietly(reader.cancel(tooLarge().message));
        throw tooLarge();
      }
      chunks.push(value);
    }
    const bytes = new Uint8Array(size);
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.byteLength;
    }
    c.req.raw = new Request(c.req.raw, { body: bytes });
    return next();
  });

/** A client that has already gone away rejects the cancel; the answer is 413 all the same. */
async function cancelQuietly(cancelled: Promise<void>): Promise<void> {
  try {
    await cancelled;
  } catch {
    // Nothing to release: the stream is errored or closed already.
  }
}
