import { defineConfig } from 'vitest/config';

// Generators, executors and the deploy scripts run in Node (they write files and spawn wrangler),
// so this project runs in Node, not in workerd like the Worker packages.
export default defineConfig({
  test: {
    name: 'nx-plugin',
    environment: 'node',
    include: ['src/**/*.test.ts', '../../scripts/deploy/**/*.test.ts'],
    testTimeout: 30_000,
    // devkit test trees have no formatter config, so formatFiles would only warn that it found none.
    env: { NX_SKIP_FORMAT: 'true' },
  },
});
