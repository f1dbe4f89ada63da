// The package's test Worker: exports the Durable Object the tests drive through `env.CONTROL_PLANE`.
export { ControlPlaneDO } from '../src/index.ts';

export default {
  fetch: () => new Response('aigw-control-plane test worker'),
} satisfies ExportedHandler<Env>;
