export {
  TOOLS,
  findTool,
  isToolName,
  openAIFunctionSpec,
  parametersOf,
  toolSpec,
  toolsForTenant,
} from './registry.ts';
export type { OpenAIFunctionSpec, ToolRegistry } from './registry.ts';
export { TOOL_NAMES, toolNameSchema } from './names.ts';
export type { ToolName } from './names.ts';
