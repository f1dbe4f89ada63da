import { z } from 'zod';

/**
 * The built-in tool names. The registry map is checked against this list at compile time (a
 * missing, extra or misnamed tool does not type-check), and the tenant setting validates against it.
 */
export const TOOL_NAMES = [
  'summarize',
  'extract_entities',
  'classify_intent',
  'chunk_and_tag',
  'ingest_documents',
] as const;

export const toolNameSchema = z.enum(TOOL_NAMES).describe('A built-in tool name.');
export type ToolName = z.infer<typeof toolNameSchema>;
