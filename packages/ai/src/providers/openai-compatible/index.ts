export { openAICompatibleProvider } from './openai-compatible.ts';
