const encoder = new TextEncoder();

export interface RelayHooks {
  /**
   * Called once the upstream's bytes have all passed (or failed): `text` is everything the
   * upstream sent, up to any failure; `failure` is what the body failed with, if it did. What it
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
 * The bytes already read (`head`) go first; the rest of `body` is tee'd to the client and to an
 * audit copy, both piped natively (`pipeTo` into an `IdentityTransformStream`), and the audit is
 * read as one text at the end, when `hooks.end` decides the tail. `body` must be one the runtime
 * can pipe: a `fetch` response body or a JavaScript stream.
 */
export function relayBody(
  head: readonly Uint8Array[],
  body: ReadableStream<Uint8Array>,
  hooks: RelayHooks,
): ReadableStream<Uint8Array> {
  const client = new IdentityTransformStream();
  const audit = new IdentityTransformStream();
  const auditText = new Response(audit.readable).text();
  // Neither pipe closes or aborts its destination: the tail comes after the client's copy, and the
  // audit keeps what arrived before a failure.
  const pipe = { preventClose: true, preventAbort: true };

  const copy = async (branch: ReadableStream<Uint8Array>, to: WritableStream<Uint8Array>): Promise<void> => {
    const writer = to.getWriter();
    try {
      for (const chunk of head) await writer.write(chunk);
    } finally {
      writer.releaseLock();
    }
    await branch.pipeTo(to, pipe);
  };
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
    /** Resolves true if the client went away. */
    const sent = copy(toClient, client.writable).then(
      () => false,
      async (error: unknown) => {
        if (!clientErrored()) return false;
        await toClient.cancel(error).catch(() => undefined);
        hooks.clientGone();
        return true;
      },
    );
    const failure = await copy(toAudit, audit.writable).then(
      () => undefined,
      (error: unknown) => error ?? new Error('The upstream body failed'),
    );
    await audit.writable.close().catch(() => audit.writable.abort().catch(() => undefined));
    const text = await auditText.catch(() => '');
    // Accounting does not wait for the client: one that stopped reading may never release its pipe.
    const tail = hooks.end(text, failure);
    if (await sent) return;
    const out = client.writable.getWriter();
    if (tail !== undefined) {
      // A cut can fall inside an event: end it first, so that the tail is an event of its own.
      const separator = text === '' || text.endsWith('\n\n') ? '' : '\n\n';
      await out.write(encoder.encode(`${separator}${tail}`));
    }
    await out.close();
  };
  void run().catch(async (error: unknown) => {
    // The client went away while the tail was written: nothing left to tell anyone.
    await client.writable.abort(error).catch(() => undefined);
  });
  return client.readable;
}
