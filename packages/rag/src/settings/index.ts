export { embedderIdSchema, ragSettingsSchema, resolveRagSettings } from './settings.ts';
export type { RagSettings, RagSettingsInput } from './settings.ts';
