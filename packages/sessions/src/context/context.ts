import { MESSAGE_OVERHEAD_TOKENS, estimateTokens } from '@aigw/core';
import type { MessageRole, MessageStatus } from '../session/schema.ts';

/** A message as the model receives it. */
export interface ContextMessage {
  role: MessageRole;
  content: string;
}

/** A stored message offered to the context window. */
export interface HistoryCandidate {
  role: MessageRole;
  content: string;
  /** The stored count; 0 means unknown, and the content is estimated instead. */
  tokens: number;
  status: MessageStatus;
}

export interface BuildContextInput {
  /** The tenant's system prompt, if any; always sent. */
  system?: string | undefined;
  /** Token budget for the whole prompt: system + history + the new user message. */
  contextTokens: number;
  /** The message of the turn being started; always sent, last. */
  newUserMessage: string;
  /** Stored history, oldest first. */
  history: readonly HistoryCandidate[];
}

export interface BuiltContext {
  messages: ContextMessage[];
  /** Estimated prompt size, overhead included. */
  tokens: number;
  /** History messages included / left out because they did not fit. */
  historyIncluded: number;
  historyDropped: number;
}

/** Fixed cost of a chat prompt (priming of the answer), on top of each message's overhead. */
const PROMPT_OVERHEAD_TOKENS = 2;

function messageTokens(message: { content: string; tokens?: number }): number {
  const content =
    message.tokens !== undefined && message.tokens > 0 ? message.tokens : estimateTokens(message.content);
  return content + MESSAGE_OVERHEAD_TOKENS;
}

/**
 * Splits history into turns: a user message and the assistant/tool messages answering it. Whole
 * turns are kept or dropped together, so the model never sees an answer without its question.
 */
function toTurns(history: readonly HistoryCandidate[]): HistoryCandidate[][] {
  const turns: HistoryCandidate[][] = [];
  for (const message of history) {
    const current = turns.at(-1);
    if (message.role === 'user' || message.role === 'system' || current === undefined) {
      turns.push([message]);
    } else {
      current.push(message);
    }
  }
  return turns;
}

/**
 * The prompt for a turn: the system prompt, then as many of the most recent whole turns as fit
 * the budget, then the new user message. Older turns are dropped first and a gap is never left:
 * once a turn does not fit, nothing older is considered. Failed answers (`status: 'error'`) are
 * never sent back to the model.
 */
export function buildContext(input: BuildContextInput): BuiltContext {
  const head: ContextMessage[] =
    input.system !== undefined && input.system.length > 0 ? [{ role: 'system', content: input.system }] : [];
  const tail: ContextMessage = { role: 'user', content: input.newUserMessage };
  let used =
    PROMPT_OVERHEAD_TOKENS + head.reduce((sum, m) => sum + messageTokens(m), 0) + messageTokens(tail);

  const usable = input.history.filter((message) => message.status !== 'error');
  const turns = toTurns(usable);
  const kept: HistoryCandidate[][] = [];
  for (let index = turns.length - 1; index >= 0; index--) {
    const turn = turns[index] ?? [];
    const cost = turn.reduce((sum, message) => sum + messageTokens(message), 0);
    if (used + cost > input.contextTokens) break;
    used += cost;
    kept.unshift(turn);
  }

  const history = kept.flat().map(({ role, content }) => ({ role, content }));
  return {
    messages: [...head, ...history, tail],
    tokens: used,
    historyIncluded: history.length,
    historyDropped: usable.length - history.length,
  };
}
