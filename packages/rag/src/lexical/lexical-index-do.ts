import { migrate, readMeta, writeMeta } from '@aigw/core/sqlite';
import { DurableObject } from 'cloudflare:workers';
import { GatewayError, capture, type RpcResult } from '@aigw/core';
import { matchesFilter, type VectorMetadata } from '../vector/index.ts';
import { lexicalTerms, matchExpression, queryTerms } from '../text/index.ts';
import { LatentStore } from './latent-store.ts';
import { MIGRATIONS, type ChunkRow } from './tables.ts';
import type {
  CorpusStats,
  IndexedChunk,
  LexicalHit,
  LexicalIndexStats,
  LexicalSearchOptions,
  LexicalSearchResult,
  StoredChunk,
} from './types.ts';

/**
 * Column weights of FTS5's bm25() for title, heading path and text: a word in a chunk's title or
 * headings says more about what the chunk is about than the same word in its body.
 */
const WEIGHTS = { title: 2, heading: 2, body: 1 } as const;
const RANK = `bm25(${WEIGHTS.title}, ${WEIGHTS.heading}, ${WEIGHTS.body})`;
/** A term in more than this share of the chunks is too common to search candidates with... */
const COMMON_SHARE = 0.1;
/** ...once it is in more than this many (below it, walking its postings costs nothing). */
const COMMON_MIN = 500;
const KEEP_RAREST = 2;
/** Whole documents: title and text. */
const DOCUMENT_RANK = 'bm25(2, 1)';
/** Documents ranked per search, for hybrid retrieval's document-level evidence. */
const DOCUMENT_POOL = 50;

/**
 * The per-tenant lexical index (name = tenant id): every chunk's text and gateway metadata, and
 * an FTS5 index over its analysed terms, so BM25 ranks with the statistics of the tenant's whole
 * corpus (not of a handful of candidates). It is written in the same ingest and delete paths as
 * the vector index, and it is where passages' text is read from after fusion, whichever vector
 * backend is used (Vectorize returns at most 20 matches with metadata, 100 without).
 *
 * Bounded: a write that would take the index past the tenant's `rag.maxChunks` is refused with
 * `index_full`, before anything changes.
 */
export class LexicalIndexDO extends DurableObject<unknown> {
  // Helpers are `#private`: every public method of a Durable Object is callable over RPC, and
  // TypeScript's `private` does not exist at run time.
  readonly #sql: SqlStorage;
  /**
   * Document frequencies read so far, until the next write: counting a common term walks its
   * whole posting list, and questions share many terms. Every write goes through this object,
   * so the cache cannot go stale.
   */
  readonly #documentFrequency = new Map<string, number>();
  readonly #latent: LatentStore;

  constructor(ctx: DurableObjectState, env: unknown) {
    super(ctx, env);
    this.#sql = ctx.storage.sql;
    migrate(ctx.storage, MIGRATIONS, Date.now());
    this.#latent = new LatentStore(this.#sql, (run) => ctx.storage.transactionSync(run));
  }

  /** Replaces every chunk of a document with `chunks`, atomically (none: it is removed). */
  replaceDocument(
    tenantId: string,
    documentId: string,
    chunks: IndexedChunk[],
    maxChunks: number,
  ): RpcResult<{ removed: number; chunks: number; total: number }> {
    return capture(() => {
      this.#bindTenant(tenantId);
      return this.#replace(documentId, chunks, maxChunks);
    });
  }

  deleteDocument(tenantId: string, documentId: string): RpcResult<{ removed: number; total: number }> {
    return capture(() => {
      this.#bindTenant(tenantId);
      const { removed, total } = this.#replace(documentId, [], 0);
      return { removed, total };
    });
  }

  /** BM25 over the analysed query terms; hits that fail `filter` are skipped, not counted. */
  search(tenantId: string, query: string, options: LexicalSearchOptions): RpcResult<LexicalSearchResult> {
    return capture(() => {
      this.#bindTenant(tenantId);
      const terms = queryTerms(query);
      const limit = Math.max(0, Math.trunc(options.limit));
      const searched = this.#selective(terms);
      if (searched.length === 0 || limit === 0) return { terms, hits: [], documents: [], latent: [] };
      const filter = options.filter;
      const accepts = (rowid: number): boolean => filter === undefined || this.#accepts(rowid, filter);
      // FTS5 ranks inside the index (`rank`, with this query's bm25 weights): no row of `chunks`
      // is read for a hit that does not make the list. Without a filter SQLite stops at the
      // limit; with one, hits are read best first until enough pass it.
      const ranked = this.#sql.exec<{ rowid: number; rank: number }>(
        `SELECT rowid, rank FROM chunk_terms WHERE chunk_terms MATCH ? AND rank MATCH ?
         ORDER BY rank ${filter === undefined ? 'LIMIT ?' : ''}`,
        matchExpression(searched),
        RANK,
        ...(filter === undefined ? [limit] : []),
      );
      const hits: LexicalHit[] = [];
      for (const { rowid, rank } of ranked) {
        if (hits.length >= limit) break;
        const row = this.#sql
          .exec<{ id: string; document_id: string }>(
            'SELECT id, document_id FROM chunks WHERE rowid = ?',
            rowid,
          )
          .toArray()[0];
        if (row === undefined || !accepts(rowid)) continue;
        // FTS5's bm25() is negative, lower being better; hits carry the usual positive score.
        hits.push({ id: row.id, documentId: row.document_id, score: -rank });
      }
      const latent = options.latent
        ? this.#latent
            .search(terms, limit, accepts)
            .map((match) => ({ id: match.id, documentId: match.documentId, score: match.score }))
        : [];
      const documents =
        filter === undefined
          ? this.#sql
              .exec<{ id: string }>(
                `SELECT d.id AS id FROM document_terms JOIN documents d ON d.rowid = document_terms.rowid
                 WHERE document_terms MATCH ? AND rank MATCH ? ORDER BY rank LIMIT ?`,
                matchExpression(searched),
                DOCUMENT_RANK,
                DOCUMENT_POOL,
              )
              .toArray()
              .map((row) => row.id)
          : [];
      return { terms, hits, documents, latent };
    });
  }

  /** The stored chunks with these ids (unknown ids are skipped), and corpus statistics for `terms`. */
  chunks(
    tenantId: string,
    ids: string[],
    terms: string[],
  ): RpcResult<{ chunks: StoredChunk[]; stats: CorpusStats }> {
    return capture(() => {
      this.#bindTenant(tenantId);
      const chunks: StoredChunk[] = [];
      for (const id of ids) {
        const row = this.#sql.exec<ChunkRow>('SELECT * FROM chunks WHERE id = ?', id).toArray()[0];
        if (row === undefined) continue;
        const metadata = JSON.parse(row.metadata) as VectorMetadata;
        chunks.push({
          id: row.id,
          metadata: { ...metadata, text: row.text },
          terms: row.analysed === '' ? [] : row.analysed.split(' '),
        });
      }
      return { chunks, stats: this.#stats(terms) };
    });
  }

  describe(tenantId: string): RpcResult<LexicalIndexStats> {
    return capture(() => {
      this.#bindTenant(tenantId);
      const documents = this.#sql
        .exec<{ n: number }>('SELECT COUNT(DISTINCT document_id) AS n FROM chunks')
        .one().n;
      return {
        chunks: this.#count(),
        documents,
        bytes: this.#sql.databaseSize,
        latent: this.#latent.describe(),
      };
    });
  }

  #replace(
    documentId: string,
    chunks: IndexedChunk[],
    maxChunks: number,
  ): { removed: number; chunks: number; total: number } {
    this.#documentFrequency.clear();
    return this.ctx.storage.transactionSync(() => {
      const old = this.#sql
        .exec<{ rowid: number; terms: number }>(
          'SELECT rowid, terms FROM chunks WHERE document_id = ?',
          documentId,
        )
        .toArray();
      const before = this.#count();
      const total = before - old.length + chunks.length;
      // Checked before anything changes: a refused document leaves its previous version intact.
      if (chunks.length > 0 && total > maxChunks) {
        throw new GatewayError(
          'index_full',
          `The search index holds ${before} chunks; this document would take it to ${total}, over the limit of ${maxChunks} (rag.maxChunks). Delete documents or raise the limit.`,
          { details: { limit: maxChunks, chunks: before, wanted: total } },
        );
      }
      let terms = this.#totalTerms();
      for (const row of old) {
        this.#sql.exec('DELETE FROM chunk_terms WHERE rowid = ?', row.rowid);
        this.#sql.exec('DELETE FROM chunks WHERE rowid = ?', row.rowid);
        this.#latent.removed(row.rowid);
        terms -= row.terms;
      }
      const document = this.#sql
        .exec<{ rowid: number }>('SELECT rowid FROM documents WHERE id = ?', documentId)
        .toArray()[0];
      if (document) {
        this.#sql.exec('DELETE FROM document_terms WHERE rowid = ?', document.rowid);
        this.#sql.exec('DELETE FROM documents WHERE rowid = ?', document.rowid);
      }
      const body: string[] = [];
      for (const chunk of chunks) {
        const inserted = this.#insert(documentId, chunk);
        terms += inserted.terms;
        body.push(inserted.body);
      }
      if (chunks.length > 0) {
        const { rowid } = this.#sql
          .exec<{ rowid: number }>('INSERT INTO documents (id) VALUES (?) RETURNING rowid', documentId)
          .one();
        this.#sql.exec(
          'INSERT INTO document_terms (rowid, title, body) VALUES (?, ?, ?)',
          rowid,
          lexicalTerms(chunks[0]?.title ?? '').join(' '),
          body.join(' '),
        );
      }
      writeMeta(this.#sql, 'terms', String(terms));
      return { removed: old.length, chunks: chunks.length, total };
    });
  }

  /** Writes one chunk; returns its term count and its text's analysed terms (space-separated). */
  #insert(documentId: string, chunk: IndexedChunk): { terms: number; body: string } {
    const title = lexicalTerms(chunk.title ?? '');
    const heading = lexicalTerms(chunk.heading);
    const body = lexicalTerms(chunk.text);
    const bodyTerms = body.join(' ');
    const analysed = [...title, ...heading, ...body];
    const terms = analysed.length;
    const metadata = { ...chunk.metadata };
    // The text has its own column; stored once.
    delete metadata['text'];
    const { rowid } = this.#sql
      .exec<{ rowid: number }>(
        `INSERT INTO chunks (id, document_id, chunk, text, metadata, analysed, terms)
         VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING rowid`,
        chunk.id,
        documentId,
        chunk.chunk,
        chunk.text,
        JSON.stringify(metadata),
        analysed.join(' '),
        terms,
      )
      .one();
    this.#sql.exec(
      'INSERT INTO chunk_terms (rowid, title, heading, body) VALUES (?, ?, ?, ?)',
      rowid,
      title.join(' '),
      heading.join(' '),
      bodyTerms,
    );
    this.#latent.added(rowid, analysed);
    return { terms, body: bodyTerms };
  }

  /**
   * The query terms candidates are searched with: those in the index, without the ones so common
   * (in more than `COMMON_SHARE` of a large index) that matching them would walk most of it for
   * almost no weight. They still count where it matters: the reranker and a passage's relevance
   * use every query term. A query of only common terms keeps its rarest `KEEP_RAREST`.
   */
  #selective(terms: string[]): string[] {
    const { chunks, documentFrequency } = this.#stats(terms);
    const present = terms.filter((term) => (documentFrequency[term] ?? 0) > 0);
    const limit = Math.max(COMMON_MIN, chunks * COMMON_SHARE);
    const selective = present.filter((term) => (documentFrequency[term] ?? 0) <= limit);
    if (selective.length > 0) return selective;
    return present
      .sort((a, b) => (documentFrequency[a] ?? 0) - (documentFrequency[b] ?? 0))
      .slice(0, KEEP_RAREST);
  }

  #stats(terms: string[]): CorpusStats {
    const chunks = this.#count();
    const documentFrequency: Record<string, number> = {};
    for (const term of new Set(terms)) {
      let n = this.#documentFrequency.get(term);
      if (n === undefined) {
        n =
          this.#sql
            .exec<{ doc: number }>('SELECT doc FROM chunk_vocabulary WHERE term = ?', term)
            .toArray()[0]?.doc ?? 0;
        this.#documentFrequency.set(term, n);
      }
      documentFrequency[term] = n;
    }
    return { chunks, averageTerms: chunks === 0 ? 0 : this.#totalTerms() / chunks, documentFrequency };
  }

  /** Whether the chunk's metadata passes the filter (read only when a filter needs it). */
  #accepts(rowid: number, filter: NonNullable<LexicalSearchOptions['filter']>): boolean {
    const row = this.#sql
      .exec<{ metadata: string }>('SELECT metadata FROM chunks WHERE rowid = ?', rowid)
      .toArray()[0];
    return row !== undefined && matchesFilter(JSON.parse(row.metadata) as VectorMetadata, filter);
  }

  #count(): number {
    return this.#sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM chunks').one().n;
  }

  #totalTerms(): number {
    return Number(readMeta(this.#sql, 'terms') ?? '0');
  }

  /** Same rule as the other per-tenant objects: it records its tenant and refuses any other. */
  #bindTenant(tenantId: string): void {
    const bound = readMeta(this.#sql, 'tenant');
    if (bound === undefined) writeMeta(this.#sql, 'tenant', tenantId);
    else if (bound !== tenantId)
      throw new GatewayError('internal', 'This lexical index belongs to another tenant.');
  }
}
