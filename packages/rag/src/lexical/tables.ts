import type { Migration } from '@aigw/core/sqlite';

/**
 * The LexicalIndexDO's SQLite schema. `chunks` holds what a passage needs (text, title, heading
 * and the gateway metadata filters run on) and its analysed terms (space-separated, so scoring a
 * passage after retrieval does not run the analyzer again); `chunk_terms` is an FTS5 index over the analysed
 * terms of each chunk's title, heading path and text, one row per chunk with the same rowid.
 * It is contentless (the terms are not stored twice) with contentless_delete, so a document's
 * rows can be deleted when it is replaced or removed. FTS5 keeps the corpus statistics BM25 needs
 * (row count, column lengths, document frequencies) up to date with every write.
 * `document_terms` indexes each document whole (its title, and its chunks' text one after the
 * other), for the document-level evidence hybrid retrieval fuses in.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE chunks (
        rowid INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        document_id TEXT NOT NULL,
        chunk INTEGER NOT NULL,
        text TEXT NOT NULL,
        metadata TEXT NOT NULL,
        analysed TEXT NOT NULL,
        terms INTEGER NOT NULL
      );
      CREATE INDEX chunks_document ON chunks (document_id);
      CREATE VIRTUAL TABLE chunk_terms USING fts5(
        title, heading, body,
        content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 0'
      );
      CREATE VIRTUAL TABLE chunk_vocabulary USING fts5vocab(chunk_terms, 'row');
      CREATE TABLE documents (rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE);
      CREATE VIRTUAL TABLE document_terms USING fts5(
        title, body,
        content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 0'
      );
    `,
  },
  {
    // The latent semantic model (latent-store.ts): term vectors in blocks of terms, and one
    // vector per chunk, keyed by the chunk's rowid and deleted with it.
    version: 2,
    sql: `
      CREATE TABLE latent_terms (
        block INTEGER PRIMARY KEY,
        terms TEXT NOT NULL,
        idf BLOB NOT NULL,
        vectors BLOB NOT NULL,
        dimensions INTEGER NOT NULL
      );
      CREATE TABLE latent_chunks (rowid INTEGER PRIMARY KEY, vector BLOB NOT NULL);
    `,
  },
];

// Row shapes are `type`s: SqlStorage needs an index signature, which interfaces do not get.
export type ChunkRow = {
  rowid: number;
  id: string;
  document_id: string;
  chunk: number;
  text: string;
  metadata: string;
  analysed: string;
  terms: number;
};
