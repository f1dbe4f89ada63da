import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/**
 * The size budget for one Worker bundle, compressed. Cloudflare's limit is 3 MiB (gzip) on the
 * Free plan and 10 MiB on Paid; we hold every tenant's Worker to the Free limit so a dedicated
 * tenant can live in any account (including a free one) and a regression shows long before it
 * could break a paid deploy.
 */
export const BUNDLE_BUDGET_GZIP_BYTES = 3 * 1024 * 1024;

export interface BundleSize {
  files: number;
  bytes: number;
  gzipBytes: number;
}

/** Sizes what `wrangler deploy --dry-run --outdir` wrote: every module, not source maps or the README. */
export async function measureBundle(outdir: string): Promise<BundleSize> {
  const size: BundleSize = { files: 0, bytes: 0, gzipBytes: 0 };
  for (const entry of await readdir(outdir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || entry.name.endsWith('.map') || entry.name === 'README.md') continue;
    const data = await readFile(join(entry.parentPath, entry.name));
    size.files += 1;
    size.bytes += data.byteLength;
    size.gzipBytes += gzipSync(data, { level: 9 }).byteLength;
  }
  return size;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
}
