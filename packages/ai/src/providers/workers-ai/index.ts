export { workersAiProvider } from './workers-ai.ts';
