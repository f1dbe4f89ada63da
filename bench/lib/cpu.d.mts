/** Types of bench/lib/cpu.mjs for its TypeScript users (scripts/eval-rag). */
export const cpuSupported: boolean;
/** CPU time (user + system) of these processes so far, in milliseconds. */
export function cpuMsOf(pids: readonly number[]): number;
