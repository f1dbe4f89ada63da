export { summarizeArgsSchema, summarizeOffline, summarizeResultSchema, summarizeTool } from './summarize.ts';
export type { SummarizeArgs, SummarizeResult } from './summarize.ts';
