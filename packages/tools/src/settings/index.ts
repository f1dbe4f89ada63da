export { toolsSettingsSchema } from './settings.ts';
export type { ToolsSettings, ToolsSettingsInput, ToolsSettingsView } from './settings.ts';
export { TOOL_NAMES, toolNameSchema } from './names.ts';
export type { ToolName } from './names.ts';
