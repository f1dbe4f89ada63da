export { guardDocuments, guardOf, guardPorts, guardrailCounts, guardrailLog } from './guardrails.ts';
export type { GuardedFailure } from './guardrails.ts';
