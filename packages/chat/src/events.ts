import type { GatewayError } from '@aigw/core';
import type { FinishReason, ToolCall } from '@aigw/ai';
import type { UsageRecord } from '@aigw/observability';
import type { Source } from '@aigw/rag';

/** The result of running one gateway tool for the model. */
export type ToolOutcome = { ok: true; result: unknown } | { ok: false; error: GatewayError };

/** How a model call ended, with its usage record; resolved once, whatever happened. */
export interface ChatOutcome {
  usage: UsageRecord;
  text: string;
  /** Tool calls left for the client (those the gateway does not own). */
  toolCalls: ToolCall[];
  finishReason: FinishReason | undefined;
  error: GatewayError | undefined;
}

/** A passage the model was given on a RAG turn, numbered as the prompt numbers it. */
export type TurnSource = Source;

/**
 * How a turn ended, once its session turn is stored and its budget settled. `ok: false` for an
 * answer that is not complete (cut off upstream, a budget reached mid-answer, an unfinished stream,
 * a turn that could not be stored): a codec reports `error`, never a complete answer.
 */
export type TurnEnd =
  | {
      ok: true;
      outcome: ChatOutcome;
      finishReason: FinishReason;
      sources: readonly TurnSource[] | undefined;
    }
  | { ok: false; outcome: ChatOutcome; error: GatewayError; sources: readonly TurnSource[] | undefined };

/**
 * What a turn streams. Every stream ends with exactly one `end` and never throws: the terminal
 * event is the engine's guarantee, so each codec only renders it.
 */
export type TurnEvent =
  | { type: 'delta'; text: string }
  /** Calls to the client's own tools: the answer ends with them. */
  | { type: 'tool_calls'; calls: ToolCall[] }
  /** A gateway tool the model called, before it runs. */
  | { type: 'tool_call'; call: ToolCall }
  | { type: 'tool_result'; call: ToolCall; outcome: ToolOutcome }
  | { type: 'end'; end: TurnEnd };
