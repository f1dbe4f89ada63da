import { GatewayError } from '@aigw/core';
import { BUILT_IN_PROVIDERS, isBuiltInProvider, type ProviderConfig } from '@aigw/ai/settings';
import type { TenantConfig } from '@aigw/tenancy';
import { PROVIDERS } from '../providers/registry.ts';
import type { GenerationParam, GenerationParams } from '../types.ts';

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

const AS_DEFAULT: Partial<Record<GenerationParam, (value: unknown) => boolean>> = {
  toolChoice: (value) => value === 'auto',
  parallelToolCalls: (value) => value === true,
  responseFormat: (value) => (value as { type?: unknown }).type === 'text',
  stop: (value) => Array.isArray(value) && value.length === 0,
};

/**
 * The first parameter `params` sets that `target`'s provider cannot honour (a response format
 * counts as `responseFormat`), or undefined when it can honour them all.
 */
export function unsupportedParam(target: Target, params: GenerationParams): GenerationParam | undefined {
  const provider = PROVIDERS[target.config.type];
  for (const [name, value] of Object.entries(params) as [GenerationParam, unknown][]) {
    // A value that asks for what every model does anyway is no requirement.
    if (value === undefined || AS_DEFAULT[name]?.(value) === true) continue;
    if (name === 'responseFormat') {
      const type = params.responseFormat?.type;
      if (type !== undefined && type !== 'text' && !provider.responseFormats.has(type)) return name;
    } else if (!provider.params.has(name)) return name;
  }
  return undefined;
}

/** The model and fallbacks a selection chose, and the region its route requires (`selectModel`). */
export interface TargetChoice {
  model: string;
  fallbacks: readonly string[];
  /** How the model was chosen; anything but the tenant's default must be allowed for the caller. */
  by?: 'model' | 'alias' | 'route' | 'default' | undefined;
  route?: { region?: string | undefined } | undefined;
}

/**
 * Whether a target may serve a tenant (or route) that requires `region`: a provider tagged with
 * it, or the local provider, which answers inside the Worker and sends nothing anywhere.
 */
function inRegion(target: Target, region: string | undefined): boolean {
  if (region === undefined || target.config.type === 'local') return true;
  return 'region' in target.config && target.config.region === region;
}

/**
 * The ordered targets for a request: the chosen model, then its fallbacks. The first must honour
 * every parameter the request sets (else `unsupported_parameter`) and sit in the required region
 * (else `region_unavailable`), both before anything is called or reserved; a fallback that cannot
 * is left out, so no answer is ever produced without a parameter the client asked for or outside
 * the region. `names` gives the parameters' names in the client's API, for the error.
 */
export function resolveTargets(
  tenant: TenantConfig,
  choice: TargetChoice,
  params: GenerationParams = {},
  names: Partial<Record<GenerationParam, string>> = {},
): Target[] {
  // An alias or a route leads only to allowed models (validated at build time), but a key may allow
  // fewer than its tenant (runtime keys narrow `models.allowed`): what the client caused is checked
  // against the caller's list, and fallbacks outside it are left out.
  const checked = choice.by !== undefined && choice.by !== 'default';
  if (checked && !tenant.models.allowed.includes(choice.model)) {
    throw new GatewayError('model_not_allowed', `Model "${choice.model}" is not allowed for this key.`, {
      param: 'model',
      details: { model: choice.model, allowed: tenant.models.allowed },
    });
  }
  const ids = [
    choice.model,
    ...choice.fallbacks.filter(
      (id) => id !== choice.model && (!checked || tenant.models.allowed.includes(id)),
    ),
  ];
  const [first, ...rest] = ids.map((id) => targetFor(tenant, id));
  if (first === undefined) return [];
  const region = choice.route?.region ?? tenant.models.region;
  if (!inRegion(first, region)) {
    throw new GatewayError(
      'region_unavailable',
      `The model "${first.modelId}" is not served in the region "${region ?? ''}" this request must stay in.`,
      { param: 'model', details: { model: first.modelId, region } },
    );
  }
  const refused = unsupportedParam(first, params);
  if (refused !== undefined) {
    const name = names[refused] ?? refused;
    const what =
      refused === 'responseFormat' ? `the response format "${params.responseFormat?.type ?? ''}"` : name;
    throw new GatewayError(
      'unsupported_parameter',
      `${name}: the model "${first.modelId}" (provider type ${first.config.type}) does not support ${what}.`,
      { param: name, details: { model: first.modelId, parameter: name } },
    );
  }
  return [
    first,
    ...rest.filter((target) => inRegion(target, region) && unsupportedParam(target, params) === undefined),
  ];
}
