import { resolve } from 'node:path';
import { gatewayTarget, parseCommandLine, UsageError } from '../lib/cli.ts';
import { DEFAULT_BATCH_BYTES } from './batch.ts';
import type { IngestOptions } from './run.ts';
import { DEFAULT_STATE_FILE } from './state.ts';

export const USAGE = `Usage: npm run ingest -- --tenant <id> --url <gateway> [--key <key>] [options] <folder>

Sends every .md, .markdown and .txt file under <folder> (dotfiles and node_modules skipped) to the
gateway's POST /ingest, in batches. The document id and source are the path relative to <folder>;
the title is the first "# heading", or the file name.

Options:
  --tenant <id>         the tenant the key must belong to (checked with GET /tenant)
  --url <url>           gateway base URL, e.g. http://127.0.0.1:8787
  --key <key>           API key with the "ingest" scope (default: $AIGW_API_KEY)
  --batch-bytes <n>     request body budget in bytes (default ${DEFAULT_BATCH_BYTES}; capped at the
                        tenant's body limit); a larger file is sent on its own
  --state <file>        resume state (default <folder>/${DEFAULT_STATE_FILE})
  --force               send every file, even those unchanged since the last run
  --timeout <seconds>   per request attempt (default 120)
  -h, --help            this text

Files whose content is unchanged since the last successful run against the same gateway and tenant
are skipped. 429, 5xx and network errors are retried up to 5 attempts (honouring Retry-After).

Exit codes: 0 nothing failed, 1 some documents failed (or no gateway), 2 usage error (including a key
of another tenant), 130 interrupted (completed batches are kept).
`;

export type ParsedArgs = { help: true } | { help: false; options: IngestOptions };

export { UsageError };

function positiveInt(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new UsageError(`--${name} must be a positive integer`);
  return n;
}

/** Parses the command line; throws `UsageError` with the problem. */
export function parseCliArgs(args: string[], env: NodeJS.ProcessEnv): ParsedArgs {
  const { values, positionals } = parseCommandLine(args, {
    tenant: { type: 'string' },
    url: { type: 'string' },
    key: { type: 'string' },
    'batch-bytes': { type: 'string' },
    state: { type: 'string' },
    force: { type: 'boolean', default: false },
    timeout: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) return { help: true };

  const { url, key } = gatewayTarget(values, values.key ?? env.AIGW_API_KEY, 'or AIGW_API_KEY');
  if (positionals.length !== 1) {
    throw new UsageError(positionals.length === 0 ? 'missing <folder>' : 'give exactly one <folder>');
  }
  const folder = positionals[0] ?? '';
  const timeout = positiveInt('timeout', values.timeout);
  return {
    help: false,
    options: {
      folder,
      url,
      key,
      tenant: values.tenant ?? '',
      ...(values.state !== undefined ? { statePath: resolve(values.state) } : {}),
      batchBytes: positiveInt('batch-bytes', values['batch-bytes']) ?? DEFAULT_BATCH_BYTES,
      force: values.force,
      ...(timeout !== undefined ? { timeoutMs: timeout * 1000 } : {}),
    },
  };
}
