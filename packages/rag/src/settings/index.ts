export {
  FUSION_METHODS,
  RETRIEVAL_MODES,
  embedderIdSchema,
  ragSettingsSchema,
  resolveRagSettings,
} from './settings.ts';
export type { FusionMethod, RagSettings, RagSettingsInput, RetrievalMode } from './settings.ts';
export { WORKERS_AI_EMBEDDING_MODELS } from './embedding-models.ts';
export type { WorkersAiEmbeddingModel } from './embedding-models.ts';
