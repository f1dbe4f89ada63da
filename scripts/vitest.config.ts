import { defineConfig } from 'vitest/config';

// The ingest and keys CLIs, the dev and check runners and the retrieval eval are Node programs
// (files, sockets, child processes), so their tests run in Node, not workerd. scripts/deploy tests run in the nx-plugin project; this
// project takes the rest, with the module-boundary probes (they run ESLint and Nx, which are Node
// programs).
export default defineConfig({
  test: {
    name: 'scripts',
    environment: 'node',
    include: [
      'ingest/**/*.test.ts',
      'keys/**/*.test.ts',
      'dev/**/*.test.ts',
      'check/**/*.test.ts',
      'boundaries/**/*.test.ts',
      'eval-rag/**/*.test.ts',
    ],
  },
});
