// The package's test Worker: exports the Durable Object the tests drive through `env.SESSIONS`.
export { SessionDO } from '../src/index.ts';

export default {
  fetch: () => new Response('aigw-sessions test worker'),
} satisfies ExportedHandler<Env>;
