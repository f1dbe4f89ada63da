/**
 * Runtime options for projects that have no wrangler config of their own (the packages): the same
 * compatibility date and flags as the gateway, so package tests see the runtime the gateway ships in.
 */
export const workerdOptions = {
  compatibilityDate: '2026-04-20',
  compatibilityFlags: ['nodejs_compat'],
};
