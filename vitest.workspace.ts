/** Every test project; the root vitest.config.ts runs them all (`npm test`). */
export const projects = [
  'packages/ai',
  'packages/chat',
  'packages/observability',
  'packages/core',
  'packages/tenancy',
  'apps/gateway',
  'packages/limits',
  'packages/sessions',
  'packages/tools',
  'packages/guardrails',
  'packages/rag',
  'packages/cache',
  'packages/control-plane',
  'packages/nx-plugin',
  'scripts',
  // Headless chromium against the gateway in workerd; needs /usr/bin/chromium and playwright-core.
  'tests/e2e',
];
