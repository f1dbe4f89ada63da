import { describe, expect, it } from 'vitest';
import { deployArgs } from './executor.ts';

describe('deploy executor', () => {
  it('passes tenant, environment and dry-run to the deploy script', () => {
    expect(deployArgs({ tenant: 'initech', env: 'production', dryRun: true })).toEqual([
      'scripts/deploy/deploy.ts',
      '--tenant',
      'initech',
      '--env',
      'production',
      '--dry-run',
    ]);
    expect(deployArgs({ tenant: 'initech', env: 'staging' })).not.toContain('--dry-run');
  });
});
