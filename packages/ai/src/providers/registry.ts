import type { ProviderConfig } from '@aigw/tenancy';
import { localProvider } from './local/index.ts';
import { openAICompatibleProvider } from './openai-compatible/index.ts';
import { workersAiProvider } from './workers-ai/index.ts';
import type { Provider } from '../types.ts';

export type ProviderType = ProviderConfig['type'];

/** Every provider implementation, registered once. */
export const PROVIDERS = {
  local: localProvider,
  'openai-compatible': openAICompatibleProvider,
  'workers-ai': workersAiProvider,
} as const satisfies Record<ProviderType, Provider>;

/** Provider names usable in model ids without a `providers` entry, with their default config. */
export const BUILT_IN_PROVIDERS: Readonly<Record<string, ProviderConfig>> = {
  local: { type: 'local' },
  'workers-ai': { type: 'workers-ai', skipCache: false },
};
