import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  discoverFiles,
  markdownTitle,
  prepareDocument,
  readDocument,
  sha256Hex,
  titleFor,
} from './discover.ts';

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'aigw-ingest-discover-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function put(path: string, content: string | Buffer): Promise<void> {
  await mkdir(join(root, path, '..'), { recursive: true });
  await writeFile(join(root, path), content);
}

describe('discoverFiles', () => {
  it('finds .md, .markdown and .txt files recursively, ids relative with POSIX separators, sorted', async () => {
    await put('b.md', '# B');
    await put('a.txt', 'a');
    await put('guides/setup/install.markdown', '# Install');
    await put('guides/UPPER.MD', '# Upper');
    await put('image.png', 'x');
    await put('notes.json', '{}');
    const ids = (await discoverFiles(root)).map((f) => f.id);
    expect(ids).toEqual(['a.txt', 'b.md', 'guides/UPPER.MD', 'guides/setup/install.markdown']);
  });

  it('skips dotfiles, dot-folders (the state file, .git) and node_modules', async () => {
    await put('keep.md', 'k');
    await put('.hidden.md', 'h');
    await put('.aigw-ingest.json', '{}');
    await put('.git/HEAD.md', 'g');
    await put('node_modules/pkg/README.md', 'n');
    await put('docs/node_modules/x.txt', 'n');
    expect((await discoverFiles(root)).map((f) => f.id)).toEqual(['keep.md']);
  });

  it('records size and modification time', async () => {
    await put('a.md', 'héllo');
    const [file] = await discoverFiles(root);
    expect(file?.bytes).toBe(6);
    expect(file?.modified).toBeInstanceOf(Date);
  });
});

describe('titles', () => {
  it('takes the first level-1 ATX heading', () => {
    expect(markdownTitle('intro\n\n## Sub\n# Main title #\n# Second')).toBe('Main title');
    expect(markdownTitle('   #   Indented  ')).toBe('Indented');
  });

  it('ignores headings in code fences and front matter, and a leading BOM', () => {
    const text =
      '\uFEFF---\ntitle: x\n# not a heading\n---\n```sh\n# comment\n```\n~~~\n# also not\n~~~\n# Real';
    expect(markdownTitle(text)).toBe('Real');
  });

  it('does not take #hashtags or ##-headings', () => {
    expect(markdownTitle('#tag\n## Two\n###### Six')).toBeUndefined();
  });

  it('falls back to the file name; text files never use headings', () => {
    expect(titleFor('docs/guide.md', 'no heading')).toBe('guide.md');
    expect(titleFor('notes/todo.txt', '# Looks like a heading')).toBe('todo.txt');
    expect(titleFor('a.markdown', '# Mark')).toBe('Mark');
  });

  it('caps titles at the gateway limit of 300 characters', () => {
    expect(titleFor('a.md', `# ${'x'.repeat(400)}`)).toHaveLength(300);
  });
});

describe('prepareDocument', () => {
  const file = { id: 'docs/a.md', absolutePath: '/x/docs/a.md', bytes: 9, modified: new Date(0) };

  it('builds id, title, source and metadata { path, bytes, modified }', () => {
    const content = Buffer.from('# Alpha\nbody');
    const prepared = prepareDocument(file, content);
    expect(prepared).toEqual({
      ok: true,
      file,
      sha256: sha256Hex(content),
      document: {
        id: 'docs/a.md',
        text: '# Alpha\nbody',
        title: 'Alpha',
        source: 'docs/a.md',
        metadata: { path: 'docs/a.md', bytes: 12, modified: '1970-01-01T00:00:00.000Z' },
      },
    });
  });

  it('fails files the gateway would reject for the whole batch', () => {
    expect(prepareDocument(file, Buffer.alloc(0))).toMatchObject({ ok: false, code: 'empty_file' });
    const longId = { ...file, id: `${'d/'.repeat(130)}a.md` };
    expect(prepareDocument(longId, Buffer.from('x'))).toMatchObject({ ok: false, code: 'id_too_long' });
  });

  it('omits source when the path is longer than the gateway allows, keeping metadata.path', () => {
    const id = `${'d'.repeat(210)}.md`;
    const prepared = prepareDocument({ ...file, id }, Buffer.from('x'));
    if (!prepared.ok) throw new Error('expected a document');
    expect(prepared.document.source).toBeUndefined();
    expect(prepared.document.metadata.path).toBe(id);
  });

  it('turns a read error into a local failure', async () => {
    const prepared = await readDocument({ ...file, absolutePath: join(root, 'missing.md') });
    expect(prepared).toMatchObject({ ok: false, code: 'read_error' });
  });
});
