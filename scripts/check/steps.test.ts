import { describe, expect, it } from 'vitest';
import { CHECK_STEPS, runSteps, type Step } from './steps.ts';

const node = (name: string, code: string): Step => ({ name, command: process.execPath, args: ['-e', code] });

/** A clock that advances 1.5 s per reading, so every printed duration is known. */
function clock() {
  let t = 0;
  return () => (t += 1500);
}

describe('npm run check runner', () => {
  it('announces each step, times it, and reports the total', async () => {
    const lines: string[] = [];
    const result = await runSteps([node('first', ''), node('second', 'process.exit(0)')], {
      log: (line) => lines.push(line),
      now: clock(),
    });
    expect(result).toEqual({ ok: true });
    expect(lines.map((line) => line.trim())).toEqual([
      expect.stringMatching(/^▶ \[1\/2\] first: /),
      '✓ first (1.5s)',
      expect.stringMatching(/^▶ \[2\/2\] second: /),
      '✓ second (1.5s)',
      '✓ all 2 steps passed in 7.5s',
    ]);
  });

  it('stops at the first failing step and names it with its exit code', async () => {
    const lines: string[] = [];
    const result = await runSteps(
      [node('ok', ''), node('broken', 'process.exit(3)'), node('never', 'process.exit(0)')],
      { log: (line) => lines.push(line), now: clock() },
    );
    expect(result).toEqual({ ok: false, step: 'broken', exitCode: 3 });
    expect(lines.at(-1)).toBe('✗ broken failed (exit 3) after 1.5s');
    expect(lines.join('\n')).not.toContain('never');
  });

  it('fails a step whose command does not exist', async () => {
    const result = await runSteps([{ name: 'missing', command: 'aigw-no-such-command', args: [] }], {
      log: () => undefined,
    });
    expect(result).toMatchObject({ ok: false, step: 'missing' });
  });

  it('keeps every check the one-line npm script ran, in its order', () => {
    expect(CHECK_STEPS.map((step) => step.args.join(' '))).toEqual([
      'run --silent registry',
      'tsx scripts/generate-docs.ts --check',
      'run --silent lint',
      'run --silent format:check',
      'run --silent typecheck',
      'run --silent types:check',
    ]);
  });
});
