import { GatewayError, isGatewayError } from '@aigw/core';
import type { ChatMessage } from '@aigw/ai';
import { sessionIdSchema, sessionStub, type SessionDO } from '@aigw/sessions';
import type { Caller } from '../request.ts';
import type { ChatOutcome } from '../events.ts';

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

/** What a session turn stores and what it sends the model for it. */
export interface SessionInput {
  sessionId: string;
  /** The user message as stored in the history. */
  message: string;
  /** What the model is sent for it, when different (e.g. with retrieved sources); not stored. */
  prompt?: string | undefined;
  system: string | undefined;
}

/**
 * A session turn's parts from a request's messages: the session supplies the history, so the
 * request carries the new user message last, and optionally system messages (joined in order).
 */
export function sessionInputOf(sessionId: string, messages: readonly ChatMessage[]): SessionInput {
  const parsed = sessionIdSchema.safeParse(sessionId);
  if (!parsed.success) {
    throw new GatewayError('invalid_request', `sessionId: ${parsed.error.issues[0]?.message ?? 'invalid'}`, {
      param: 'sessionId',
    });
  }
  const last = messages.at(-1);
  if (last?.role !== 'user') {
    throw new GatewayError(
      'invalid_request',
      'On a session turn the last message must be the new user message, with text: the session holds the history.',
      { param: 'messages' },
    );
  }
  return { sessionId: parsed.data, message: last.content, system: systemPromptOf(messages) };
}

/** The request's system messages as one prompt (blank lines between them); none without any. */
export function systemPromptOf(messages: readonly ChatMessage[]): string | undefined {
  const system = messages.filter((message) => message.role === 'system').map((message) => message.content);
  return system.length > 0 ? system.join('\n\n') : undefined;
}

/**
 * Takes the session's turn lock (409 `session_busy` while another turn holds it) and builds the
 * prompt from the history that fits `sessions.contextTokens`. The lock is owned by the request's
 * server id, so no client-chosen id can pass for its holder.
 */
export async function beginSessionTurn(
  namespace: DurableObjectNamespace<SessionDO>,
  caller: Caller,
  input: SessionInput,
  keepAlive: () => () => void,
): Promise<SessionTurn> {
  const { tenant, requestId } = caller;
  const session = sessionStub(namespace, tenant.id, input.sessionId);
  // A lock the object has just taken (or takes while the model is still to answer) must not be
  // left to expire, minutes later, by a client that disconnects: the request stays alive from
  // before the lock is taken until the turn is written or released.
  const released = keepAlive();
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
