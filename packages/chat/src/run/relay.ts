const encoder = new TextEncoder();

export interface RelayHooks {
  /**
   * Called once the upstream's bytes have all passed (or failed): `text` is everything the
   * upstream sent, or only the head if the body failed; `failure` is what it failed with. What it
   * returns is written after the upstream's bytes (a terminal error event) before the response ends.
   */
  end(text: string, failure: unknown): string | undefined;
  /** The client went away: cancel the upstream call (`end` still runs when the body stops). */
  clientGone(): void;
}

/**
 * A response body made of an upstream's own bytes, moved by the runtime rather than chunk by chunk
 * in JavaScript (docs/performance.md: reading and re-enqueuing every chunk in JavaScript costs
 * about twice the CPU of the runtime's pipe, whatever is done with the chunk).
 *
 * The bytes already read (`head`) go first; the rest of `body` is tee'd: one branch is piped
 * natively to the client (`pipeTo` into an `IdentityTransformStream`, so that a tail can follow),
 * the other is read whole by the runtime (`Response.text()`) for `hooks.end`. If the body fails,
 * that copy is lost with it and `end` gets only the head's text (bench/floor.mjs: piping the audit
 * copy into a second stream to keep it costs about 40 % more CPU per stream). `body` must be one
 * the runtime can pipe: a `fetch` response body or a JavaScript stream.
 */
export function relayBody(
  head: readonly Uint8Array[],
  body: ReadableStream<Uint8Array>,
  hooks: RelayHooks,
): ReadableStream<Uint8Array> {
  const client = new IdentityTransformStream();
  const decoder = new TextDecoder();
  const headText = head.map((chunk) => decoder.decode(chunk, { stream: true })).join('') + decoder.decode();

  /** The client's side is errored (it cancelled), as opposed to the upstream failing. */
  const clientErrored = (): boolean => {
    try {
      const writer = client.writable.getWriter();
      const errored = writer.desiredSize === null;
      writer.releaseLock();
      return errored;
    } catch {
      return true;
    }
  };

  const run = async (): Promise<void> => {
    const [toClient, toAudit] = body.tee();
    const audited = new Response(toAudit).text().then(
      (rest) => ({ text: headText + rest, failure: undefined }),
      (error: unknown) => ({ text: headText, failure: error ?? new Error('The upstream body failed') }),
    );
    /** Resolves true if the client went away. */
    const sent = (async () => {
      const writer = client.writable.getWriter();
      try {
        for (const chunk of head) await writer.write(chunk);
      } finally {
        writer.releaseLock();
      }
      // Neither closes nor aborts the client's side: the tail comes after.
      await toClient.pipeTo(client.writable, { preventClose: true, preventAbort: true });
      return false;
    })().catch(async (error: unknown) => {
      if (!clientErrored()) return false;
      await toClient.cancel(error).catch(() => undefined);
      hooks.clientGone();
      return true;
    });
    const { text, failure } = await audited;
    // Accounting does not wait for the client: one that stopped reading may never release its pipe.
    const tail = hooks.end(text, failure);
    if (await sent) return;
    const out = client.writable.getWriter();
    if (tail !== undefined) {
      // A cut can fall inside an event: end it first, so that the tail is an event of its own
      // (an empty line more is ignored by SSE parsers).
      const clean = failure === undefined && (text === '' || text.endsWith('\n\n'));
      await out.write(encoder.encode(`${clean ? '' : '\n\n'}${tail}`));
    }
    await out.close();
  };
  void run().catch(async (error: unknown) => {
    // The client went away while the tail was written: nothing left to tell anyone.
    await client.writable.abort(error).catch(() => undefined);
  });
  return client.readable;
}
