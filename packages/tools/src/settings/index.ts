export { toolsSettingsSchema } from './settings.ts';
export type { ToolsSettings, ToolsSettingsInput, ToolsSettingsView } from './settings.ts';
