import type { ChatMessage } from '@aigw/ai';
import { guardFor, keywordSafety, policyFor, type Guard, type GuardPorts } from '@aigw/guardrails';
import type { EngineDeps } from '../deps.ts';
import type { Caller, ChatRequest } from '../request.ts';

/** Enforcement without an app to record to: nothing counted, hazards judged offline. */
const UNRECORDED: GuardPorts = { record: () => undefined, safety: keywordSafety };

/**
 * The turn's guard on the chat surface: the caller's policy (its key's, else its tenant's), once
 * for every API. Undefined when the policy has no chat rules, so a tenant without one pays nothing.
 */
export function chatGuard(deps: EngineDeps, caller: Caller, request: ChatRequest): Guard | undefined {
  if (request.guarded === true) return undefined;
  return guardFor(policyFor(caller.tenant, caller.apiKey), 'chat', deps.guardrails ?? UNRECORDED);
}

/**
 * The conversation as the model may see it: the input rules applied to every message the client
 * sent (a block throws `guardrail_blocked` before anything is locked, reserved or called), so
 * what is redacted is also what a session stores and what retrieval searches for.
 */
export async function guardedMessages(
  guard: Guard | undefined,
  messages: ChatMessage[],
): Promise<ChatMessage[]> {
  if (guard?.checksInput !== true) return messages;
  const contents = await guard.input(messages.map((message) => message.content));
  return messages.map((message, index) => {
    const content = contents[index] ?? message.content;
    return content === message.content ? message : { ...message, content };
  });
}
