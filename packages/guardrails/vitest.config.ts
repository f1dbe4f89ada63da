import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';
import { workerdOptions } from '../../vitest.shared.ts';

// The detectors run in workerd, the runtime they ship in (its RegExp engine, its Intl), with no
// bindings: Llama Guard is exercised through its binding interface, everything else is offline.
export default defineConfig({
  plugins: [cloudflareTest({ miniflare: workerdOptions, remoteBindings: false })],
  test: { name: 'guardrails' },
});
