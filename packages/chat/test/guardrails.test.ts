import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { keywordSafety, type GuardrailDecision, type GuardrailsSettingsInput } from '@aigw/guardrails';
import { sessionStub } from '@aigw/sessions';
import { startTurn, type TurnEnd, type TurnEvent } from '../src/index.ts';
import { ask, collect, harness, scriptedUpstream, tenant, type Answer } from './support.ts';

/** The engine applies a tenant's chat rules once, for every API the codecs put on top. */

const RULES: GuardrailsSettingsInput['rules'] = [
  { id: 'emails', detector: 'email', on: 'both', action: 'redact' },
  { id: 'cards', detector: 'card', on: 'both', action: 'redact' },
  { id: 'keys', detector: 'credential', on: 'input', action: 'block' },
  { id: 'no-ssn-out', detector: 'ssn', on: 'output', action: 'block' },
];

function guarded(answer: Answer, rules = RULES) {
  const upstream = scriptedUpstream(answer);
  const h = harness(tenant({ guardrails: { rules } }), upstream);
  const decisions: GuardrailDecision[] = [];
  h.deps.guardrails = { record: (d) => decisions.push(d), safety: keywordSafety };
  return { h, upstream, decisions };
}

const text = (events: TurnEvent[]): string =>
  events.map((event) => (event.type === 'delta' ? event.text : '')).join('');
const endOf = (events: TurnEvent[]): TurnEnd => {
  const last = events.at(-1);
  if (last?.type !== 'end') throw new Error('no end');
  return last.end;
};
const lastUserContent = (body: Record<string, unknown> | undefined): unknown =>
  (body?.messages as { role: string; content: string }[] | undefined)?.at(-1)?.content;

describe('guardrails on input', () => {
  it('sends the model the redacted prompt and records each redaction', async () => {
    const { h, upstream, decisions } = guarded({ kind: 'text', text: 'ok' });
    const turn = await startTurn(h.deps, h.caller(), ask('I am jane@example.com, card 4111 1111 1111 1111'));
    await collect(turn.events);
    expect(lastUserContent(upstream.bodies[0])).toBe('I am [EMAIL], card [CARD]');
    expect(decisions.map((d) => `${d.rule}:${d.action}:${d.on}:${d.surface}`)).toEqual([
      'emails:redact:input:chat',
      'cards:redact:input:chat',
    ]);
    await h.idle();
  });

  it('blocks before any model call, lock or reservation, and never echoes the match', async () => {
    const { h, upstream, decisions } = guarded({ kind: 'text', text: 'ok' });
    const sessionId = `s-${crypto.randomUUID()}`;
    const error = await startTurn(h.deps, h.caller(), ask('use AKIAIOSFODNN7EXAMPLE', { sessionId })).catch(
      (thrown: unknown) => thrown,
    );
    expect(error).toMatchObject({
      code: 'guardrail_blocked',
      details: { rule: 'keys', detector: 'credential' },
    });
    expect((error as Error).message).not.toContain('AKIA');
    expect(upstream.bodies).toHaveLength(0);
    expect(decisions).toMatchObject([{ rule: 'keys', action: 'block', on: 'input' }]);
    await h.idle();
  });

  it('stores the redacted message in the session', async () => {
    const { h } = guarded({ kind: 'text', text: 'noted' });
    const sessionId = `s-${crypto.randomUUID()}`;
    await collect((await startTurn(h.deps, h.caller(), ask('mail jane@example.com', { sessionId }))).events);
    const history = await sessionStub(env.SESSIONS, h.caller().tenant.id, sessionId).history();
    expect(history.messages.map((m) => m.content)).toEqual(['mail [EMAIL]', 'noted']);
    await h.idle();
  });
});

describe('guardrails on output', () => {
  const answer = 'Her address is jane.doe@example.com and her card 4111 1111 1111 1111, nothing else.';
  const pieces = (n: number): string[] => {
    const size = Math.ceil(answer.length / n);
    return Array.from({ length: n }, (_, i) => answer.slice(i * size, (i + 1) * size));
  };

  it.each([2, 3, 10])('redacts secrets split across %i chunks', async (n) => {
    const { h, decisions } = guarded({ kind: 'chunks', chunks: pieces(n) });
    const events = await collect((await startTurn(h.deps, h.caller(), ask('who?'))).events);
    expect(text(events)).toBe('Her address is [EMAIL] and her card [CARD], nothing else.');
    const end = endOf(events);
    expect(end.ok).toBe(true);
    expect(end.outcome.text).toBe(text(events));
    expect(decisions.filter((d) => d.on === 'output').map((d) => d.rule)).toEqual(['emails', 'cards']);
    await h.idle();
  });

  it('redacts a JSON answer', async () => {
    const { h } = guarded({ kind: 'chunks', chunks: pieces(4) });
    const result = await (await startTurn(h.deps, h.caller(), ask('who?', { stream: false }))).result();
    expect(result.outcome.text).toBe('Her address is [EMAIL] and her card [CARD], nothing else.');
  });

  it('ends a stream at a block with the terminal error, and still accounts for the tokens', async () => {
    const { h, decisions } = guarded({
      kind: 'chunks',
      chunks: [
        'Sure, the number is 536-',
        '22-1234',
        ' and then a lot more text that must never reach the client at all.',
      ],
    });
    const events = await collect((await startTurn(h.deps, h.caller(), ask('ssn?'))).events);
    expect(events.filter((e) => e.type === 'end')).toHaveLength(1);
    expect(text(events)).not.toMatch(/\d/);
    expect(text(events)).not.toContain('never reach');
    const end = endOf(events);
    expect(end.ok).toBe(false);
    if (end.ok) return;
    expect(end.error).toMatchObject({
      code: 'guardrail_blocked',
      details: { rule: 'no-ssn-out', on: 'output' },
    });
    expect(end.outcome.usage).toMatchObject({ status: 'incomplete', errorCode: 'guardrail_blocked' });
    expect(end.outcome.usage.inputTokens).toBeGreaterThan(0);
    expect(decisions).toMatchObject([{ rule: 'no-ssn-out', action: 'block', on: 'output' }]);
    await h.idle();
  });

  it('answers a blocked JSON answer with the error, not the text', async () => {
    const { h } = guarded({ kind: 'text', text: 'It is 536-22-1234.' });
    const turn = await startTurn(h.deps, h.caller(), ask('ssn?', { stream: false }));
    await expect(turn.result()).rejects.toMatchObject({ code: 'guardrail_blocked' });
  });

  it('offers no relay when output rules exist, so relayed bytes cannot bypass them', async () => {
    const { h } = guarded({ kind: 'text', text: 'fine' });
    const turn = await startTurn(h.deps, h.caller(), ask('hi'));
    expect(turn.relay(() => 'error')).toBeUndefined();
    await collect(turn.events);
    await h.idle();
  });
});

describe('tenants', () => {
  it("never applies one tenant's policy to another", async () => {
    const upstream = scriptedUpstream({ kind: 'text', text: 'write to jane@example.com' });
    const other = harness(tenant(), upstream);
    const turn = await startTurn(other.deps, other.caller(), ask('I am jane@example.com'));
    expect(text(await collect(turn.events))).toBe('write to jane@example.com');
    expect(lastUserContent(upstream.bodies[0])).toBe('I am jane@example.com');
    await other.idle();
  });
});
