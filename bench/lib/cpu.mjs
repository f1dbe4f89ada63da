// CPU time of processes, from /proc/<pid>/stat (Linux only). The benchmark divides the CPU time the
// workerd processes spent during a load run by the requests they served: unlike requests/s, that
// figure hardly depends on how fast the load generator is or how many cores the machine has.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

/** Clock ticks per second, the unit of utime/stime in /proc/<pid>/stat. */
const CLOCK_TICKS = (() => {
  try {
    const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isFinite(ticks) && ticks > 0 ? ticks : 100;
  } catch {
    return 100;
  }
})();

/** Whether CPU time can be read on this machine. */
export const cpuSupported = (() => {
  try {
    readFileSync('/proc/self/stat', 'utf8');
    return true;
  } catch {
    return false;
  }
})();

/**
 * The fields of /proc/<pid>/stat we use; undefined if the process is gone.
 * `comm` is in parentheses and may contain spaces, so fields are counted from its closing one.
 * @param {number} pid
 * @returns {{ pid: number, comm: string, ppid: number, cpuMs: number } | undefined}
 */
export function readStat(pid) {
  let text;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  const comm = text.slice(open + 1, close);
  // After ") ": state(3) ppid(4) ... utime(14) stime(15); index 0 here is field 3.
  const fields = text.slice(close + 2).split(' ');
  const ppid = Number(fields[1]);
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return { pid, comm, ppid, cpuMs: ((utime + stime) * 1000) / CLOCK_TICKS };
}

/**
 * Every live descendant of `rootPid` (children, grandchildren, ...).
 * @param {number} rootPid
 * @returns {{ pid: number, comm: string, ppid: number, cpuMs: number }[]}
 */
export function descendants(rootPid) {
  const all = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (stat) all.push(stat);
  }
  const found = [];
  const parents = new Set([rootPid]);
  // Processes are not listed in tree order, so repeat until no new descendant turns up.
  for (let grew = true; grew;) {
    grew = false;
    for (const stat of all) {
      if (parents.has(stat.ppid) && !parents.has(stat.pid)) {
        parents.add(stat.pid);
        found.push(stat);
        grew = true;
      }
    }
  }
  return found;
}

/**
 * The workerd processes started under this process (by Miniflare), by pid.
 * @returns {Set<number>}
 */
export function workerdPids() {
  return new Set(
    descendants(process.pid)
      .filter((stat) => stat.comm.startsWith('workerd'))
      .map((stat) => stat.pid),
  );
}

/**
 * Summed CPU milliseconds (user + system, all threads) of the given processes.
 * @param {Iterable<number>} pids
 */
export function cpuMsOf(pids) {
  let total = 0;
  for (const pid of pids) total += readStat(pid)?.cpuMs ?? 0;
  return total;
}

/**
 * CPU milliseconds the machine's processes used since boot, all cores (user + nice + system from
 * /proc/stat). Interrupt time is left out: it is not charged to processes, and the benchmark's
 * own loopback traffic makes much of it.
 */
export function machineBusyCpuMs() {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
    const [user = 0, nice = 0, system = 0] = line.trim().split(/\s+/).slice(1).map(Number);
    return ((user + nice + system) * 1000) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}

/** CPU milliseconds of this process and everything it started (workerd, the fake upstream, ...). */
export function ownTreeCpuMs() {
  const own = process.cpuUsage();
  let total = (own.user + own.system) / 1000;
  for (const stat of descendants(process.pid)) total += stat.cpuMs;
  return total;
}
