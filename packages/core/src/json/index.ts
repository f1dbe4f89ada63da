export { canonicalJson } from './canonical.ts';
export { JSON_MAX_DEPTH, checkJsonText } from './bounds.ts';
export type { JsonBoundsIssue, JsonLimits } from './bounds.ts';
