import { defineConfig } from 'vitest/config';

// The ingest CLI is a Node program (files, sockets, a TTY), so its tests run in Node, not workerd.
// scripts/deploy tests already run in the nx-plugin project; this project takes the rest.
export default defineConfig({
  test: {
    name: 'scripts',
    environment: 'node',
    include: ['ingest/**/*.test.ts'],
  },
});
