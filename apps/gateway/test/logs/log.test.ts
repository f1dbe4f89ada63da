import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { hashApiKey } from '@aigw/tenancy';
import { requestLogStats } from '../../src/logs/index.ts';
import { CHAT_KEY } from '../support/chat-app.ts';
import { toolCallingUpstream } from '../support/fake-upstream.ts';
import { logApp } from './support.ts';

const QUIET_KEY = 'gwk_test_logs_quiet_key';

describe('request log', () => {
  it('records every field of JSON and streamed answers, fallbacks and refusals; a 401 only on the console', async () => {
    const app = await logApp({
      id: 'logs-fields',
      guardrails: { rules: [{ id: 'redact-emails', detector: 'email', on: 'input', action: 'redact' }] },
    });
    app.upstream.script(
      'primary',
      { kind: 'ok' },
      { kind: 'ok' },
      ...Array.from({ length: 3 }, () => ({ kind: 'status' as const, status: 503 })),
    );
    const json = await app.post(
      '/v1/chat/completions',
      {
        model: 'upstream/primary',
        user: 'ann',
        messages: [{ role: 'user', content: 'Mail jane@example.com' }],
      },
      { headers: { 'x-gateway-metadata': '{"team":"search"}', 'x-client-request-id': 'client-1' } },
    );
    expect(json.status).toBe(200);
    const stream = await app.post('/chat', { message: 'stream it', stream: true });
    await stream.text();
    const fallback = await app.post('/chat', { message: 'fall back', stream: false });
    expect(fallback.status).toBe(200);
    const refused = await app.post('/v1/chat/completions', {
      model: 'upstream/nope',
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(refused.status).toBe(400);
    const unknownKey = await app.post(
      '/chat',
      { message: 'who?' },
      { headers: { authorization: 'Bearer gwk_nobody' } },
    );
    expect(unknownKey.status).toBe(401);

    const [refusal, fellBack, streamed, first] = await app.entries(4);
    expect(first).toMatchObject({
      id: json.headers.get('x-request-id'),
      clientRequestId: 'client-1',
      keyId: 'chat-key',
      keyKind: 'config',
      method: 'POST',
      route: '/v1/chat/completions',
      path: '/v1/chat/completions',
      status: 200,
      errorCode: null,
      modelRequested: 'upstream/primary',
      model: 'upstream/primary',
      provider: 'upstream',
      fallback: false,
      stream: false,
      attempts: 1,
      user: 'ann',
      metadata: { team: 'search' },
      cache: null,
      guardrails: [
        expect.objectContaining({ rule: 'redact-emails', action: 'redact', on: 'input', count: 1 }),
      ],
      hasBodies: false,
    });
    expect(first?.inputTokens).toBeGreaterThan(0);
    expect(first?.outputTokens).toBe(7);
    expect(first?.costUsd).toBeGreaterThanOrEqual(0);
    expect(first?.ttftMs).toEqual(expect.any(Number));
    expect(first?.durationMs).toEqual(expect.any(Number));
    expect(Date.parse(first?.time ?? '')).toBeGreaterThan(Date.now() - 60_000);

    expect(streamed).toMatchObject({
      route: '/chat',
      stream: true,
      status: 200,
      model: 'upstream/primary',
      errorCode: null,
    });
    expect(streamed?.ttftMs).toEqual(expect.any(Number));

    expect(fellBack).toMatchObject({ model: 'upstream/backup', fallback: true, attempts: 4, status: 200 });
    const detail = await app.detail(fellBack?.id ?? '');
    expect(detail.attempts.map((a) => [a.model, a.attempt, a.outcome, a.status ?? null])).toEqual([
      ['upstream/primary', 1, 'error', 503],
      ['upstream/primary', 2, 'error', 503],
      ['upstream/primary', 3, 'error', 503],
      ['upstream/backup', 1, 'ok', null],
    ]);
    for (const attempt of detail.attempts) {
      expect(attempt.startMs).toBeGreaterThanOrEqual(0);
      expect(attempt.latencyMs).toBeGreaterThanOrEqual(0);
      expect(attempt.purpose).toBe('chat');
    }
    expect(detail.bodies).toBeNull();

    expect(refusal).toMatchObject({
      status: 400,
      errorCode: 'model_not_allowed',
      modelRequested: 'upstream/nope',
      model: null,
      attempts: 0,
    });
    // The 401 has no tenant: it is on the console line, and in no tenant's log.
    expect(app.lines.find((line) => line.status === 401)).toMatchObject({ tenantId: null, keyId: null });
    expect((await app.list()).data).toHaveLength(4);
  });

  it("records a tool loop's tool calls and the tools model's attempts", async () => {
    const app = await logApp({
      id: 'logs-tools',
      features: { rag: false, tools: true, tts: false },
      tools: { enabled: ['summarize'] },
      models: {
        chat: 'upstream/primary',
        tools: 'upstream/backup',
        allowed: ['upstream/primary', 'upstream/backup'],
      },
    });
    app.upstream.script('backup', { kind: 'ok', text: '{"summary":"Cats sleep."}' });
    toolCallingUpstream(app.upstream, 'primary', 'summarize', { text: 'Cats sleep a lot. Dogs bark.' }, 1);
    const res = await app.post('/chat', { message: 'summarise this', tools: ['summarize'], stream: false });
    expect(res.status).toBe(200);
    const [entry] = await app.entries(1);
    expect(entry?.toolCalls).toEqual([expect.objectContaining({ name: 'summarize', ok: true })]);
    const detail = await app.detail(entry?.id ?? '');
    expect(detail.attempts.map((a) => [a.model, a.outcome, a.purpose])).toEqual([
      ['upstream/primary', 'ok', 'chat'],
      ['upstream/backup', 'ok', 'tools'],
      ['upstream/primary', 'ok', 'chat'],
    ]);
    // The answer's tokens and cost plus those of the tool's call to the tools model.
    expect(detail.inputTokens).toBeGreaterThan(11);
    expect(detail.outputTokens).toBeGreaterThanOrEqual(14);
  });

  it('keeps no body unless the tenant opts in; then redacted, capped and never a credential; a key may opt out', async () => {
    const off = await logApp({ id: 'logs-no-bodies' });
    await off.post('/chat', { message: 'private words', stream: false });
    const [plain] = await off.entries(1);
    expect(plain?.hasBodies).toBe(false);
    expect((await off.detail(plain?.id ?? '')).bodies).toBeNull();

    const on = await logApp({
      id: 'logs-bodies',
      logs: { bodies: { enabled: true, maxBytes: 600 } },
      guardrails: { rules: [{ id: 'flag-emails', detector: 'email', on: 'input', action: 'flag' }] },
      apiKeys: [
        {
          id: 'chat-key',
          hash: await hashApiKey(CHAT_KEY),
          scopes: ['chat', 'admin'],
          label: 'chat',
          createdAt: '2026-01-01T00:00:00Z',
        },
        {
          id: 'quiet',
          hash: await hashApiKey(QUIET_KEY),
          scopes: ['chat'],
          label: 'no bodies',
          createdAt: '2026-01-01T00:00:00Z',
          logBodies: false,
        },
      ],
    });
    const secret = 'sk-proj-' + 'a1B2c3D4e5'.repeat(5);
    const res = await on.post(
      '/v1/chat/completions',
      {
        model: 'upstream/primary',
        api_key: 'also-a-secret',
        messages: [{ role: 'user', content: `Mail jane@example.com, key ${secret}, mine ${CHAT_KEY}` }],
      },
      { headers: { 'x-api-key': 'gwk_whatever_sent_here', cookie: 'session=abc' } },
    );
    expect(res.status).toBe(200);
    await on.post('/chat', { message: 'long '.repeat(400), stream: true }).then((r) => r.text());
    await on.post(
      '/chat',
      { message: 'from the quiet key', stream: false },
      { headers: { authorization: `Bearer ${QUIET_KEY}` } },
    );

    const [quiet, long, redacted] = await on.entries(3);
    const stored = await on.detail(redacted?.id ?? '');
    const request = stored.bodies?.request?.text ?? '';
    expect(request).toContain('[EMAIL]');
    expect(request).toContain('[CREDENTIAL]');
    expect(request).toContain('"api_key":"[REDACTED]"');
    expect(request).not.toContain('jane@example.com');
    expect(request).not.toContain(secret);
    expect(request).not.toContain(CHAT_KEY);
    expect(stored.bodies?.response?.text).toContain('upstream answer from primary');
    expect(stored.bodies?.headers).toMatchObject({
      authorization: '[REDACTED]',
      'x-api-key': '[REDACTED]',
      cookie: '[REDACTED]',
      'content-type': 'application/json',
    });
    expect(JSON.stringify(stored)).not.toContain('gwk_whatever_sent_here');

    const cut = await on.detail(long?.id ?? '');
    expect(cut.bodies?.request).toMatchObject({ truncated: true });
    expect(new TextEncoder().encode(cut.bodies?.request?.text).length).toBeLessThanOrEqual(600);
    expect(cut.bodies?.response?.text).toContain('event: ');

    expect(quiet?.keyId).toBe('quiet');
    expect((await on.detail(quiet?.id ?? '')).bodies).toBeNull();
    // Reading the log takes the logs or admin scope.
    const refused = await on.request('/v1/logs', {}, QUIET_KEY);
    expect(refused.status).toBe(403);
  });

  it("never lets tenant B list or fetch tenant A's entries, even by id", async () => {
    const a = await logApp({ id: 'logs-tenant-a' });
    const b = await logApp({ id: 'logs-tenant-b' });
    const answered = await a.post('/chat', { message: 'for A only', user: 'ann', stream: false });
    const id = answered.headers.get('x-request-id') ?? '';
    expect((await a.entries(1)).map((e) => e.id)).toEqual([id]);
    await b.post('/chat', { message: 'for B', stream: false });
    const seen = await b.entries(1);
    expect(seen.map((e) => e.id)).not.toContain(id);
    for (const [method, path] of [
      ['GET', `/v1/logs/${id}`],
      ['DELETE', `/v1/logs/${id}`],
      ['GET', '/v1/logs/req_00000000000000000000000000000000'],
      ['GET', '/v1/logs/not-an-id'],
    ] as const) {
      const res = await b.request(path, { method });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect((await res.json<{ error: { code: string } }>()).error.code).toBe('not_found');
    }
    const feedback = await b.request(`/v1/logs/${id}/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ score: 1 }),
    });
    expect(feedback.status).toBe(404);
    // B's privacy request for A's user deletes nothing of A's.
    const wiped = await b.request('/v1/logs?user=ann', { method: 'DELETE' });
    expect(await wiped.json()).toEqual({ deleted: 0 });
    expect((await a.detail(id)).id).toBe(id);
  });

  it('takes feedback, deletes one entry or every entry of a user, and exports CSV', async () => {
    const app = await logApp({ id: 'logs-manage' });
    for (const user of ['ann', 'bob', 'ann'])
      await app.post('/chat', { message: `hi from ${user}`, user, stream: false });
    const [third, second, first] = await app.entries(3);
    const given = await app.request(`/v1/logs/${second?.id ?? ''}/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ score: -1, comment: 'wrong answer' }),
    });
    expect(given.status).toBe(200);
    expect((await app.detail(second?.id ?? '')).feedback).toMatchObject({
      score: -1,
      comment: 'wrong answer',
    });

    const csv = await app.request('/v1/logs?format=csv&user=bob');
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const rows = (await csv.text()).trim().split('\r\n');
    expect(rows[0]?.startsWith('time,id,client_request_id,key_id')).toBe(true);
    expect(rows).toHaveLength(2);
    expect(rows[1]).toContain(second?.id);

    expect(await (await app.request(`/v1/logs/${first?.id ?? ''}`, { method: 'DELETE' })).json()).toEqual({
      deleted: 1,
    });
    expect(await (await app.request('/v1/logs?user=ann', { method: 'DELETE' })).json()).toEqual({
      deleted: 1,
    });
    expect((await app.list()).data.map((e) => e.id)).toEqual([second?.id]);
    expect(third?.user).toBe('ann');
  });

  it('filters and pages through /v1/logs by its query parameters', async () => {
    const app = await logApp({ id: 'logs-query' });
    for (const [user, team] of [
      ['ann', 'search'],
      ['bob', 'support'],
      ['ann', 'support'],
      ['cy', 'search'],
    ])
      await app.post(
        '/chat',
        { message: `hi from ${user}`, user, stream: false },
        { headers: { 'x-gateway-metadata': JSON.stringify({ team }) } },
      );
    await app.post('/chat', { message: 'refused', model: 'upstream/nope' });
    const all = await app.entries(5);
    expect(all).toHaveLength(5);
    // Three pages of two, then none: the cursor walks every entry once, newest first.
    const walked: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await app.list(`limit=2${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`);
      expect(page.data.length).toBeLessThanOrEqual(2);
      walked.push(...page.data.map((e) => e.id));
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(walked).toEqual(all.map((e) => e.id));
    const ids = async (query: string) => (await app.list(query)).data.map((e) => e.id);
    expect(await ids('user=ann')).toEqual(all.filter((e) => e.user === 'ann').map((e) => e.id));
    expect(await ids('metadata=team:support')).toEqual(
      all.filter((e) => e.metadata['team'] === 'support').map((e) => e.id),
    );
    expect(await ids('status=error')).toEqual([all[0]?.id]);
    expect(await ids('status=400&errorCode=model_not_allowed')).toEqual([all[0]?.id]);
    expect(await ids('status=ok&route=/chat&model=upstream/primary')).toEqual(all.slice(1).map((e) => e.id));
    const since = all[2]?.time ?? '';
    expect(await ids(`from=${encodeURIComponent(since)}`)).toEqual(
      all.filter((e) => Date.parse(e.time) >= Date.parse(since)).map((e) => e.id),
    );
    const bad = await app.request('/v1/logs?status=sometimes');
    expect(bad.status).toBe(400);
    expect((await bad.json<{ error: { code: string } }>()).error.code).toBe('invalid_request');
    expect((await app.request('/v1/logs?limit=5000')).status).toBe(400);
  });

  it("enforces the tenant's configured retention: an entry older than logs.retention.days goes at the alarm", async () => {
    const app = await logApp({ id: 'logs-retention', logs: { retention: { days: 1, maxEntries: 100 } } });
    await app.post('/chat', { message: 'old by now', stream: false });
    await app.post('/chat', { message: 'fresh', stream: false });
    const [fresh, old] = await app.entries(2);
    const stub = env.REQUEST_LOG.getByName('logs-retention');
    // Age one entry two days: past this tenant's 1 day, well inside the default 30.
    await runInDurableObject(stub, (_i, state) => {
      state.storage.sql.exec(
        'UPDATE entries SET time = ? WHERE id = ?',
        Date.now() - 2 * 86_400_000,
        old?.id,
      );
    });
    expect(await runInDurableObject(stub, (_i, state) => state.storage.getAlarm())).not.toBeNull();
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect((await app.list()).data.map((e) => e.id)).toEqual([fresh?.id]);
    expect((await app.request(`/v1/logs/${old?.id ?? ''}`)).status).toBe(404);
  });

  it('leaves the response untouched when the log write fails, and counts the failure', async () => {
    // The tenant's log object already belongs to someone else: every write is refused.
    await env.REQUEST_LOG.getByName('logs-broken').write('someone-else', []);
    const broken = await logApp({ id: 'logs-broken' });
    const healthy = await logApp({ id: 'logs-healthy' });
    const before = requestLogStats.failed;
    const [a, b] = await Promise.all(
      [broken, healthy].map((app) =>
        app.post('/v1/chat/completions', {
          model: 'upstream/primary',
          messages: [{ role: 'user', content: 'same' }],
        }),
      ),
    );
    expect(a?.status).toBe(200);
    const body = (res: Response | undefined) =>
      res?.json<{ choices: unknown; usage: unknown }>().then(({ choices, usage }) => ({ choices, usage }));
    expect(await body(a)).toEqual(await body(b));
    for (let i = 0; i < 100 && requestLogStats.failed === before; i++)
      await new Promise((r) => setTimeout(r, 25));
    expect(requestLogStats.failed).toBeGreaterThan(before);
    expect(await healthy.entries(1)).toHaveLength(1);
  });
});
