export { LOG_WRITE_MAX, RequestLogDO } from './request-log-do.ts';
export { RequestLog, requestLogStore } from './client.ts';
export {
  LOG_EXPORT_MAX,
  LOG_PAGE_MAX,
  METADATA_NAME,
  feedbackSchema,
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
