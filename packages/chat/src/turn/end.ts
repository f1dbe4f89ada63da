import type { GatewayError } from '@aigw/core';
import type { ChatOutcome, TurnEnd, TurnSource } from '../events.ts';
import { unfinishedError } from '../run/run.ts';

/**
 * How a turn ended, in one place for every API: an answer that broke off, stopped without
 * finishing, or could not be stored is a failure, never a complete answer.
 */
export function endOf(
  outcome: ChatOutcome,
  saveError: GatewayError | undefined,
  sources: readonly TurnSource[] | undefined,
): TurnEnd {
  const error = outcome.error ?? (outcome.finishReason === undefined ? unfinishedError() : saveError);
  if (error !== undefined || outcome.finishReason === undefined) {
    return { ok: false, outcome, error: error ?? unfinishedError(), sources };
  }
  return { ok: true, outcome, finishReason: outcome.finishReason, sources };
}
