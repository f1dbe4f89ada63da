import { describe, expect, it } from 'vitest';
import { json, keysWorld, type ErrorBody, type Issued, type KeyView } from './support.ts';

interface AuditPage {
  entries: {
    keyId: string;
    tool: string;
    change?: { action: string; target: string; before: unknown; after: unknown };
  }[];
}

describe('/keys: runtime keys of the caller’s own tenant', () => {
  it('creates, lists, gets, updates, rotates and revokes a key, each change in the audit ledger', async () => {
    const world = await keysWorld();
    const gw = world.isolate();
    const admin = world.configKey(world.a, 'admin');
    const created = await json<Issued>(
      await gw.request('/keys', {
        key: admin,
        body: {
          name: 'billing app',
          scopes: ['chat'],
          models: ['local/echo-1'],
          rates: { requests: { rate: 60, burst: 10 }, tokens: { rate: 10_000, burst: 20_000 } },
          budget: { tokensPerDay: 50_000, usdPerMonth: 2 },
          expiresAt: '2999-01-01T00:00:00Z',
          metadata: { team: 'billing' },
        },
      }),
      201,
    );
    expect(created).toMatchObject({
      name: 'billing app',
      status: 'active',
      scopes: ['chat'],
      models: ['local/echo-1'],
      budget: { tokensPerDay: 50_000, usdPerMonth: 2 },
      metadata: { team: 'billing' },
      createdBy: 'admin',
      rotation: null,
    });
    expect(created.id).toMatch(/^rk-[0-9a-f]{12}$/);
    expect(created.key).toMatch(new RegExp(`^gwk_${world.a}_${created.id}_[0-9a-f]{32}$`));
    expect(created.key.startsWith(created.prefix.slice(0, -1))).toBe(true);

    // The secret is shown once: never in a list or a read.
    const listed = await json<{ keys: KeyView[] }>(await gw.request('/keys', { key: admin }), 200);
    expect(listed.keys.map((k) => k.id)).toEqual([created.id]);
    const secret = created.key.slice(-32);
    expect(JSON.stringify(listed)).not.toContain(secret);
    const one = await json<KeyView>(await gw.request(`/keys/${created.id}`, { key: admin }), 200);
    expect(one).not.toHaveProperty('key');
    expect(JSON.stringify(one)).not.toContain(secret);

    // The key works, and the isolate records it as used.
    const me = await json<{ key: { id: string; kind: string } }>(
      await gw.request('/tenant', { key: created.key }),
      200,
    );
    expect(me.key).toMatchObject({ id: created.id, kind: 'runtime' });

    const updated = await json<KeyView>(
      await gw.request(`/keys/${created.id}`, {
        method: 'PATCH',
        key: admin,
        body: { name: 'billing v2', metadata: {} },
      }),
      200,
    );
    expect(updated).toMatchObject({ name: 'billing v2', metadata: {}, scopes: ['chat'] });

    const rotated = await json<Issued>(
      await gw.request(`/keys/${created.id}/rotate`, { key: admin, body: { gracePeriodSeconds: 60 } }),
      200,
    );
    expect(rotated.id).toBe(created.id);
    expect(rotated.key).not.toBe(created.key);
    expect(rotated.rotation).toMatchObject({ previousPrefix: created.prefix });

    const revoked = await json<KeyView>(
      await gw.request(`/keys/${created.id}`, { method: 'DELETE', key: admin }),
      200,
    );
    expect(revoked.status).toBe('revoked');
    // Revoking again answers the same and records nothing more.
    await json(await gw.request(`/keys/${created.id}`, { method: 'DELETE', key: admin }), 200);

    const audit = await json<AuditPage>(await gw.request('/audit', { key: admin }), 200);
    expect(audit.entries.map((e) => e.change?.action)).toEqual([
      'keys.create',
      'keys.update',
      'keys.rotate',
      'keys.revoke',
    ]);
    expect(audit.entries.every((e) => e.keyId === 'admin' && e.change?.target === created.id)).toBe(true);
    expect(audit.entries[1]?.change).toMatchObject({
      before: { name: 'billing app' },
      after: { name: 'billing v2' },
    });
    const ledger = JSON.stringify(audit);
    // Nor in the request log of any request above (creating, using, rotating, revoking).
    for (const plaintext of [created.key, rotated.key]) {
      expect(ledger).not.toContain(plaintext.slice(-32));
      expect(gw.logs()).not.toContain(plaintext.slice(-32));
    }
    expect(gw.logs()).toContain(created.id);
    expect(await json(await gw.request('/audit/verify', { key: admin }), 200)).toMatchObject({
      ok: true,
      entries: 4,
    });
  });

  const bad: [string, Record<string, unknown>, string][] = [
    ['an unknown scope', { scopes: ['root'] }, 'scopes.0'],
    ['a model the tenant does not allow', { scopes: ['chat'], models: ['upstream/other'] }, 'models.0'],
    [
      'a rate above the tenant’s per-key rate',
      { scopes: ['chat'], rates: { requests: { rate: 6001, burst: 1 } } },
      'rates.requests.rate',
    ],
    [
      'a budget above the tenant’s',
      { scopes: ['chat'], budget: { tokensPerDay: 10_000_001 } },
      'budget.tokensPerDay',
    ],
    ['an expiry in the past', { scopes: ['chat'], expiresAt: '2020-01-01T00:00:00Z' }, 'expiresAt'],
    [
      'metadata too large',
      {
        scopes: ['chat'],
        metadata: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v'])),
      },
      'metadata',
    ],
    ['a field it does not know', { scopes: ['chat'], admin: true }, ''],
  ];

  it.each(bad.filter(([, , path]) => path !== '' || true))(
    'refuses %s with 400 naming the field',
    async (_label, body, path) => {
      const world = await keysWorld();
      const gw = world.isolate();
      const res = await gw.request('/keys', {
        key: world.configKey(world.a, 'admin'),
        body: { name: 'x', ...body },
      });
      const error = await json<ErrorBody>(res, 400);
      expect(error.error.code).toBe('invalid_request');
      if (path !== '') expect(error.error.details?.issues?.map((i) => i.path.join('.'))).toContain(path);
    },
  );

  it("answers another tenant's key ids with 404 on every operation, never 403", async () => {
    const world = await keysWorld();
    const gw = world.isolate();
    const theirs = await json<Issued>(
      await gw.request('/keys', {
        key: world.configKey(world.b, 'admin'),
        body: { name: 'b', scopes: ['chat'] },
      }),
      201,
    );
    const mine = world.configKey(world.a, 'admin');
    const calls: [string, string, unknown][] = [
      ['GET', `/keys/${theirs.id}`, undefined],
      ['PATCH', `/keys/${theirs.id}`, { name: 'mine now' }],
      ['DELETE', `/keys/${theirs.id}`, undefined],
      ['POST', `/keys/${theirs.id}/rotate`, { gracePeriodSeconds: 0 }],
      ['GET', '/keys/rk-000000000000', undefined],
      ['GET', '/keys/admin', undefined],
    ];
    for (const [method, path, body] of calls) {
      const error = await json<ErrorBody>(await gw.request(path, { method, key: mine, body }), 404);
      expect(error.error.code, `${method} ${path}`).toBe('key_not_found');
    }
    const list = await json<{ keys: KeyView[] }>(await gw.request('/keys', { key: mine }), 200);
    expect(list.keys).toEqual([]);
    // B's key still works.
    expect((await gw.request('/tenant', { key: theirs.key })).status).toBe(200);
  });

  it('lets a key grant at most what it holds, and manage only keys within its scopes', async () => {
    const world = await keysWorld();
    const gw = world.isolate();
    const keysOnly = world.configKey(world.a, 'keys'); // chat, keys
    const escalation = await json<ErrorBody>(
      await gw.request('/keys', { key: keysOnly, body: { name: 'x', scopes: ['chat', 'admin'] } }),
      403,
    );
    expect(escalation.error).toMatchObject({ code: 'insufficient_scope', details: { required: ['admin'] } });
    // A runtime key with `keys` can create keys too, within its own scopes.
    const child = await json<Issued>(
      await gw.request('/keys', { key: keysOnly, body: { name: 'c', scopes: ['chat', 'keys'] } }),
      201,
    );
    const grandchild = await gw.request('/keys', { key: child.key, body: { name: 'g', scopes: ['chat'] } });
    expect(grandchild.status).toBe(201);
    // An admin key made by the tenant's admin is out of the keys-only key's reach.
    const adminKey = await json<Issued>(
      await gw.request('/keys', {
        key: world.configKey(world.a, 'admin'),
        body: { name: 'ops', scopes: ['admin'] },
      }),
      201,
    );
    for (const [method, path, body] of [
      ['POST', `/keys/${adminKey.id}/rotate`, { gracePeriodSeconds: 0 }],
      ['PATCH', `/keys/${adminKey.id}`, { scopes: ['chat'] }],
      ['DELETE', `/keys/${adminKey.id}`, undefined],
    ] as const) {
      const refused = await json<ErrorBody>(await gw.request(path, { method, key: keysOnly, body }), 403);
      expect(refused.error.code).toBe('insufficient_scope');
    }
    // A key without `keys` or `admin` cannot reach the routes at all.
    const chatOnly = await json<ErrorBody>(
      await gw.request('/keys', { key: world.configKey(world.a, 'chat') }),
      403,
    );
    expect(chatOnly.error.code).toBe('insufficient_scope');
  });

  it('answers 409 to a rotation while the last one’s grace period runs, and to rotating a revoked key', async () => {
    const world = await keysWorld();
    const gw = world.isolate();
    const admin = world.configKey(world.a, 'admin');
    const key = await json<Issued>(
      await gw.request('/keys', { key: admin, body: { name: 'r', scopes: ['chat'] } }),
      201,
    );
    await json(
      await gw.request(`/keys/${key.id}/rotate`, { key: admin, body: { gracePeriodSeconds: 300 } }),
      200,
    );
    const again = await json<ErrorBody>(
      await gw.request(`/keys/${key.id}/rotate`, { key: admin, body: {} }),
      409,
    );
    expect(again.error.code).toBe('key_conflict');
    await json(await gw.request(`/keys/${key.id}`, { method: 'DELETE', key: admin }), 200);
    const revoked = await json<ErrorBody>(
      await gw.request(`/keys/${key.id}/rotate`, { key: admin, body: {} }),
      409,
    );
    expect(revoked.error.code).toBe('key_conflict');
  });

  it('keeps a consistent store and ledger under concurrent creates and revokes', async () => {
    const world = await keysWorld();
    const gw = world.isolate();
    const admin = world.configKey(world.a, 'admin');
    const first = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        gw.request('/keys', { key: admin, body: { name: `k${i}`, scopes: ['chat'] } }),
      ),
    );
    const ids = await Promise.all(first.map(async (res) => (await json<Issued>(res, 201)).id));
    const mixed = await Promise.all([
      ...Array.from({ length: 6 }, (_, i) =>
        gw.request('/keys', { key: admin, body: { name: `m${i}`, scopes: ['chat'] } }),
      ),
      ...ids
        .slice(0, 3)
        .flatMap((id) => [
          gw.request(`/keys/${id}`, { method: 'DELETE', key: admin }),
          gw.request(`/keys/${id}`, { method: 'DELETE', key: admin }),
        ]),
    ]);
    expect(mixed.map((res) => res.status).sort()).toEqual([
      ...Array<number>(6).fill(200),
      ...Array<number>(6).fill(201),
    ]);
    const { keys } = await json<{ keys: KeyView[] }>(await gw.request('/keys', { key: admin }), 200);
    expect(keys).toHaveLength(12);
    expect(new Set(keys.map((k) => k.id)).size).toBe(12);
    expect(
      keys
        .filter((k) => k.status === 'revoked')
        .map((k) => k.id)
        .sort(),
    ).toEqual(ids.slice(0, 3).sort());
    // 12 creates and 3 revocations: 15 changes, each in the ledger once, the chain intact.
    const verify = await json<{ ok: boolean; entries: number; head: string }>(
      await gw.request('/audit/verify', { key: admin }),
      200,
    );
    expect(verify).toMatchObject({ ok: true, entries: 15 });
    expect(verify.head).toMatch(/^[0-9a-f]{64}$/);
  });

  it('publishes every key route in the OpenAPI document', async () => {
    const world = await keysWorld();
    const doc = await json<{ paths: Record<string, Record<string, unknown>> }>(
      await world.isolate().request('/openapi.json'),
      200,
    );
    expect(Object.keys(doc.paths['/keys'] ?? {}).sort()).toEqual(['get', 'post']);
    expect(Object.keys(doc.paths['/keys/{id}'] ?? {}).sort()).toEqual(['delete', 'get', 'patch']);
    expect(Object.keys(doc.paths['/keys/{id}/rotate'] ?? {})).toEqual(['post']);
    expect(Object.keys(doc.paths['/admin/tenants/{tenantId}/keys/{id}'] ?? {}).sort()).toEqual([
      'delete',
      'get',
      'patch',
    ]);
    expect(doc.paths['/admin/tenants/{tenantId}/suspend']).toHaveProperty('post');
    expect(doc.paths['/admin/tenants/{tenantId}/resume']).toHaveProperty('post');
  });
});
