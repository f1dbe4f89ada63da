export { LOG_PRUNE_INTERVAL_MS, LOG_WRITE_MAX, RequestLogDO } from './request-log-do.ts';
export { RequestLog, requestLogStore } from './client.ts';
export {
  LOG_EXPORT_MAX,
  LOG_ID,
  LOG_PAGE_MAX,
  METADATA_NAME,
  feedbackSchema,
  logAttemptSchema,
  logEntrySchema,
  logIdSchema,
  logQuerySchema,
} from './schema.ts';
export type {
  Feedback,
  LogAttempt,
  LogAttemptInput,
  LogBodies,
  LogBody,
  LogEntry,
  LogEntryDetail,
  LogEntryInput,
  LogEntrySummary,
  LogPage,
  LogQuery,
  LogQueryInput,
  LogToolCall,
} from './schema.ts';
