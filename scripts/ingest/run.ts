import { stat } from 'node:fs/promises';
import { BatchBuilder, documentBytes, MAX_DOCS_PER_REQUEST, type Batch } from './batch.ts';
import { GatewayClient, Interrupted, type ClientOptions, type RequestFailure } from './client.ts';
import { discoverFiles, errorMessage, readDocument, type IngestDocument } from './discover.ts';
import { emptyCounts, Progress, type Output, type ProgressOptions } from './progress.ts';
import { defaultStatePath, IngestState, normalizeUrl } from './state.ts';
import { formatSummary, type FailedFile, type RunSummary } from './summary.ts';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERRUPTED = 130;

export interface IngestOptions {
  folder: string;
  url: string;
  key: string;
  tenant: string;
  /** Defaults to `<folder>/.aigw-ingest.json`. */
  statePath?: string;
  batchBytes: number;
  /** Send every file, even those the state file says are unchanged. */
  force: boolean;
  timeoutMs?: number;
}

export interface IngestIO {
  /** The summary. */
  stdout: Output;
  /** Progress and messages. */
  stderr: Output;
  /** Ctrl-C: stops after saving what completed. */
  signal?: AbortSignal;
  /** Test seams. */
  client?: Pick<ClientOptions, 'fetch' | 'sleep' | 'random' | 'retry'>;
  progress?: ProgressOptions;
  now?: () => number;
}

export interface IngestReport {
  exitCode: number;
  summary?: RunSummary;
}

interface Pending {
  document: IngestDocument;
  sha256: string;
}

/** A problem that stops the run before anything is sent; the message says what to change. */
class StartError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

function describe(failure: RequestFailure): string {
  const request = failure.requestId === null ? '' : ` (request ${failure.requestId})`;
  return `${failure.code}: ${failure.message}${request}`;
}

/**
 * Checks that the key belongs to the tenant the caller named and may ingest. The gateway picks the
 * tenant from the key alone; `--tenant` only guards against sending a folder to the wrong tenant.
 * Returns the tenant's body limit.
 */
async function checkTenant(client: GatewayClient, options: IngestOptions): Promise<number> {
  const result = await client.tenant();
  if (!result.ok) {
    const { status } = result.error;
    if (status === 401 || status === 403) {
      throw new StartError(`The gateway rejected the key: ${describe(result.error)}`, EXIT_USAGE);
    }
    throw new StartError(
      `Cannot reach the gateway at ${options.url}: ${describe(result.error)}`,
      EXIT_FAILED,
    );
  }
  const { tenant, key } = result.value;
  if (tenant.id !== options.tenant) {
    throw new StartError(
      `The key belongs to tenant "${tenant.id}", not "${options.tenant}"; nothing was sent. ` +
        `Check --key (or AIGW_API_KEY) and --tenant.`,
      EXIT_USAGE,
    );
  }
  if (!key.scopes.includes('ingest')) {
    throw new StartError(
      `Key ${key.id} has scopes ${key.scopes.join(', ') || '(none)'}; ingesting needs the "ingest" scope.`,
      EXIT_USAGE,
    );
  }
  if (!tenant.features.rag) {
    throw new StartError(`Tenant ${tenant.id} does not have the rag feature enabled.`, EXIT_USAGE);
  }
  return tenant.limits.maxBodyBytes;
}

async function checkFolder(folder: string): Promise<void> {
  const info = await stat(folder).catch(() => undefined);
  if (!info?.isDirectory()) throw new StartError(`${folder} is not a folder`, EXIT_USAGE);
}

/** Ingests a folder into a tenant; writes progress to stderr and the summary to stdout. */
export async function runIngest(options: IngestOptions, io: IngestIO): Promise<IngestReport> {
  const now = io.now ?? Date.now;
  const started = now();
  // Retry notices go to stderr until the progress bar exists, then through it (so it is redrawn).
  const notices = { log: (message: string) => void io.stderr.write(`${message}\n`) };
  const client = new GatewayClient({
    url: options.url,
    key: options.key,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(io.signal ? { signal: io.signal } : {}),
    ...io.client,
    onRetry: ({ attempt, delayMs, failure }) => {
      notices.log(
        `retrying in ${(delayMs / 1000).toFixed(1)} s after ${describe(failure)} (attempt ${attempt} failed)`,
      );
    },
  });

  let maxBodyBytes: number;
  let state: IngestState;
  try {
    await checkFolder(options.folder);
    maxBodyBytes = await checkTenant(client, options);
    state = await IngestState.load(
      options.statePath ?? defaultStatePath(options.folder),
      options.url,
      options.tenant,
    ).catch((error: unknown) => {
      throw new StartError(`Cannot read the state file: ${errorMessage(error)}`, EXIT_USAGE);
    });
  } catch (error) {
    if (error instanceof StartError) {
      io.stderr.write(`${error.message}\n`);
      return { exitCode: error.exitCode };
    }
    if (error instanceof Interrupted) return { exitCode: EXIT_INTERRUPTED };
    throw error;
  }

  const files = await discoverFiles(options.folder);
  const counts = emptyCounts();
  const failures: FailedFile[] = [];
  let done = 0;
  let sent = 0;
  let corpusVersion = state.target.corpusVersion;
  const bar = new Progress(io.stderr, files.length, io.progress);
  notices.log = (message) => {
    bar.log(message);
  };

  // A budget above the tenant's body limit would have every full batch refused with 413.
  const maxBytes = Math.min(options.batchBytes, maxBodyBytes);
  if (maxBytes < options.batchBytes) {
    bar.log(
      `Batches capped at ${maxBytes} bytes, the tenant's body limit (--batch-bytes ${options.batchBytes}).`,
    );
  }
  const batches = new BatchBuilder<Pending>({ maxBytes, maxDocs: MAX_DOCS_PER_REQUEST }, (p) =>
    documentBytes(p.document),
  );

  const fail = (id: string, failure: Omit<FailedFile, 'id'>) => {
    failures.push({ id, ...failure });
    counts.failed++;
    state.forget(id);
  };

  const send = async (batch: Batch<Pending>): Promise<void> => {
    const result = await client.ingest(batch.items.map((p) => p.document));
    if (result.ok) {
      const at = new Date(now());
      const { value } = result;
      const outcomes = new Map<string, 'added' | 'updated' | 'unchanged'>();
      for (const id of value.added) outcomes.set(id, 'added');
      for (const id of value.updated) outcomes.set(id, 'updated');
      for (const id of value.unchanged) outcomes.set(id, 'unchanged');
      const rejected = new Map(value.failed.map((f) => [f.id, f]));
      for (const { document, sha256 } of batch.items) {
        const outcome = outcomes.get(document.id);
        const failure = rejected.get(document.id);
        if (outcome !== undefined) {
          counts[outcome]++;
          state.record(document.id, sha256, outcome, value.corpusVersion, at);
        } else if (failure !== undefined) {
          fail(document.id, { code: failure.code, message: failure.message, requestId: null });
        } else {
          fail(document.id, {
            code: 'missing_from_response',
            message: 'the gateway did not report on this document',
            requestId: null,
          });
        }
      }
      sent += batch.items.length;
      corpusVersion = value.corpusVersion;
    } else {
      const { code, message, requestId } = result.error;
      for (const { document } of batch.items) fail(document.id, { code, message, requestId });
    }
    // Saved after every batch: an interrupted run keeps everything that completed.
    await state.save();
    done += batch.items.length;
    bar.update(done, counts);
  };

  let interrupted = false;
  try {
    bar.update(0, counts);
    for (const file of files) {
      if (io.signal?.aborted) throw new Interrupted();
      const prepared = await readDocument(file);
      if (!prepared.ok) {
        fail(file.id, { code: prepared.code, message: prepared.message, requestId: null });
        done++;
        bar.update(done, counts);
        continue;
      }
      if (!options.force && state.isUnchanged(file.id, prepared.sha256)) {
        counts.skipped++;
        done++;
        bar.update(done, counts);
        continue;
      }
      const closed = batches.add({ document: prepared.document, sha256: prepared.sha256 });
      if (closed) await send(closed);
    }
    const last = batches.flush();
    if (last) await send(last);
  } catch (error) {
    if (!(error instanceof Interrupted)) throw error;
    interrupted = true;
  } finally {
    // Local failures (unreadable or empty files) are recorded too, even when no batch completed.
    await state.save();
    bar.finish();
  }

  const summary: RunSummary = {
    folder: options.folder,
    url: normalizeUrl(options.url),
    tenant: options.tenant,
    total: files.length,
    counts,
    failures: failures.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    corpusVersion,
    sent,
    elapsedMs: now() - started,
    interrupted,
  };
  io.stdout.write(formatSummary(summary));
  const exitCode = interrupted ? EXIT_INTERRUPTED : counts.failed > 0 ? EXIT_FAILED : EXIT_OK;
  return { exitCode, summary };
}
