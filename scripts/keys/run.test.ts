import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { EXIT_OK, EXIT_REFUSED, EXIT_USAGE, runKeys } from './run.ts';

/**
 * The CLI against a local HTTP server answering with the gateway's envelopes (the gateway itself
 * runs it end to end in tests/e2e/keys.e2e.ts): what it prints, and its exit codes.
 */
let server: Server | undefined;
async function stop(): Promise<void> {
  const running = server;
  server = undefined;
  if (!running) return;
  // fetch keeps its connection alive; close it too, or close() waits for it.
  running.closeAllConnections();
  await new Promise((resolve) => running.close(resolve));
}
afterEach(stop);

async function answering(
  status: number,
  body: unknown,
): Promise<{ url: string; seen: { method?: string; url?: string; auth?: string; body: string }[] }> {
  const seen: { method?: string; url?: string; auth?: string; body: string }[] = [];
  server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, auth: req.headers.authorization, body: text });
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => err.push(t) } },
    out: () => out.join(''),
    err: () => err.join(''),
  };
}

const args = (url: string, ...rest: string[]) => [
  ...rest,
  '--tenant',
  'acme',
  '--url',
  url,
  '--key',
  'op-key-0123456789abcdef',
];

describe('keys CLI', () => {
  it('prints the issued key once and says so', async () => {
    const gw = await answering(201, {
      id: 'rk-0123456789ab',
      name: 'app',
      key: 'gwk_acme_rk-0123456789ab_x',
    });
    const t = io();
    expect(await runKeys(args(gw.url, 'create', '--name', 'app', '--scopes', 'chat'), {}, t.io)).toBe(
      EXIT_OK,
    );
    expect(JSON.parse(t.out())).toMatchObject({ id: 'rk-0123456789ab', key: 'gwk_acme_rk-0123456789ab_x' });
    expect(t.err()).toContain('shown this once');
    expect(gw.seen).toEqual([
      {
        method: 'POST',
        url: '/admin/tenants/acme/keys',
        auth: 'Bearer op-key-0123456789abcdef',
        body: JSON.stringify({ name: 'app', scopes: ['chat'] }),
      },
    ]);
  });

  it('explains a refusal with its code, every issue’s field, and what to do', async () => {
    const gw = await answering(400, {
      error: {
        code: 'invalid_request',
        message: 'Invalid request body: scopes[0]: …',
        details: { issues: [{ path: ['scopes', 0], message: 'scopes[0]: "root" is not a scope' }] },
      },
      requestId: 'req_1',
    });
    const t = io();
    expect(await runKeys(args(gw.url, 'create', '--name', 'x', '--scopes', 'root'), {}, t.io)).toBe(
      EXIT_REFUSED,
    );
    expect(t.err()).toContain('keys: 400 invalid_request: Invalid request body');
    expect(t.err()).toContain('  - scopes.0: scopes[0]: "root" is not a scope');
    expect(t.out()).toBe('');
  });

  it.each([
    [401, 'invalid_api_key', 'the operator key was refused'],
    [404, 'tenant_not_found', 'no such tenant'],
    [404, 'key_not_found', 'no such runtime key'],
    [409, 'key_conflict', 'grace period'],
    [500, 'misconfigured', 'OPERATOR_API_KEY secret'],
  ])('adds a hint to %i %s', async (status, code, hint) => {
    const gw = await answering(status, { error: { code, message: 'no' }, requestId: 'req_1' });
    const t = io();
    expect(await runKeys(args(gw.url, 'get', '--id', 'rk-0123456789ab'), {}, t.io)).toBe(EXIT_REFUSED);
    expect(t.err()).toContain(`keys: ${status} ${code}: no`);
    expect(t.err()).toContain(hint);
  });

  it('says when --url is not the gateway, or nothing answers there', async () => {
    const html = await answering(200, '<html>not json</html>');
    const t = io();
    expect(await runKeys(args(html.url, 'list'), {}, t.io)).toBe(EXIT_REFUSED);
    expect(t.err()).toContain("without the gateway's JSON; is --url the gateway?");
    await stop();
    const closed = io();
    expect(await runKeys(args(html.url, 'list'), {}, closed.io)).toBe(EXIT_REFUSED);
    expect(closed.err()).toMatch(
      /cannot reach http:\/\/127\.0\.0\.1:\d+ \(.*ECONNREFUSED.*\)\. Is the gateway running/,
    );
  });

  it('prints usage errors with exit code 2 and help with 0', async () => {
    const bad = io();
    expect(await runKeys(['frobnicate'], {}, bad.io)).toBe(EXIT_USAGE);
    expect(bad.err()).toContain('keys: unknown command "frobnicate"');
    const help = io();
    expect(await runKeys(['--help'], {}, help.io)).toBe(EXIT_OK);
    expect(help.out()).toContain('Usage: npm run keys -- <command>');
  });
});
