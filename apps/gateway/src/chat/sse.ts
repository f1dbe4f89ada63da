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
}

/**
 * A `text/event-stream` response body pulled from `frames` one at a time, so backpressure reaches
 * the upstream and nothing is buffered ahead of the client. Whatever happens, the stream ends with
 * the source's own terminal frame or the `onUnexpected` one.
 */
export function sseBody(frames: AsyncIterable<string>, options: SseOptions): ReadableStream<Uint8Array> {
  const iterator = frames[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await iterator.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      } catch (error) {
        controller.enqueue(encoder.encode(options.onUnexpected(error)));
        controller.close();
      }
    },
    cancel() {
      options.onCancel();
      // Not awaited: the source may be mid-read on an upstream that only now sees the abort.
      void iterator.return?.().catch(() => undefined);
    },
  });
}

export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  // Stops proxies (nginx and friends) from buffering the stream.
  'x-accel-buffering': 'no',
} as const;
