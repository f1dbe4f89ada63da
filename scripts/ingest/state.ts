import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export const DEFAULT_STATE_FILE = '.aigw-ingest.json';
const STATE_VERSION = 1;

export type DocumentOutcome = 'added' | 'updated' | 'unchanged';

/** What the gateway said about one file the last time a batch holding it succeeded. */
export interface FileRecord {
  sha256: string;
  outcome: DocumentOutcome;
  corpusVersion: number;
  ingestedAt: string;
}

/** One gateway + tenant pair: the same folder can be ingested into several tenants. */
export interface TargetState {
  url: string;
  tenant: string;
  corpusVersion: number | null;
  files: Record<string, FileRecord>;
}

interface StateFile {
  version: typeof STATE_VERSION;
  targets: Record<string, TargetState>;
}

export function defaultStatePath(folder: string): string {
  return join(folder, DEFAULT_STATE_FILE);
}

/** The gateway URL without query, hash or trailing slash, so equivalent spellings share state. */
export function normalizeUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
}

export function targetKey(url: string, tenant: string): string {
  return `${normalizeUrl(url)}#${tenant}`;
}

async function readStateFile(path: string): Promise<StateFile> {
  let raw: string;
  try {
    raw = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: STATE_VERSION, targets: {} };
    throw error;
  }
  const parsed = JSON.parse(raw) as Partial<StateFile> | null;
  if (parsed?.version !== STATE_VERSION || typeof parsed.targets !== 'object') {
    throw new Error(`${path} is not an ingest state file (version ${STATE_VERSION}); pass another --state`);
  }
  return { version: STATE_VERSION, targets: parsed.targets };
}

/**
 * The resume state of one gateway + tenant. Each `save()` re-reads the file and replaces only this
 * target, then renames a temporary file over it, so an interrupted run never leaves a torn file and
 * a run for another tenant on the same folder keeps its entries.
 */
export class IngestState {
  private constructor(
    readonly path: string,
    private readonly key: string,
    readonly target: TargetState,
  ) {}

  static async load(path: string, url: string, tenant: string): Promise<IngestState> {
    const file = await readStateFile(path);
    const key = targetKey(url, tenant);
    const target = file.targets[key] ?? { url: normalizeUrl(url), tenant, corpusVersion: null, files: {} };
    return new IngestState(path, key, target);
  }

  /** True when the file was ingested before with exactly this content. */
  isUnchanged(id: string, sha256: string): boolean {
    return this.target.files[id]?.sha256 === sha256;
  }

  record(id: string, sha256: string, outcome: DocumentOutcome, corpusVersion: number, at: Date): void {
    this.target.files[id] = { sha256, outcome, corpusVersion, ingestedAt: at.toISOString() };
    this.target.corpusVersion = Math.max(this.target.corpusVersion ?? 0, corpusVersion);
  }

  /** Drops a file's record, so that the next run sends it again. */
  forget(id: string): void {
    // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- a record keyed by file path, by design
    delete this.target.files[id];
  }

  async save(): Promise<void> {
    const file = await readStateFile(this.path);
    file.targets[this.key] = this.target;
    await mkdir(dirname(this.path), { recursive: true });
    const temporary = `${this.path}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(file, null, 2)}\n`);
    await rename(temporary, this.path);
  }
}
