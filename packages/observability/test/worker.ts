// The package's test Worker: exports the Durable Object the tests drive through `env.USAGE_STORE`.
export { UsageStoreDO } from '../src/index.ts';

export default {
  fetch: () => new Response('aigw-observability test worker'),
} satisfies ExportedHandler<Env>;
