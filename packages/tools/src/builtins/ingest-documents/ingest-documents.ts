import { z } from 'zod';
import { defineTool } from '../../definition/index.ts';

const metadataValueSchema = z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]);

const documentSchema = z
  .object({
    id: z
      .string()
      .trim()
      .min(1)
      .max(256)
      .describe('Document id, unique within the tenant; re-using one updates it.'),
    text: z.string().min(1).max(2_000_000).describe('Plain text or Markdown.'),
    title: z.string().trim().min(1).max(300).optional(),
    url: z.url().max(2048).optional(),
    source: z.string().trim().min(1).max(200).optional(),
    metadata: z
      .record(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/), metadataValueSchema)
      .optional()
      .describe('Flat metadata, filterable in search.'),
  })
  .strict();

// Strict on purpose: there is no tenant, namespace or index field to smuggle in; the corpus is
// always the calling tenant's, bound by the gateway in the injected `ingest`.
export const ingestDocumentsArgsSchema = z
  .object({
    documents: z.array(documentSchema).min(1).max(20).describe("Documents to add to the tenant's corpus."),
  })
  .strict();

export const ingestDocumentsResultSchema = z
  .object({
    added: z.array(z.string()),
    updated: z.array(z.string()),
    unchanged: z.array(z.string()),
    failed: z.array(z.object({ id: z.string(), code: z.string(), message: z.string() }).strict()),
    chunks: z.int().min(0),
    corpusVersion: z.int().min(0),
  })
  .strict();

export type IngestDocumentsArgs = z.infer<typeof ingestDocumentsArgsSchema>;
export type IngestDocumentsResult = z.infer<typeof ingestDocumentsResultSchema>;

/**
 * Runs the tenant's RAG ingestion. Unlike the other built-ins it calls no language model (the
 * pipeline's embedder is configured per tenant in the RAG settings), so it behaves the same
 * online and offline. It needs the `ingest` scope: a key allowed to run tools is not thereby
 * allowed to write the corpus.
 */
export const ingestDocumentsTool = defineTool({
  name: 'ingest_documents',
  description:
    "Adds or updates documents in the tenant's search corpus (chunked, embedded and indexed). Unchanged documents are skipped.",
  args: ingestDocumentsArgsSchema,
  result: ingestDocumentsResultSchema,
  scope: 'ingest',
  sideEffects: true,
  timeoutMs: 60_000,
  async run(args, ctx) {
    const outcome = await ctx.ingest(args.documents, { signal: ctx.signal });
    return {
      added: outcome.added,
      updated: outcome.updated,
      unchanged: outcome.unchanged,
      failed: outcome.failed.map(({ id, code, message }) => ({ id, code, message })),
      chunks: outcome.chunks,
      corpusVersion: outcome.corpusVersion,
    };
  },
});
