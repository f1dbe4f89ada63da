import type { ProviderType } from '@aigw/ai/settings';
import { localProvider } from './local/index.ts';
import { openAICompatibleProvider } from './openai-compatible/index.ts';
import { workersAiProvider } from './workers-ai/index.ts';
import type { Provider } from '../types.ts';

/**
 * Every provider implementation, registered once. The provider types (and the built-in providers)
 * are listed in `@aigw/ai/settings`, which the tenant schema composes; this map must cover each.
 */
export const PROVIDERS = {
  local: localProvider,
  'openai-compatible': openAICompatibleProvider,
  'workers-ai': workersAiProvider,
} as const satisfies Record<ProviderType, Provider>;
