export { DocumentRegistryDO } from './document-registry-do.ts';
export { DocumentRegistry } from './document-registry.ts';
export { documentMetadataSchema, documentRecordSchema } from './types.ts';
export type {
  DocumentMetadata,
  DocumentPage,
  DocumentRecord,
  DocumentWrite,
  RegistryStats,
} from './types.ts';
