export { LexicalIndexDO } from './lexical-index-do.ts';
export { LexicalIndex } from './lexical-index.ts';
export { lexicalTerms, queryTerms } from '../text/index.ts';
export type {
  CorpusStats,
  IndexedChunk,
  LexicalHit,
  LexicalIndexStats,
  LexicalSearchOptions,
  LexicalSearchResult,
  StoredChunk,
} from './types.ts';
