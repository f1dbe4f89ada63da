import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [
    cloudflareTest({
      main: './src/index.ts',
      wrangler: { configPath: './wrangler.jsonc' },
      remoteBindings: false,
    }),
  ],
  // The first request compiles the whole Worker; on a busy 2-core machine that can take seconds.
  test: { name: 'gateway', testTimeout: 20_000 },
});
