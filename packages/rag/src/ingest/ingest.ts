import {
  GatewayError,
  invalidRequest,
  isGatewayError,
  sha256Hex,
  type ErrorCode,
  canonicalJson,
} from '@aigw/core';
import { z } from 'zod';
import { openTenant, type RagDeps } from '../pipeline/deps.ts';
import { documentMetadataSchema, type DocumentPage, type DocumentRecord } from '../registry/index.ts';
import { assertScope, type TenantScope } from '../scope/index.ts';
import { chunkText } from '../text/index.ts';
import { vectorId, type VectorMetadata } from '../vector/index.ts';

/**
 * Whether `/documents/{id}` can name this id: it comes back unchanged from encodeURIComponent →
 * URL → decodeURIComponent. URLs drop the dot segments `.` and `..` (so `GET /documents/..` is
 * `GET /`), and an id with a lone surrogate cannot be encoded at all; such a document could be
 * stored but never fetched or deleted.
 */
export function survivesUrlPath(id: string): boolean {
  const prefix = '/documents/';
  try {
    const { pathname } = new URL(`https://gateway.invalid${prefix}${encodeURIComponent(id)}`);
    return pathname.startsWith(prefix) && decodeURIComponent(pathname.slice(prefix.length)) === id;
  } catch {
    // encodeURIComponent throws a URIError on a lone surrogate.
    return false;
  }
}

export const DOCUMENT_ID_MAX_CHARS = 256;

export const documentIdSchema = z
  .string()
  .trim()
  .min(1)
  .max(DOCUMENT_ID_MAX_CHARS)
  .refine(survivesUrlPath, {
    error:
      'not usable in the URL /documents/{id}: "." and "..", and ids that change when URL-encoded, are refused',
  })
  .describe('Caller-chosen document id, unique per tenant; must survive the URL path /documents/{id}.');

export const ingestDocumentSchema = z
  .object({
    id: documentIdSchema,
    text: z.string().min(1).max(2_000_000).describe('Plain text or Markdown; headings become chunk context.'),
    title: z.string().trim().min(1).max(300).optional(),
    url: z.url().max(2048).optional(),
    source: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .optional()
      .describe('Where the document came from; filterable.'),
    metadata: documentMetadataSchema
      .optional()
      .describe('Caller metadata, stored under its own key: it can never overwrite gateway fields.'),
  })
  .strict();
export type IngestDocument = z.infer<typeof ingestDocumentSchema>;

export const ingestDocumentsSchema = z.array(ingestDocumentSchema).min(1).max(100);

export interface IngestFailure {
  id: string;
  code: ErrorCode;
  message: string;
}

export interface IngestResult {
  added: string[];
  updated: string[];
  unchanged: string[];
  failed: IngestFailure[];
  /** Chunks embedded and written by this call. */
  chunks: number;
  corpusVersion: number;
}

/** The gateway's own metadata fields; caller metadata lives under `meta` and cannot touch these. */
export const RESERVED_METADATA_KEYS = [
  'tenant',
  'documentId',
  'chunk',
  'heading',
  'title',
  'url',
  'source',
  'text',
  'meta',
] as const;

/** Vectorize accepts 1000 vectors per upsert from a Worker. */
const UPSERT_BATCH = 1000;

/**
 * Part of every content hash: documents ingested before the lexical index existed hash
 * differently, so re-ingesting them indexes them instead of skipping them as unchanged.
 */
const INDEX_VERSION = 'hybrid-1';

/**
 * Ingests documents for one tenant. A document whose content hash is unchanged is skipped; a
 * changed one is re-chunked and re-embedded, its vectors overwritten, and chunks it no longer has
 * deleted; every change bumps the corpus version. Each document succeeds or fails on its own.
 */
export async function ingestDocuments(
  deps: RagDeps,
  scope: TenantScope,
  docs: unknown[],
): Promise<IngestResult> {
  const { registry, index, lexical } = openTenant(deps, scope);
  const tenant = assertScope(scope);
  const result: IngestResult = {
    added: [],
    updated: [],
    unchanged: [],
    failed: [],
    chunks: 0,
    corpusVersion: 0,
  };
  for (const [position, raw] of docs.entries()) {
    const parsed = ingestDocumentSchema.safeParse(raw);
    if (!parsed.success) {
      const error = invalidRequest(parsed.error, 'document', raw, { prefix: ['documents', position] });
      result.failed.push({ id: idOf(raw, position), code: error.code, message: error.message });
      continue;
    }
    const doc = parsed.data;
    try {
      const hash = await contentHash(doc, deps);
      const existing = await registry.get(doc.id);
      if (existing?.hash === hash) {
        result.unchanged.push(doc.id);
        continue;
      }
      const chunks = chunkText(doc.text, deps.settings);
      if (chunks.length === 0)
        throw new GatewayError('invalid_request', 'The document has no text to index.');
      const inputs = chunks.map((chunk) =>
        [doc.title, chunk.headings.join(' > '), chunk.text].filter(Boolean).join('\n'),
      );
      const embeddings = await deps.embedder.embed(inputs);
      const ids = await Promise.all(chunks.map((chunk) => vectorId(tenant, doc.id, chunk.index)));
      const metadata = chunks.map((chunk) =>
        chunkMetadata(tenant.tenantId, doc, chunk.index, chunk.headings, chunk.text),
      );
      // The lexical index first: it refuses a document that would take it past the tenant's
      // bound before anything of the document is written anywhere.
      await lexical.replaceDocument(
        doc.id,
        chunks.map((chunk, i) => ({
          id: ids[i] ?? '',
          chunk: chunk.index,
          title: doc.title ?? null,
          heading: chunk.headings.join(' > '),
          text: chunk.text,
          metadata: metadata[i] ?? {},
        })),
        deps.settings.maxChunks,
      );
      try {
        const vectors = chunks.map((_chunk, i) => ({
          id: ids[i] ?? '',
          values: embeddings[i] ?? [],
          metadata: metadata[i] ?? {},
        }));
        for (let start = 0; start < vectors.length; start += UPSERT_BATCH) {
          await index.upsert(vectors.slice(start, start + UPSERT_BATCH));
        }
        // Chunks the new version no longer has; ids are positional, so the rest were overwritten.
        const stale = (existing?.chunkIds ?? []).filter((id) => !ids.includes(id));
        if (stale.length > 0) await index.deleteByIds(stale);
        result.corpusVersion = await registry.commit(
          {
            id: doc.id,
            title: doc.title ?? null,
            url: doc.url ?? null,
            source: doc.source ?? null,
            hash,
            chunkIds: ids,
            metadata: doc.metadata ?? null,
            embedder: deps.embedder.id,
          },
          deps.embedder,
        );
      } catch (error) {
        // A new document that did not make it into the registry must not be found by lexical
        // search either. A changed one keeps its new text there until a retry completes it.
        if (!existing) await lexical.deleteDocument(doc.id).catch(() => undefined);
        throw error;
      }
      result.chunks += chunks.length;
      (existing ? result.updated : result.added).push(doc.id);
    } catch (error) {
      if (!isGatewayError(error)) throw error;
      result.failed.push({ id: doc.id, code: error.code, message: error.message });
    }
  }
  if (result.corpusVersion === 0) result.corpusVersion = await registry.corpusVersion();
  return result;
}

/**
 * Removes a document's vectors and lexical entries, then its registry entry (so a failed delete
 * can be retried: the registry still names the document until both indexes have let it go).
 */
export async function deleteDocument(
  deps: RagDeps,
  scope: TenantScope,
  documentId: string,
): Promise<{ id: string; chunks: number; corpusVersion: number }> {
  const { registry, index, lexical } = openTenant(deps, scope);
  const record = await registry.get(documentId);
  if (!record) throw new GatewayError('not_found', `No document "${documentId}" for this tenant.`);
  await index.deleteByIds(record.chunkIds);
  await lexical.deleteDocument(documentId);
  const { corpusVersion } = await registry.remove(documentId);
  return { id: documentId, chunks: record.chunkIds.length, corpusVersion };
}

export async function getDocument(
  deps: RagDeps,
  scope: TenantScope,
  documentId: string,
): Promise<DocumentRecord> {
  const record = await openTenant(deps, scope).registry.get(documentId);
  if (!record) throw new GatewayError('not_found', `No document "${documentId}" for this tenant.`);
  return record;
}

export function listDocuments(
  deps: RagDeps,
  scope: TenantScope,
  options: { limit?: number; after?: string } = {},
): Promise<DocumentPage> {
  return openTenant(deps, scope).registry.list(options);
}

/**
 * Gateway fields first, caller metadata nested under `meta`: the caller's keys live in their own
 * object, so `{ tenant: "other" }` from a caller is `meta.tenant` and never the real `tenant`.
 */
function chunkMetadata(
  tenantId: string,
  doc: IngestDocument,
  chunk: number,
  headings: string[],
  text: string,
): VectorMetadata {
  const metadata: VectorMetadata = {
    tenant: tenantId,
    documentId: doc.id,
    chunk,
    heading: headings.join(' > '),
    text,
  };
  if (doc.title !== undefined) metadata['title'] = doc.title;
  if (doc.url !== undefined) metadata['url'] = doc.url;
  if (doc.source !== undefined) metadata['source'] = doc.source;
  if (doc.metadata !== undefined && Object.keys(doc.metadata).length > 0)
    metadata['meta'] = { ...doc.metadata };
  return metadata;
}

/** Everything that shapes the stored vectors, so a change to any of it re-ingests the document. */
function contentHash(doc: IngestDocument, deps: RagDeps): Promise<string> {
  return sha256Hex(
    canonicalJson({
      text: doc.text,
      title: doc.title ?? null,
      url: doc.url ?? null,
      source: doc.source ?? null,
      metadata: doc.metadata ?? null,
      embedder: deps.embedder.id,
      index: INDEX_VERSION,
      chunkTokens: deps.settings.chunkTokens,
      overlapTokens: deps.settings.overlapTokens,
    }),
  );
}

function idOf(raw: unknown, position: number): string {
  const id: unknown =
    raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>)['id'] : undefined;
  return typeof id === 'string' && id.length > 0 ? id : `#${position}`;
}
