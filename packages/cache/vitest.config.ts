import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';

// Real local KV from wrangler.jsonc: the cache is tested against the store it runs on, not a fake.
export default defineConfig({
  plugins: [
    cloudflareTest({
      main: './test/worker.ts',
      wrangler: { configPath: './wrangler.jsonc' },
      remoteBindings: false,
    }),
  ],
  test: { name: 'cache' },
});
