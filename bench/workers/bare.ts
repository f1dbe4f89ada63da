/**
 * The baseline: a bare pass-through Worker in the same runtime as the gateway. It forwards the
 * request body to the fake upstream's `/chat/completions` and returns the upstream response as it
 * is, the streamed body piped through untouched. Whatever the gateway costs beyond this is its own.
 */
interface BareEnv {
  /** Base URL of the fake upstream up to and including `/v1`; set by bench/lib/workers.mjs. */
  UPSTREAM_BASE_URL: string;
}

export default {
  fetch(request, env) {
    const url = new URL(request.url);
    // A response without any upstream call: the floor of what one request costs in this runtime.
    if (url.pathname === '/static') return Response.json({ ok: true });
    return fetch(`${env.UPSTREAM_BASE_URL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: request.body,
    });
  },
} satisfies ExportedHandler<BareEnv>;
