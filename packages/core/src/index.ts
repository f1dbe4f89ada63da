export * from './errors/index.ts';
export { newId, sha256Hex, toHex } from './crypto.ts';
export { consoleSink } from './log/request-log.ts';
export type { LogSink, RequestLogLine } from './log/request-log.ts';
export { tenantIdSchema } from './tenant-id.ts';
export { canonicalJson } from './canonical-json.ts';
export { MESSAGE_OVERHEAD_TOKENS, TokenCounter, estimateMessagesTokens, estimateTokens } from './tokens.ts';
export { capture, ok, parseInput, refuse, unwrap } from './rpc.ts';
export type { RpcResult } from './rpc.ts';
