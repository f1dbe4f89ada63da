// Test entry: the cache has no Worker of its own; tests use the KV binding declared in wrangler.jsonc.
export default {
  fetch(): Response {
    return new Response('aigw-cache test worker', { status: 404 });
  },
} satisfies ExportedHandler;
