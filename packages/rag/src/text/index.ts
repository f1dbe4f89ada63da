export { DEFAULT_CHUNK_SETTINGS, chunkText } from './chunking.ts';
export type { Chunk, ChunkSettings } from './chunking.ts';
export { estimateTokens } from './tokens.ts';
export { isStopWord, stem, terms, words } from './words.ts';
export { MAX_QUERY_TERMS, lexicalTerms, matchExpression, queryTerms } from './analyzer.ts';
