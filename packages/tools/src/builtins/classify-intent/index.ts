export {
  classifyIntentArgsSchema,
  classifyIntentOffline,
  classifyIntentResultSchema,
  classifyIntentTool,
} from './classify-intent.ts';
export type { ClassifyIntentArgs, ClassifyIntentResult } from './classify-intent.ts';
