export { MESSAGE_OVERHEAD_TOKENS, estimateTokens } from './tokens.ts';
