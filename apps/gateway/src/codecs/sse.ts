const encoder = new TextEncoder();

/** One SSE frame. `event` is omitted for OpenAI-style streams, which use only `data:` lines. */
export function sseFrame(data: unknown, event?: string): string {
  const payload = typeof data === 'string' ? data : JSON.stringify(data);
  return `${event ? `event: ${event}\n` : ''}data: ${payload}\n\n`;
}

export interface SseOptions {
  /** Called when the client goes away before the stream ends: cancel the upstream call. */
  onCancel: () => void;
  /** The terminal frame for a failure the frame source did not handle itself (a bug). */
  onUnexpected: (error: unknown) => string;
  /**
   * How long a frame may wait unread before the client counts as gone (the engine's
   * `Turn.clientIdleMs`); undefined: no watch.
   */
  idleMs?: number | undefined;
}

/**
 * A `text/event-stream` response body pulled from `frames` one at a time, so backpressure reaches
 * the upstream and nothing is buffered ahead of the client. Whatever happens, the stream ends with
 * the source's own terminal frame or the `onUnexpected` one, unless the client is gone: it
 * cancelled, or left a frame unread for `idleMs` (then `onCancel` runs and the body errors).
 */
export function sseBody(frames: AsyncIterable<string>, options: SseOptions): ReadableStream<Uint8Array> {
  const iterator = frames[Symbol.asyncIterator]();
  const { idleMs } = options;
  // One timer per stream, re-armed lazily, rather than one per frame: frames are the hot path.
  let unreadSince: number | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let finished = false;
  const finish = (): void => {
    finished = true;
    if (timer !== undefined) clearTimeout(timer);
  };
  const abandon = (): void => {
    options.onCancel();
    void iterator.return?.().catch(() => undefined);
  };
  /** Counts the client as gone once the frame enqueued at `unreadSince` has waited `idleMs` unread. */
  const check = (controller: ReadableStreamDefaultController<Uint8Array>, ms: number): void => {
    timer = undefined;
    if (finished || unreadSince === undefined) return;
    const waited = Date.now() - unreadSince;
    if (waited < ms) {
      timer = setTimeout(check, ms - waited, controller, ms);
      return;
    }
    finish();
    abandon();
    controller.error(new Error(`The client read nothing for ${ms} ms.`));
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      unreadSince = undefined;
      try {
        const next = await iterator.next();
        if (next.done) {
          finish();
          controller.close();
          return;
        }
        controller.enqueue(encoder.encode(next.value));
        if (idleMs === undefined) return;
        unreadSince = Date.now();
        timer ??= setTimeout(check, idleMs, controller, idleMs);
      } catch (error) {
        finish();
        controller.enqueue(encoder.encode(options.onUnexpected(error)));
        controller.close();
      }
    },
    cancel() {
      finish();
      // Not awaited inside: the source may be mid-read on an upstream that only now sees the abort.
      abandon();
    },
  });
}

export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  // Stops proxies (nginx and friends) from buffering the stream.
  'x-accel-buffering': 'no',
} as const;
