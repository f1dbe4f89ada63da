/**
 * @aigw/control-plane: what changes in seconds, not deploys. Runtime API keys and the run-time
 * tenant switch, kept per tenant in `ControlPlaneDO` (SQLite, object name = tenant id), read on the
 * request path through a per-isolate cache whose TTL is the revocation bound. See docs/keys.md.
 */
export { ControlPlaneDO, OUTBOX_CLAIM_MS } from './store/control-plane-do.ts';
export { controlPlaneStub } from './store/client.ts';
export type { ChangeLedger } from './store/client.ts';
export type { Changed, Issued, PendingEvent, Verified } from './store/rpc.ts';
export {
  ControlPlaneCache,
  DEFAULT_CACHE_TTL_MS,
  DEFAULT_MAX_ENTRIES,
  MAX_CACHE_TTL_MS,
} from './cache/cache.ts';
export type { ControlPlaneCacheOptions } from './cache/cache.ts';
export { ControlPlaneAuthority } from './auth/authority.ts';
export type { AuthFailureGuard, ControlPlaneAuthorityOptions } from './auth/authority.ts';
export {
  MAX_GRACE_SECONDS,
  MAX_LIVE_KEYS,
  METADATA_LIMITS,
  createKeySchema,
  keyViewSchema,
  rotateKeySchema,
  toKeyView,
  updateKeySchema,
} from './keys/schema.ts';
export type {
  CreateKeyInput,
  KeyBudget,
  KeyRates,
  KeyView,
  RotateKeyInput,
  StoredKey,
  UpdateKeyInput,
} from './keys/schema.ts';
export { OPERATOR, grantorCeiling, tenantCeiling, tenantScopes } from './keys/policy.ts';
export type { Grantor, KeyCeiling } from './keys/policy.ts';
export { effectiveCaller } from './keys/view.ts';
export {
  createKey,
  getKey,
  listKeys,
  revokeKey,
  rotateKey,
  setTenantSuspended,
  updateKey,
} from './service.ts';
export type { ControlPlaneContext, IssuedKey, TenantSwitch } from './service.ts';
