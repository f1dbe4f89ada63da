import type { RequestLogLine } from '@aigw/core';
import type { GuardrailDecision } from '@aigw/guardrails';
import { METADATA_NAME, usageRecordSchema, type LogEntryInput, type UsageRecord } from '@aigw/observability';
import { guardrailLog } from '../guardrails/index.ts';
import type { RequestObservation } from './observation.ts';

/** Everything one finished request's entry is made of. */
export interface EntrySources {
  line: RequestLogLine;
  observation: RequestObservation;
  keyKind: 'config' | 'runtime';
  /** The tools' model calls the request caused (each also its own usage event). */
  modelCalls: readonly UsageRecord[];
  guardrails: readonly GuardrailDecision[];
  /** From `x-cache` / `x-gateway-cache`: HIT, MISS, or null when no cache was consulted. */
  cache: 'HIT' | 'MISS' | null;
  /** The caller's `x-gateway-metadata`, for a request that was not a chat turn. */
  metadataHeader: string | undefined;
}

const clip = (text: string | undefined, max: number): string | undefined =>
  text === undefined || text === '' ? undefined : text.slice(0, max);

/** `x-gateway-metadata` read leniently: the log keeps what is well-formed and drops the rest. */
function metadataOf(header: string | undefined): Record<string, string> {
  if (header === undefined || header.length > 16_384) return {};
  try {
    const parsed: unknown = JSON.parse(header);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(parsed).slice(0, 32)) {
      if (METADATA_NAME.test(name) && typeof value === 'string') out[name] = value.slice(0, 256);
    }
    return out;
  } catch {
    return {};
  }
}

/**
 * The request log entry of a finished request: who (key, user, metadata), what was asked and
 * what answered (route, model asked and used, branch), every attempt with its timing, tool calls,
 * guardrail decisions, tokens and cost (the answer's plus its tools' model calls), TTFT, duration
 * and how it ended. Fields are clipped to the log's bounds, so one odd request cannot make its
 * batch refuse.
 */
export function entryOf(sources: EntrySources): LogEntryInput {
  const { line, observation, modelCalls } = sources;
  const parsed = usageRecordSchema.safeParse(line.usage);
  const usage = parsed.success ? parsed.data : undefined;
  const chat = observation.chat;
  const started = observation.startedAt;
  const chatAttempts = observation.attempts.filter((a) => a.route !== 'tools');
  const firstModel = chatAttempts[0]?.record.modelId;
  const extra = modelCalls.reduce(
    (sum, call) => ({
      inputTokens: sum.inputTokens + call.inputTokens,
      outputTokens: sum.outputTokens + call.outputTokens,
      costUsd: sum.costUsd + call.costUsd,
    }),
    { inputTokens: 0, outputTokens: 0, costUsd: 0 },
  );
  const user = clip(chat?.user, 256);
  const sessionId = clip(chat?.sessionId, 200);
  const modelRequested = clip(chat?.modelRequested ?? usage?.requested, 200);
  return {
    id: line.requestId,
    time: started,
    ...(line.clientRequestId === undefined ? {} : { clientRequestId: line.clientRequestId }),
    keyId: line.keyId ?? '',
    keyKind: sources.keyKind,
    method: line.method.slice(0, 16),
    route: line.route.slice(0, 200),
    path: line.path.slice(0, 2048),
    status: line.status,
    ...(line.errorCode === undefined ? {} : { errorCode: line.errorCode.slice(0, 64) }),
    ...(modelRequested === undefined ? {} : { modelRequested }),
    ...(usage === undefined ? {} : { model: usage.model, provider: usage.provider }),
    ...(usage?.routing === undefined ? {} : { routing: usage.routing }),
    fallback: usage !== undefined && firstModel !== undefined && firstModel !== usage.model,
    stream: chat?.stream ?? false,
    inputTokens: (usage?.inputTokens ?? 0) + extra.inputTokens,
    outputTokens: (usage?.outputTokens ?? 0) + extra.outputTokens,
    costUsd: Math.round(((usage?.costUsd ?? 0) + extra.costUsd) * 1e6) / 1e6,
    ttftMs: usage?.ttftMs ?? null,
    durationMs: line.latencyMs,
    cache:
      usage?.cached === true || sources.cache === 'HIT' ? 'hit' : sources.cache === 'MISS' ? 'miss' : null,
    ...(sessionId === undefined ? {} : { sessionId }),
    ...(user === undefined ? {} : { user }),
    metadata: chat?.metadata ?? metadataOf(sources.metadataHeader),
    attempts: observation.attempts.slice(0, 200).map(({ record, route }) => ({
      model: record.modelId.slice(0, 200),
      attempt: record.attempt,
      outcome: record.outcome,
      ...(record.status === undefined ? {} : { status: record.status }),
      startMs: Math.max(0, record.startedAt - started),
      latencyMs: record.latencyMs,
      purpose: route,
      ...(record.message === undefined ? {} : { message: record.message.slice(0, 500) }),
    })),
    toolCalls: observation.toolCalls.slice(0, 200).map((call) => ({
      name: call.name.slice(0, 64),
      ok: call.ok,
      ...(call.errorCode === undefined ? {} : { errorCode: call.errorCode }),
      startMs: Math.max(0, call.startMs - started),
      latencyMs: call.endMs - call.startMs,
    })),
    guardrails: guardrailLog(sources.guardrails)
      .slice(0, 64)
      .map(({ rule, detector, action, on, surface, count, categories }) => ({
        rule,
        detector,
        action,
        on,
        surface,
        count,
        ...(categories === undefined ? {} : { categories }),
      })),
  };
}
