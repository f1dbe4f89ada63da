export { SessionDO, TURN_LOCK_TTL_MS } from './session-do.ts';
export type { TurnCommitted, TurnStarted } from './session-do.ts';
export { SessionClient } from './session-client.ts';
export { sessionObjectName, sessionStub } from './naming.ts';
export {
  MESSAGE_ROLES,
  MESSAGE_STATUSES,
  messageRoleSchema,
  messageStatusSchema,
  retentionSchema,
  sessionIdSchema,
} from './schema.ts';
export type {
  BeginTurnInput,
  CommitTurnInput,
  HistoryInput,
  HistoryPage,
  MessageRole,
  MessageStatus,
  RetentionSettings,
  SessionErrorCode,
  SessionResult,
  StoredMessage,
  TenantRef,
  TurnRef,
} from './schema.ts';
