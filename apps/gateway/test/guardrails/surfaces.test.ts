import { describe, expect, it } from 'vitest';
import type { GuardrailsSettingsInput } from '@aigw/guardrails';
import { usageStore } from '@aigw/observability';
import type { TenantConfigInput } from '@aigw/tenancy';
import { chatApp } from '../support/chat-app.ts';

/** The same policy on /search, the tools dispatcher and ingestion, with usage and audit records. */

const RULES: GuardrailsSettingsInput['rules'] = [
  {
    id: 'redact-emails',
    detector: 'email',
    on: 'both',
    action: 'redact',
    surfaces: ['chat', 'search', 'tools', 'ingest'],
  },
  {
    id: 'block-keys',
    detector: 'credential',
    on: 'input',
    action: 'block',
    surfaces: ['chat', 'search', 'tools', 'ingest'],
  },
  { id: 'flag-ips', detector: 'ip', on: 'output', action: 'flag', surfaces: ['search'] },
];

const app = async () => {
  const tenantId = `guarded-${crypto.randomUUID().slice(0, 8)}`;
  return { tenantId, ...(await chatApp({ tenant: config(tenantId) })) };
};
const config = (id: string): Partial<TenantConfigInput> => ({
  id,
  models: { chat: 'local/echo-1', allowed: ['local/echo-1'] },
  features: { rag: true, tools: true, tts: false },
  tools: { enabled: ['summarize', 'ingest_documents'] },
  guardrails: { rules: RULES },
});

const DOCS = [
  {
    id: 'support',
    text: 'Support answers at help@acme.example from the office at 10.20.30.40 every weekday.',
  },
  { id: 'keys', text: 'The staging key is AKIAIOSFODNN7EXAMPLE, rotate it monthly.' },
];

describe('/ingest and /search', () => {
  it('redacts documents before they are stored, and reports a blocked one as failed', async () => {
    const { post } = await app();
    const res = await post('/ingest', { documents: DOCS });
    const result = await res.json<{
      added: string[];
      failed: { id: string; code: string; message: string }[];
    }>();
    expect(result.added).toEqual(['support']);
    expect(result.failed).toEqual([
      { id: 'keys', code: 'guardrail_blocked', message: expect.stringContaining('block-keys') as unknown },
    ]);
    expect(JSON.stringify(result)).not.toContain('AKIA');
    const search = await post('/search', { query: 'When does support answer?' });
    const answer = await search.json<{ answer: string; sources: { snippet: string }[] }>();
    expect(JSON.stringify(answer)).not.toContain('help@acme.example');
    expect(answer.answer).toContain('[EMAIL]');
  });

  it('redacts the question before the cache key: two addresses, one cached answer', async () => {
    const { post, lines } = await app();
    await post('/ingest', { documents: [DOCS[0]] });
    const first = await post('/search', { query: 'Can jane@example.com reach support?' });
    const second = await post('/search', { query: 'Can john@example.org reach support?' });
    expect(first.headers.get('x-cache')).toBe('MISS');
    expect(second.headers.get('x-cache')).toBe('HIT');
    const searches = lines.filter((line) => line.route === '/search');
    expect(searches[0]?.guardrails).toEqual(
      expect.arrayContaining([
        {
          rule: 'redact-emails',
          detector: 'email',
          action: 'redact',
          on: 'input',
          surface: 'search',
          count: 1,
        },
        { rule: 'flag-ips', detector: 'ip', action: 'flag', on: 'output', surface: 'search', count: 2 },
      ]),
    );
  });

  it('blocks a question with a credential, and audits the block', async () => {
    const { post, app: gateway, env } = await app();
    const res = await post('/search', { query: 'is AKIAIOSFODNN7EXAMPLE still valid?' });
    expect(res.status).toBe(400);
    expect(await res.text()).not.toContain('AKIA');
    await new Promise((resolve) => setTimeout(resolve, 20));
    const audit = await gateway.request(
      '/audit',
      { headers: { authorization: `Bearer gwk_test_chat_tenant` } },
      env,
    );
    const { entries } = await audit.json<{
      entries: { tool: string; outcome: string; guardrail?: unknown }[];
    }>();
    expect(entries).toMatchObject([
      {
        tool: '(guardrail)',
        outcome: 'guardrail_blocked',
        guardrail: { rule: 'block-keys', detector: 'credential', on: 'input', surface: 'search' },
      },
    ]);
    expect(JSON.stringify(entries)).not.toContain('AKIA');
  });
});

describe('tools', () => {
  it('runs a tool on redacted arguments and redacts its result', async () => {
    const { post } = await app();
    const res = await post('/tools/summarize', {
      text: 'Write to help@acme.example for a refund. It takes a week.',
    });
    const body = await res.json<{ result: unknown }>();
    expect(JSON.stringify(body.result)).toContain('[EMAIL]');
    expect(JSON.stringify(body.result)).not.toContain('help@acme.example');
  });

  it('refuses blocked arguments, audited in the tool call’s own entry', async () => {
    const { post, app: gateway, env } = await app();
    const res = await post('/tools/summarize', { text: 'The key AKIAIOSFODNN7EXAMPLE leaked. Rotate it.' });
    expect(res.status).toBe(400);
    const audit = await gateway.request(
      '/audit',
      { headers: { authorization: `Bearer gwk_test_chat_tenant` } },
      env,
    );
    const { entries } = await audit.json<{
      entries: { tool: string; outcome: string; guardrail?: unknown }[];
    }>();
    expect(entries).toMatchObject([
      {
        tool: 'summarize',
        outcome: 'guardrail_blocked',
        guardrail: { rule: 'block-keys', surface: 'tools' },
      },
    ]);
  });
});

describe('usage', () => {
  it('counts every decision per tenant, rule and action in the usage store', async () => {
    const { post, env, tenantId } = await app();
    await post('/chat', { message: 'mail a@b.io and c@d.io', stream: false });
    await post('/chat', { message: 'key AKIAIOSFODNN7EXAMPLE', stream: false });
    const store = usageStore(env.USAGE_STORE, tenantId);
    const now = Date.now();
    let total: Record<string, Record<string, number>> = {};
    for (let i = 0; i < 50 && Object.keys(total).length < 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      total = (await store.series({ from: now - 60_000, to: now + 60_000, granularity: 'minute' })).total
        .guardrails;
    }
    // Input redactions (2), the echo model quoting the redacted text back (no new match), one block.
    expect(total).toEqual({ 'redact-emails': { redact: 2 }, 'block-keys': { block: 1 } });
  });
});
