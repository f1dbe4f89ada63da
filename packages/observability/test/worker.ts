// The package's test Worker: exports the Durable Objects the tests drive (`env.USAGE_STORE`, `env.REQUEST_LOG`).
export { RequestLogDO, UsageStoreDO } from '../src/index.ts';

export default {
  fetch: () => new Response('aigw-observability test worker'),
} satisfies ExportedHandler<Env>;
