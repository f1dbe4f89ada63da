import { spawn } from 'node:child_process';

export interface Step {
  /** What the step checks, printed when it starts and ends. */
  name: string;
  command: string;
  args: readonly string[];
}

/** What `npm run check` runs, in order (CI runs it too). Each step is also an npm script or CLI. */
export const CHECK_STEPS: readonly Step[] = [
  { name: 'tenant registry', command: 'npm', args: ['run', '--silent', 'registry'] },
  {
    name: 'generated docs are current',
    command: 'npx',
    args: ['tsx', 'scripts/generate-docs.ts', '--check'],
  },
  { name: 'lint', command: 'npm', args: ['run', '--silent', 'lint'] },
  { name: 'format', command: 'npm', args: ['run', '--silent', 'format:check'] },
  { name: 'typecheck', command: 'npm', args: ['run', '--silent', 'typecheck'] },
  { name: 'wrangler types are current', command: 'npm', args: ['run', '--silent', 'types:check'] },
];

export type StepsResult = { ok: true } | { ok: false; step: string; exitCode: number };

export interface RunOptions {
  log?: (line: string) => void;
  /** Milliseconds; injectable so the printed times can be tested. */
  now?: () => number;
  cwd?: string | URL;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

function run(step: Step, cwd: string | URL | undefined): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(step.command, [...step.args], { stdio: 'inherit', ...(cwd ? { cwd } : {}) });
    child.once('error', () => {
      resolve(127);
    });
    child.once('exit', (code, signal) => {
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

/**
 * Runs the steps one after another, printing each as it starts and its time when it ends, and
 * stops at the first that fails (a later step's output would only bury the cause).
 */
export async function runSteps(steps: readonly Step[], options: RunOptions = {}): Promise<StepsResult> {
  const log =
    options.log ??
    ((line: string) => {
      console.log(line);
    });
  const now = options.now ?? (() => performance.now());
  const started = now();
  for (const [index, step] of steps.entries()) {
    log(`\n▶ [${index + 1}/${steps.length}] ${step.name}: ${[step.command, ...step.args].join(' ')}`);
    const stepStarted = now();
    const exitCode = await run(step, options.cwd);
    const took = seconds(now() - stepStarted);
    if (exitCode !== 0) {
      log(`✗ ${step.name} failed (exit ${exitCode}) after ${took}`);
      return { ok: false, step: step.name, exitCode };
    }
    log(`✓ ${step.name} (${took})`);
  }
  log(`\n✓ all ${steps.length} steps passed in ${seconds(now() - started)}`);
  return { ok: true };
}
