/**
 * @aigw/sessions: chat sessions in SQLite Durable Objects. One `SessionDO` per tenant + session;
 * the gateway talks to it through `sessionStub`, which binds the tenant and turns refusals into
 * `GatewayError`s. Turn semantics (begin → commit | abort) are in docs/sessions.md.
 */
export * from './session/index.ts';
export { buildContext } from './context/index.ts';
export type { BuildContextInput, BuiltContext, ContextMessage, HistoryCandidate } from './context/index.ts';
export { MESSAGE_OVERHEAD_TOKENS, estimateTokens } from '@aigw/core';
export * from './responses/index.ts';
