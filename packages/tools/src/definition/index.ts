export { defineTool } from './definition.ts';
export type {
  CompleteFn,
  IngestDocumentInput,
  IngestFn,
  IngestOutcome,
  ToolContext,
  ToolDefinition,
  ToolServices,
} from './definition.ts';
