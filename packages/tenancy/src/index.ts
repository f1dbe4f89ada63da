export {
  ENVIRONMENTS,
  SCOPES,
  apiKeySchema,
  environmentSchema,
  routingSchema,
  scopeSchema,
  tenantConfigSchema,
  tenantJsonSchema,
} from './schema/tenant-config.ts';
export type {
  ApiKeyConfig,
  Environment,
  RoutingConfig,
  Scope,
  TenantConfig,
  TenantConfigInput,
} from './schema/tenant-config.ts';
export { compileRegistry, formatPath, formatRegistryIssues, jsonIssue } from './registry/compile.ts';
export type { CompileResult, CompiledRegistry, RegistryIssue, TenantSource } from './registry/compile.ts';
export { TenantRegistry } from './registry/tenant-registry.ts';
export type { KeyEntry } from './registry/tenant-registry.ts';
export { extractCredential, generateApiKey, hashApiKey } from './keys/keys.ts';
export {
  RUNTIME_KEY_ID,
  RUNTIME_KEY_ID_PREFIX,
  newRuntimeKeyId,
  newRuntimeKeySecret,
  parseRuntimeKey,
  runtimeKeyPrefix,
} from './keys/format.ts';
export type { RuntimeKeyName } from './keys/format.ts';
export { authenticate, hasScope, requireAnyScope, requireScope } from './auth/authenticate.ts';
export type { AuthContext, AuthRequest, RuntimeAuthority, RuntimeKeyQuery } from './auth/authenticate.ts';
export { DEPLOY_ENVIRONMENTS, deployEnvironmentSchema, deploymentSchema } from './schema/deployment.ts';
export type { DeployEnvironment, DeploymentConfig, DeploymentConfigInput } from './schema/deployment.ts';
