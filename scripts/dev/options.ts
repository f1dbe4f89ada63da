import { parseArgs } from 'node:util';

export const DEFAULT_PORT = 8787;

export const USAGE = `Usage: npm run dev [-- --port <n>] [-- <wrangler dev options>]

Serves the gateway on http://127.0.0.1:<port> (default ${DEFAULT_PORT}) in the local workerd runtime.
The port comes from --port, else $PORT, else ${DEFAULT_PORT}. Options the gateway does not know
(e.g. --persist-to <dir>) are passed to wrangler dev.
`;

export class DevUsageError extends Error {}

export interface DevOptions {
  port: number;
  /** Arguments for `wrangler dev` that this script does not interpret. */
  wranglerArgs: string[];
}

function parsePort(value: string, source: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(port) || port < 1 || port > 65535) {
    throw new DevUsageError(`${source} must be a port number from 1 to 65535, got "${value}"`);
  }
  return port;
}

/** `npm run dev` options from its arguments and environment; `--port` wins over `$PORT`. */
export function parseDevOptions(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): DevOptions {
  const { values, tokens } = parseArgs({
    args: [...argv],
    options: { port: { type: 'string' } },
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  // Everything but our own --port goes to wrangler unchanged, in its original order.
  const wranglerArgs: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'option' && token.name === 'port') continue;
    if (token.kind === 'option-terminator') continue;
    const raw = token.kind === 'positional' ? token.value : token.rawName;
    wranglerArgs.push(raw);
    if (token.kind === 'option' && token.value !== undefined) {
      if (token.inlineValue) wranglerArgs[wranglerArgs.length - 1] = `${raw}=${token.value}`;
      else wranglerArgs.push(token.value);
    }
  }
  const fromArg = values.port;
  if (typeof fromArg === 'boolean') throw new DevUsageError('--port needs a value, e.g. --port 8790');
  if (fromArg !== undefined) return { port: parsePort(fromArg, '--port'), wranglerArgs };
  const fromEnv = env.PORT;
  if (fromEnv !== undefined && fromEnv !== '') return { port: parsePort(fromEnv, 'PORT'), wranglerArgs };
  return { port: DEFAULT_PORT, wranglerArgs };
}
