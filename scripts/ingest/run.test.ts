import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runIngest, type IngestIO, type IngestOptions } from './run.ts';
import { startGateway, type GatewayOptions, type ScriptedGateway } from './testing/gateway.ts';

const KEY = 'gwk_test';
let folder: string;
let gateway: ScriptedGateway | undefined;

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'aigw-ingest-run-'));
});
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
  await rm(folder, { recursive: true, force: true });
});

async function put(path: string, content: string): Promise<void> {
  await mkdir(join(folder, path, '..'), { recursive: true });
  await writeFile(join(folder, path), content);
}

function sink() {
  const out = {
    text: '',
    isTTY: false,
    write(chunk: string) {
      out.text += chunk;
      return true;
    },
  };
  return out;
}

async function serve(options: GatewayOptions = {}): Promise<ScriptedGateway> {
  gateway = await startGateway({ key: KEY, ...options });
  return gateway;
}

/** One CLI run against the scripted gateway; backoff waits are skipped, not slept. */
async function run(
  target: ScriptedGateway,
  overrides: Partial<IngestOptions> = {},
  io: Partial<IngestIO> = {},
) {
  const stdout = sink();
  const stderr = sink();
  const report = await runIngest(
    { folder, url: target.url, key: KEY, tenant: 'acme', batchBytes: 512 * 1024, force: false, ...overrides },
    {
      stdout,
      stderr,
      client: { sleep: () => Promise.resolve() },
      progress: { intervalMs: 0 },
      ...io,
    },
  );
  const ingests = target.requests.filter((r) => r.path === '/ingest');
  return { ...report, stdout: stdout.text, stderr: stderr.text, ingests };
}

const envelope = (code: string, message: string) => ({ error: { code, message }, requestId: 'req_scripted' });

describe('runIngest end to end', () => {
  it('ingests a folder through retries and failures and reports the counts', async () => {
    await put('a.md', '# Alpha\n\nFirst document.');
    await put('b.txt', 'Plain text.');
    await put('guides/c.markdown', '# Guide C\n\nSteps.');
    await put('guides/d.md', 'REJECT this one');
    await put('empty.md', '');
    await put('big.md', `# Big\n\n${'word '.repeat(2_000)}`);
    await put('.hidden.md', 'never sent');
    const target = await serve({
      maxBodyBytes: 4_096,
      script: [
        { status: 429, headers: { 'retry-after': '0' }, body: envelope('rate_limited', 'Slow down.') },
        { status: 500, body: envelope('internal', 'Boom.') },
      ],
    });

    const result = await run(target, { batchBytes: 1_000 });

    expect(result.summary?.counts).toEqual({ added: 3, updated: 0, unchanged: 0, skipped: 0, failed: 3 });
    expect(result.exitCode).toBe(1);
    expect(result.summary?.failures.map((f) => [f.id, f.code])).toEqual([
      ['big.md', 'payload_too_large'],
      ['empty.md', 'empty_file'],
      ['guides/d.md', 'invalid_request'],
    ]);
    // The oversized file went alone, once: a 413 is not retried.
    expect(result.ingests.filter((r) => r.documents.some((d) => d.id === 'big.md'))).toHaveLength(1);
    expect(result.ingests.find((r) => r.documents.some((d) => d.id === 'big.md'))?.documents).toHaveLength(1);
    expect([...target.stored.keys()].sort()).toEqual(['a.md', 'b.txt', 'guides/c.markdown']);
    expect(result.summary?.corpusVersion).toBe(target.corpusVersion());
    expect(result.stderr).toMatch(/retrying in 0\.0 s after rate_limited: Slow down\./);
    expect(result.stderr).toMatch(/retrying in .* after internal: Boom\./);
    expect(result.stdout).toMatch(/added\s+3\n/);
    expect(result.stdout).toMatch(/skipped \(state\)\s+0\n/);
    expect(result.stdout).toMatch(/failed\s+3\n/);
    expect(result.stdout).toMatch(/total\s+6\n/);
    expect(result.stdout).toMatch(
      /big\.md\s+payload_too_large\s+The request body exceeds .* \(request req_\d+\)/,
    );
    expect(result.stdout).toMatch(new RegExp(`corpusVersion: ${target.corpusVersion()}\\n`));
    expect(result.stdout).toMatch(/elapsed: \d+\.\d s, 4 documents sent/);
  });

  it('sends documents with id, title, source and metadata', async () => {
    await put('docs/guide.md', '# The guide\ntext');
    const target = await serve();
    await run(target);
    const [doc] = target.requests.find((r) => r.path === '/ingest')?.documents ?? [];
    const { mtime } = await stat(join(folder, 'docs/guide.md'));
    expect(doc).toEqual({
      id: 'docs/guide.md',
      text: '# The guide\ntext',
      title: 'The guide',
      source: 'docs/guide.md',
      metadata: { path: 'docs/guide.md', bytes: 16, modified: mtime.toISOString() },
    });
  });

  it('resumes from the state file: unchanged files are skipped, edited ones sent, --force sends all', async () => {
    await put('a.md', 'alpha');
    await put('b.md', 'beta');
    await put('c.md', 'gamma');
    const target = await serve();

    const first = await run(target);
    expect(first.exitCode).toBe(0);
    expect(first.summary?.counts).toMatchObject({ added: 3, skipped: 0 });

    const second = await run(target);
    expect(second.summary?.counts).toMatchObject({ added: 0, skipped: 3 });
    expect(second.ingests).toHaveLength(1);
    expect(second.summary?.corpusVersion).toBe(1);

    await put('b.md', 'beta, edited');
    const third = await run(target);
    expect(third.summary?.counts).toMatchObject({ updated: 1, skipped: 2 });
    expect(third.ingests.at(-1)?.documents.map((d) => d.id)).toEqual(['b.md']);

    const forced = await run(target, { force: true });
    expect(forced.summary?.counts).toMatchObject({ unchanged: 3, skipped: 0 });
    expect(forced.exitCode).toBe(0);
  });

  it('keeps state per gateway and tenant in one state file', async () => {
    await put('a.md', 'alpha');
    const acme = await serve();
    await run(acme);
    const globex = await startGateway({ key: KEY, tenant: 'globex' });
    try {
      const other = await run(globex, { tenant: 'globex' });
      expect(other.summary?.counts).toMatchObject({ added: 1, skipped: 0 });
    } finally {
      await globex.close();
    }
    const state = JSON.parse(await readFile(join(folder, '.aigw-ingest.json'), 'utf8')) as {
      targets: Record<string, unknown>;
    };
    expect(Object.keys(state.targets)).toEqual([`${acme.url}#acme`, `${globex.url}#globex`]);
  });

  it('does not record failed documents, so the next run sends them again', async () => {
    await put('a.md', 'alpha');
    await put('b.md', 'beta');
    const target = await serve({
      script: [{ status: 400, body: envelope('invalid_request', 'Bad batch.') }],
    });
    const first = await run(target);
    expect(first.exitCode).toBe(1);
    expect(first.summary?.counts).toMatchObject({ failed: 2 });
    expect(first.stdout).toMatch(/a\.md\s+invalid_request\s+Bad batch\. \(request req_scripted\)/);
    expect(first.ingests).toHaveLength(1);

    const second = await run(target);
    expect(second.exitCode).toBe(0);
    expect(second.summary?.counts).toMatchObject({ added: 2, failed: 0, skipped: 0 });
  });

  it('keeps completed batches when interrupted, and the rerun sends only the rest', async () => {
    for (const name of ['a', 'b', 'c', 'd']) await put(`${name}.md`, `${name} `.repeat(100));
    const target = await serve({
      script: ['default', { status: 503, body: envelope('unavailable', 'Busy.') }],
    });
    const controller = new AbortController();
    const interrupted = await run(
      target,
      { batchBytes: 500 },
      {
        signal: controller.signal,
        client: {
          // Ctrl-C while waiting to retry the second batch.
          sleep: () => {
            controller.abort();
            return Promise.reject(new Error('aborted'));
          },
        },
      },
    );
    expect(interrupted.exitCode).toBe(130);
    expect(interrupted.summary?.interrupted).toBe(true);
    // One document per batch at this budget: the first batch completed, the second was cut short.
    expect(interrupted.ingests.map((r) => r.documents.length)).toEqual([1, 1]);
    expect(interrupted.summary?.counts).toMatchObject({ added: 1, failed: 0 });
    expect(interrupted.stdout).toMatch(/^Interrupted: /);
    expect(interrupted.stdout).toMatch(/3 files not processed/);

    const resumed = await run(target, { batchBytes: 500 });
    expect(resumed.exitCode).toBe(0);
    expect(resumed.summary?.counts).toMatchObject({ added: 3, skipped: 1 });
  });

  it('caps batches at the tenant body limit', async () => {
    for (let i = 0; i < 20; i++) await put(`doc${i}.md`, `document ${i} `.repeat(20));
    const target = await serve({ maxBodyBytes: 2_000 });
    const result = await run(target);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toMatch(/Batches capped at 2000 bytes/);
    expect(result.ingests.length).toBeGreaterThan(1);
    for (const request of result.ingests) expect(request.bytes).toBeLessThanOrEqual(2_000);
  });
});

describe('runIngest preflight', () => {
  it('exits 2 without sending anything when the key belongs to another tenant', async () => {
    await put('a.md', 'alpha');
    const target = await serve({ tenant: 'globex' });
    const result = await run(target, { tenant: 'acme' });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/The key belongs to tenant "globex", not "acme"; nothing was sent/);
    expect(result.ingests).toHaveLength(0);
    await expect(stat(join(folder, '.aigw-ingest.json'))).rejects.toThrow();
  });

  it('exits 2 when the gateway rejects the key', async () => {
    await put('a.md', 'alpha');
    const target = await serve();
    const result = await run(target, { key: 'wrong' });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/rejected the key: unauthorized/);
  });

  it('exits 2 when the key lacks the ingest scope', async () => {
    await put('a.md', 'alpha');
    const target = await serve({ scopes: ['chat', 'search'] });
    const result = await run(target);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/needs the "ingest" scope/);
  });

  it('exits 2 when the folder does not exist', async () => {
    const target = await serve();
    const result = await run(target, { folder: join(folder, 'missing') });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/is not a folder/);
  });
});
