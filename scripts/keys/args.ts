import { gatewayTarget, parseCommandLine, UsageError } from '../lib/cli.ts';

export const USAGE = `Usage: npm run keys -- <command> --tenant <id> --url <gateway> [--key <operator key>] [options]

Manages a tenant's runtime API keys and its run-time switch through the gateway's operator routes
(/admin/tenants/<id>/...). See docs/keys.md.

Commands:
  create      --name <text> --scopes <a,b> [--models <a,b>] [--rate <per min>/<burst>]
              [--tokens <per min>/<burst>] [--tokens-per-day <n>] [--usd-per-month <n>]
              [--expires <ISO 8601>] [--meta <key>=<value>]...   prints the key once
  list                                   every runtime key of the tenant (never a secret)
  get         --id <key id>
  revoke      --id <key id>
  rotate      --id <key id> [--grace <seconds>]     prints the new key once
  suspend                                the tenant's requests get 403 within the cache period
  resume

Options:
  --tenant <id>   the tenant
  --url <url>     gateway base URL, e.g. http://127.0.0.1:8787
  --key <key>     the operator key (default: $OPERATOR_API_KEY; in development the README's dev key)
  -h, --help      this text

Exit codes: 0 done, 1 the gateway refused or could not be reached, 2 usage error.
`;

export const COMMANDS = ['create', 'list', 'get', 'revoke', 'rotate', 'suspend', 'resume'] as const;
export type Command = (typeof COMMANDS)[number];

export { UsageError };

export interface KeysRequest {
  method: 'GET' | 'POST' | 'DELETE';
  /** Path below the gateway URL. */
  path: string;
  body?: Record<string, unknown>;
}

export interface KeysInvocation {
  command: Command;
  url: string;
  key: string;
  tenant: string;
  request: KeysRequest;
}

export type ParsedArgs = { help: true } | ({ help: false } & KeysInvocation);

function rate(name: string, value: string | undefined): { rate: number; burst: number } | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d+)\/(\d+)$/.exec(value);
  if (!match) throw new UsageError(`--${name} takes <per minute>/<burst>, e.g. 60/10; got "${value}"`);
  return { rate: Number(match[1]), burst: Number(match[2]) };
}

function positive(name: string, value: string | undefined, integer: boolean): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || (integer && !Number.isSafeInteger(n))) {
    throw new UsageError(`--${name} must be a ${integer ? 'whole ' : ''}number ≥ 0; got "${value}"`);
  }
  return n;
}

const list = (value: string | undefined) =>
  value === undefined
    ? undefined
    : value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);

/** Parses the command line into one request to the gateway; throws `UsageError` with the problem. */
export function parseKeysArgs(args: string[], env: NodeJS.ProcessEnv): ParsedArgs {
  const { values, positionals } = parseCommandLine(args, {
    tenant: { type: 'string' },
    url: { type: 'string' },
    key: { type: 'string' },
    id: { type: 'string' },
    name: { type: 'string' },
    scopes: { type: 'string' },
    models: { type: 'string' },
    rate: { type: 'string' },
    tokens: { type: 'string' },
    'tokens-per-day': { type: 'string' },
    'usd-per-month': { type: 'string' },
    expires: { type: 'string' },
    meta: { type: 'string', multiple: true },
    grace: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) return { help: true };
  const [command, ...extra] = positionals;
  if (command === undefined) throw new UsageError(`missing a command: one of ${COMMANDS.join(', ')}`);
  if (!(COMMANDS as readonly string[]).includes(command)) {
    throw new UsageError(`unknown command "${command}": one of ${COMMANDS.join(', ')}`);
  }
  if (extra.length > 0) throw new UsageError(`unexpected "${extra.join(' ')}"`);
  const { url, key } = gatewayTarget(
    values,
    values.key ?? env.OPERATOR_API_KEY,
    'or OPERATOR_API_KEY): the operator key',
  );
  const tenant = values.tenant ?? '';
  if (!/^[a-z][a-z0-9-]{1,31}$/.test(tenant))
    throw new UsageError(`--tenant is not a tenant id: "${tenant}"`);

  const base = `/admin/tenants/${tenant}`;
  const id = () => {
    if (values.id === undefined) throw new UsageError(`${command} needs --id <key id>`);
    return `${base}/keys/${encodeURIComponent(values.id)}`;
  };
  const request = ((): KeysRequest => {
    switch (command as Command) {
      case 'create':
        return { method: 'POST', path: `${base}/keys`, body: createBody(values) };
      case 'list':
        return { method: 'GET', path: `${base}/keys` };
      case 'get':
        return { method: 'GET', path: id() };
      case 'revoke':
        return { method: 'DELETE', path: id() };
      case 'rotate':
        return {
          method: 'POST',
          path: `${id()}/rotate`,
          body: { gracePeriodSeconds: positive('grace', values.grace, true) ?? 0 },
        };
      case 'suspend':
      case 'resume':
        return { method: 'POST', path: `${base}/${command}` };
    }
  })();
  return { help: false, command: command as Command, url, key, tenant, request };
}

type Values = Record<string, string | string[] | boolean | undefined>;

function createBody(values: Values): Record<string, unknown> {
  const str = (name: string) => (typeof values[name] === 'string' ? values[name] : undefined);
  const name = str('name');
  const scopes = list(str('scopes'));
  if (name === undefined) throw new UsageError('create needs --name <text>');
  if (scopes === undefined || scopes.length === 0)
    throw new UsageError('create needs --scopes <a,b>, e.g. chat');
  const requests = rate('rate', str('rate'));
  const tokens = rate('tokens', str('tokens'));
  const tokensPerDay = positive('tokens-per-day', str('tokens-per-day'), true);
  const usdPerMonth = positive('usd-per-month', str('usd-per-month'), false);
  const meta = (Array.isArray(values['meta']) ? values['meta'] : []).map((pair) => {
    const at = pair.indexOf('=');
    if (at <= 0) throw new UsageError(`--meta takes <key>=<value>; got "${pair}"`);
    return [pair.slice(0, at), pair.slice(at + 1)] as const;
  });
  const expires = str('expires');
  if (expires !== undefined && Number.isNaN(Date.parse(expires))) {
    throw new UsageError(`--expires must be an ISO 8601 time, e.g. 2027-01-01T00:00:00Z; got "${expires}"`);
  }
  const models = list(str('models'));
  return {
    name,
    scopes,
    ...(models ? { models } : {}),
    ...(requests || tokens
      ? { rates: { ...(requests ? { requests } : {}), ...(tokens ? { tokens } : {}) } }
      : {}),
    ...(tokensPerDay !== undefined || usdPerMonth !== undefined
      ? {
          budget: {
            ...(tokensPerDay !== undefined ? { tokensPerDay } : {}),
            ...(usdPerMonth !== undefined ? { usdPerMonth } : {}),
          },
        }
      : {}),
    ...(expires !== undefined ? { expiresAt: new Date(expires).toISOString() } : {}),
    ...(meta.length > 0 ? { metadata: Object.fromEntries(meta) } : {}),
  };
}
