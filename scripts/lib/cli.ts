import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A command line the script cannot run: the message says what is wrong (exit code 2). */
export class UsageError extends Error {}

/** `parseArgs` with positionals allowed, its errors turned into `UsageError`s. */
export function parseCommandLine<const O extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  options: O,
) {
  try {
    return parseArgs({ args, allowPositionals: true, options });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/**
 * The gateway a script talks to: `--tenant` and `--url` given, a key (from `--key` or the
 * environment variable `keyHint` names), and an http(s) URL without a trailing slash.
 */
export function gatewayTarget(
  values: { tenant?: string | undefined; url?: string | undefined },
  key: string | undefined,
  keyHint: string,
): { url: string; key: string } {
  const missing = (['tenant', 'url'] as const).filter((name) => values[name] === undefined);
  if (missing.length > 0) throw new UsageError(`missing ${missing.map((m) => `--${m}`).join(' and ')}`);
  if (key === undefined || key === '') throw new UsageError(`missing --key (${keyHint})`);
  const url = (values.url ?? '').replace(/\/+$/, '');
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
    throw new UsageError(`--url must be an http(s) URL; got "${values.url ?? ''}"`);
  }
  return { url, key };
}
