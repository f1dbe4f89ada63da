import { describe, expect, it } from 'vitest';
import { GatewayError } from '@aigw/core';
import { guardrailsSettingsSchema, type GuardrailsSettingsInput } from '@aigw/guardrails/settings';
import { keywordSafety } from '../safety/index.ts';
import { SAFETY_STRIDE, compilePolicy, guardFor, type GuardrailDecision, type StreamGuard } from './index.ts';

function streamGuard(rules: GuardrailsSettingsInput['rules']): {
  stream: StreamGuard;
  decisions: GuardrailDecision[];
} {
  const decisions: GuardrailDecision[] = [];
  const guard = guardFor(compilePolicy(guardrailsSettingsSchema.parse({ rules })), 'chat', {
    record: (d) => decisions.push(d),
    safety: keywordSafety,
  });
  const stream = guard?.stream();
  if (stream === undefined) throw new Error('no output rules');
  return { stream, decisions };
}

/** `text` cut into `n` pieces of about equal length. */
function split(text: string, n: number): string[] {
  const size = Math.ceil(text.length / n);
  return Array.from({ length: n }, (_, i) => text.slice(i * size, (i + 1) * size)).filter(
    (piece) => piece !== '',
  );
}

async function run(
  stream: StreamGuard,
  chunks: readonly string[],
): Promise<{ out: string; pieces: string[] }> {
  const pieces = chunks.map((chunk) => stream.push(chunk));
  pieces.push(await stream.flush());
  return { out: pieces.join(''), pieces };
}

const REDACT: GuardrailsSettingsInput['rules'] = [
  { id: 'emails', detector: 'email', on: 'output', action: 'redact' },
  { id: 'cards', detector: 'card', on: 'output', action: 'redact' },
  { id: 'keys', detector: 'credential', on: 'output', action: 'redact' },
];

describe('streamed output', () => {
  const answer =
    'Sure. The customer jane.doe@example.com paid with 4111 1111 1111 1111 yesterday, and the deploy key is AKIAIOSFODNN7EXAMPLE. Anything else?';
  const expected =
    'Sure. The customer [EMAIL] paid with [CARD] yesterday, and the deploy key is [CREDENTIAL]. Anything else?';

  it.each([1, 2, 3, 10, answer.length])('redacts secrets split across %i chunks', async (n) => {
    const { stream, decisions } = streamGuard(REDACT);
    expect((await run(stream, split(answer, n))).out).toBe(expected);
    expect(decisions.map((d) => d.rule)).toEqual(['emails', 'cards', 'keys']);
  });

  it('splits every secret at every position', async () => {
    for (const secret of ['jane.doe@example.com', '4111 1111 1111 1111', 'AKIAIOSFODNN7EXAMPLE']) {
      for (let at = 1; at < secret.length; at++) {
        const { stream } = streamGuard(REDACT);
        const text = `a ${secret} b`;
        const { out } = await run(stream, [text.slice(0, at + 2), text.slice(at + 2)]);
        expect(out).not.toContain(secret.slice(0, 6));
      }
    }
  });

  it('holds back no more than the window, and flushes the rest at once', async () => {
    const { stream } = streamGuard([{ id: 'emails', detector: 'email', on: 'output', action: 'redact' }]);
    const words = Array.from({ length: 60 }, (_, i) => `word${i} `);
    let sent = 0;
    let pushed = 0;
    for (const word of words) {
      pushed += word.length;
      sent += stream.push(word).length;
      expect(pushed - sent).toBeLessThanOrEqual(64);
    }
    expect(sent + (await stream.flush()).length).toBe(pushed);
  });

  it('holds a long token from its start until it is whole', async () => {
    const { stream } = streamGuard(REDACT);
    const token = `github_pat_${'A1b2C3d4E5'.repeat(8)}xy`;
    const { out, pieces } = await run(stream, [
      'my token: ',
      ...split(token, 10),
      ' — keep it safe. ',
      'x'.repeat(80),
    ]);
    expect(out).toBe(`my token: [CREDENTIAL] — keep it safe. ${'x'.repeat(80)}`);
    expect(pieces.join('')).not.toContain('github_pat');
  });

  it('ends at a block with nothing of the match sent, and stays ended', async () => {
    const { stream, decisions } = streamGuard([
      { id: 'no-cards', detector: 'card', on: 'output', action: 'block' },
    ]);
    const before = 'Your card number is ';
    const chunks = [
      before,
      '4111 11',
      '11 1111 ',
      '1111',
      ' and more text follows here, long enough to pass the window of the rule.',
    ];
    const sent: string[] = [];
    let error: unknown;
    try {
      for (const chunk of chunks) sent.push(stream.push(chunk));
      sent.push(await stream.flush());
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe('guardrail_blocked');
    expect(sent.join('')).not.toMatch(/\d/);
    expect(() => stream.push('more')).toThrow(GatewayError);
    expect(decisions).toMatchObject([{ rule: 'no-cards', action: 'block', on: 'output' }]);
  });

  it('blocks on a safety verdict at the end, and mid-stream once a stride has passed', async () => {
    const rules: GuardrailsSettingsInput['rules'] = [
      { id: 'weapons', detector: 'safety', on: 'output', action: 'block' },
    ];
    const short = streamGuard(rules);
    short.stream.push('Step one: build a bomb');
    await expect(short.stream.flush()).rejects.toMatchObject({ code: 'guardrail_blocked' });

    const long = streamGuard(rules);
    long.stream.push(`To build a bomb ${'.'.repeat(SAFETY_STRIDE)}`);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(() => long.stream.push('more')).toThrow(/weapons/);
  });
});
