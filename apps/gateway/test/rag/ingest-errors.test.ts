import { describe, expect, it } from 'vitest';
import { ragApp } from '../support/rag-app.ts';

interface Issue {
  path: (string | number)[];
  code: string;
  message: string;
  maximum?: number;
  minimum?: number;
  received?: number | string;
  unit?: string;
  pattern?: string;
}
interface ErrorBody {
  error: { code: string; message: string; details?: { issues?: Issue[] } };
  requestId: string;
}

const doc = (extra: Record<string, unknown> = {}) => ({
  id: 'doc-1',
  text: 'Refunds take five days.',
  ...extra,
});

describe('/ingest: document ids must work in /documents/{id}', () => {
  it('refuses ".", ".." and ids that do not survive the URL path, and stores none of the batch', async () => {
    const { call, ids } = await ragApp();
    for (const id of ['.', '..', ' .. ', '\uD800']) {
      const res = await call(ids.a, 'POST', '/ingest', { documents: [doc({ id: 'fine' }), doc({ id })] });
      expect(res.status, JSON.stringify(id)).toBe(400);
      const body = await res.json<ErrorBody>();
      expect(body.error.code).toBe('invalid_request');
      expect(body.requestId).toBe(res.headers.get('x-request-id'));
      expect(body.error.details?.issues?.[0]).toMatchObject({ path: ['documents', 1, 'id'], code: 'custom' });
      expect(body.error.message).toContain('documents[1].id: ');
      expect(body.error.message).toContain('not usable in the URL /documents/{id}');
    }
    const list = await (await call(ids.a, 'GET', '/documents')).json<{ documents: unknown[] }>();
    expect(list.documents).toEqual([]);
  });

  it('accepts ids that survive the round trip, and each can be fetched and deleted by its URL', async () => {
    const { call, ids } = await ragApp();
    const accepted = ['a/b', 'x y', 'ünï-cødé', '%2e%2e', '...', 'a..b', '?#&'];
    const res = await call(ids.a, 'POST', '/ingest', { documents: accepted.map((id) => doc({ id })) });
    expect(res.status).toBe(200);
    expect((await res.json<{ added: string[] }>()).added.sort()).toEqual([...accepted].sort());
    for (const id of accepted) {
      const path = `/documents/${encodeURIComponent(id)}`;
      // Tenant B cannot see tenant A's document under the same id.
      expect((await call(ids.b, 'GET', path)).status, `b ${id}`).toBe(404);
      const got = await call(ids.a, 'GET', path);
      expect(got.status, id).toBe(200);
      expect((await got.json<{ id: string }>()).id).toBe(id);
      expect((await call(ids.a, 'DELETE', path)).status, `delete ${id}`).toBe(200);
      expect((await call(ids.a, 'GET', path)).status, `gone ${id}`).toBe(404);
    }
  });
});

describe('/ingest: every 400 names the field, the value seen and the limit', () => {
  const cases: { name: string; body: unknown; issue: Partial<Issue>; message: string }[] = [
    {
      name: 'an id too long',
      body: { documents: [doc(), doc({ id: 'i'.repeat(300) })] },
      issue: {
        path: ['documents', 1, 'id'],
        code: 'too_big',
        maximum: 256,
        received: 300,
        unit: 'characters',
      },
      message: 'documents[1].id: 300 characters, at most 256 allowed',
    },
    {
      name: 'an empty id',
      body: { documents: [doc({ id: '   ' })] },
      issue: { path: ['documents', 0, 'id'], code: 'too_small', minimum: 1 },
      message: 'documents[0].id: at least 1 characters required (after trimming whitespace)',
    },
    {
      name: 'a text too long',
      body: { documents: [doc({ text: 't'.repeat(2_000_001) })] },
      issue: { path: ['documents', 0, 'text'], maximum: 2_000_000, received: 2_000_001, unit: 'characters' },
      message: 'documents[0].text: 2,000,001 characters, at most 2,000,000 allowed',
    },
    {
      name: 'an empty text',
      body: { documents: [doc({ text: '' })] },
      issue: { path: ['documents', 0, 'text'], minimum: 1, received: 0 },
      message: 'documents[0].text: 0 characters, at least 1 required',
    },
    {
      name: 'a title too long',
      body: { documents: [doc({ title: 'T'.repeat(301) })] },
      issue: { path: ['documents', 0, 'title'], maximum: 300, received: 301 },
      message: 'documents[0].title: 301 characters, at most 300 allowed',
    },
    {
      name: 'a source too long',
      body: { documents: [doc({ source: 's'.repeat(201) })] },
      issue: { path: ['documents', 0, 'source'], maximum: 200, received: 201 },
      message: 'documents[0].source: 201 characters, at most 200 allowed',
    },
    {
      name: 'a url that is not one',
      body: { documents: [doc({ url: 'not a url' })] },
      issue: { path: ['documents', 0, 'url'], code: 'invalid_format', received: 'not a url' },
      message: 'documents[0].url: "not a url" is not valid',
    },
    {
      name: 'too many documents',
      body: { documents: Array.from({ length: 101 }, (_, i) => doc({ id: `d${i}` })) },
      issue: { path: ['documents'], maximum: 100, received: 101, unit: 'items' },
      message: 'documents: 101 items, at most 100 allowed',
    },
    {
      name: 'no documents',
      body: { documents: [] },
      issue: { path: ['documents'], minimum: 1, received: 0, unit: 'items' },
      message: 'documents: 0 items, at least 1 required',
    },
    {
      name: 'a metadata key Vectorize refuses',
      body: { documents: [doc({ metadata: { 'team.name': 'x' } })] },
      issue: {
        path: ['documents', 0, 'metadata', 'team.name'],
        code: 'invalid_key',
        received: 'team.name',
        pattern: '^[A-Za-z0-9_-]{1,64}$',
      },
      message:
        'documents[0].metadata["team.name"]: the key "team.name" is not allowed, keys must match ^[A-Za-z0-9_-]{1,64}$',
    },
    {
      name: 'an unknown field',
      body: { documents: [doc({ body: 'oops' })] },
      issue: { path: ['documents', 0], code: 'unrecognized_keys', received: 'body' },
      message: 'documents[0]: unknown field "body"',
    },
    {
      name: 'a field of the wrong type',
      body: { documents: [doc({ text: 42 })] },
      issue: { path: ['documents', 0, 'text'], code: 'invalid_type', received: 'number' },
      message: 'documents[0].text: expected string, received number',
    },
  ];

  for (const { name, body, issue, message } of cases) {
    it(name, async () => {
      // Tenant A takes bodies up to 4 MiB, so the schema's own limits are the ones reached.
      const { call, ids } = await ragApp({ a: { limits: { maxBodyBytes: 4 * 1024 * 1024 } } });
      const res = await call(ids.a, 'POST', '/ingest', body);
      expect(res.status).toBe(400);
      const error = await res.json<ErrorBody>();
      expect(error.error.code).toBe('invalid_request');
      expect(error.requestId).toBe(res.headers.get('x-request-id'));
      expect(error.error.details?.issues?.[0]).toMatchObject(issue);
      expect(error.error.message).toContain(message);
      expect(error.error.details?.issues?.[0]?.message).toContain(message);
      const list = await (await call(ids.a, 'GET', '/documents')).json<{ documents: unknown[] }>();
      expect(list.documents).toEqual([]);
    });
  }
});
