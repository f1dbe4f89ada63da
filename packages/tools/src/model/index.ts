export { completeStructured, extractJson } from './structured.ts';
export type { StructuredRequest } from './structured.ts';
