import { defineConfig } from 'vitest/config';

// End-to-end tests: Node drives a real gateway (workerd through Miniflare) and Debian's chromium
// through playwright-core. Slow by nature, so they are a project of their own: `--project e2e`.
export default defineConfig({
  test: {
    name: 'e2e',
    environment: 'node',
    include: ['**/*.e2e.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // One gateway and one browser per file; files do not share ports or profiles, but the machine
    // has few cores, so run them one after another.
    fileParallelism: false,
  },
});
