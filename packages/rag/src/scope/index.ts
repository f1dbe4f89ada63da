export { assertScope } from './scope.ts';
export type { TenantScope } from './scope.ts';
