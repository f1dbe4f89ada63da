export type {
  ChatEvent,
  ChatMessage,
  ChatParams,
  FinishReason,
  GenerationParam,
  GenerationParams,
  Provider,
  ProviderContext,
  ProviderEnv,
  RawChatStream,
  RawChatSummary,
  RelaySlot,
  ResponseFormat,
  Role,
  ToolCall,
  ToolChoice,
  ToolSpec,
} from './types.ts';
export { ProviderError, isRetryableStatus, parseRetryAfter } from './errors.ts';
// The estimate lives in @aigw/core (sessions and budgets use it too); re-exported for callers of ai.
export { estimateMessagesTokens, estimateTokens } from '@aigw/core';
export { PROVIDERS } from './providers/registry.ts';
export { BUILT_IN_PROVIDERS } from '@aigw/ai/settings';
export type { ProviderConfig, ProviderType } from '@aigw/ai/settings';
export { LOCAL_MODELS } from './providers/local/index.ts';
export { CircuitBreakers } from './routing/breaker.ts';
export type { BreakerSettings } from './routing/breaker.ts';
export { resolveTargets, splitModelId, targetFor, unsupportedParam } from './routing/resolve.ts';
export type { ModelRoute, Target, TargetChoice } from './routing/resolve.ts';
export { holds, selectModel, splitBranch } from './routing/select.ts';
export type { RouteFacts, RouteLimits, RouteTaken, Selection } from './routing/select.ts';
export { backoff, routeChat } from './routing/router.ts';
export type {
  AttemptObserver,
  AttemptRecord,
  RelayedUpstream,
  RouteChatRequest,
  RoutedChat,
  RouterDeps,
} from './routing/router.ts';
