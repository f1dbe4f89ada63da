export {
  DOCUMENT_ID_MAX_CHARS,
  documentIdSchema,
  survivesUrlPath,
  RESERVED_METADATA_KEYS,
  deleteDocument,
  getDocument,
  ingestDocumentSchema,
  ingestDocuments,
  ingestDocumentsSchema,
  listDocuments,
} from './ingest.ts';
export type { IngestDocument, IngestFailure, IngestResult } from './ingest.ts';
export { canonicalJson } from '@aigw/core';
