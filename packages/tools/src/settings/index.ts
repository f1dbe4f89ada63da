export { toolsSettingsSchema } from './settings.ts';
export type { ToolsSettings, ToolsSettingsInput } from './settings.ts';
