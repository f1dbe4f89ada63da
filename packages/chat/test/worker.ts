// The package's test Worker: exports the Durable Objects the engine's tests drive through
// `env.SESSIONS` and `env.BUDGET`.
export { SessionDO } from '@aigw/sessions';
export { BudgetDO, RateLimiterDO } from '@aigw/limits';

export default {
  fetch: () => new Response('aigw-chat test worker'),
} satisfies ExportedHandler<Env>;
