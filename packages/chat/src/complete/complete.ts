import type { ChatMessage } from '@aigw/ai';
import type { UsageRecord } from '@aigw/observability';
import { toolsModelId } from '@aigw/tools';
import type { EngineDeps } from '../deps.ts';
import type { Caller } from '../request.ts';
import { startRun } from '../run/run.ts';
import { holdBudget, settleLater } from '../turn/budget.ts';
import { endOf } from '../turn/end.ts';

/**
 * One model call a tool makes (the tenant's tools model), accounted like the request's own: the
 * worst case is reserved in the tenant's and the key's budgets first (refused with
 * `budget_exceeded`, before any upstream call, when it does not fit), the answer is capped at what
 * the reservation covers, the real usage is settled after, and the call is recorded as a usage
 * event of its own under the request's id. Returns the answer's text; throws if it broke off.
 */
export async function completeForTool(
  deps: EngineDeps,
  caller: Caller,
  input: { api: string; messages: ChatMessage[]; signal: AbortSignal },
): Promise<string> {
  const started = Date.now();
  const hold = await holdBudget(deps, caller, {
    messages: input.messages,
    maxTokens: undefined,
    modelId: toolsModelId(caller.tenant),
  });
  let usage: Promise<UsageRecord> | undefined;
  try {
    const run = await startRun(
      deps.router,
      {
        caller,
        // The request's route, marked as a tool's call.
        api: `${input.api}#tool`,
        modelRoute: 'tools',
        selection: {
          asked: undefined,
          by: 'default',
          model: toolsModelId(caller.tenant),
          fallbacks: caller.tenant.models.fallbacks,
          route: undefined,
        },
        messages: input.messages,
        params: {},
        stream: false,
        outputTokenLimit: hold?.outputLimit,
        // The tool's signal covers its timeout; the caller's, the client leaving.
        signal: AbortSignal.any([caller.signal, input.signal]),
      },
      (record) => {
        usage = record;
      },
      (outcome) => Promise.resolve(endOf(outcome, undefined, undefined)),
    );
    const iterator = run.events[Symbol.asyncIterator]();
    let next = await iterator.next();
    while (!next.done && next.value.type !== 'end') next = await iterator.next();
    const end = await run.end;
    if (!end.ok) throw end.error;
    return end.outcome.text;
  } finally {
    // startRun reports a record on every path, a failure before the first token included.
    const record = await usage?.catch(() => undefined);
    if (record === undefined) await hold?.release();
    else {
      // As for the chat's own call: settled off the path, a write that fails is logged.
      if (hold !== undefined) settleLater(deps, record.requestId, () => hold.settle(record));
      deps.recordModelCall(record, started);
    }
  }
}
