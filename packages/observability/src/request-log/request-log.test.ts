import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '@aigw/core';
import { freshTenantId } from '../../test/fixtures.ts';
import { requestLogStore } from './client.ts';
import { LOG_WRITE_MAX } from './request-log-do.ts';
import type { LogEntryInput, LogQueryInput } from './schema.ts';

const DAY = 86_400_000;

let ids = 0;
/** A fresh, well-formed request id (`req_` and 32 hex digits). */
function requestId(): string {
  return `req_${(++ids).toString(16).padStart(32, '0')}`;
}

function entry(time: number, overrides: Partial<LogEntryInput> = {}): LogEntryInput {
  return {
    id: requestId(),
    time,
    keyId: 'key-a',
    keyKind: 'config',
    method: 'POST',
    route: '/v1/chat/completions',
    path: '/v1/chat/completions',
    status: 200,
    model: 'upstream/primary',
    provider: 'upstream',
    inputTokens: 10,
    outputTokens: 20,
    costUsd: 0.0001,
    ttftMs: 12,
    durationMs: 40,
    attempts: [{ model: 'upstream/primary', attempt: 1, outcome: 'ok', startMs: 1, latencyMs: 12 }],
    ...overrides,
  };
}

/** A deterministic generator, so a failing seed can be replayed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const pick = <T>(random: () => number, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)] as T;

describe('request log', () => {
  it('stores every field of an entry, its attempts as child records and its bodies', async () => {
    const log = requestLogStore(env.REQUEST_LOG, freshTenantId());
    const written = entry(Date.UTC(2026, 11, 1, 10, 42), {
      clientRequestId: 'client-1',
      keyKind: 'runtime',
      modelRequested: 'support',
      model: 'upstream/backup',
      routing: { route: 'support', version: 2, branch: 'b' },
      fallback: true,
      stream: true,
      errorCode: 'upstream_error',
      cache: 'miss',
      sessionId: 'sess-1',
      user: 'ann',
      metadata: { team: 'search' },
      attempts: [
        {
          model: 'upstream/primary',
          attempt: 1,
          outcome: 'error',
          status: 503,
          startMs: 1,
          latencyMs: 5,
          message: 'busy',
        },
        { model: 'upstream/primary', attempt: 2, outcome: 'timeout', startMs: 8, latencyMs: 150 },
        { model: 'upstream/backup', attempt: 1, outcome: 'ok', startMs: 160, latencyMs: 9 },
        { model: 'upstream/tools', attempt: 1, outcome: 'ok', startMs: 200, latencyMs: 3, purpose: 'tools' },
      ],
      toolCalls: [{ name: 'summarize', ok: true, startMs: 180, latencyMs: 30 }],
      guardrails: [
        {
          rule: 'redact-emails',
          detector: 'email',
          action: 'redact',
          on: 'input',
          surface: 'chat',
          count: 2,
        },
      ],
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      bodies: {
        request: { text: '{"messages":[]}', bytes: 15, truncated: false, contentType: 'application/json' },
        headers: { authorization: '[REDACTED]' },
      },
    });
    expect(await log.write([written])).toBe(1);
    // The same batch again (a retried write) stores nothing twice.
    expect(await log.write([written])).toBe(0);

    const page = await log.list({});
    expect(page.nextCursor).toBeNull();
    expect(page.data).toHaveLength(1);
    const summary = page.data[0];
    expect(summary).toMatchObject({
      id: written.id,
      time: '2026-12-01T10:42:00.000Z',
      clientRequestId: 'client-1',
      keyKind: 'runtime',
      modelRequested: 'support',
      model: 'upstream/backup',
      routing: { route: 'support', version: 2, branch: 'b' },
      fallback: true,
      stream: true,
      errorCode: 'upstream_error',
      attempts: 4,
      cache: 'miss',
      user: 'ann',
      metadata: { team: 'search' },
      toolCalls: [{ name: 'summarize', ok: true }],
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      hasBodies: true,
      feedback: null,
    });

    const detail = await log.get(written.id);
    expect(detail.attempts.map((a) => [a.model, a.attempt, a.outcome, a.status, a.purpose])).toEqual([
      ['upstream/primary', 1, 'error', 503, 'chat'],
      ['upstream/primary', 2, 'timeout', undefined, 'chat'],
      ['upstream/backup', 1, 'ok', undefined, 'chat'],
      ['upstream/tools', 1, 'ok', undefined, 'tools'],
    ]);
    expect(detail.attempts[0]?.message).toBe('busy');
    expect(detail.bodies?.request?.text).toBe('{"messages":[]}');
    expect(detail.bodies?.headers).toEqual({ authorization: '[REDACTED]' });
  });

  it('answers another tenant and guessed or malformed ids exactly like a missing entry', async () => {
    const a = requestLogStore(env.REQUEST_LOG, freshTenantId());
    const mine = entry(Date.now());
    await a.write([mine]);
    const notFound = (call: Promise<unknown>) =>
      expect(call).rejects.toSatisfy((error) => error instanceof GatewayError && error.code === 'not_found');
    // The object of tenant A asked in tenant B's name (a stub can be opened by any name).
    const intruder = freshTenantId();
    const stub = env.REQUEST_LOG.getByName(a.tenantId);
    await expect(stub.get(intruder, mine.id)).resolves.toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    await expect(stub.list(intruder, {})).resolves.toEqual({
      ok: true,
      value: { data: [], nextCursor: null },
    });
    await expect(stub.write(intruder, [entry(Date.now())])).resolves.toMatchObject({ ok: false });
    await expect(stub.removeUser(intruder, 'ann')).resolves.toEqual({ ok: true, value: { deleted: 0 } });
    // Tenant B's own log has no such entry; guessed and malformed ids are simply unknown.
    const b = requestLogStore(env.REQUEST_LOG, intruder);
    await notFound(b.get(mine.id));
    await notFound(b.feedback(mine.id, { score: 1 }));
    await notFound(b.remove(mine.id));
    await notFound(a.get(requestId()));
    await notFound(a.get('../../etc'));
    expect((await a.get(mine.id)).id).toBe(mine.id);
  });

  it('keeps feedback and deletes one entry, or every entry of a user', async () => {
    const log = requestLogStore(env.REQUEST_LOG, freshTenantId());
    const now = Date.now();
    const entries = [
      entry(now - 3, { user: 'ann' }),
      entry(now - 2, { user: 'bob' }),
      entry(now - 1, { user: 'ann' }),
      entry(now),
    ];
    await log.write(entries);
    const [first, second, , last] = entries.map((e) => e.id);
    const given = await log.feedback(second ?? '', { score: -1, comment: 'wrong refund date' });
    expect(given.feedback).toMatchObject({ score: -1, comment: 'wrong refund date' });
    expect((await log.get(second ?? '')).feedback).toMatchObject({ score: -1, comment: 'wrong refund date' });
    await expect(log.feedback(second ?? '', { score: 1000 })).rejects.toThrow(/score/);

    expect(await log.removeUser('ann')).toEqual({ deleted: 2 });
    expect(await log.remove(last ?? '')).toEqual({ deleted: 1 });
    const left = await log.list({});
    expect(left.data.map((e) => e.id)).toEqual([second]);
    await expect(log.get(first ?? '')).rejects.toThrow(/No log entry/);
    // Child rows go with their entries.
    const orphans = await runInDurableObject(env.REQUEST_LOG.getByName(log.tenantId), (_i, state) =>
      state.storage.sql
        .exec<{ n: number }>(
          'SELECT COUNT(*) AS n FROM attempts WHERE entry_seq NOT IN (SELECT seq FROM entries)',
        )
        .one(),
    );
    expect(orphans.n).toBe(0);
  });

  it("enforces the tenant's retention by alarm: days, then the newest maxEntries", async () => {
    const log = requestLogStore(env.REQUEST_LOG, freshTenantId());
    const now = Date.now();
    const old = [entry(now - 10 * DAY), entry(now - 8 * DAY)];
    const recent = Array.from({ length: 150 }, (_, i) => entry(now - 150 + i));
    await log.write([...old, ...recent], { days: 7, maxEntries: 100 });
    const stub = env.REQUEST_LOG.getByName(log.tenantId);
    expect(await runInDurableObject(stub, (_i, state) => state.storage.getAlarm())).not.toBeNull();
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const kept = await log.list({ limit: 200 });
    expect(kept.data.map((e) => e.id)).toEqual(
      recent
        .slice(-100)
        .map((e) => e.id)
        .reverse(),
    );
    // The alarm comes back while entries remain; once all are past retention the object is wiped.
    expect(await runInDurableObject(stub, (_i, state) => state.storage.getAlarm())).not.toBeNull();
    const empty = requestLogStore(env.REQUEST_LOG, freshTenantId());
    await empty.write([entry(now - 40 * DAY)], { days: 30 });
    const emptyStub = env.REQUEST_LOG.getByName(empty.tenantId);
    expect(await runDurableObjectAlarm(emptyStub)).toBe(true);
    expect(
      await runInDurableObject(
        emptyStub,
        (_i, state) =>
          state.storage.sql
            .exec<{ n: number }>("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'entries'")
            .one().n,
      ),
    ).toBe(0);
    expect((await empty.list({})).data).toEqual([]);
  });

  it('filters and pages exactly over a seeded log of 10,000 entries', { timeout: 120_000 }, async () => {
    const log = requestLogStore(env.REQUEST_LOG, freshTenantId());
    const random = prng(17);
    const t0 = Date.UTC(2026, 11, 1);
    const models = ['upstream/a', 'upstream/b', 'local/echo-1'];
    const routes = ['/chat', '/v1/chat/completions', '/v1/messages', '/search'];
    const keys = ['key-a', 'key-b', 'rk-0123456789ab'];
    const users = ['ann', 'bob', 'cy', undefined];
    const codes = ['rate_limited', 'upstream_error', 'budget_exceeded'];
    const seeded: LogEntryInput[] = Array.from({ length: 10_000 }, () => {
      // Times collide on purpose (many entries per millisecond): the cursor must still be exact.
      const time = t0 + Math.floor(random() * 2_000) * 1000;
      const failed = random() < 0.2;
      const streamFailed = !failed && random() < 0.05;
      const user = pick(random, users);
      return entry(time, {
        route: pick(random, routes),
        keyId: pick(random, keys),
        model: pick(random, models),
        ...(random() < 0.3 ? { modelRequested: 'alias-x' } : {}),
        status: failed ? pick(random, [400, 429, 502]) : 200,
        ...(failed || streamFailed ? { errorCode: pick(random, codes) } : {}),
        ...(user === undefined ? {} : { user }),
        metadata: random() < 0.5 ? { team: pick(random, ['search', 'support']) } : {},
        costUsd: Math.round(random() * 5_000) / 1e6,
        durationMs: Math.round(random() * 2_000),
      });
    });
    for (let i = 0; i < seeded.length; i += LOG_WRITE_MAX)
      await log.write(seeded.slice(i, i + LOG_WRITE_MAX));

    // The reference: the same filter in plain JS, newest first, ties in write order reversed.
    const order = seeded.map((e, seq) => ({ e, seq }));
    const expected = (keep: (e: LogEntryInput) => boolean): string[] =>
      order
        .filter(({ e }) => keep(e))
        .sort((x, y) => y.e.time - x.e.time || y.seq - x.seq)
        .map(({ e }) => e.id);
    const all = async (query: LogQueryInput): Promise<string[]> => {
      const out: string[] = [];
      let cursor: string | undefined;
      for (let pages = 0; pages < 1000; pages++) {
        const page = await log.list({ ...query, ...(cursor === undefined ? {} : { cursor }) });
        out.push(...page.data.map((e) => e.id));
        if (page.nextCursor === null) return out;
        cursor = page.nextCursor;
      }
      throw new Error('no last page');
    };
    const isErr = (e: LogEntryInput) => e.status >= 400 || e.errorCode !== undefined;
    const cases: [string, LogQueryInput, (e: LogEntryInput) => boolean][] = [
      ['every entry, 200 a page', { limit: 200 }, () => true],
      [
        'a time range',
        { from: new Date(t0 + 500_000).toISOString(), to: String(t0 + 900_000), limit: 97 },
        (e) => e.time >= t0 + 500_000 && e.time < t0 + 900_000,
      ],
      ['status=error', { status: 'error', limit: 150 }, isErr],
      ['status=ok', { status: 'ok', limit: 200 }, (e) => !isErr(e)],
      ['status=429', { status: '429', limit: 50 }, (e) => e.status === 429],
      ['an error code', { errorCode: 'upstream_error', limit: 200 }, (e) => e.errorCode === 'upstream_error'],
      ['a model (used)', { model: 'upstream/b', limit: 200 }, (e) => e.model === 'upstream/b'],
      ['a model (asked for)', { model: 'alias-x', limit: 200 }, (e) => e.modelRequested === 'alias-x'],
      ['a key', { keyId: 'rk-0123456789ab', limit: 200 }, (e) => e.keyId === 'rk-0123456789ab'],
      ['a route', { route: '/v1/messages', limit: 200 }, (e) => e.route === '/v1/messages'],
      ['a user', { user: 'cy', limit: 200 }, (e) => e.user === 'cy'],
      [
        'a metadata field',
        { metadata: 'team:support', limit: 200 },
        (e) => e.metadata?.['team'] === 'support',
      ],
      ['a minimum cost', { minCost: '0.004', limit: 200 }, (e) => Math.round((e.costUsd ?? 0) * 1e6) >= 4000],
      ['a minimum duration', { minDurationMs: '1500', limit: 200 }, (e) => e.durationMs >= 1500],
      [
        'filters combined',
        { status: 'error', route: '/chat', keyId: 'key-b', from: String(t0 + 100_000), limit: 7 },
        (e) => isErr(e) && e.route === '/chat' && e.keyId === 'key-b' && e.time >= t0 + 100_000,
      ],
    ];
    for (const [name, query, keep] of cases) {
      const want = expected(keep);
      expect(want.length, name).toBeGreaterThan(0);
      expect(await all(query), name).toEqual(want);
    }
    await expect(log.list({ cursor: 'not-a-cursor' })).rejects.toThrow(/cursor/);
    await expect(log.list({ status: 'broken' })).rejects.toThrow(/status/);
  });
});
