import { describe, expect, it } from 'vitest';
import type { GuardrailsSettingsInput } from '@aigw/guardrails';
import { chatApp } from '../support/chat-app.ts';
import { parseSse } from '../support/sse.ts';

/** A tenant's guardrails on every chat API, through the one engine and each API's codec. */

const RULES: GuardrailsSettingsInput['rules'] = [
  { id: 'redact-emails', detector: 'email', on: 'both', action: 'redact' },
  { id: 'redact-cards', detector: 'card', on: 'both', action: 'redact' },
  { id: 'block-credentials', detector: 'credential', on: 'input', action: 'block' },
  { id: 'block-ssn', detector: 'ssn', on: 'output', action: 'block' },
];

const guardedApp = () => chatApp({ tenant: { guardrails: { rules: RULES } } });

const SECRET_ANSWER = ['The customer is jane.', 'doe@exam', 'ple.com; card 4111 11', '11 1111 1111. Done.'];
const REDACTED_ANSWER = 'The customer is [EMAIL]; card [CARD]. Done.';
const SSN_ANSWER = ['Her SSN is 536-2', '2-1234', ' and more text that must never be sent to the client.'];

const userContent = (body: Record<string, unknown> | undefined): unknown =>
  (body?.messages as { role: string; content: unknown }[] | undefined)?.at(-1)?.content;

describe('input rules', () => {
  it('sends the upstream the redacted prompt, on every API', async () => {
    const { post, upstream } = await guardedApp();
    const prompt = 'I am jane@example.com, card 4111-1111-1111-1111';
    await post('/chat', { message: prompt, stream: false });
    await post('/v1/chat/completions', {
      model: 'upstream/primary',
      messages: [{ role: 'user', content: prompt }],
    });
    await post('/v1/messages', {
      model: 'upstream/primary',
      max_tokens: 64,
      messages: [{ role: 'user', content: prompt }],
    });
    await post('/v1/responses', { model: 'upstream/primary', input: prompt });
    expect(upstream.calls.map((call) => userContent(call.body))).toEqual(
      Array(4).fill('I am [EMAIL], card [CARD]'),
    );
  });

  it('blocks a credential with 400 guardrail_blocked in each API’s shape, without calling the model', async () => {
    const { post, upstream, lines } = await guardedApp();
    const prompt = 'deploy with AKIAIOSFODNN7EXAMPLE please';
    const native = await post('/chat', { message: prompt });
    const openai = await post('/v1/chat/completions', {
      model: 'upstream/primary',
      stream: true,
      messages: [{ role: 'user', content: prompt }],
    });
    const anthropic = await post('/v1/messages', {
      model: 'upstream/primary',
      max_tokens: 64,
      messages: [{ role: 'user', content: prompt }],
    });
    for (const res of [native, openai, anthropic]) expect(res.status).toBe(400);
    const bodies = [await native.text(), await openai.text(), await anthropic.text()];
    for (const body of bodies) {
      expect(body).toContain('block-credentials');
      expect(body).toContain('credential');
      expect(body).not.toContain('AKIA');
    }
    expect(JSON.parse(bodies[0] ?? '')).toMatchObject({
      error: {
        code: 'guardrail_blocked',
        details: { rule: 'block-credentials', detector: 'credential', on: 'input' },
      },
    });
    expect(JSON.parse(bodies[1] ?? '')).toMatchObject({
      error: { code: 'guardrail_blocked', type: 'invalid_request_error' },
    });
    expect(JSON.parse(bodies[2] ?? '')).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error', details: { error_code: 'guardrail_blocked' } },
    });
    expect(upstream.calls).toHaveLength(0);
    expect(lines.map((line) => line.errorCode)).toEqual(Array(3).fill('guardrail_blocked'));
    expect(lines[0]?.guardrails).toEqual([
      {
        rule: 'block-credentials',
        detector: 'credential',
        action: 'block',
        on: 'input',
        surface: 'chat',
        count: 1,
      },
    ]);
    expect(JSON.stringify(lines)).not.toContain('AKIA');
  });
});

describe('output rules on streams', () => {
  it('redacts a secret split across chunks on /chat, and records each redaction', async () => {
    const { post, upstream, lines, usage } = await guardedApp();
    upstream.script('primary', { kind: 'ok', chunks: SECRET_ANSWER });
    const res = await post('/chat', { message: 'who paid?' });
    const events = parseSse(await res.text());
    const text = events
      .filter((e) => e.event === 'delta')
      .map((e) => (e.json as { text: string }).text)
      .join('');
    expect(text).toBe(REDACTED_ANSWER);
    expect(events.at(-1)?.event).toBe('done');
    await usage();
    expect(lines[0]?.guardrails).toMatchObject([
      { rule: 'redact-emails', action: 'redact', on: 'output', count: 1 },
      { rule: 'redact-cards', action: 'redact', on: 'output', count: 1 },
    ]);
  });

  it('never relays an OpenAI stream it must rewrite', async () => {
    const { post, upstream } = await guardedApp();
    upstream.script('primary', { kind: 'ok', chunks: SECRET_ANSWER });
    const res = await post('/v1/chat/completions', {
      model: 'upstream/primary',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'who paid?' }],
    });
    const chunks = parseSse(await res.text());
    const text = chunks
      .map(
        (c) =>
          (c.json as { choices?: { delta?: { content?: string } }[] } | null)?.choices?.[0]?.delta?.content ??
          '',
      )
      .join('');
    expect(text).toBe(REDACTED_ANSWER);
    expect(chunks.at(-1)?.data).toBe('[DONE]');
  });

  it('ends each API’s stream with its terminal error where a block is detected, usage still recorded', async () => {
    const { post, upstream, usage } = await guardedApp();
    upstream.script('primary', { kind: 'ok', chunks: SSN_ANSWER });
    const native = parseSse(await (await post('/chat', { message: 'ssn?' })).text());
    expect(native.at(-1)).toMatchObject({ event: 'error', json: { code: 'guardrail_blocked' } });
    expect(native.some((e) => e.event === 'done')).toBe(false);

    const openai = parseSse(
      await (
        await post('/v1/chat/completions', {
          model: 'upstream/primary',
          stream: true,
          messages: [{ role: 'user', content: 'ssn?' }],
        })
      ).text(),
    );
    expect(openai.at(-1)?.json).toMatchObject({ error: { code: 'guardrail_blocked' } });
    expect(openai.some((e) => e.data === '[DONE]')).toBe(false);

    const anthropic = parseSse(
      await (
        await post('/v1/messages', {
          model: 'upstream/primary',
          max_tokens: 64,
          stream: true,
          messages: [{ role: 'user', content: 'ssn?' }],
        })
      ).text(),
    );
    expect(anthropic.at(-1)).toMatchObject({
      event: 'error',
      json: { error: { details: { error_code: 'guardrail_blocked' } } },
    });

    const responses = parseSse(
      await (await post('/v1/responses', { model: 'upstream/primary', stream: true, input: 'ssn?' })).text(),
    );
    // Responses' error codes are OpenAI's closed list: the message names the rule.
    expect(responses.at(-1)?.event).toBe('response.failed');
    expect(responses.at(-1)?.json).toMatchObject({
      response: { status: 'failed', error: { message: expect.stringContaining('block-ssn') as unknown } },
    });

    for (const body of [native, openai, anthropic, responses]) {
      expect(JSON.stringify(body)).not.toMatch(/536|never be sent/);
    }
    expect(await usage(0)).toMatchObject({
      status: 'incomplete',
      errorCode: 'guardrail_blocked',
      inputTokens: 11,
    });
  });
});

describe('output rules on JSON answers', () => {
  it('redacts the answer, and replaces a blocked one by the error', async () => {
    const { post, upstream } = await guardedApp();
    upstream.script('primary', { kind: 'ok', chunks: SECRET_ANSWER }, { kind: 'ok', chunks: SSN_ANSWER });
    const ok = await post('/v1/chat/completions', {
      model: 'upstream/primary',
      messages: [{ role: 'user', content: 'who paid?' }],
    });
    expect(
      (await ok.json<{ choices: { message: { content: string } }[] }>()).choices[0]?.message.content,
    ).toBe(REDACTED_ANSWER);
    const blocked = await post('/v1/chat/completions', {
      model: 'upstream/primary',
      messages: [{ role: 'user', content: 'ssn?' }],
    });
    expect(blocked.status).toBe(400);
    const body = await blocked.text();
    expect(body).toContain('block-ssn');
    expect(body).not.toContain('536');
  });
});

describe('tenants', () => {
  it('leaves a tenant without a policy alone, relay included', async () => {
    const { post, upstream } = await chatApp();
    upstream.script('primary', { kind: 'ok', chunks: SECRET_ANSWER });
    const res = await post('/v1/chat/completions', {
      model: 'upstream/primary',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'I am jane@example.com' }],
    });
    expect(await res.text()).toContain('doe@exam');
    expect(userContent(upstream.calls[0]?.body)).toBe('I am jane@example.com');
  });
});
