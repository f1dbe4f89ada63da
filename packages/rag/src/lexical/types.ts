import type { MetadataFilter, VectorMetadata } from '../vector/index.ts';

/** A chunk as ingestion hands it to the lexical index. */
export interface IndexedChunk {
  /** The chunk's vector id: both indexes name a chunk the same way. */
  id: string;
  chunk: number;
  title: string | null;
  /** Heading path, e.g. "API > options". */
  heading: string;
  text: string;
  /** The gateway metadata written with the chunk's vector, without `text` (stored once, above). */
  metadata: VectorMetadata;
}

export interface LexicalSearchOptions {
  /** Most hits returned. */
  limit: number;
  /** A filter already mapped onto stored metadata (see `scopeFilter`). */
  filter?: MetadataFilter | undefined;
  /** Also rank chunks by latent semantic similarity (`latent`; hybrid retrieval). */
  latent?: boolean | undefined;
}

export interface LexicalHit {
  id: string;
  documentId: string;
  /** BM25 over title, heading path and text with the tenant's corpus statistics; higher is better. */
  score: number;
}

export interface LexicalSearchResult {
  /** The analysed query terms that were searched for (empty: the query had none). */
  terms: string[];
  hits: LexicalHit[];
  /**
   * Document ids by BM25 over whole documents (title and all their text), best first. Empty with
   * a filter: filters apply to chunks.
   */
  documents: string[];
  /**
   * Chunks by cosine similarity with the query in the tenant's latent semantic model, best first
   * (empty unless asked for, or without a model); `score` is that cosine.
   */
  latent: LexicalHit[];
}

/** The tenant's corpus statistics for a set of terms, for scoring passages after retrieval. */
export interface CorpusStats {
  /** Chunks in the index. */
  chunks: number;
  /** Mean analysed terms per chunk (title, heading path and text). */
  averageTerms: number;
  /** Chunks containing each requested term (absent terms are 0). */
  documentFrequency: Record<string, number>;
}

/** A stored chunk: its vector id and the gateway metadata with its text, as a vector match has it. */
export interface StoredChunk {
  id: string;
  metadata: VectorMetadata;
  /** Analysed terms of its title, heading path and text (`lexicalTerms`), in order. */
  terms: string[];
}

export interface LexicalIndexStats {
  chunks: number;
  documents: number;
  /** The object's SQLite database size, in bytes. */
  bytes: number;
  /** The latent semantic model: vocabulary and dimensions (0 and 0 before one is built). */
  latent: { terms: number; dimensions: number };
}
