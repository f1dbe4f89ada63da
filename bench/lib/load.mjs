// Load generation and latency measurement. Throughput and latency under load come from
// autocannon; time to first byte of a stream comes from a small client of our own (autocannon only
// times whole responses).
import { Agent, request as httpRequest } from 'node:http';
import autocannon from 'autocannon';
import { availableParallelism } from 'node:os';
import { cpuMsOf, machineBusyCpuMs, ownTreeCpuMs } from './cpu.mjs';

/**
 * @typedef {{ method: 'GET' | 'POST', path: string, headers: Record<string, string>, body?: string }} HttpCall
 * @typedef {{ p50: number, p90: number, p99: number, mean: number, min: number, max: number, count: number }} Summary
 */

/**
 * Percentiles (nearest rank) of a list of milliseconds.
 * @param {ArrayLike<number>} values
 * @returns {Summary}
 */
export function summarize(values) {
  const sorted = Float64Array.from(values).sort();
  const count = sorted.length;
  if (count === 0) return { p50: NaN, p90: NaN, p95: NaN, p99: NaN, mean: NaN, min: NaN, max: NaN, count };
  /** @param {number} p */
  const at = (p) => sorted[Math.min(count - 1, Math.max(0, Math.ceil((p / 100) * count) - 1))] ?? NaN;
  let sum = 0;
  for (const value of sorted) sum += value;
  return {
    p50: at(50),
    p90: at(90),
    p95: at(95),
    p99: at(99),
    mean: sum / count,
    min: sorted[0] ?? NaN,
    max: sorted[count - 1] ?? NaN,
    count,
  };
}

/**
 * Loads one Worker for a fixed time over a fixed number of connections and reads the CPU time its
 * workerd process spent meanwhile (and, to show where the rest of the machine went, the fake
 * upstream's and this process's: the load generator plus Miniflare's log handling). Latencies are
 * kept at full resolution (autocannon's own histogram rounds to whole milliseconds, too coarse for
 * sub-10 ms responses). `requests`, when given, is passed to autocannon as is (per-request
 * `setupRequest`/`onResponse` hooks, e.g. to spread requests over keys or sessions); `call` then
 * gives the defaults. `amount`, when given, sends that many requests instead of loading for
 * `durationS`: a closed batch, with no request in flight when the CPU time is read at either end
 * (for long streams, of which a timed window completes few, the in-flight ones skew CPU per request).
 * @param {{ url: string, call: HttpCall, connections: number, durationS: number, pids: number[], upstreamPid?: number | undefined, requests?: import('autocannon').Request[], amount?: number | undefined }} options
 */
export async function loadTest({ url, call, connections, durationS, pids, upstreamPid, requests, amount }) {
  /** @type {number[]} */
  const latencies = [];
  /** @type {Record<string, number>} */
  const statuses = {};
  const upstreamPids = upstreamPid === undefined ? [] : [upstreamPid];
  const cpuBefore = cpuMsOf(pids);
  const upstreamCpuBefore = cpuMsOf(upstreamPids);
  const ownCpuBefore = process.cpuUsage();
  const machineBefore = machineBusyCpuMs();
  const treeBefore = ownTreeCpuMs();
  const started = process.hrtime.bigint();
  /** @type {import('autocannon').Result} */
  const result = await new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${url}${call.path}`,
        method: call.method,
        headers: call.headers,
        ...(call.body !== undefined ? { body: call.body } : {}),
        ...(requests !== undefined ? { requests } : {}),
        connections,
        ...(amount !== undefined ? { amount } : { duration: durationS }),
        pipelining: 1,
        timeout: 10,
      },
      (error, res) => (error ? reject(error) : resolve(res)),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
    });
  });
  const elapsedS = Number(process.hrtime.bigint() - started) / 1e9;
  const cpuMs = cpuMsOf(pids) - cpuBefore;
  const upstreamCpuMs = cpuMsOf(upstreamPids) - upstreamCpuBefore;
  const ownCpu = process.cpuUsage(ownCpuBefore);
  const ownCpuMs = (ownCpu.user + ownCpu.system) / 1000;
  // CPU the rest of the machine used meanwhile (other builds, tests, ...), as a share of all cores:
  // anything much above zero means the run competed for the machine and its figures are skewed.
  const foreignCpuMs = machineBusyCpuMs() - machineBefore - (ownTreeCpuMs() - treeBefore);
  const otherLoadShare = Math.max(0, foreignCpuMs / (elapsedS * 1000 * availableParallelism()));
  const completed = Object.values(statuses).reduce((a, b) => a + b, 0);
  const ok = latencies.length;
  return {
    requests: completed,
    ok,
    non2xx: completed - ok,
    statuses,
    errors: result.errors,
    timeouts: result.timeouts,
    elapsedS,
    rps: completed / elapsedS,
    latencyMs: summarize(latencies),
    workerdCpuMs: cpuMs,
    cpuMsPerRequest: completed > 0 ? cpuMs / completed : NaN,
    upstreamCpuMsPerRequest: completed > 0 && upstreamPid !== undefined ? upstreamCpuMs / completed : NaN,
    loadGeneratorCpuMsPerRequest: completed > 0 ? ownCpuMs / completed : NaN,
    otherLoadShare,
  };
}

/**
 * One measurement of a suite: unmeasured warm-up load, then up to `attempts` measured loads, of
 * which the one the rest of the machine disturbed least is kept (the first under `maxOtherLoad`).
 * @param {Omit<Parameters<typeof loadTest>[0], 'durationS'>} base
 * @param {{ warmupS: number, durationS: number, attempts: number, maxOtherLoad: number }} options
 */
export async function leastDisturbedLoad(base, options) {
  await loadTest({ ...base, durationS: options.warmupS });
  /** @type {Awaited<ReturnType<typeof loadTest>> | undefined} */
  let best;
  for (let attempt = 1; attempt <= options.attempts; attempt++) {
    const load = await loadTest({ ...base, durationS: options.durationS });
    if (!best || load.otherLoadShare < best.otherLoadShare) best = load;
    if (load.otherLoadShare <= options.maxOtherLoad) break;
  }
  if (!best) throw new Error('no measurement');
  return best;
}

/**
 * Times responses from the client's side, without background load: time to the response head, to
 * the first body byte, to the first server-sent event carrying answer text (streams only), and to
 * the end. `sequential` requests run one at a time (an added delay shows undiluted), then
 * `concurrent` more run `concurrency` at a time.
 * @param {{ url: string, call: HttpCall, sequential: number, concurrent: number, concurrency: number, isContent?: ((event: { event: string, data: string }) => boolean) | undefined }} options
 */
export async function responseTimings({ url, call, sequential, concurrent, concurrency, isContent }) {
  const agent = new Agent({ keepAlive: true, maxSockets: Math.max(1, concurrency) });
  const target = new URL(`${url}${call.path}`);
  /** @type {Awaited<ReturnType<typeof timeOne>>[]} */
  const sequentialRuns = [];
  try {
    for (let i = 0; i < sequential; i++) sequentialRuns.push(await timeOne(agent, target, call, isContent));
    /** @type {Awaited<ReturnType<typeof timeOne>>[]} */
    const concurrentRuns = [];
    let next = 0;
    const lane = async () => {
      while (next < concurrent) {
        next++;
        concurrentRuns.push(await timeOne(agent, target, call, isContent));
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, concurrency) }, lane));
    return { sequential: timingSummary(sequentialRuns), concurrent: timingSummary(concurrentRuns) };
  } finally {
    agent.destroy();
  }
}

/** @param {{ headersMs: number, firstByteMs: number, firstContentMs: number, totalMs: number, ok: boolean }[]} runs */
function timingSummary(runs) {
  const ok = runs.filter((run) => run.ok);
  return {
    requests: runs.length,
    failed: runs.length - ok.length,
    headersMs: summarize(ok.map((run) => run.headersMs)),
    firstByteMs: summarize(ok.map((run) => run.firstByteMs)),
    firstContentMs: summarize(ok.map((run) => run.firstContentMs)),
    totalMs: summarize(ok.map((run) => run.totalMs)),
  };
}

/**
 * One request, timed. Server-sent events are parsed as they arrive to find the first one with
 * answer text: a Worker could send its head or an empty event early and still hold the answer back.
 * @param {Agent} agent
 * @param {URL} target
 * @param {HttpCall} call
 * @param {((event: { event: string, data: string }) => boolean) | undefined} isContent
 * @returns {Promise<{ headersMs: number, firstByteMs: number, firstContentMs: number, totalMs: number, ok: boolean }>}
 */
function timeOne(agent, target, call, isContent) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const since = () => Number(process.hrtime.bigint() - start) / 1e6;
    let headersMs = NaN;
    let firstByteMs = NaN;
    let firstContentMs = NaN;
    let buffer = '';
    const req = httpRequest(target, { method: call.method, headers: call.headers, agent }, (res) => {
      headersMs = since();
      res.setEncoding('utf8');
      res.on('data', (/** @type {string} */ text) => {
        if (Number.isNaN(firstByteMs)) firstByteMs = since();
        if (isContent === undefined || !Number.isNaN(firstContentMs)) return;
        buffer += text;
        let end;
        while ((end = buffer.search(/\r?\n\r?\n/)) !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, '');
          if (isContent(parseEvent(block))) {
            firstContentMs = since();
            break;
          }
        }
      });
      res.on('end', () => {
        const ok = (res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300;
        resolve({ headersMs, firstByteMs, firstContentMs, totalMs: since(), ok });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(call.body);
  });
}

/**
 * Sends one call untimed and reads its whole answer (the harness's probes before a measurement).
 * @param {string} url
 * @param {HttpCall} call
 * @returns {Promise<{ status: number, type: string, headers: Headers, body: string }>}
 */
export async function send(url, call) {
  const res = await fetch(`${url}${call.path}`, {
    method: call.method,
    headers: call.headers,
    ...(call.body !== undefined ? { body: call.body } : {}),
  });
  const body = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', headers: res.headers, body };
}

/**
 * One server-sent event block: its `event:` name (default "message") and joined `data:` lines.
 * @param {string} block
 */
export function parseEvent(block) {
  let event = 'message';
  /** @type {string[]} */
  const data = [];
  for (const line of block.split(/\r?\n/)) {
    if (line.startsWith('event:')) event = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
  }
  return { event, data: data.join('\n') };
}
