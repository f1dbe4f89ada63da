import { describe, expect, it } from 'vitest';
import { parseCliArgs, UsageError } from './args.ts';

const base = ['--tenant', 'acme', '--url', 'http://127.0.0.1:8787', '--key', 'gwk_demo_acme', './docs'];

describe('parseCliArgs', () => {
  it('parses the documented command line with defaults', () => {
    expect(parseCliArgs(base, {})).toEqual({
      help: false,
      options: {
        folder: './docs',
        url: 'http://127.0.0.1:8787',
        key: 'gwk_demo_acme',
        tenant: 'acme',
        batchBytes: 512 * 1024,
        force: false,
      },
    });
  });

  it('takes the key from AIGW_API_KEY when --key is absent', () => {
    const args = base.filter((a) => a !== '--key' && a !== 'gwk_demo_acme');
    const parsed = parseCliArgs(args, { AIGW_API_KEY: 'gwk_env' });
    expect(parsed).toMatchObject({ options: { key: 'gwk_env' } });
  });

  it('reads --batch-bytes, --state, --force and --timeout', () => {
    const parsed = parseCliArgs(
      [...base, '--batch-bytes', '1000', '--state', '/tmp/s.json', '--force', '--timeout', '5'],
      {},
    );
    expect(parsed).toMatchObject({
      options: { batchBytes: 1000, statePath: '/tmp/s.json', force: true, timeoutMs: 5000 },
    });
  });

  it('answers --help without other arguments', () => {
    expect(parseCliArgs(['--help'], {})).toEqual({ help: true });
    expect(parseCliArgs(['-h'], {})).toEqual({ help: true });
  });

  it.each([
    [['--url', 'http://x', '--key', 'k', 'd'], /--tenant/],
    [['--tenant', 'acme', '--key', 'k', 'd'], /--url/],
    [['--tenant', 'acme', '--url', 'http://x', 'd'], /--key/],
    [['--tenant', 'acme', '--url', 'http://x', '--key', 'k'], /<folder>/],
    [[...base, 'second'], /exactly one/],
    [[...base, '--batch-bytes', '0'], /--batch-bytes/],
    [[...base, '--batch-bytes', 'lots'], /--batch-bytes/],
    [['--tenant', 'acme', '--url', 'ftp://x', '--key', 'k', 'd'], /http/],
    [[...base, '--bogus'], /bogus/],
  ])('rejects %j', (args, message) => {
    expect(() => parseCliArgs(args, {})).toThrow(UsageError);
    expect(() => parseCliArgs(args, {})).toThrow(message);
  });
});
