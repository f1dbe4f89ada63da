import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);

/** A port nothing listens on right now (the OS picks it; we close it again before starting). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address === null || typeof address === 'string') reject(new Error('no port'));
        else resolve(address.port);
      });
    });
  });
}

async function health(port: number): Promise<Response | undefined> {
  try {
    return await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2000) });
  } catch {
    return undefined;
  }
}

describe('npm run dev', () => {
  // One real start: wrangler dev compiles the Worker and starts workerd, which on a busy 2-core
  // machine takes up to a minute. Bounded by the loop below and the test timeout.
  it('serves /health on the port given by $PORT', { timeout: 150_000 }, async () => {
    const port = await freePort();
    const state = mkdtempSync(join(tmpdir(), 'aigw-dev-test-'));
    // Its own process group, so the test stops wrangler and workerd with the script.
    const child = spawn('npx', ['tsx', 'scripts/dev.ts', '--persist-to', state], {
      cwd: root,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PORT: String(port), WRANGLER_LOG_PATH: join(state, 'logs') },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<void>((resolve) =>
      child.once('exit', () => {
        resolve();
      }),
    );
    try {
      let res: Response | undefined;
      for (let i = 0; i < 120 && res === undefined && child.exitCode === null; i++) {
        await new Promise((r) => setTimeout(r, 1000));
        res = await health(port);
      }
      expect(res?.status, output).toBe(200);
      expect(await res?.json()).toMatchObject({ status: 'ok' });
      expect(output).toContain(`http://127.0.0.1:${port}`);
    } finally {
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
      rmSync(state, { recursive: true, force: true });
    }
    expect(await health(port)).toBeUndefined();
  });
});
