import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { GatewayError, newId } from '@aigw/core';
import { describe, expect, it } from 'vitest';
import { responseStore } from './client.ts';

const item = (text: string) => JSON.stringify({ type: 'message', role: 'user', text });

async function refusal(promise: Promise<unknown>): Promise<GatewayError> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(GatewayError);
  return error as GatewayError;
}

describe('ResponseStoreDO', () => {
  it('keeps the response and its conversation items in order', async () => {
    const id = newId('resp');
    const store = responseStore(env.RESPONSES, 'acme', id);
    const items = Array.from({ length: 50 }, (_, index) => item(`message ${String(index)}`));
    await store.put({ response: JSON.stringify({ id }), items, retentionDays: 30 });
    expect(await store.get()).toEqual({ response: JSON.stringify({ id }), items });
  });

  it("answers another tenant's response exactly like a missing one, and lets it change nothing", async () => {
    const id = newId('resp');
    await responseStore(env.RESPONSES, 'acme', id).put({ response: '{"a":1}', items: [], retentionDays: 30 });
    // The tenant is part of the object's name, so globex reaches another, empty object...
    const other = responseStore(env.RESPONSES, 'globex', id);
    expect((await refusal(other.get())).code).toBe('not_found');
    expect((await refusal(other.remove())).code).toBe('not_found');
    // ...and even a call naming the wrong tenant on acme's own object is refused.
    const stub = env.RESPONSES.getByName(`acme:${id}`);
    expect(await stub.get({ tenantId: 'globex' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await stub.remove({ tenantId: 'globex' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect((await responseStore(env.RESPONSES, 'acme', id).get()).response).toBe('{"a":1}');
  });

  it('refuses a second write, ids that are not ours, and deletes on request', async () => {
    const id = newId('resp');
    const store = responseStore(env.RESPONSES, 'acme', id);
    await store.put({ response: '{}', items: [], retentionDays: 1 });
    expect((await refusal(store.put({ response: '{"b":2}', items: [], retentionDays: 1 }))).code).toBe(
      'invalid_request',
    );
    expect(() => responseStore(env.RESPONSES, 'acme', 'resp_../../x')).toThrow(GatewayError);
    await store.remove();
    expect((await refusal(store.get())).code).toBe('not_found');
  });

  it('forgets a response when its retention lapses (alarm), leaving no storage behind', async () => {
    const id = newId('resp');
    const store = responseStore(env.RESPONSES, 'acme', id);
    await store.put({ response: '{}', items: [item('x')], retentionDays: 1 });
    const stub = env.RESPONSES.getByName(`acme:${id}`);
    // Read as of two days later: expired, even before the alarm has run.
    expect(await stub.get({ tenantId: 'acme', now: Date.now() + 2 * 86_400_000 })).toMatchObject({
      ok: false,
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const left = await runInDurableObject(stub, (_, state) =>
      state.storage.sql.exec("SELECT name FROM sqlite_master WHERE type = 'table'").toArray(),
    );
    expect(left).toEqual([]);
  });
});
