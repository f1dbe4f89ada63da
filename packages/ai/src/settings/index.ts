/**
 * @aigw/ai/settings: the provider settings, with no provider code, so the tenant schema (a layer
 * below ai) and Node scripts can load them. A project of its own in the module-boundary rule.
 */
export { BUILT_IN_PROVIDERS, isBuiltInProvider, providerConfigSchema } from './providers.ts';
export type { BuiltInProviderName, ProviderConfig, ProviderType } from './providers.ts';
export {
  STICKY_FIELDS,
  aliasSchema,
  aliasTarget,
  conditionSchema,
  regionSchema,
  responseCacheSchema,
  routeIssues,
  routeNameSchema,
  routeNodeSchema,
  routeSchema,
} from './routes.ts';
export type {
  AliasConfig,
  Condition,
  ResponseCacheSettings,
  RouteConfig,
  RouteIssue,
  RouteNode,
} from './routes.ts';
