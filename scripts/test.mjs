// `npm test`: every project's tests (vitest projects from vitest.workspace.ts: workerd for the
// Worker and packages, Node for scripts, headless chromium for the dashboard), then one plain
// `N passed, N failed` line that CI can read. Exits with vitest's status.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';

// The dashboard's end-to-end test drives Debian's chromium (a test tool's own browser download
// cannot work on these machines). On a fresh machine where we are root, install it; otherwise the
// test says what is missing.
const CHROMIUM = '/usr/bin/chromium';
if (!existsSync(CHROMIUM) && process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
  console.log('Installing Debian chromium for the dashboard test (apt-get install chromium)…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium'], {
    stdio: 'inherit',
    env,
  });
}

mkdirSync('test-results', { recursive: true });
const report = 'test-results/vitest.json';
const run = spawnSync(
  'npx',
  [
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
    ...process.argv.slice(2),
  ],
  {
    stdio: 'inherit',
    env: { WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', ...process.env },
  },
);
try {
  const { numPassedTests, numFailedTests, numPendingTests } = JSON.parse(readFileSync(report, 'utf8'));
  console.log(`${numPassedTests} passed, ${numFailedTests} failed, ${numPendingTests} skipped`);
} catch {
  console.log('0 passed, 1 failed (vitest wrote no report)');
}
process.exit(run.status ?? 1);
