import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join, relative, sep } from 'node:path';

/** Extensions the gateway's chunker understands (plain text and Markdown). */
export const INGEST_EXTENSIONS: ReadonlySet<string> = new Set(['.md', '.markdown', '.txt']);

// The gateway's document schema (packages/rag ingestDocumentSchema). A batch holding one document
// that breaks these rules is rejected whole with a 400, so such files are failed here instead.
const MAX_ID_CHARS = 256;
const MAX_TEXT_CHARS = 2_000_000;
const MAX_TITLE_CHARS = 300;
const MAX_SOURCE_CHARS = 200;

export interface SourceFile {
  /** Path relative to the ingested folder with POSIX separators; also the document id. */
  id: string;
  absolutePath: string;
  bytes: number;
  modified: Date;
}

/** The body of one document in `POST /ingest`. */
export interface IngestDocument {
  id: string;
  text: string;
  title: string;
  source?: string;
  metadata: { path: string; bytes: number; modified: string };
}

/** Problems found before a file is sent; the gateway's own codes come back from the client. */
export type LocalFailureCode = 'read_error' | 'empty_file' | 'id_too_long' | 'text_too_long';

export type PreparedFile =
  | { ok: true; file: SourceFile; sha256: string; document: IngestDocument }
  | { ok: false; file: SourceFile; code: LocalFailureCode; message: string };

/**
 * Every `.md`, `.markdown` and `.txt` file under `root`, sorted by id so runs (and batches) are
 * reproducible. Dotfiles and dot-folders (which include the state file and `.git`) and
 * `node_modules` are skipped; symbolic links are not followed, so a link cannot leave the folder.
 */
export async function discoverFiles(root: string): Promise<SourceFile[]> {
  const found: SourceFile[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const entry of entries) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const absolutePath = join(dir, entry.name);
      if (entry.isDirectory()) {
        await walk(absolutePath);
      } else if (entry.isFile() && INGEST_EXTENSIONS.has(extname(entry.name).toLowerCase())) {
        const info = await stat(absolutePath);
        found.push({
          id: relative(root, absolutePath).split(sep).join('/'),
          absolutePath,
          bytes: info.size,
          modified: info.mtime,
        });
      }
    }
  };
  await walk(root);
  return found.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * The first ATX `# heading` of a Markdown text (level 1 only), outside front matter and code
 * fences; undefined when there is none.
 */
export function markdownTitle(text: string): string | undefined {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let i = 0;
  if (lines[0]?.trim() === '---') {
    const end = lines.findIndex((line, n) => n > 0 && /^(---|\.\.\.)\s*$/.test(line));
    if (end > 0) i = end + 1;
  }
  let fence: string | undefined;
  for (; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker !== undefined) {
      if (fence === undefined) fence = marker;
      else if (marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
      continue;
    }
    if (fence !== undefined) continue;
    const heading = /^ {0,3}#[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/.exec(line)?.[1]?.trim();
    if (heading) return heading;
  }
  return undefined;
}

/** The title a file is ingested with: its first `# heading` for Markdown, else the file name. */
export function titleFor(id: string, text: string): string {
  const ext = extname(id).toLowerCase();
  const heading = ext === '.md' || ext === '.markdown' ? markdownTitle(text) : undefined;
  return (heading ?? basename(id)).slice(0, MAX_TITLE_CHARS);
}

export function sha256Hex(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

/** Builds the document for a file from its content, or says why it cannot be sent. */
export function prepareDocument(file: SourceFile, content: Buffer): PreparedFile {
  const text = content.toString('utf8');
  if (file.id.length > MAX_ID_CHARS) {
    return {
      ok: false,
      file,
      code: 'id_too_long',
      message: `the relative path is ${file.id.length} characters; document ids are at most ${MAX_ID_CHARS}`,
    };
  }
  if (text.length === 0) {
    return { ok: false, file, code: 'empty_file', message: 'the file is empty; there is nothing to index' };
  }
  if (text.length > MAX_TEXT_CHARS) {
    return {
      ok: false,
      file,
      code: 'text_too_long',
      message: `the file has ${text.length} characters; a document is at most ${MAX_TEXT_CHARS}`,
    };
  }
  const document: IngestDocument = {
    id: file.id,
    text,
    title: titleFor(file.id, text),
    // `source` is capped by the gateway; a longer path stays findable through metadata.path.
    ...(file.id.length <= MAX_SOURCE_CHARS ? { source: file.id } : {}),
    metadata: { path: file.id, bytes: content.length, modified: file.modified.toISOString() },
  };
  return { ok: true, file, sha256: sha256Hex(content), document };
}

/** Reads a discovered file and prepares its document; a read error becomes a local failure. */
export async function readDocument(file: SourceFile): Promise<PreparedFile> {
  try {
    return prepareDocument(file, await readFile(file.absolutePath));
  } catch (error) {
    return { ok: false, file, code: 'read_error', message: errorMessage(error) };
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
