export { TOOL_ARGUMENT_LIMITS, executeTool, isOfflineModel, toolsModelId } from './execute.ts';
export type { ExecuteToolInput, ToolExecution, ToolGuard } from './execute.ts';
