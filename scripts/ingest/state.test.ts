import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IngestState, normalizeUrl, targetKey } from './state.ts';

let dir: string;
let path: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aigw-ingest-state-'));
  path = join(dir, '.aigw-ingest.json');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const at = new Date('2026-01-01T00:00:00Z');

describe('IngestState', () => {
  it('starts empty and remembers what was saved', async () => {
    const state = await IngestState.load(path, 'http://gw', 'acme');
    expect(state.isUnchanged('a.md', 'h1')).toBe(false);
    state.record('a.md', 'h1', 'added', 3, at);
    await state.save();

    const again = await IngestState.load(path, 'http://gw', 'acme');
    expect(again.isUnchanged('a.md', 'h1')).toBe(true);
    expect(again.isUnchanged('a.md', 'h2')).toBe(false);
    expect(again.target.corpusVersion).toBe(3);
    expect(again.target.files['a.md']).toEqual({
      sha256: 'h1',
      outcome: 'added',
      corpusVersion: 3,
      ingestedAt: '2026-01-01T00:00:00.000Z',
    });
  });

  it('keeps one entry per gateway URL and tenant in the same file', async () => {
    const acme = await IngestState.load(path, 'http://gw/', 'acme');
    const globex = await IngestState.load(path, 'http://gw', 'globex');
    acme.record('a.md', 'h1', 'added', 1, at);
    globex.record('a.md', 'h1', 'added', 7, at);
    await acme.save();
    await globex.save();

    const file = JSON.parse(await readFile(path, 'utf8')) as { targets: Record<string, unknown> };
    expect(Object.keys(file.targets).sort()).toEqual([targetKey('http://gw', 'acme'), 'http://gw#globex']);
    expect((await IngestState.load(path, 'http://gw', 'acme')).target.corpusVersion).toBe(1);
    expect((await IngestState.load(path, 'http://other:8787', 'acme')).isUnchanged('a.md', 'h1')).toBe(false);
  });

  it('forgets a file so that it is sent again', async () => {
    const state = await IngestState.load(path, 'http://gw', 'acme');
    state.record('a.md', 'h1', 'added', 1, at);
    state.forget('a.md');
    expect(state.isUnchanged('a.md', 'h1')).toBe(false);
  });

  it('refuses a file that is not an ingest state file', async () => {
    await writeFile(path, '{"something":"else"}');
    await expect(IngestState.load(path, 'http://gw', 'acme')).rejects.toThrow(/not an ingest state file/);
  });

  it('normalises URLs: no trailing slash, query or hash', () => {
    expect(normalizeUrl('http://127.0.0.1:8787/')).toBe('http://127.0.0.1:8787');
    expect(normalizeUrl('https://gw.example.com/api/?x=1#y')).toBe('https://gw.example.com/api');
  });
});
