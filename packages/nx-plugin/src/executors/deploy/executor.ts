import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { ExecutorContext } from '@nx/devkit';

export interface DeployExecutorSchema {
  tenant: string;
  env: 'staging' | 'production';
  dryRun?: boolean;
}

/** The deploy script's arguments; the script does all the work (validation, rendering, wrangler). */
export function deployArgs(options: DeployExecutorSchema): string[] {
  return [
    'scripts/deploy/deploy.ts',
    '--tenant',
    options.tenant,
    '--env',
    options.env,
    ...(options.dryRun ? ['--dry-run'] : []),
  ];
}

export default async function deployExecutor(
  options: DeployExecutorSchema,
  context: ExecutorContext,
): Promise<{ success: boolean }> {
  const tsx = join(context.root, 'node_modules/tsx/dist/cli.mjs');
  const code = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, [tsx, ...deployArgs(options)], {
      cwd: context.root,
      stdio: 'inherit',
    });
    child.on('error', () => {
      resolve(127);
    });
    child.on('close', (status) => {
      resolve(status ?? 1);
    });
  });
  return { success: code === 0 };
}
