import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';
import { workerdOptions } from '../../vitest.shared.ts';

// Package tests run in workerd too: the same runtime, Web Crypto and streams the gateway uses.
export default defineConfig({
  plugins: [cloudflareTest({ miniflare: workerdOptions, remoteBindings: false })],
  test: { name: 'sessions' },
});
