export { buildContext } from './context.ts';
export type { BuildContextInput, BuiltContext, ContextMessage, HistoryCandidate } from './context.ts';
