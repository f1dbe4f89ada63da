import { parseKeysArgs, USAGE, UsageError, type KeysInvocation } from './args.ts';

export const EXIT_OK = 0;
export const EXIT_REFUSED = 1;
export const EXIT_USAGE = 2;

export interface Output {
  write(text: string): unknown;
}

export interface KeysIo {
  stdout: Output;
  stderr: Output;
  fetch?: typeof fetch;
}

interface ErrorEnvelope {
  error?: {
    code?: string;
    message?: string;
    details?: { issues?: { path?: unknown[]; message?: string }[] };
  };
}

/** What to do about a refusal, beyond the gateway's own message. */
const HINTS: Record<string, string> = {
  missing_api_key: 'send the operator key with --key or OPERATOR_API_KEY',
  invalid_api_key: 'the operator key was refused: check --key or OPERATOR_API_KEY',
  misconfigured: 'the gateway has no usable operator key: set its OPERATOR_API_KEY secret',
  tenant_not_found: 'no such tenant in this gateway’s registry (check --tenant and --url)',
  key_not_found: 'no such runtime key in this tenant (check --id with the list command)',
  key_conflict: 'the key is revoked, expired, or still in a rotation’s grace period',
};

/** Runs one command against the gateway; returns the exit code. Never prints a key except the one just issued. */
export async function runKeys(argv: string[], env: NodeJS.ProcessEnv, io: KeysIo): Promise<number> {
  let invocation: KeysInvocation;
  try {
    const parsed = parseKeysArgs(argv, env);
    if (parsed.help) {
      io.stdout.write(USAGE);
      return EXIT_OK;
    }
    invocation = parsed;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`keys: ${error.message}\nRun with --help for usage.\n`);
    return EXIT_USAGE;
  }

  const { url, key, request } = invocation;
  let res: Response;
  try {
    res = await (io.fetch ?? fetch)(`${url}${request.path}`, {
      method: request.method,
      headers: {
        authorization: `Bearer ${key}`,
        accept: 'application/json',
        ...(request.body ? { 'content-type': 'application/json' } : {}),
      },
      ...(request.body ? { body: JSON.stringify(request.body) } : {}),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    const reason =
      error instanceof Error
        ? error.cause instanceof Error
          ? error.cause.message
          : error.message
        : String(error);
    io.stderr.write(
      `keys: cannot reach ${url} (${reason}). Is the gateway running (npm run dev) and --url right?\n`,
    );
    return EXIT_REFUSED;
  }

  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    io.stderr.write(
      `keys: ${request.method} ${request.path} answered ${res.status} without the gateway's JSON; is --url the gateway?\n`,
    );
    return EXIT_REFUSED;
  }
  if (!res.ok) {
    const { error } = body as ErrorEnvelope;
    const code = error?.code ?? `http_${res.status}`;
    const lines = [`keys: ${res.status} ${code}: ${error?.message ?? 'refused'}`];
    for (const issue of error?.details?.issues ?? []) {
      lines.push(`  - ${(issue.path ?? []).join('.') || '(body)'}: ${issue.message ?? ''}`);
    }
    const hint = HINTS[code];
    if (hint) lines.push(`  ${hint}`);
    io.stderr.write(`${lines.join('\n')}\n`);
    return EXIT_REFUSED;
  }
  io.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
  if (invocation.command === 'create' || invocation.command === 'rotate') {
    io.stderr.write('The "key" above is shown this once; only its hash is kept. Store it now.\n');
  }
  return EXIT_OK;
}
