import { describe, expect, it } from 'vitest';
import type { UsageRecord } from '@aigw/observability';
import type { TenantConfigInput } from '@aigw/tenancy';
import { chatApp, CHAT_KEY } from '../support/chat-app.ts';
import { eventually, settled } from '../support/eventually.ts';

/** A tenant whose built-in tools run on the scripted upstream's `backup` model (not offline). */
const toolTenant = (id: string, limits: TenantConfigInput['limits']): Partial<TenantConfigInput> => ({
  id,
  features: { rag: false, tools: true, tts: false },
  tools: { enabled: ['summarize'] },
  models: {
    chat: 'upstream/primary',
    tools: 'upstream/backup',
    allowed: ['upstream/primary', 'upstream/backup'],
  },
  limits,
});

interface TenantUsage {
  budgets: { tenant: { tokensPerDay: { used: number; reserved: number } } };
}
interface Series {
  groups: { key: string; total: { requests: number; inputTokens: number; outputTokens: number } }[];
}

async function setUp(id: string, tokensPerDay: number) {
  const app = await chatApp({ tenant: toolTenant(id, { budgets: { tenant: { tokensPerDay } } }) });
  // The scripted model answers the tool's structured request (11 prompt + 7 completion tokens).
  app.upstream.script('backup', { kind: 'ok', text: '{"summary":"Cats sleep."}' });
  const auth = { authorization: `Bearer ${CHAT_KEY}` };
  const get = async <T>(path: string) => (await app.app.request(path, { headers: auth }, app.env)).json<T>();
  const summarize = () =>
    app.post('/tools/summarize', { text: 'Cats sleep a lot. Dogs bark at night. Birds sing.' });
  return { ...app, get, summarize };
}

describe("tools' model calls", () => {
  it('are reserved and settled in the budget, and recorded as a usage event each, under the request id', async () => {
    const app = await setUp('tool-calls-budget', 10_000);
    const started = Date.now();
    const res = await app.summarize();
    expect(res.status).toBe(200);
    expect((await res.json<{ result: { summary: string } }>()).result.summary).toBe('Cats sleep.');
    expect(app.upstream.callsFor('backup')).toHaveLength(1);

    const usage = await eventually(() => app.get<TenantUsage>('/tenant/usage'), settled);
    expect(usage.budgets.tenant.tokensPerDay).toMatchObject({ used: 18, reserved: 0 });

    const line = app.lines.find((l) => l.route === '/tools/:name');
    expect(line?.modelCalls).toEqual([
      expect.objectContaining({
        requestId: res.headers.get('x-request-id'),
        route: '/tools/:name#tool',
        model: 'upstream/backup',
        status: 'complete',
        inputTokens: 11,
        outputTokens: 7,
      }) as UsageRecord,
    ]);

    // The usage store counts the model call as an event of its own, beside the request's.
    const query = `from=${started - 60_000}&to=${Date.now() + 60_000}&granularity=minute&groupBy=route`;
    let series: Series | undefined;
    for (let i = 0; i < 50; i++) {
      series = await app.get<Series>(`/tenant/usage/series?${query}`);
      if (series.groups.some((g) => g.key === '/tools/:name#tool')) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(series?.groups.find((g) => g.key === '/tools/:name#tool')?.total).toMatchObject({
      requests: 1,
      inputTokens: 11,
      outputTokens: 7,
    });
  });

  it('refuse a tool cleanly when the budget cannot cover its model call, before the upstream is called', async () => {
    const app = await setUp('tool-calls-refused', 50);
    const res = await app.summarize();
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).not.toBeNull();
    expect((await res.json<{ error: { code: string } }>()).error.code).toBe('budget_exceeded');
    expect(app.upstream.callsFor('backup')).toHaveLength(0);
    const usage = await eventually(() => app.get<TenantUsage>('/tenant/usage'), settled);
    expect(usage.budgets.tenant.tokensPerDay).toMatchObject({ used: 0, reserved: 0 });
    const audit = await app.get<{ entries: { tool: string; outcome: string }[] }>('/audit');
    expect(audit.entries).toEqual([
      expect.objectContaining({ tool: 'summarize', outcome: 'budget_exceeded' }),
    ]);
  });

  it('count in the budget when a chat runs a gateway tool that calls the model', async () => {
    const app = await setUp('tool-calls-chat', 10_000);
    const { toolCallingUpstream } = await import('../support/fake-upstream.ts');
    toolCallingUpstream(app.upstream, 'primary', 'summarize', { text: 'Cats sleep a lot. Dogs bark.' }, 1);
    const res = await app.post('/chat', { message: 'summarise this', tools: ['summarize'], stream: false });
    expect(res.status).toBe(200);
    const body = await res.json<{
      tools: { ok: boolean }[];
      usage: { inputTokens: number; outputTokens: number };
    }>();
    expect(body.tools).toEqual([expect.objectContaining({ ok: true })]);
    const chatTokens = body.usage.inputTokens + body.usage.outputTokens;
    const usage = await eventually(() => app.get<TenantUsage>('/tenant/usage'), settled);
    // The chat's own calls plus the tool's 18 tokens.
    expect(usage.budgets.tenant.tokensPerDay).toMatchObject({ used: chatTokens + 18, reserved: 0 });
    const record = await app.usage();
    expect(record.requestId).toBe(res.headers.get('x-request-id'));
    expect(app.lines[0]?.modelCalls).toEqual([
      expect.objectContaining({
        requestId: record.requestId,
        route: '/chat#tool',
        model: 'upstream/backup',
      }) as UsageRecord,
    ]);
  });
});
