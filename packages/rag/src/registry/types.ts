import { z } from 'zod';

const metadataValueSchema = z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]);

/** Caller metadata on a document: flat, Vectorize-compatible keys and values. */
export const documentMetadataSchema = z.record(
  z
    .string()
    .regex(
      /^[A-Za-z0-9_-]{1,64}$/,
      'letters, digits, "_" and "-", at most 64 (Vectorize forbids "." and "$")',
    ),
  metadataValueSchema,
);
export type DocumentMetadata = z.infer<typeof documentMetadataSchema>;

/** A document as the registry tracks it; also the shape `GET /documents/:id` can return. */
export const documentRecordSchema = z.object({
  id: z.string(),
  title: z.string().nullable(),
  url: z.string().nullable(),
  source: z.string().nullable(),
  /** SHA-256 of the ingested content (text, title, url, source, metadata) and chunk settings. */
  hash: z.string(),
  chunkIds: z.array(z.string()),
  metadata: documentMetadataSchema.nullable(),
  embedder: z.string(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type DocumentRecord = z.infer<typeof documentRecordSchema>;

/** What ingestion hands the registry; timestamps are the registry's own. */
export type DocumentWrite = Omit<DocumentRecord, 'createdAt' | 'updatedAt'>;

export interface DocumentPage {
  documents: DocumentRecord[];
  /** Pass as `after` for the next page; null on the last page. */
  nextCursor: string | null;
}

export interface RegistryStats {
  documents: number;
  chunks: number;
  corpusVersion: number;
  embedder: { id: string; dimensions: number } | null;
}
