export type { SafetyClassifier, SafetyInput, SafetyVerdict } from './classifier.ts';
export { keywordSafety } from './keyword.ts';
export { llamaGuard, parseLlamaGuard } from './llama-guard.ts';
export type { AiRunner } from './llama-guard.ts';
