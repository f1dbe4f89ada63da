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
export { TOOL_NAMES, toolNameSchema } from '@aigw/tools/settings';
export type { ToolName } from '@aigw/tools/settings';
