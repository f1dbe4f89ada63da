// `npm run check`: every static check CI runs, one step at a time, each announced when it starts
// and timed when it ends; the first failure stops the run and is named.
import { CHECK_STEPS, runSteps } from './check/steps.ts';

const result = await runSteps(CHECK_STEPS, { cwd: new URL('../', import.meta.url) });
if (!result.ok) {
  console.error(`\nnpm run check: "${result.step}" failed; fix it and run again.`);
  process.exit(result.exitCode);
}
