export { embedderIdSchema, ragSettingsSchema, resolveRagSettings } from './settings.ts';
export type { RagSettings, RagSettingsInput } from './settings.ts';
export { WORKERS_AI_EMBEDDING_MODELS } from './embedding-models.ts';
export type { WorkersAiEmbeddingModel } from './embedding-models.ts';
