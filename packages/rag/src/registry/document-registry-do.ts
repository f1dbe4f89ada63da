import { readMeta, writeMeta } from '@aigw/core/sqlite';
import { DurableObject } from 'cloudflare:workers';
import { GatewayError, capture, type RpcResult } from '@aigw/core';
import type { EmbedderInfo } from '../embedders/index.ts';
import type {
  DocumentMetadata,
  DocumentPage,
  DocumentRecord,
  DocumentWrite,
  RegistryStats,
} from './types.ts';

interface DocumentRow extends Record<string, SqlStorageValue> {
  id: string;
  title: string | null;
  url: string | null;
  source: string | null;
  hash: string;
  chunk_ids: string;
  metadata: string | null;
  embedder: string;
  created_at: string;
  updated_at: string;
}

const MAX_PAGE = 100;

/**
 * The per-tenant document registry (name = tenant id, SQLite): documents with their content hash
 * and chunk ids, the corpus version every change bumps (cache keys include it, so a change makes
 * every cached answer unreachable), and the embedder the tenant's index was built with.
 */
export class DocumentRegistryDO extends DurableObject<unknown> {
  // Helpers are `#private`: every public method of a Durable Object is callable over RPC, and
  // TypeScript's `private` does not exist at run time.
  readonly #sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: unknown) {
    super(ctx, env);
    this.#sql = ctx.storage.sql;
    this.#sql.exec(`CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`);
    this.#sql.exec(
      `CREATE TABLE IF NOT EXISTS documents (
         id TEXT PRIMARY KEY,
         title TEXT,
         url TEXT,
         source TEXT,
         hash TEXT NOT NULL,
         chunk_ids TEXT NOT NULL,
         metadata TEXT,
         embedder TEXT NOT NULL,
         created_at TEXT NOT NULL,
         updated_at TEXT NOT NULL
       )`,
    );
  }

  getDocument(tenantId: string, id: string): RpcResult<DocumentRecord | null> {
    return capture(() => {
      this.#bindTenant(tenantId);
      const row = this.#sql.exec<DocumentRow>(`SELECT * FROM documents WHERE id = ?`, id).toArray()[0];
      return row === undefined ? null : toRecord(row);
    });
  }

  listDocuments(tenantId: string, options: { limit?: number; after?: string } = {}): RpcResult<DocumentPage> {
    return capture(() => {
      this.#bindTenant(tenantId);
      const limit = Math.min(Math.max(Math.trunc(options.limit ?? 50), 1), MAX_PAGE);
      const rows = this.#sql
        .exec<DocumentRow>(
          `SELECT * FROM documents WHERE id > ? ORDER BY id LIMIT ?`,
          options.after ?? '',
          limit + 1,
        )
        .toArray();
      const page = rows.slice(0, limit).map(toRecord);
      const last = page.at(-1);
      return { documents: page, nextCursor: rows.length > limit && last ? last.id : null };
    });
  }

  /** Records a new or changed document and bumps the corpus version, in one transaction. */
  commitDocument(
    tenantId: string,
    write: DocumentWrite,
    embedder: EmbedderInfo,
  ): RpcResult<{ corpusVersion: number }> {
    return capture(() => {
      this.#bindTenant(tenantId);
      return this.ctx.storage.transactionSync(() => {
        this.#bindEmbedderSync(embedder);
        const now = new Date().toISOString();
        this.#sql.exec(
          `INSERT INTO documents (id, title, url, source, hash, chunk_ids, metadata, embedder, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET title = excluded.title, url = excluded.url,
             source = excluded.source, hash = excluded.hash, chunk_ids = excluded.chunk_ids,
             metadata = excluded.metadata, embedder = excluded.embedder, updated_at = excluded.updated_at`,
          write.id,
          write.title,
          write.url,
          write.source,
          write.hash,
          JSON.stringify(write.chunkIds),
          write.metadata === null ? null : JSON.stringify(write.metadata),
          write.embedder,
          now,
          now,
        );
        return { corpusVersion: this.#bump() };
      });
    });
  }

  /** Forgets a document and bumps the corpus version; returns what was removed (null if nothing). */
  removeDocument(
    tenantId: string,
    id: string,
  ): RpcResult<{ removed: DocumentRecord | null; corpusVersion: number }> {
    return capture(() => {
      this.#bindTenant(tenantId);
      return this.ctx.storage.transactionSync(() => {
        const row = this.#sql.exec<DocumentRow>(`SELECT * FROM documents WHERE id = ?`, id).toArray()[0];
        if (row === undefined) return { removed: null, corpusVersion: this.#version() };
        this.#sql.exec(`DELETE FROM documents WHERE id = ?`, id);
        // An empty corpus may be rebuilt with another embedder.
        if (this.#documentCount() === 0) this.#sql.exec(`DELETE FROM meta WHERE key = 'embedder'`);
        return { removed: toRecord(row), corpusVersion: this.#bump() };
      });
    });
  }

  corpusVersion(tenantId: string): RpcResult<number> {
    return capture(() => {
      this.#bindTenant(tenantId);
      return this.#version();
    });
  }

  bindEmbedder(tenantId: string, embedder: EmbedderInfo): RpcResult<null> {
    return capture(() => {
      this.#bindTenant(tenantId);
      this.#bindEmbedderSync(embedder);
      return null;
    });
  }

  checkEmbedder(tenantId: string, embedder: EmbedderInfo): RpcResult<null> {
    return capture(() => {
      this.#bindTenant(tenantId);
      const recorded = this.#embedder();
      if (recorded && (recorded.id !== embedder.id || recorded.dimensions !== embedder.dimensions)) {
        throw mismatch(recorded, embedder);
      }
      return null;
    });
  }

  stats(tenantId: string): RpcResult<RegistryStats> {
    return capture(() => {
      this.#bindTenant(tenantId);
      const chunks = this.#sql
        .exec<{ n: number | null }>(`SELECT SUM(json_array_length(chunk_ids)) AS n FROM documents`)
        .one().n;
      return {
        documents: this.#documentCount(),
        chunks: chunks ?? 0,
        corpusVersion: this.#version(),
        embedder: this.#embedder(),
      };
    });
  }

  #bindEmbedderSync(embedder: EmbedderInfo): void {
    const recorded = this.#embedder();
    const same = recorded?.id === embedder.id && recorded.dimensions === embedder.dimensions;
    if (same) return;
    if (recorded && this.#documentCount() > 0) throw mismatch(recorded, embedder);
    this.#setMeta('embedder', JSON.stringify({ id: embedder.id, dimensions: embedder.dimensions }));
  }

  #embedder(): EmbedderInfo | null {
    const value = this.#getMeta('embedder');
    return value === undefined ? null : (JSON.parse(value) as EmbedderInfo);
  }

  /** Same rule as the vector index: the object records its tenant and refuses any other. */
  #bindTenant(tenantId: string): void {
    const bound = this.#getMeta('tenant');
    if (bound === undefined) this.#setMeta('tenant', tenantId);
    else if (bound !== tenantId)
      throw new GatewayError('internal', 'This document registry belongs to another tenant.');
  }

  #version(): number {
    return Number(this.#getMeta('version') ?? '0');
  }

  #bump(): number {
    const next = this.#version() + 1;
    this.#setMeta('version', String(next));
    return next;
  }

  #documentCount(): number {
    return this.#sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM documents`).one().n;
  }

  #getMeta(key: string): string | undefined {
    return readMeta(this.#sql, key);
  }

  #setMeta(key: string, value: string): void {
    writeMeta(this.#sql, key, value);
  }
}

function mismatch(recorded: EmbedderInfo, wanted: EmbedderInfo): GatewayError {
  return new GatewayError(
    'embedding_mismatch',
    `The index was built with ${recorded.id} (${recorded.dimensions} dimensions), not ${wanted.id} (${wanted.dimensions}); re-ingest or delete the documents to switch.`,
    { details: { indexEmbedder: recorded.id, indexDimensions: recorded.dimensions, embedder: wanted.id } },
  );
}

function toRecord(row: DocumentRow): DocumentRecord {
  return {
    id: row.id,
    title: row.title,
    url: row.url,
    source: row.source,
    hash: row.hash,
    chunkIds: JSON.parse(row.chunk_ids) as string[],
    metadata: row.metadata === null ? null : (JSON.parse(row.metadata) as DocumentMetadata),
    embedder: row.embedder,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
