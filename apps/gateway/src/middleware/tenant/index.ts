export { anyScope, feature, scope, tenantMiddleware } from './tenant.ts';
export type { TenantMiddlewareOptions } from './tenant.ts';
