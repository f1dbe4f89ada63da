import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';

// The package's Durable Objects run in workerd with real SQLite storage (test/worker.ts exports them).
export default defineConfig({
  plugins: [
    cloudflareTest({
      main: './test/worker.ts',
      wrangler: { configPath: './wrangler.jsonc' },
      remoteBindings: false,
    }),
  ],
  test: { name: 'rag' },
});
