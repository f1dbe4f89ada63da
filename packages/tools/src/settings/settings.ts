import { z } from 'zod';
import { toolNameSchema } from './names.ts';

/**
 * The tenant config's `tools` section. Default deny: a tool is visible to a tenant only if named
 * in `enabled`.
 */
export const toolsSettingsSchema = z
  .object({
    enabled: z
      .array(toolNameSchema)
      .default([])
      .describe('Tools this tenant may see and call; anything else is answered as if it did not exist.'),
    maxSteps: z
      .int()
      .min(1)
      .max(16)
      .default(4)
      .describe('Most model → tool → model rounds one chat request may take.'),
    intentLabels: z
      .array(z.string().trim().min(1).max(64))
      .min(1)
      .max(50)
      .optional()
      .describe('Labels classify_intent uses when a request names none.'),
  })
  .strict();

export type ToolsSettings = z.infer<typeof toolsSettingsSchema>;
export type ToolsSettingsInput = z.input<typeof toolsSettingsSchema>;

/**
 * The settings as the dispatcher reads them: `enabled` holds names of whichever registry it
 * dispatches over (the built-ins in production; ToolsSettings is assignable to it).
 */
export type ToolsSettingsView = Omit<ToolsSettings, 'enabled'> & { enabled: readonly string[] };
