export {
  ingestDocumentsArgsSchema,
  ingestDocumentsResultSchema,
  ingestDocumentsTool,
} from './ingest-documents.ts';
export type { IngestDocumentsArgs, IngestDocumentsResult } from './ingest-documents.ts';
