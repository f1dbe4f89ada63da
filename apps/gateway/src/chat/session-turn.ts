import type { Context } from 'hono';
import { GatewayError, isGatewayError } from '@aigw/core';
import { resolveTargets, type ChatMessage } from '@aigw/ai';
import { sessionStub } from '@aigw/sessions';
import type { GatewayEnv } from '../context.ts';
import { startChat, type ChatInput, type ChatOutcome, type ChatRun, type ToolLoop } from './chat-service.ts';
import { callerOf, reportUsage, routerDeps } from './deps.ts';
import { holdBudget, type BudgetHold } from './budget.ts';
import { keepAlive } from '../lib/wait-until.ts';
import { CLIENT_IDLE_MS } from './sse.ts';

/** A chat turn on a stored session (docs/sessions.md): begin → commit | abort, exactly once. */
export interface SessionTurn {
  sessionId: string;
  /** The prompt: system prompt, the history that fits the context budget, the new message. */
  messages: ChatMessage[];
  /**
   * Writes the turn: both messages (the answer marked incomplete if it was cut) or, when no text
   * was produced, nothing. Safe to call more than once; returns the error if the write failed.
   */
  finish(outcome: ChatOutcome): Promise<GatewayError | undefined>;
  /** Releases the session without writing (the call failed before any output). */
  abort(): Promise<void>;
}

export async function beginSessionTurn(
  c: Context<GatewayEnv>,
  input: {
    sessionId: string;
    /** The user message as stored in the history. */
    message: string;
    /** What the model is sent for it, when different (e.g. with retrieved sources); not stored. */
    prompt?: string | undefined;
    system: string | undefined;
  },
): Promise<SessionTurn> {
  const tenant = c.get('tenant');
  const requestId = c.get('requestId');
  const session = sessionStub(c.env.SESSIONS, tenant.id, input.sessionId);
  // A lock the object has just taken (or takes while the model is still to answer) must not be
  // left to expire, minutes later, by a client that disconnects: the request stays alive from
  // before the lock is taken until the turn is written or released.
  const released = keepAlive(c);
  const started = await session
    .beginTurn({
      requestId,
      userMessage: input.prompt ?? input.message,
      system: input.system,
      contextTokens: tenant.sessions.contextTokens,
      // The lock must outlive the longest call, or a slow answer could lose its place.
      lockTtlMs: Math.min(3_600_000, tenant.routing.totalTimeoutMs + 60_000),
    })
    .catch((error: unknown) => {
      released();
      throw error;
    });

  let finished: Promise<GatewayError | undefined> | undefined;
  const abort = async () => {
    try {
      await session.abortTurn({ requestId });
    } finally {
      released();
    }
  };
  return {
    sessionId: input.sessionId,
    messages: started.context.messages.map((message) => ({ role: message.role, content: message.content })),
    abort,
    finish(outcome) {
      finished ??= (async () => {
        try {
          if (outcome.text === '' && outcome.finishReason === undefined) {
            await abort();
            return undefined;
          }
          await session.commitTurn({
            requestId,
            user: { content: input.message },
            assistant: {
              content: outcome.text,
              ...(outcome.usage.estimated ? {} : { tokens: outcome.usage.outputTokens }),
              model: outcome.usage.model,
              status: outcome.finishReason !== undefined && !outcome.error ? 'complete' : 'incomplete',
            },
            retention: {
              retentionDays: tenant.sessions.retentionDays,
              maxMessages: tenant.sessions.maxMessages,
            },
          });
          return undefined;
        } catch (error) {
          return isGatewayError(error) ? error : new GatewayError('internal', undefined, { cause: error });
        } finally {
          released();
        }
      })();
      return finished;
    },
  };
}

export interface TurnRun {
  run: ChatRun;
  /**
   * Waits for the call to end, writes the session turn (when there is one) and settles the budget
   * (when there is one), once however often it is called. `saveError` is the error to report if
   * the turn could not be stored. Called before the terminal event, so a client
   * that starts its next turn on `done` finds the session free.
   */
  settle: () => Promise<{ outcome: ChatOutcome; saveError: GatewayError | undefined }>;
  /**
   * How long a streamed frame may wait unread before the client counts as gone (`sseBody`):
   * `CLIENT_IDLE_MS` when the call holds a session lock or a budget reservation, which a vanished
   * client must not keep until they expire; undefined otherwise (the call then ends at its total
   * timeout, and the watch's timer would cost every stream).
   */
  clientIdleMs: number | undefined;
}

/**
 * Starts the model call for a request, on a session turn or stateless. A failure before the
 * first token releases the session untouched; a client that disconnects still has its turn
 * settled (kept alive with waitUntil).
 */
export async function startTurn(
  c: Context<GatewayEnv>,
  turn: SessionTurn | undefined,
  input: Omit<ChatInput, 'tenant' | 'apiKey' | 'requestId' | 'outputTokenLimit' | 'signal'>,
  loop?: ToolLoop,
): Promise<TurnRun> {
  // The request stays alive until the call is settled or has failed: a client that disconnects
  // before the first token must still have its budget reservation released.
  const ended = keepAlive(c);
  let hold: BudgetHold | undefined;
  let run: ChatRun;
  try {
    // Resolving the targets first refuses a disallowed model before anything is reserved.
    const [primary] = resolveTargets(c.get('tenant'), input.modelRoute, input.requestedModel);
    hold = await holdBudget(c, {
      messages: input.messages,
      maxTokens: input.maxTokens,
      modelId: primary?.modelId ?? c.get('tenant').models.chat,
    });
    run = await startChat(
      routerDeps(c),
      { ...callerOf(c), ...input, outputTokenLimit: hold?.outputLimit, signal: c.req.raw.signal },
      reportUsage(c),
      loop,
    );
  } catch (error) {
    await Promise.allSettled([hold?.release(), turn?.abort()]);
    ended();
    throw error;
  }
  c.header('x-gateway-model', run.modelId);
  c.header('x-gateway-provider', run.providerName);

  let settled: ReturnType<TurnRun['settle']> | undefined;
  const settle: TurnRun['settle'] = () => {
    settled ??= (async () => {
      const outcome = await run.outcome;
      const [saveError] = await Promise.all([
        turn ? turn.finish(outcome) : undefined,
        // A budget write that fails is logged; the answer the client already has stands.
        hold?.settle(outcome.usage).catch((error: unknown) => {
          console.error(
            JSON.stringify({
              level: 'error',
              msg: 'budget not settled',
              requestId: c.get('requestId'),
              error: String(error),
            }),
          );
        }),
      ]);
      return { outcome, saveError };
    })();
    return settled;
  };
  void settle().finally(ended);
  return { run, settle, clientIdleMs: turn !== undefined || hold !== undefined ? CLIENT_IDLE_MS : undefined };
}
