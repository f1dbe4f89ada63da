import type { ToolSpec } from '@aigw/ai';
import { z } from 'zod';
import { chunkAndTagTool } from '../builtins/chunk-and-tag/index.ts';
import { classifyIntentTool } from '../builtins/classify-intent/index.ts';
import { extractEntitiesTool } from '../builtins/extract-entities/index.ts';
import { ingestDocumentsTool } from '../builtins/ingest-documents/index.ts';
import { summarizeTool } from '../builtins/summarize/index.ts';
import type { ToolDefinition } from '../definition/index.ts';
import { TOOL_NAMES, type ToolName } from '@aigw/tools/settings';

/** Every built-in tool, registered once; each key must equal its tool's `name`. */
export const TOOLS = {
  summarize: summarizeTool,
  extract_entities: extractEntitiesTool,
  classify_intent: classifyIntentTool,
  chunk_and_tag: chunkAndTagTool,
  ingest_documents: ingestDocumentsTool,
} as const satisfies { [N in ToolName]: ToolDefinition<N> };

/** A set of tools to dispatch over: the built-ins, or another map in tests. */
export type ToolRegistry = Readonly<Record<string, ToolDefinition>>;

/** OpenAI function parameters: the argument schema as callers may send it (defaults optional). */
export function parametersOf(tool: ToolDefinition): Record<string, unknown> {
  const schema: Record<string, unknown> = { ...z.toJSONSchema(tool.args, { io: 'input' }) };
  // `$schema` is dropped: OpenAI-compatible servers expect a bare JSON Schema object.
  delete schema.$schema;
  return schema;
}

/** The tool as `@aigw/ai` passes it to providers. */
export function toolSpec(tool: ToolDefinition): ToolSpec {
  return { name: tool.name, description: tool.description, parameters: parametersOf(tool) };
}

export interface OpenAIFunctionSpec {
  type: 'function';
  function: { name: string; description: string; parameters: Record<string, unknown> };
}

/** The tool in OpenAI's `tools[]` format, as `GET /tools` lists it. */
export function openAIFunctionSpec(tool: ToolDefinition): OpenAIFunctionSpec {
  return { type: 'function', function: toolSpec(tool) };
}

/**
 * The tools a tenant can see, in registry order. Default deny: only names in `enabled`, and a
 * name the registry does not have is ignored rather than trusted.
 */
export function toolsForTenant(enabled: readonly string[], registry: ToolRegistry = TOOLS): ToolDefinition[] {
  const wanted = new Set(enabled);
  return Object.values(registry).filter((tool) => wanted.has(tool.name));
}

/** The tool if the tenant has it enabled; `undefined` for unknown and disabled alike. */
export function findTool(
  name: string,
  enabled: readonly string[],
  registry: ToolRegistry = TOOLS,
): ToolDefinition | undefined {
  if (!enabled.includes(name) || !Object.hasOwn(registry, name)) return undefined;
  return registry[name];
}

export function isToolName(name: string): name is ToolName {
  return (TOOL_NAMES as readonly string[]).includes(name);
}
