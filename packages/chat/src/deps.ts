import type { RouterDeps } from '@aigw/ai';
import type { GuardPorts } from '@aigw/guardrails';
import type { BudgetDO, IsolateLeases, RateLimiterDO } from '@aigw/limits';
import type { UsageRecord } from '@aigw/observability';
import type { SessionDO } from '@aigw/sessions';
import type { ChatOutcome, TurnSource } from './events.ts';

/** What a RAG turn sends the model instead of the plain question, and the passages it was given. */
export interface RagContext {
  /** The system prompt, with the retrieval rules added to the request's own. */
  system: string;
  /** The user turn as sent: the sources as delimited data, then the question. */
  prompt: string;
  sources: readonly TurnSource[];
}

/**
 * The engine's collaborators for one request, given as plain values and functions (no Hono): the
 * app builds them from its bindings and context, a test from the package's own Worker.
 */
export interface EngineDeps {
  router: RouterDeps;
  sessions: DurableObjectNamespace<SessionDO>;
  budgets: DurableObjectNamespace<BudgetDO>;
  /** The KV namespace of the response cache; undefined where there is none. */
  responseCache?: KVNamespace | undefined;
  /** Route limit nodes' rate limits (docs/routing.md). */
  limiters: DurableObjectNamespace<RateLimiterDO>;
  /**
   * This isolate's leases, for tenants whose limits are in `leased` mode (docs/limits.md): budget
   * holds and route limit nodes are then served from them. Without it every tenant is exact.
   */
  leases?: IsolateLeases | undefined;
  /**
   * Keeps the request alive until the returned function is called (`waitUntil`): a session lock or
   * a budget hold must be released even when the client has gone.
   */
  keepAlive: () => () => void;
  /** The turn's own model call's usage record, once known (after its stream, for streams). */
  reportUsage: (usage: Promise<UsageRecord>) => void;
  /**
   * How the turn's answer ended (its text, tool calls, finish reason), once settled: what a trace
   * shows as the output when the tenant keeps content. Optional.
   */
  reportOutcome?: ((outcome: ChatOutcome) => void) | undefined;
  /** Another model call the request caused (a tool's call to the tools model), when it ended. */
  recordModelCall: (record: UsageRecord, startedAt: number) => void;
  /**
   * Runs one gateway tool for the caller (enablement, scope, argument validation, timeout, audit)
   * and returns its result; throws `GatewayError` for a refusal or a failure.
   */
  runTool: (name: string, args: unknown, signal: AbortSignal) => Promise<unknown>;
  /** Retrieval for a RAG turn: passages for `question` and the prompt built around them. */
  retrieve: (question: string, system: string | undefined) => Promise<RagContext>;
  /** A structured log line (a budget that could not be settled, say). */
  log: (entry: Record<string, unknown>) => void;
  /**
   * Where the tenant's guardrail decisions go (usage counts, audit entries for blocks) and which
   * hazard classifier runs. Without it the policy is still enforced, decisions go unrecorded and
   * hazards are judged by the offline stand-in.
   */
  guardrails?: GuardPorts | undefined;
}
