import { describe, expect, it } from 'vitest';
import { chatApp, CHAT_KEY } from '../support/chat-app.ts';

interface Bill {
  tenantId: string;
  currency: string;
  from: string;
  to: string;
  rows: { day: string; keyId: string; model: string; route: string; requests: number; errors: number }[];
}

describe('billing export', () => {
  it("answers the caller's usage per UTC day, key, model and route as JSON and CSV, and only its own", async () => {
    const a = await chatApp({ tenant: { id: 'bill-a' } });
    const b = await chatApp({ tenant: { id: 'bill-b' } });
    a.upstream.script('primary', { kind: 'ok' }, { kind: 'ok' }, { kind: 'ok' });
    await a.post('/chat', { message: 'one', stream: false });
    await a.post('/chat', { message: 'two', stream: false });
    await a.post('/v1/chat/completions', {
      model: 'upstream/primary',
      messages: [{ role: 'user', content: 'x' }],
    });
    await a.post('/chat', { message: 'refused', model: 'upstream/nope' });
    const get = (app: typeof a, query: string) =>
      app.app.request(
        `/tenant/usage?${query}`,
        { headers: { authorization: `Bearer ${CHAT_KEY}` } },
        app.env,
      );
    // Usage lands in batches a moment after each response: poll until all four are in.
    let bill = await (await get(a, 'format=json')).json<Bill>();
    for (let i = 0; i < 100 && bill.rows.reduce((n, r) => n + r.requests, 0) < 4; i++) {
      await new Promise((r) => setTimeout(r, 25));
      bill = await (await get(a, 'format=json')).json<Bill>();
    }
    const today = new Date().toISOString().slice(0, 10);
    expect(bill).toMatchObject({ tenantId: 'bill-a', currency: 'USD' });
    expect(bill.rows.map((r) => [r.day, r.keyId, r.model, r.route, r.requests, r.errors])).toEqual([
      [today, 'chat-key', 'refused before routing', '/chat', 1, 1],
      [today, 'chat-key', 'upstream/primary', '/chat', 2, 0],
      [today, 'chat-key', 'upstream/primary', '/v1/chat/completions', 1, 0],
    ]);

    const csv = await get(a, 'format=csv');
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toBe('day,key_id,model,route,requests,errors,input_tokens,output_tokens,cost_usd');
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 6).join(','))).toEqual(
      bill.rows.map((r) => [r.day, r.keyId, r.model, r.route, r.requests, r.errors].join(',')),
    );

    // Tenant B, with the same key id, sees none of A's usage.
    const other = await (await get(b, 'format=json')).json<Bill>();
    expect(other).toMatchObject({ tenantId: 'bill-b', rows: [] });
    const refused = await get(a, `format=csv&from=2026-01-01&to=2026-03-01`);
    expect(refused.status).toBe(400);
    expect((await refused.json<{ error: { code: string } }>()).error.code).toBe('invalid_request');
  });

  it('answers a usage series as CSV, one line per bucket and group', async () => {
    const app = await chatApp({ tenant: { id: 'series-csv' } });
    app.upstream.script('primary', { kind: 'ok' }, { kind: 'ok' });
    await app.post('/chat', { message: 'one', stream: false });
    await app.post('/chat', { message: 'two', stream: false });
    const now = Date.now();
    const range = `from=${new Date(now - 3_600_000).toISOString()}&to=${new Date(now + 60_000).toISOString()}`;
    const series = () =>
      app.app.request(
        `/tenant/usage/series?${range}&granularity=hour&groupBy=route&format=csv`,
        { headers: { authorization: `Bearer ${CHAT_KEY}` } },
        app.env,
      );
    let text = await (await series()).text();
    for (let i = 0; i < 100 && !/,\/chat,2,/.test(text); i++) {
      await new Promise((r) => setTimeout(r, 25));
      text = await (await series()).text();
    }
    const [header, ...rows] = text.trim().split('\r\n');
    expect(header?.split(',').slice(0, 4)).toEqual(['start', 'route', 'requests', 'errors']);
    expect(rows.filter((r) => r.includes(',/chat,'))).toHaveLength(1);
    expect(rows.find((r) => r.includes(',/chat,'))).toMatch(/,\/chat,2,0,/);
  });
});
