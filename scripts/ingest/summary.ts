import type { Counts } from './progress.ts';

export interface FailedFile {
  id: string;
  code: string;
  message: string;
  requestId: string | null;
}

export interface RunSummary {
  folder: string;
  url: string;
  tenant: string;
  total: number;
  counts: Counts;
  failures: FailedFile[];
  /** After the last successful batch; from the state file when nothing was sent. */
  corpusVersion: number | null;
  /** Documents that reached the gateway in a successful request. */
  sent: number;
  elapsedMs: number;
  interrupted: boolean;
}

/** A plain text table: columns padded to their widest cell, numbers right-aligned. */
export function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => (/^\d+$/.test(cell) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

export function formatSummary(summary: RunSummary): string {
  const { counts } = summary;
  const lines = [
    `${summary.interrupted ? 'Interrupted' : 'Ingested'}: ${summary.folder} into tenant ${summary.tenant} at ${summary.url}`,
    '',
    table([
      ['  added', String(counts.added)],
      ['  updated', String(counts.updated)],
      ['  unchanged', String(counts.unchanged)],
      ['  skipped (state)', String(counts.skipped)],
      ['  failed', String(counts.failed)],
      ['  total', String(summary.total)],
    ]),
  ];
  if (summary.interrupted) {
    const pending =
      summary.total - counts.added - counts.updated - counts.unchanged - counts.skipped - counts.failed;
    lines.push('', `${pending} files not processed; completed batches are kept in the state file.`);
  }
  if (summary.failures.length > 0) {
    lines.push('', `Failed (${summary.failures.length}):`);
    lines.push(
      table(
        summary.failures.map((f) => [
          `  ${f.id}`,
          f.code,
          f.requestId === null ? f.message : `${f.message} (request ${f.requestId})`,
        ]),
      ),
    );
  }
  const rate = summary.elapsedMs > 0 ? (summary.sent / (summary.elapsedMs / 1000)).toFixed(1) : '-';
  lines.push(
    '',
    `corpusVersion: ${summary.corpusVersion ?? 'none yet'}`,
    `elapsed: ${seconds(summary.elapsedMs)}, ${summary.sent} document${summary.sent === 1 ? '' : 's'} sent (${rate} docs/s)`,
  );
  return `${lines.join('\n')}\n`;
}
