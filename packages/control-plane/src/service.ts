import { GatewayError, unwrap } from '@aigw/core';
import { RUNTIME_KEY_ID, type TenantConfig } from '@aigw/tenancy';
import type { ControlPlaneCache } from './cache/cache.ts';
import { checkCreate, checkUpdate, grantorId, type Grantor } from './keys/policy.ts';
import {
  toKeyView,
  type CreateKeyInput,
  type KeyView,
  type RotateKeyInput,
  type UpdateKeyInput,
} from './keys/schema.ts';
import { controlPlaneStub, delivered, type ChangeLedger } from './store/client.ts';
import type { ControlPlaneDO } from './store/control-plane-do.ts';

/**
 * Managing runtime keys and tenant switches: what the gateway's routes call, with plain inputs.
 * Each operation checks the request against the tenant's config and the caller's own grants
 * (`keys/policy.ts`), makes the change in the tenant's object, delivers its audit event, and
 * forgets the key or switch in this isolate's cache at once (other isolates within the TTL).
 */
export interface ControlPlaneContext {
  namespace: DurableObjectNamespace<ControlPlaneDO>;
  /** The tenant's reviewed config, from the registry (never a caller's narrowed view of it). */
  tenant: TenantConfig;
  grantor: Grantor;
  ledger: ChangeLedger;
  cache: ControlPlaneCache;
  /** The gateway's id for the request, recorded with each change. */
  requestId: string;
  clientRequestId?: string | undefined;
}

/** A key with the plaintext secret: the only time the secret is ever shown. */
export interface IssuedKey {
  key: KeyView;
  secret: string;
}

function author(ctx: ControlPlaneContext) {
  return {
    actor: grantorId(ctx.grantor),
    requestId: ctx.requestId,
    ...(ctx.clientRequestId === undefined ? {} : { clientRequestId: ctx.clientRequestId }),
    now: ctx.cache.clock(),
  };
}

/** Scopes the object must find on a key before changing it: the caller's (null for the operator). */
const allowedScopes = (grantor: Grantor) => (grantor.kind === 'operator' ? null : grantor.caller.key.scopes);

/** Ids that cannot be runtime keys (config key ids, typos) are simply not found. */
function checkedId(keyId: string): string {
  if (!RUNTIME_KEY_ID.test(keyId)) throw new GatewayError('key_not_found');
  return keyId;
}

const stubOf = (ctx: Pick<ControlPlaneContext, 'namespace' | 'tenant'>) =>
  controlPlaneStub(ctx.namespace, ctx.tenant.id);

export async function createKey(ctx: ControlPlaneContext, input: CreateKeyInput): Promise<IssuedKey> {
  const now = ctx.cache.clock();
  const fields = checkCreate(input, ctx.tenant, ctx.grantor, now);
  const stub = stubOf(ctx);
  const result = unwrap(await stub.create({ tenantId: ctx.tenant.id, fields, ...author(ctx) }));
  const issued = await delivered(stub, ctx.tenant.id, result, ctx.ledger);
  return { key: toKeyView(issued.key, now), secret: issued.secret };
}

export async function listKeys(
  ctx: Pick<ControlPlaneContext, 'namespace' | 'tenant' | 'cache'>,
): Promise<KeyView[]> {
  const now = ctx.cache.clock();
  const keys = unwrap(await stubOf(ctx).list({ tenantId: ctx.tenant.id, now }));
  return keys.map((key) => toKeyView(key, now));
}

export async function getKey(
  ctx: Pick<ControlPlaneContext, 'namespace' | 'tenant' | 'cache'>,
  keyId: string,
): Promise<KeyView> {
  const now = ctx.cache.clock();
  return toKeyView(
    unwrap(await stubOf(ctx).get({ tenantId: ctx.tenant.id, keyId: checkedId(keyId), now })),
    now,
  );
}

export async function updateKey(
  ctx: ControlPlaneContext,
  keyId: string,
  input: UpdateKeyInput,
): Promise<KeyView> {
  const now = ctx.cache.clock();
  const id = checkedId(keyId);
  const fields = checkUpdate(input, ctx.tenant, ctx.grantor, now);
  const stub = stubOf(ctx);
  const result = unwrap(
    await stub.update({
      tenantId: ctx.tenant.id,
      keyId: id,
      fields,
      allowedScopes: allowedScopes(ctx.grantor),
      ...author(ctx),
    }),
  );
  ctx.cache.forgetKey(ctx.tenant.id, id);
  return toKeyView(await delivered(stub, ctx.tenant.id, result, ctx.ledger), now);
}

export async function revokeKey(ctx: ControlPlaneContext, keyId: string): Promise<KeyView> {
  const now = ctx.cache.clock();
  const id = checkedId(keyId);
  const stub = stubOf(ctx);
  const result = unwrap(
    await stub.revoke({
      tenantId: ctx.tenant.id,
      keyId: id,
      allowedScopes: allowedScopes(ctx.grantor),
      ...author(ctx),
    }),
  );
  ctx.cache.forgetKey(ctx.tenant.id, id);
  return toKeyView(await delivered(stub, ctx.tenant.id, result, ctx.ledger), now);
}

export async function rotateKey(
  ctx: ControlPlaneContext,
  keyId: string,
  input: RotateKeyInput,
): Promise<IssuedKey> {
  const now = ctx.cache.clock();
  const id = checkedId(keyId);
  const stub = stubOf(ctx);
  const result = unwrap(
    await stub.rotate({
      tenantId: ctx.tenant.id,
      keyId: id,
      gracePeriodSeconds: input.gracePeriodSeconds,
      allowedScopes: allowedScopes(ctx.grantor),
      ...author(ctx),
    }),
  );
  // This isolate asks again at once (with no grace period the old secret is refused here at once);
  // other isolates' entries end with the grace period, or within the TTL.
  ctx.cache.forgetKey(ctx.tenant.id, id);
  const issued = await delivered(stub, ctx.tenant.id, result, ctx.ledger);
  return { key: toKeyView(issued.key, now), secret: issued.secret };
}

export interface TenantSwitch {
  tenantId: string;
  /** What requests see: suspended at run time, or by the tenant's config. */
  status: 'active' | 'suspended';
  /** The run-time switch this call set. */
  suspendedAtRunTime: boolean;
  /** True when the config itself suspends the tenant (resume cannot lift that; a deploy can). */
  suspendedByConfig: boolean;
}

/** Suspends or resumes a tenant at run time (operator only). */
export async function setTenantSuspended(
  ctx: ControlPlaneContext,
  suspended: boolean,
): Promise<TenantSwitch> {
  if (ctx.grantor.kind !== 'operator')
    throw new GatewayError('insufficient_scope', 'Only the operator switches tenants.');
  const stub = stubOf(ctx);
  const result = unwrap(await stub.setStatus({ tenantId: ctx.tenant.id, suspended, ...author(ctx) }));
  ctx.cache.forgetTenant(ctx.tenant.id);
  const value = await delivered(stub, ctx.tenant.id, result, ctx.ledger);
  const byConfig = ctx.tenant.status === 'suspended';
  return {
    tenantId: ctx.tenant.id,
    status: value.suspended || byConfig ? 'suspended' : 'active',
    suspendedAtRunTime: value.suspended,
    suspendedByConfig: byConfig,
  };
}
