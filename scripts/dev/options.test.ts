import { describe, expect, it } from 'vitest';
import { DEFAULT_PORT, DevUsageError, parseDevOptions } from './options.ts';

describe('npm run dev options', () => {
  it('serves on 8787 when nothing says otherwise', () => {
    expect(parseDevOptions([], {})).toEqual({ port: DEFAULT_PORT, wranglerArgs: [] });
    expect(parseDevOptions([], { PORT: '' }).port).toBe(DEFAULT_PORT);
  });

  it('takes the port from $PORT, --port and --port=, the argument winning', () => {
    expect(parseDevOptions([], { PORT: '8790' }).port).toBe(8790);
    expect(parseDevOptions(['--port', '8791'], {}).port).toBe(8791);
    expect(parseDevOptions(['--port=8792'], {}).port).toBe(8792);
    expect(parseDevOptions(['--port', '8793'], { PORT: '8790' }).port).toBe(8793);
  });

  it('passes every other argument to wrangler dev in order, without our --port', () => {
    expect(
      parseDevOptions(
        ['--persist-to', '/tmp/state', '--port', '8790', '--log-level=debug', '--live-reload'],
        {},
      ),
    ).toEqual({
      port: 8790,
      wranglerArgs: ['--persist-to', '/tmp/state', '--log-level=debug', '--live-reload'],
    });
  });

  it('refuses a port that is not a number from 1 to 65535, naming where it came from', () => {
    for (const bad of ['0', '65536', 'abc', '80.5', '-1', ' 8790']) {
      expect(() => parseDevOptions([], { PORT: bad }), bad).toThrow(DevUsageError);
    }
    expect(() => parseDevOptions(['--port', 'http'], {})).toThrow(/--port must be a port number/);
    expect(() => parseDevOptions([], { PORT: 'x' })).toThrow(/PORT must be a port number.*"x"/);
    expect(() => parseDevOptions(['--port'], {})).toThrow(/--port needs a value/);
  });
});
