import type { ChatMessage, GenerationParams, RouteTaken } from '@aigw/ai';
import type { UsageRecord } from '@aigw/observability';
import type { EngineDeps } from '../deps.ts';
import type { Caller } from '../request.ts';
import { startRun } from '../run/run.ts';
import { holdBudget, type BudgetHold } from './budget.ts';
import { endOf } from './end.ts';

/** The branch name a shadow call is recorded under, beside the route's own branches. */
export const SHADOW_BRANCH = 'shadow';

/**
 * A copy of a routed request sent to the route's challenger model, off the response path (kept
 * alive with `waitUntil`): never streamed, never returned, never given tools (a gateway tool run
 * twice would act twice), and recorded as a model call of its own on the route's `shadow` branch,
 * so its latency and cost read beside the live branches. Its tokens count against the budgets only
 * when the route says so. A failure is recorded, never reported to anyone.
 */
export async function startShadow(
  deps: EngineDeps,
  caller: Caller,
  input: {
    api: string;
    route: RouteTaken;
    shadow: NonNullable<RouteTaken['shadow']>;
    messages: ChatMessage[];
    params: GenerationParams;
  },
): Promise<void> {
  const { shadow } = input;
  if (Math.random() * 100 >= shadow.percent) return;
  const released = deps.keepAlive();
  const started = Date.now();
  let usage: Promise<UsageRecord> | undefined;
  let hold: BudgetHold | undefined;
  try {
    hold = shadow.chargeBudget
      ? await holdBudget(deps, caller, {
          messages: input.messages,
          maxTokens: input.params.maxTokens,
          modelId: shadow.model,
        })
      : undefined;
    const run = await startRun(
      deps.router,
      {
        caller: { ...caller, signal: new AbortController().signal },
        api: `${input.api}#shadow`,
        modelRoute: 'chat',
        selection: {
          asked: input.route.name,
          by: 'route',
          model: shadow.model,
          fallbacks: [],
          route: { ...input.route, branch: SHADOW_BRANCH, shadow: undefined, budget: undefined },
        },
        messages: input.messages,
        // Tool choice means nothing without tools; every other parameter is the request's.
        params: { ...input.params, toolChoice: undefined, parallelToolCalls: undefined },
        stream: false,
        outputTokenLimit: hold?.outputLimit,
        // The client's leaving does not cancel the comparison: it is the gateway's own call.
        signal: new AbortController().signal,
      },
      (record) => {
        usage = record;
      },
      (outcome) => Promise.resolve(endOf(outcome, undefined, undefined)),
    );
    for await (const event of run.events) if (event.type === 'end') break;
  } catch {
    // Recorded below from its usage record (a failure before the first token included).
  } finally {
    const record = await usage?.catch(() => undefined);
    if (record === undefined) await hold?.release().catch(() => undefined);
    else await hold?.settle(record).catch(() => undefined);
    if (record !== undefined) deps.recordModelCall(record, started);
    released();
  }
}
