import { DEPLOY_ENVIRONMENTS, type DeployEnvironment } from '@aigw/tenancy';
import { formatBytes } from './bundle.ts';
import type { DeployResult } from './deploy.ts';

export function parseEnvironment(value: string | undefined): DeployEnvironment {
  const env = DEPLOY_ENVIRONMENTS.find((e) => e === value);
  if (env === undefined) {
    console.error(
      `--env must be one of ${DEPLOY_ENVIRONMENTS.join(', ')}; got ${value === undefined ? 'nothing' : `"${value}"`}`,
    );
    process.exit(2);
  }
  return env;
}

/** One line saying what happened, for the end of a deploy and for summary tables. */
export function outcome(result: DeployResult): string {
  if (!result.success) return 'FAILED';
  if (result.bundle)
    return `built ${formatBytes(result.bundle.bytes)} / gzip ${formatBytes(result.bundle.gzipBytes)}`;
  return `deployed${result.versionId ? ` (version ${result.versionId})` : ''}`;
}

/** A plain text table: columns padded to their widest cell. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
