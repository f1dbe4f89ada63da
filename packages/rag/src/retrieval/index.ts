export { clampTopK, passageText, retrieve, retrieveRequestSchema, scopeFilter } from './retrieve.ts';
export type { Passage, RetrieveRequest, RetrieveResult } from './retrieve.ts';
export { LexicalReranker, WorkersAiReranker } from './rerank/index.ts';
export type { RerankCandidate, RerankScore, Reranker } from './rerank/index.ts';
