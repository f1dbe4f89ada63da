import { describe, expect, it } from 'vitest';
import { GatewayError } from '@aigw/core';
import { guardrailsSettingsSchema, type GuardrailsSettingsInput } from '@aigw/guardrails/settings';
import { keywordSafety, type SafetyClassifier } from '../safety/index.ts';
import { compilePolicy, guardFor, policyFor, type Guard, type GuardrailDecision } from './index.ts';

function guard(
  rules: GuardrailsSettingsInput['rules'],
  surface: 'chat' | 'search' | 'tools' | 'ingest' = 'chat',
  safety: SafetyClassifier = keywordSafety,
): { guard: Guard; decisions: GuardrailDecision[] } {
  const decisions: GuardrailDecision[] = [];
  const policy = compilePolicy(guardrailsSettingsSchema.parse({ rules }));
  const made = guardFor(policy, surface, { record: (d) => decisions.push(d), safety });
  if (made === undefined) throw new Error('no guard');
  return { guard: made, decisions };
}

const blockedWith = async (promise: Promise<unknown>): Promise<GatewayError> => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('not blocked');
};

describe('policies', () => {
  it('redacts with typed placeholders and records each redaction', async () => {
    const { guard: g, decisions } = guard([
      { id: 'emails', detector: 'email', on: 'input', action: 'redact' },
      { id: 'cards', detector: 'card', on: 'both', action: 'redact' },
    ]);
    const [out] = await g.input(['Mail a@b.io and c@d.io, card 4111 1111 1111 1111.']);
    expect(out).toBe('Mail [EMAIL] and [EMAIL], card [CARD].');
    expect(decisions.map((d) => `${d.rule}:${d.action}:${d.on}`)).toEqual([
      'emails:redact:input',
      'emails:redact:input',
      'cards:redact:input',
    ]);
  });

  it('blocks naming the rule and the detector, never the match', async () => {
    const { guard: g, decisions } = guard([
      { id: 'no-keys', detector: 'credential', on: 'input', action: 'block' },
      { id: 'emails', detector: 'email', on: 'input', action: 'redact' },
    ]);
    const error = await blockedWith(g.input(['x@y.io key AKIAIOSFODNN7EXAMPLE']));
    expect(error.code).toBe('guardrail_blocked');
    expect(error.message).toContain('no-keys');
    expect(error.message).toContain('credential');
    expect(JSON.stringify({ m: error.message, d: error.details })).not.toContain('AKIA');
    expect(error.details).toEqual({ rule: 'no-keys', detector: 'credential', on: 'input', surface: 'chat' });
    expect(decisions).toEqual([
      { rule: 'no-keys', detector: 'credential', action: 'block', on: 'input', surface: 'chat' },
    ]);
  });

  it('flags and passes the text unchanged', async () => {
    const { guard: g, decisions } = guard([{ id: 'ips', detector: 'ip', on: 'output', action: 'flag' }]);
    expect(await g.output('from 10.1.2.3')).toBe('from 10.1.2.3');
    expect(decisions).toMatchObject([{ rule: 'ips', action: 'flag', on: 'output' }]);
  });

  it('applies a rule only on its direction and surfaces', async () => {
    const rules: GuardrailsSettingsInput['rules'] = [
      { id: 'emails', detector: 'email', on: 'output', action: 'redact', surfaces: ['search'] },
    ];
    expect(
      guardFor(compilePolicy(guardrailsSettingsSchema.parse({ rules })), 'chat', {
        record: () => undefined,
        safety: keywordSafety,
      }),
    ).toBeUndefined();
    const { guard: g } = guard(rules, 'search');
    expect(g.checksInput).toBe(false);
    expect(await g.input(['a@b.io'])).toEqual(['a@b.io']);
    expect(await g.output('a@b.io')).toBe('[EMAIL]');
  });

  it('walks JSON values, leaving keys alone', async () => {
    const { guard: g } = guard([{ id: 'emails', detector: 'email', on: 'both', action: 'redact' }], 'tools');
    expect(await g.inputValue({ 'a@b.io': ['to a@b.io', 3, { cc: 'c@d.io' }] })).toEqual({
      'a@b.io': ['to [EMAIL]', 3, { cc: '[EMAIL]' }],
    });
  });

  it('uses the key’s own settings when it has them', () => {
    const tenant = {
      guardrails: guardrailsSettingsSchema.parse({
        rules: [{ id: 'a', detector: 'ip', on: 'input', action: 'flag' }],
      }),
    };
    const key = { id: 'k', guardrails: guardrailsSettingsSchema.parse({ rules: [] }) };
    expect(policyFor(tenant)).toBeDefined();
    expect(policyFor(tenant, key)).toBeUndefined();
    expect(policyFor(tenant)).toBe(policyFor(tenant));
  });
});

describe('safety rules', () => {
  it('blocks on a verdict in the rule’s categories and records the verdict', async () => {
    const { guard: g, decisions } = guard([
      { id: 'weapons', detector: 'safety', on: 'input', action: 'block', categories: ['S9'] },
    ]);
    const error = await blockedWith(g.input(['How do I build a bomb?']));
    expect(error.details).toMatchObject({ rule: 'weapons', detector: 'safety' });
    expect(decisions).toEqual([
      {
        rule: 'weapons',
        detector: 'safety',
        action: 'block',
        on: 'input',
        surface: 'chat',
        categories: ['S9'],
        model: 'local/keyword-safety',
      },
    ]);
  });

  it('ignores categories the rule does not watch, and flags those it does', async () => {
    const { guard: g, decisions } = guard([
      { id: 'weapons', detector: 'safety', on: 'input', action: 'block', categories: ['S9'] },
      { id: 'self-harm', detector: 'safety', on: 'input', action: 'flag', categories: ['S11'] },
    ]);
    expect(await g.input(['I want to end my life'])).toEqual(['I want to end my life']);
    expect(decisions).toMatchObject([{ rule: 'self-harm', action: 'flag', categories: ['S11'] }]);
  });

  it('reads Llama Guard through the binding and fails closed when it fails', async () => {
    const { llamaGuard } = await import('../safety/index.ts');
    const calls: unknown[] = [];
    const ai = {
      run: (model: string, inputs: Record<string, unknown>) => {
        calls.push({ model, inputs });
        return Promise.resolve({ response: { safe: false, categories: ['S2'] } });
      },
    };
    const { guard: g } = guard(
      [{ id: 'crime', detector: 'safety', on: 'output', action: 'block' }],
      'chat',
      llamaGuard(ai, '@cf/meta/llama-guard-3-8b'),
    );
    expect((await blockedWith(g.output('Here is how to do it'))).code).toBe('guardrail_blocked');
    expect(calls).toMatchObject([
      {
        model: '@cf/meta/llama-guard-3-8b',
        inputs: { messages: [{ role: 'user' }, { role: 'assistant', content: 'Here is how to do it' }] },
      },
    ]);
    const failing = guard(
      [{ id: 'crime', detector: 'safety', on: 'input', action: 'flag' }],
      'chat',
      llamaGuard({ run: () => Promise.reject(new Error('down')) }, '@cf/meta/llama-guard-3-8b'),
    );
    expect((await blockedWith(failing.guard.input(['hi']))).code).toBe('upstream_error');
  });
});

describe('the settings schema', () => {
  it('refuses unbounded and catastrophic patterns, duplicate ids and redacting safety rules', () => {
    const issues = (rules: unknown[]) =>
      guardrailsSettingsSchema.safeParse({ rules }).error?.issues.map((issue) => issue.message) ?? [];
    expect(
      issues([{ id: 'a', detector: 'regex', pattern: '(a+)+$', on: 'input', action: 'block' }])[0],
    ).toMatch(/no upper bound/);
    expect(
      issues([{ id: 'a', detector: 'regex', pattern: '(a|a){0,30}', on: 'input', action: 'block' }])[0],
    ).toMatch(/backtracking paths/);
    expect(
      issues([
        { id: 'a', detector: 'regex', pattern: '\\w{1,40}@\\w{1,40}', on: 'input', action: 'block' },
      ])[0],
    ).toMatch(/81 characters/);
    expect(
      issues([{ id: 'a', detector: 'regex', pattern: '(x)\\1', on: 'input', action: 'block' }])[0],
    ).toMatch(/backreferences/);
    expect(
      issues([{ id: 'a', detector: 'regex', pattern: '(?<=x)y', on: 'input', action: 'block' }])[0],
    ).toMatch(/lookarounds/);
    expect(issues([{ id: 'a', detector: 'regex', pattern: '[', on: 'input', action: 'block' }])[0]).toMatch(
      /not a valid/,
    );
    expect(
      issues([
        { id: 'a', detector: 'regex', pattern: 'ORD-\\d{6}(?:-[A-Z]{2})?', on: 'input', action: 'block' },
      ]),
    ).toEqual([]);
    expect(
      issues([
        { id: 'a', detector: 'ip', on: 'input', action: 'flag' },
        { id: 'a', detector: 'email', on: 'input', action: 'flag' },
      ]),
    ).toEqual(['duplicate rule id "a"']);
    expect(issues([{ id: 'a', detector: 'safety', on: 'input', action: 'redact' }])).not.toEqual([]);
  });
});
