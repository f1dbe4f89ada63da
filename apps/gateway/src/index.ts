import { TenantRegistry } from '@aigw/tenancy';
import { createApp } from './app.ts';
import { registry } from './generated/registry.ts';

/** The Worker: the gateway app over the registry compiled for this build's environment. */
const app = createApp({ registry: new TenantRegistry(registry) });

export default app satisfies ExportedHandler<Env>;

// Durable Object classes the Worker hosts (bindings in wrangler.jsonc).
export { ResponseStoreDO, SessionDO } from '@aigw/sessions';
export { BudgetDO, RateLimiterDO } from '@aigw/limits';
export { DocumentRegistryDO, LexicalIndexDO, VectorIndexDO } from '@aigw/rag';
export { AuditLedgerDO } from '@aigw/tools';
export { RequestLogDO, UsageStoreDO } from '@aigw/observability';
export { ControlPlaneDO } from '@aigw/control-plane';
