import { describe, expect, it } from 'vitest';
import { parseKeysArgs, UsageError } from './args.ts';

const base = ['--tenant', 'acme', '--url', 'http://127.0.0.1:8787/', '--key', 'op-key-0123456789abcdef'];

describe('keys CLI arguments', () => {
  it('turns create into one POST with the tenant config’s field names', () => {
    const parsed = parseKeysArgs(
      [
        'create',
        ...base,
        '--name',
        'billing app',
        '--scopes',
        'chat, search',
        '--models',
        'local/echo-1',
        '--rate',
        '60/10',
        '--tokens',
        '10000/20000',
        '--tokens-per-day',
        '50000',
        '--usd-per-month',
        '2.5',
        '--expires',
        '2027-01-01T00:00:00Z',
        '--meta',
        'team=billing',
        '--meta',
        'owner=a=b',
      ],
      {},
    );
    expect(parsed).toEqual({
      help: false,
      command: 'create',
      url: 'http://127.0.0.1:8787',
      key: 'op-key-0123456789abcdef',
      tenant: 'acme',
      request: {
        method: 'POST',
        path: '/admin/tenants/acme/keys',
        body: {
          name: 'billing app',
          scopes: ['chat', 'search'],
          models: ['local/echo-1'],
          rates: { requests: { rate: 60, burst: 10 }, tokens: { rate: 10000, burst: 20000 } },
          budget: { tokensPerDay: 50000, usdPerMonth: 2.5 },
          expiresAt: '2027-01-01T00:00:00.000Z',
          metadata: { team: 'billing', owner: 'a=b' },
        },
      },
    });
  });

  it('maps the other commands onto the operator routes', () => {
    const request = (args: string[]) => {
      const parsed = parseKeysArgs([...args, ...base], {});
      return parsed.help ? undefined : parsed.request;
    };
    expect(request(['list'])).toEqual({ method: 'GET', path: '/admin/tenants/acme/keys' });
    expect(request(['get', '--id', 'rk-0123456789ab'])).toEqual({
      method: 'GET',
      path: '/admin/tenants/acme/keys/rk-0123456789ab',
    });
    expect(request(['revoke', '--id', 'rk-0123456789ab'])).toMatchObject({ method: 'DELETE' });
    expect(request(['rotate', '--id', 'rk-0123456789ab', '--grace', '300'])).toEqual({
      method: 'POST',
      path: '/admin/tenants/acme/keys/rk-0123456789ab/rotate',
      body: { gracePeriodSeconds: 300 },
    });
    expect(request(['suspend'])).toEqual({ method: 'POST', path: '/admin/tenants/acme/suspend' });
    expect(request(['resume'])).toEqual({ method: 'POST', path: '/admin/tenants/acme/resume' });
  });

  it('takes the operator key from OPERATOR_API_KEY when --key is absent', () => {
    const parsed = parseKeysArgs(['list', '--tenant', 'acme', '--url', 'http://x.test'], {
      OPERATOR_API_KEY: 'from-env',
    });
    expect(parsed).toMatchObject({ key: 'from-env' });
  });

  const mistakes: [string, string[], RegExp][] = [
    ['no command', [...base], /missing a command: one of create, list/],
    ['an unknown command', ['delete', ...base], /unknown command "delete"/],
    ['no tenant', ['list', '--url', 'http://x.test', '--key', 'k'], /missing --tenant/],
    [
      'no key anywhere',
      ['list', '--tenant', 'acme', '--url', 'http://x.test'],
      /missing --key \(or OPERATOR_API_KEY\)/,
    ],
    [
      'a URL that is not http',
      ['list', '--tenant', 'acme', '--url', 'ftp://x', '--key', 'k'],
      /--url must be an http\(s\) URL/,
    ],
    [
      'a bad tenant id',
      ['list', '--tenant', 'Acme Corp', '--url', 'http://x.test', '--key', 'k'],
      /--tenant is not a tenant id/,
    ],
    ['create without scopes', ['create', ...base, '--name', 'x'], /create needs --scopes/],
    [
      'a rate without a burst',
      ['create', ...base, '--name', 'x', '--scopes', 'chat', '--rate', '60'],
      /--rate takes <per minute>\/<burst>/,
    ],
    [
      'a bad expiry',
      ['create', ...base, '--name', 'x', '--scopes', 'chat', '--expires', 'soon'],
      /--expires must be an ISO 8601 time/,
    ],
    ['rotate without an id', ['rotate', ...base], /rotate needs --id/],
    ['a negative grace', ['rotate', ...base, '--id', 'rk-1', '--grace=-5'], /--grace must be a whole number/],
    ['an unknown option', ['list', ...base, '--force'], /Unknown option '--force'/],
  ];

  it.each(mistakes)('refuses %s with a usage error that says what to fix', (_label, args, message) => {
    expect(() => parseKeysArgs(args, {})).toThrow(UsageError);
    expect(() => parseKeysArgs(args, {})).toThrow(message);
  });
});
