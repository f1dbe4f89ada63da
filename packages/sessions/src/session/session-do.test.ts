import { abortAllDurableObjects, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { GatewayError } from '@aigw/core';
import { describe, expect, it } from 'vitest';
import { sessionObjectName, sessionStub } from './naming.ts';
import { SessionClient } from './session-client.ts';
import { TURN_LOCK_TTL_MS, type SessionDO } from './session-do.ts';

const DAY = 86_400_000;
const retention = { retentionDays: 30, maxMessages: 1000 };
let counter = 0;
/** A fresh session id per test: the tests share one storage. */
const newSessionId = () => `s-${Date.now()}-${++counter}`;

async function turn(session: SessionClient, n: number, extra: { now?: number } = {}) {
  const requestId = `req-${n}-${++counter}`;
  const started = await session.beginTurn({
    requestId,
    userMessage: `question ${n}`,
    contextTokens: 8192,
    ...extra,
  });
  await session.commitTurn({
    requestId,
    user: { content: `question ${n}` },
    assistant: { content: `answer ${n}`, tokens: 3, model: 'local/echo-1', status: 'complete' },
    retention,
    ...extra,
  });
  return started;
}

async function refusal(promise: Promise<unknown>): Promise<GatewayError> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(GatewayError);
  return error as GatewayError;
}

/**
 * A turn written straight into the object (inside `runInDurableObject`), used to seed old
 * messages: between two separate calls, an alarm that is already due could run.
 */
async function seedTurn(instance: SessionDO, n: number, now: number): Promise<void> {
  const requestId = `seed-${n}-${++counter}`;
  const begun = await instance.beginTurn({
    tenantId: 'acme',
    requestId,
    userMessage: `question ${n}`,
    contextTokens: 8192,
    now,
  });
  expect(begun.ok).toBe(true);
  const committed = await instance.commitTurn({
    tenantId: 'acme',
    requestId,
    user: { content: `question ${n}` },
    assistant: { content: `answer ${n}`, status: 'complete' },
    retention,
    now,
  });
  expect(committed.ok).toBe(true);
}

const tables = (stub: DurableObjectStub) =>
  runInDurableObject(stub, (_instance, state) =>
    state.storage.sql.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'").toArray(),
  );

describe('SessionDO turns', () => {
  it('keeps history across turns and sends it to the model on the next turn', async () => {
    const session = sessionStub(env.SESSIONS, 'acme', newSessionId());
    await turn(session, 1);
    const second = await turn(session, 2);
    expect(second.context.messages.map((m) => `${m.role}:${m.content}`)).toEqual([
      'user:question 1',
      'assistant:answer 1',
      'user:question 2',
    ]);

    const page = await session.history();
    expect(page.messages.map((m) => [m.role, m.content, m.status])).toEqual([
      ['user', 'question 1', 'complete'],
      ['assistant', 'answer 1', 'complete'],
      ['user', 'question 2', 'complete'],
      ['assistant', 'answer 2', 'complete'],
    ]);
    expect(page.messages[1]).toMatchObject({ tokens: 3, model: 'local/echo-1' });
    expect(page.messages[0]?.tokens).toBeGreaterThan(0);
    expect(page.nextCursor).toBeNull();
  });

  it('keeps history after the object restarts', async () => {
    const sessionId = newSessionId();
    await turn(sessionStub(env.SESSIONS, 'acme', sessionId), 1);
    await abortAllDurableObjects();
    const page = await sessionStub(env.SESSIONS, 'acme', sessionId).history();
    expect(page.messages.map((m) => m.content)).toEqual(['question 1', 'answer 1']);
  });

  it('writes nothing when a turn is aborted, and frees the session', async () => {
    const session = sessionStub(env.SESSIONS, 'acme', newSessionId());
    await turn(session, 1);
    await session.beginTurn({ requestId: 'req-cut', userMessage: 'question 2', contextTokens: 8192 });
    expect(await session.abortTurn({ requestId: 'req-cut' })).toEqual({ released: true });
    expect((await session.history()).messages.map((m) => m.content)).toEqual(['question 1', 'answer 1']);
    await turn(session, 3);
    expect((await session.history()).messages).toHaveLength(4);
  });

  it('leaves no trace of an aborted first turn', async () => {
    const sessionId = newSessionId();
    const session = sessionStub(env.SESSIONS, 'acme', sessionId);
    await session.beginTurn({ requestId: 'req-1', userMessage: 'hello', contextTokens: 8192 });
    await session.abortTurn({ requestId: 'req-1' });
    expect((await refusal(session.history())).code).toBe('not_found');
    expect(await tables(env.SESSIONS.getByName(sessionObjectName('acme', sessionId)))).toEqual([]);
  });

  it('stores a cut answer as incomplete when the caller commits it', async () => {
    const session = sessionStub(env.SESSIONS, 'acme', newSessionId());
    await session.beginTurn({ requestId: 'req-1', userMessage: 'tell me a story', contextTokens: 8192 });
    await session.commitTurn({
      requestId: 'req-1',
      user: { content: 'tell me a story' },
      assistant: { content: 'Once upon a', status: 'incomplete' },
      retention,
    });
    const { messages } = await session.history();
    expect(messages.map((m) => m.status)).toEqual(['complete', 'incomplete']);
  });

  it('lets exactly one of many concurrent turns in; the others get session_busy', async () => {
    const session = sessionStub(env.SESSIONS, 'acme', newSessionId());
    const attempts = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        session.beginTurn({ requestId: `req-${i}`, userMessage: `q${i}`, contextTokens: 8192 }),
      ),
    );
    const winners = attempts.flatMap((a, i) => (a.status === 'fulfilled' ? [i] : []));
    expect(winners).toHaveLength(1);
    for (const attempt of attempts) {
      if (attempt.status === 'rejected') {
        expect(attempt.reason).toBeInstanceOf(GatewayError);
        expect((attempt.reason as GatewayError).code).toBe('session_busy');
      }
    }
    const loser = winners[0] === 0 ? 1 : 0;
    const lost = await refusal(
      session.commitTurn({
        requestId: `req-${loser}`,
        user: { content: 'x' },
        assistant: { content: 'y', status: 'complete' },
        retention,
      }),
    );
    expect(lost.code).toBe('session_busy');
    expect((await session.history()).messages).toEqual([]);
  });

  it("refuses a second begin under the holder's own id while the lock is live", async () => {
    const session = sessionStub(env.SESSIONS, 'acme', newSessionId());
    await session.beginTurn({ requestId: 'req-dup', userMessage: 'q1', contextTokens: 8192 });
    const again = session.beginTurn({ requestId: 'req-dup', userMessage: 'q2', contextTokens: 8192 });
    expect((await refusal(again)).code).toBe('session_busy');
    await session.commitTurn({
      requestId: 'req-dup',
      user: { content: 'q1' },
      assistant: { content: 'a1', status: 'complete' },
      retention,
    });
    expect((await session.history()).messages.map((m) => m.content)).toEqual(['q1', 'a1']);
  });

  it('lets a crashed turn lock expire', async () => {
    const session = sessionStub(env.SESSIONS, 'acme', newSessionId());
    const t0 = Date.now();
    await session.beginTurn({ requestId: 'req-crashed', userMessage: 'q', contextTokens: 8192, now: t0 });
    const early = session.beginTurn({
      requestId: 'req-next',
      userMessage: 'q',
      contextTokens: 8192,
      now: t0 + TURN_LOCK_TTL_MS - 1,
    });
    expect((await refusal(early)).code).toBe('session_busy');

    const later = t0 + TURN_LOCK_TTL_MS;
    await session.beginTurn({ requestId: 'req-next', userMessage: 'q', contextTokens: 8192, now: later });
    // The crashed turn coming back late cannot write over the turn that took over.
    const stale = session.commitTurn({
      requestId: 'req-crashed',
      user: { content: 'q' },
      assistant: { content: 'a', status: 'complete' },
      retention,
      now: later,
    });
    expect((await refusal(stale)).code).toBe('session_busy');
    await session.commitTurn({
      requestId: 'req-next',
      user: { content: 'q' },
      assistant: { content: 'a2', status: 'complete' },
      retention,
      now: later,
    });
    expect((await session.history()).messages.map((m) => m.requestId)).toEqual(['req-next', 'req-next']);
  });

  it('drops the oldest turns from the context when the budget is small', async () => {
    const session = sessionStub(env.SESSIONS, 'acme', newSessionId());
    for (let n = 1; n <= 5; n++) await turn(session, n);
    const started = await session.beginTurn({
      requestId: 'req-6',
      userMessage: 'question 6',
      system: 'Be brief.',
      // system 4+4, new message 3+4, prompt 2 = 17; each stored turn (3 + 3 tokens) + 8 = 14.
      contextTokens: 17 + 2 * 14,
    });
    expect(started.context.messages.map((m) => m.content)).toEqual([
      'Be brief.',
      'question 4',
      'answer 4',
      'question 5',
      'answer 5',
      'question 6',
    ]);
  });
});

describe('SessionDO tenant isolation', () => {
  it("answers another tenant exactly like a missing session, and leaves the owner's data alone", async () => {
    const sessionId = newSessionId();
    const owner = sessionStub(env.SESSIONS, 'acme', sessionId);
    await turn(owner, 1);
    // Only a bug could build this: the right object, the wrong tenant.
    const intruder = new SessionClient(
      env.SESSIONS.getByName(sessionObjectName('acme', sessionId)),
      'globex',
      sessionId,
    );
    const missing = await refusal(sessionStub(env.SESSIONS, 'acme', newSessionId()).history());
    const foreign = await refusal(intruder.history());
    expect(foreign.code).toBe('not_found');
    expect(foreign.message).toBe(missing.message);
    expect(foreign.status).toBe(404);

    const begin = intruder.beginTurn({ requestId: 'r', userMessage: 'q', contextTokens: 8192 });
    expect((await refusal(begin)).code).toBe('not_found');
    expect((await refusal(intruder.abortTurn({ requestId: 'r' }))).code).toBe('not_found');
    expect((await refusal(intruder.clear())).code).toBe('not_found');
    const commit = intruder.commitTurn({
      requestId: 'r',
      user: { content: 'q' },
      assistant: { content: 'a', status: 'complete' },
      retention,
    });
    expect((await refusal(commit)).code).toBe('not_found');
    expect((await owner.history()).messages).toHaveLength(2);
  });

  it('gives each tenant its own object for the same session id', async () => {
    const sessionId = newSessionId();
    await turn(sessionStub(env.SESSIONS, 'acme', sessionId), 1);
    const other = sessionStub(env.SESSIONS, 'globex', sessionId);
    expect((await refusal(other.history())).code).toBe('not_found');
    await turn(other, 9);
    expect((await other.history()).messages.map((m) => m.content)).toEqual(['question 9', 'answer 9']);
  });

  it('refuses session ids that are unsafe in an object name', () => {
    expect(() => sessionStub(env.SESSIONS, 'acme', 'a:b/c')).toThrow(GatewayError);
    expect(() => sessionStub(env.SESSIONS, 'acme', '')).toThrow(/Invalid session id/);
  });
});

describe('SessionDO history and clear', () => {
  it('pages oldest first with an opaque cursor', async () => {
    const session = sessionStub(env.SESSIONS, 'acme', newSessionId());
    for (let n = 1; n <= 5; n++) await turn(session, n);
    const seen: string[] = [];
    const sizes: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await session.history({ limit: 3, ...(cursor ? { cursor } : {}) });
      seen.push(...page.messages.map((m) => m.content));
      sizes.push(page.messages.length);
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    expect(sizes).toEqual([3, 3, 3, 1]);
    expect(seen).toEqual((await session.history({ limit: 200 })).messages.map((m) => m.content));
    expect(seen.slice(0, 2)).toEqual(['question 1', 'answer 1']);
  });

  it('refuses a cursor it did not issue and a limit out of range', async () => {
    const session = sessionStub(env.SESSIONS, 'acme', newSessionId());
    await turn(session, 1);
    expect((await refusal(session.history({ cursor: 'bm90LWEtY3Vyc29y' }))).code).toBe('invalid_request');
    expect((await refusal(session.history({ limit: 0 }))).code).toBe('invalid_request');
  });

  it('clears everything, idempotently', async () => {
    const sessionId = newSessionId();
    const session = sessionStub(env.SESSIONS, 'acme', sessionId);
    await turn(session, 1);
    expect(await session.clear()).toEqual({ cleared: true });
    expect((await refusal(session.history())).code).toBe('not_found');
    expect(await session.clear()).toEqual({ cleared: false });
    const stub = env.SESSIONS.getByName(sessionObjectName('acme', sessionId));
    expect(await tables(stub)).toEqual([]);
    expect(await runInDurableObject(stub, (_i, state) => state.storage.getAlarm())).toBeNull();
    // A cleared session starts over as new.
    await turn(session, 2);
    expect((await session.history()).messages).toHaveLength(2);
  });
});

describe('SessionDO retention', () => {
  it('schedules an alarm for when the oldest message expires', async () => {
    const sessionId = newSessionId();
    const t0 = Date.now();
    await turn(sessionStub(env.SESSIONS, 'acme', sessionId), 1, { now: t0 });
    const stub = env.SESSIONS.getByName(sessionObjectName('acme', sessionId));
    const alarm = await runInDurableObject(stub, (_i, state) => state.storage.getAlarm());
    expect(alarm).toBe(t0 + 30 * DAY);
  });

  it('deletes messages past retentionDays in the alarm, with no write needed', async () => {
    const sessionId = newSessionId();
    const session = sessionStub(env.SESSIONS, 'acme', sessionId);
    const stub = env.SESSIONS.getByName(sessionObjectName('acme', sessionId));
    const now = Date.now();
    // Seeded in one call so the already-due alarm cannot run between the turns.
    await runInDurableObject(stub, async (instance) => {
      await seedTurn(instance, 1, now - 40 * DAY);
      await seedTurn(instance, 2, now - 29 * DAY);
    });
    await runDurableObjectAlarm(stub);
    expect((await session.history()).messages.map((m) => m.content)).toEqual(['question 2', 'answer 2']);
  });

  it('deletes the whole object when retention leaves nothing', async () => {
    const sessionId = newSessionId();
    const session = sessionStub(env.SESSIONS, 'acme', sessionId);
    const stub = env.SESSIONS.getByName(sessionObjectName('acme', sessionId));
    await runInDurableObject(stub, (instance) => seedTurn(instance, 1, Date.now() - 31 * DAY));
    await runDurableObjectAlarm(stub);
    expect((await refusal(session.history())).code).toBe('not_found');
    expect(await tables(stub)).toEqual([]);
  });

  it('keeps at most maxMessages, dropping whole turns from the oldest', async () => {
    const session = sessionStub(env.SESSIONS, 'acme', newSessionId());
    for (let n = 1; n <= 3; n++) {
      const requestId = `req-${n}`;
      await session.beginTurn({ requestId, userMessage: `q${n}`, contextTokens: 8192 });
      await session.commitTurn({
        requestId,
        user: { content: `q${n}` },
        assistant: { content: `a${n}`, status: 'complete' },
        retention: { retentionDays: 30, maxMessages: 3 },
      });
    }
    // 3 would keep "a2, q3, a3"; the orphaned answer goes too.
    expect((await session.history()).messages.map((m) => m.content)).toEqual(['q3', 'a3']);
  });

  it('releases an abandoned lock in the alarm and then deletes the empty object', async () => {
    const sessionId = newSessionId();
    const stub = env.SESSIONS.getByName(sessionObjectName('acme', sessionId));
    await runInDurableObject(stub, (instance) =>
      instance.beginTurn({
        tenantId: 'acme',
        requestId: 'req-lost',
        userMessage: 'q',
        contextTokens: 8192,
        now: Date.now() - DAY,
      }),
    );
    await runDurableObjectAlarm(stub);
    expect(await tables(stub)).toEqual([]);
  });
});
