export {
  ENTITY_TYPES,
  entityTypeSchema,
  extractEntitiesArgsSchema,
  extractEntitiesOffline,
  extractEntitiesResultSchema,
  extractEntitiesTool,
} from './extract-entities.ts';
export type { Entity, EntityType, ExtractEntitiesArgs, ExtractEntitiesResult } from './extract-entities.ts';
