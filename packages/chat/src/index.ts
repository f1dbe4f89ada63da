/**
 * @aigw/chat: the chat turn engine. One turn, whichever API it came in on: model resolution and
 * routing, budget reserve and settle, the session turn, RAG context, the gateway tool loop, usage
 * and cost, the terminal-event guarantee and client disconnect. Codecs (in the app) decode each
 * API's request into a `ChatRequest` and render the turn's `TurnEvent`s; see docs/chat.md.
 */
export type { Caller, ChatRequest, ToolRequest } from './request.ts';
export type { ChatOutcome, ToolOutcome, TurnEnd, TurnEvent, TurnSource } from './events.ts';
export type { EngineDeps, RagContext } from './deps.ts';
export { CLIENT_IDLE_MS, startTurn } from './turn/turn.ts';
export type { ToolStep, Turn, TurnResult } from './turn/turn.ts';
export { completeForTool } from './complete/complete.ts';
export { relayBody } from './run/relay.ts';
export type { RelayHooks } from './run/relay.ts';
