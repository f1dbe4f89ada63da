import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { budgetStub } from '@aigw/limits';
import { sessionStub } from '@aigw/sessions';
import { startTurn, type TurnEnd, type TurnEvent } from '../src/index.ts';
import { ask, collect, harness, scriptedUpstream, tenant } from './support.ts';

/** The turn rules, tested once here for every API that the app's codecs put on top. */

const endOf = (events: TurnEvent[]): TurnEnd => {
  const last = events.at(-1);
  if (last?.type !== 'end') throw new Error(`the stream did not end with "end": ${JSON.stringify(last)}`);
  return last.end;
};

describe('the terminal event', () => {
  it('ends a stream with exactly one end, after every delta, with the usage', async () => {
    const h = harness(tenant(), scriptedUpstream({ kind: 'text', text: 'Hello there, friend.' }));
    const turn = await startTurn(h.deps, h.caller(), ask('hi'));
    const events = await collect(turn.events);
    expect(events.filter((event) => event.type === 'end')).toHaveLength(1);
    expect(events.map((event) => (event.type === 'delta' ? event.text : '')).join('')).toBe(
      'Hello there, friend.',
    );
    const end = endOf(events);
    expect(end).toMatchObject({ ok: true, finishReason: 'stop' });
    expect(end.outcome.usage).toMatchObject({
      status: 'complete',
      inputTokens: 10,
      outputTokens: 5,
      estimated: false,
    });
    expect(await h.usage[0]).toEqual(end.outcome.usage);
  });

  it('reports an upstream cut as a failed end, never as a complete answer', async () => {
    const h = harness(tenant(), scriptedUpstream({ kind: 'cut', afterWords: 2 }));
    const turn = await startTurn(h.deps, h.caller(), ask('hi'));
    const end = endOf(await collect(turn.events));
    expect(end.ok).toBe(false);
    if (end.ok) return;
    expect(end.error.code).toBe('upstream_error');
    expect(end.outcome.text).toBe('one two ');
    expect(end.outcome.usage.status).toBe('incomplete');
    await expect(
      startTurn(h.deps, h.caller(), ask('again', { stream: false })).then((t) => t.result()),
    ).rejects.toMatchObject({
      code: 'upstream_error',
    });
  });
});

describe('routing', () => {
  it('falls back to the next model before the first token, and says which answered', async () => {
    const config = tenant({
      models: {
        chat: 'upstream/primary',
        fallbacks: ['local/echo-1'],
        allowed: ['upstream/primary', 'local/echo-1'],
      },
    });
    const h = harness(config, scriptedUpstream({ kind: 'status', status: 503 }));
    const turn = await startTurn(h.deps, h.caller(), ask('hi'));
    expect(turn.modelId).toBe('local/echo-1');
    expect(endOf(await collect(turn.events))).toMatchObject({ ok: true });
  });

  it('refuses a parameter the model cannot honour before any call, lock or reservation', async () => {
    const config = tenant({
      models: { chat: 'local/echo-1', allowed: ['local/echo-1'] },
      limits: { budgets: { tenant: { tokensPerDay: 10_000 } } },
    });
    const upstream = scriptedUpstream();
    const h = harness(config, upstream);
    const sessionId = `s-${crypto.randomUUID()}`;
    const refused = startTurn(
      h.deps,
      h.caller(),
      ask('hi', {
        sessionId,
        params: { responseFormat: { type: 'json_schema', name: 'x', schema: {} } },
        paramNames: { responseFormat: 'response_format' },
      }),
    );
    await expect(refused).rejects.toMatchObject({ code: 'unsupported_parameter', param: 'response_format' });
    expect(upstream.bodies).toHaveLength(0);
    const usage = await budgetStub(env.BUDGET, config.id).usage({
      tenantId: config.id,
      limits: { tokensPerDay: 10_000 },
    });
    expect(usage.tokensPerDay.reserved).toBe(0);
    // The session was never locked: a turn on it starts at once.
    const next = await startTurn(h.deps, h.caller(), ask('hi', { sessionId }));
    expect(endOf(await collect(next.events)).ok).toBe(true);
  });
});

describe('sessions', () => {
  it('holds two concurrent turns on one session to one at a time, and stores the one that ran', async () => {
    const config = tenant({ models: { chat: 'local/echo-1', allowed: ['local/echo-1'] } });
    const h = harness(config);
    const sessionId = `s-${crypto.randomUUID()}`;
    const first = await startTurn(h.deps, h.caller(), ask('first', { sessionId }));
    await expect(startTurn(h.deps, h.caller(), ask('second', { sessionId }))).rejects.toMatchObject({
      code: 'session_busy',
    });
    expect(endOf(await collect(first.events)).ok).toBe(true);
    const history = await sessionStub(env.SESSIONS, config.id, sessionId).history();
    expect(history.messages.map((message) => message.content)).toEqual([
      'first',
      expect.stringContaining('You said: first') as unknown,
    ]);
    await h.idle();
  });

  it('stores a cut answer as incomplete, and frees the session for the next turn', async () => {
    const config = tenant();
    const h = harness(
      config,
      scriptedUpstream({ kind: 'cut', afterWords: 3 }, { kind: 'text', text: 'fine' }),
    );
    const sessionId = `s-${crypto.randomUUID()}`;
    const cut = await startTurn(h.deps, h.caller(), ask('first', { sessionId }));
    expect(endOf(await collect(cut.events)).ok).toBe(false);
    const next = await startTurn(h.deps, h.caller(), ask('second', { sessionId }));
    expect(endOf(await collect(next.events)).ok).toBe(true);
    const history = await sessionStub(env.SESSIONS, config.id, sessionId).history();
    expect(history.messages.map((message) => [message.role, message.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'incomplete'],
      ['user', 'complete'],
      ['assistant', 'complete'],
    ]);
  });
});

describe('budgets', () => {
  it('reserves before the call and settles what was used after it', async () => {
    const config = tenant({ limits: { budgets: { tenant: { tokensPerDay: 10_000 } } } });
    const h = harness(config, scriptedUpstream({ kind: 'text', text: 'ok' }));
    const turn = await startTurn(h.deps, h.caller(), ask('hi', { params: { maxTokens: 100 } }));
    const stub = budgetStub(env.BUDGET, config.id);
    const held = await stub.usage({ tenantId: config.id, limits: { tokensPerDay: 10_000 } });
    expect(held.tokensPerDay.reserved).toBeGreaterThanOrEqual(100);
    await collect(turn.events);
    // The hold is settled off the response path: after the end event, before the turn's work is done.
    await h.idle();
    const settled = await stub.usage({ tenantId: config.id, limits: { tokensPerDay: 10_000 } });
    expect(settled.tokensPerDay).toMatchObject({ used: 15, reserved: 0 });
  });

  it('refuses a call that does not fit with budget_exceeded, before calling the model', async () => {
    const config = tenant({ limits: { budgets: { tenant: { tokensPerDay: 50 } } } });
    const upstream = scriptedUpstream();
    const h = harness(config, upstream);
    await expect(
      startTurn(h.deps, h.caller(), ask('hi', { params: { maxTokens: 1000 } })),
    ).rejects.toMatchObject({
      code: 'budget_exceeded',
    });
    expect(upstream.bodies).toHaveLength(0);
  });
});

describe('the tool loop', () => {
  it('runs gateway tools between model calls, forcing a tool choice only for the first step', async () => {
    const upstream = scriptedUpstream(
      { kind: 'tool', name: 'summarize', args: '{"text":"Workers run at the edge."}' },
      { kind: 'text', text: 'Done.' },
    );
    const h = harness(tenant(), upstream);
    const turn = await startTurn(
      h.deps,
      h.caller(),
      ask('summarize this', { tools: { named: ['summarize'] }, params: { toolChoice: 'required' } }),
    );
    const events = await collect(turn.events);
    expect(events.map((event) => event.type)).toEqual(['tool_call', 'tool_result', 'delta', 'end']);
    expect(h.toolRuns).toEqual([{ name: 'summarize', args: { text: 'Workers run at the edge.' } }]);
    expect(upstream.bodies[0]).toMatchObject({ tool_choice: 'required' });
    // Forced again, a model could never answer: the second call lets it choose.
    expect(upstream.bodies[1]).not.toHaveProperty('tool_choice');
    expect(upstream.bodies[1]?.messages).toContainEqual(
      expect.objectContaining({ role: 'tool', tool_call_id: 'call_1' }) as unknown,
    );
    expect(endOf(events)).toMatchObject({ ok: true, finishReason: 'stop' });
  });

  it('hands calls to the client’s own tools back, ending the answer with tool_calls', async () => {
    const upstream = scriptedUpstream({ kind: 'tool', name: 'lookup', args: '{"q":1}' });
    const h = harness(tenant(), upstream);
    const turn = await startTurn(
      h.deps,
      h.caller(),
      ask('look it up', { tools: { offered: [{ name: 'lookup', description: '', parameters: {} }] } }),
    );
    const events = await collect(turn.events);
    expect(events[0]).toMatchObject({
      type: 'tool_calls',
      calls: [{ name: 'lookup', arguments: '{"q":1}' }],
    });
    expect(endOf(events)).toMatchObject({ ok: true, finishReason: 'tool_calls' });
    expect(h.toolRuns).toHaveLength(0);
  });

  it('refuses an unknown gateway tool before the session is touched', async () => {
    const config = tenant();
    const h = harness(config);
    const sessionId = `s-${crypto.randomUUID()}`;
    await expect(
      startTurn(h.deps, h.caller(), ask('x', { sessionId, tools: { named: ['nope'] } })),
    ).rejects.toMatchObject({
      code: 'not_found',
    });
    // The session was never created: it does not exist at all.
    await expect(sessionStub(env.SESSIONS, config.id, sessionId).history()).rejects.toMatchObject({
      code: 'not_found',
    });
  });
});

describe('a client that goes away', () => {
  it('before the first token: no call is retried, and everything held is released', async () => {
    const config = tenant({ limits: { budgets: { tenant: { tokensPerDay: 10_000 } } } });
    const client = new AbortController();
    client.abort();
    const h = harness(config, scriptedUpstream({ kind: 'status', status: 503 }));
    const sessionId = `s-${crypto.randomUUID()}`;
    await expect(startTurn(h.deps, h.caller(client.signal), ask('hi', { sessionId }))).rejects.toMatchObject({
      code: 'client_closed',
    });
    expect((await h.usage[0])?.status).toBe('cancelled');
    await h.idle();
    const usage = await budgetStub(env.BUDGET, config.id).usage({
      tenantId: config.id,
      limits: { tokensPerDay: 10_000 },
    });
    expect(usage.tokensPerDay.reserved).toBe(0);
    const next = await startTurn(h.deps, h.caller(), ask('hi', { sessionId, model: 'local/echo-1' }));
    expect(endOf(await collect(next.events)).ok).toBe(true);
  });

  it('mid-stream: cancel settles the turn as cancelled without reading on', async () => {
    const config = tenant({ models: { chat: 'local/echo-1', allowed: ['local/echo-1'] } });
    const h = harness(config);
    const turn = await startTurn(h.deps, h.caller(), ask('one two three four five six seven'));
    const iterator = turn.events[Symbol.asyncIterator]();
    await iterator.next();
    turn.cancel();
    await iterator.return?.();
    const usage = await h.usage[0];
    expect(usage?.status).toBe('cancelled');
    await h.idle();
  });
});
