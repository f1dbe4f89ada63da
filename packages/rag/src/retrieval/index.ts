export { clampTopK, retrieve, retrieveRequestSchema, scopeFilter } from './retrieve.ts';
export { passageText } from './passage.ts';
export type { RetrieveRequest, RetrieveResult } from './retrieve.ts';
export type { Passage } from './passage.ts';
export { LexicalReranker, WorkersAiReranker } from './rerank/index.ts';
export type { RerankCandidate, RerankContext, RerankScore, Reranker } from './rerank/index.ts';
