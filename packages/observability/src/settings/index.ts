export {
  MAX_LOG_BODY_BYTES,
  logBodiesSchema,
  logRetentionSchema,
  logsSettingsSchema,
  tracingSettingsSchema,
} from './settings.ts';
export type {
  LogRetention,
  LogsSettings,
  LogsSettingsInput,
  TracingSettings,
  TracingSettingsInput,
} from './settings.ts';
