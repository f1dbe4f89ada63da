import { GatewayError } from '@aigw/core';
import { BUILT_IN_PROVIDERS, isBuiltInProvider, type ProviderConfig } from '@aigw/ai/settings';
import type { TenantConfig } from '@aigw/tenancy';

export type ModelRoute = 'chat' | 'search' | 'tools';

/** One model the router may call, with everything needed to call it. */
export interface Target {
  /** The full id, "provider/model". */
  modelId: string;
  providerName: string;
  /** The provider's own model name. */
  model: string;
  config: ProviderConfig;
}

export function splitModelId(modelId: string): { providerName: string; model: string } {
  const slash = modelId.indexOf('/');
  return { providerName: modelId.slice(0, slash), model: modelId.slice(slash + 1) };
}

export function targetFor(tenant: TenantConfig, modelId: string): Target {
  const { providerName, model } = splitModelId(modelId);
  const config =
    tenant.providers[providerName] ??
    (isBuiltInProvider(providerName) ? BUILT_IN_PROVIDERS[providerName] : undefined);
  // The registry build refuses models naming undeclared providers, so this is a config bug.
  if (config === undefined)
    throw new GatewayError('misconfigured', `Model "${modelId}" names an unknown provider.`);
  return { modelId, providerName, model, config };
}

/**
 * The ordered targets for a request: the requested model (which must be allowed) or the route's
 * default, then the tenant's fallbacks.
 */
export function resolveTargets(
  tenant: TenantConfig,
  route: ModelRoute,
  requested: string | undefined,
): Target[] {
  if (requested !== undefined && !tenant.models.allowed.includes(requested)) {
    throw new GatewayError('model_not_allowed', `Model "${requested}" is not allowed for this tenant.`, {
      param: 'model',
      details: { model: requested, allowed: tenant.models.allowed },
    });
  }
  const primary = requested ?? tenant.models[route] ?? tenant.models.chat;
  const ids = [primary, ...tenant.models.fallbacks.filter((id) => id !== primary)];
  return ids.map((id) => targetFor(tenant, id));
}
