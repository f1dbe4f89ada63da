// The package's test Worker: exports the Durable Objects the tests drive through `env.SESSIONS` and `env.RESPONSES`.
export { ResponseStoreDO, SessionDO } from '../src/index.ts';

export default {
  fetch: () => new Response('aigw-sessions test worker'),
} satisfies ExportedHandler<Env>;
