export type { RerankCandidate, RerankContext, RerankScore, Reranker } from './reranker.ts';
export { LexicalReranker } from './lexical.ts';
export { WorkersAiReranker } from './workers-ai.ts';
