// The package's test Worker: exports the Durable Object the tests drive through `env.AUDIT_LEDGER`.
export { AuditLedgerDO } from '../src/index.ts';

export default {
  fetch: () => new Response('aigw-tools test worker'),
} satisfies ExportedHandler<Env>;
