import { fork } from 'node:child_process';
import { resolve } from 'node:path';
import type autocannon from 'autocannon';

export interface LoadTarget {
  url: string;
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
  /**
   * Every request a different body: each occurrence of `placeholder` in `body` becomes an
   * ISO instant `startMs + n × stepMs`, n counting requests (bench/load-worker.ts).
   */
  vary?: { placeholder: string; startMs: number; stepMs: number };
  /** Bodies sent in turn on each connection instead of `body` (e.g. one per customer). */
  bodies?: string[];
}

export interface LoadResult {
  rps: number;
  p99: number;
  p50: number;
  errors: number;
  non2xx: number;
  /**
   * CPU time of the bench process per request, in µs: the servers under test run there,
   * while the load generator and the database have processes of their own.
   */
  serverUsPerRequest: number;
  statusCounts: Record<string, number>;
}

function runAutocannon(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((ok, fail) => {
    // Options go over IPC, not argv: a request body can be larger than one argument may be.
    const child = fork(resolve(__dirname, 'load-worker.js'), [], { stdio: 'inherit' });
    child.send(options);
    child.once('message', (result) => ok(result as autocannon.Result));
    child.once('exit', (code) => (code === 0 ? undefined : fail(new Error(`load generator exited with ${code}`))));
  });
}

let varyBlocks = 0;

/** Drives one target with autocannon in its own process and measures this process's CPU. */
export async function load(target: LoadTarget | (() => LoadTarget), seconds: number, connections = 16): Promise<LoadResult> {
  if (typeof target === 'function') target = target();
  const before = process.cpuUsage();
  const result = await runAutocannon({
    url: target.url,
    connections,
    duration: seconds,
    requests: (target.bodies ?? [target.body]).map((body) => ({
      method: target.method,
      path: target.path,
      headers: target.headers,
      body,
    })),
    // Each measurement its own block of instants, so no value repeats across measurements.
    ...(target.vary ? { vary: { ...target.vary, startMs: target.vary.startMs + varyBlocks++ * 1e6 * target.vary.stepMs } } : {}),
  } as autocannon.Options);
  const cpu = process.cpuUsage(before);
  return {
    serverUsPerRequest: (cpu.user + cpu.system) / Math.max(1, result.requests.total),
    rps: result.requests.average,
    p99: result.latency.p99,
    p50: result.latency.p50,
    errors: result.errors,
    non2xx: result.non2xx,
    statusCounts: Object.fromEntries(
      Object.entries(result.statusCodeStats ?? {}).map(([code, stat]) => [code, stat?.count ?? 0]),
    ),
  };
}

/**
 * Measures A and B alternately (A B B A …) so drift on a shared machine hits both alike;
 * reports the median of each side.
 */
export async function compare(
  a: LoadTarget,
  b: LoadTarget,
  options: { rounds: number; seconds: number; connections?: number },
): Promise<{ a: LoadResult; b: LoadResult; runs: { a: LoadResult[]; b: LoadResult[] } }> {
  const runs = { a: [] as LoadResult[], b: [] as LoadResult[] };
  // Warm-up: JIT, caches, connection pools.
  await load(a, 2, options.connections);
  await load(b, 2, options.connections);
  for (let i = 0; i < options.rounds; i++) {
    const order = i % 2 === 0 ? (['a', 'b'] as const) : (['b', 'a'] as const);
    for (const side of order) runs[side].push(await load(side === 'a' ? a : b, options.seconds, options.connections));
  }
  const median = (list: LoadResult[]): LoadResult => {
    const sorted = [...list].sort((x, y) => x.rps - y.rps);
    const mid = sorted[Math.floor(sorted.length / 2)];
    const p99s = list.map((r) => r.p99).sort((x, y) => x - y);
    return { ...mid, p99: p99s[Math.floor(p99s.length / 2)] };
  };
  return { a: median(runs.a), b: median(runs.b), runs };
}

/**
 * Several targets measured in turn, the order rotating every round (A B C D, B C D A, …) so
 * drift on a shared machine spreads over all of them; medians of each (p99: median of the
 * rounds' p99s). A function target is called before each measurement (fresh signatures).
 */
export async function compareAll(
  targets: (LoadTarget | (() => LoadTarget))[],
  options: { rounds: number; seconds: number; connections?: number },
): Promise<{ medians: LoadResult[]; runs: LoadResult[][] }> {
  const runs = targets.map(() => [] as LoadResult[]);
  for (const target of targets) await load(target, 2, options.connections);
  for (let round = 0; round < options.rounds; round++) {
    for (let k = 0; k < targets.length; k++) {
      const i = (k + round) % targets.length;
      runs[i].push(await load(targets[i], options.seconds, options.connections));
    }
  }
  return { medians: runs.map(medianOf), runs };
}

export function medianOf(list: LoadResult[]): LoadResult {
  const sorted = [...list].sort((x, y) => x.rps - y.rps);
  const mid = sorted[Math.floor(sorted.length / 2)];
  const p99s = list.map((r) => r.p99).sort((x, y) => x - y);
  const cpu = list.map((r) => r.serverUsPerRequest).sort((x, y) => x - y);
  const statusCounts: Record<string, number> = {};
  for (const r of list)
    for (const [code, n] of Object.entries(r.statusCounts)) statusCounts[code] = (statusCounts[code] ?? 0) + n;
  return {
    ...mid,
    p99: p99s[Math.floor(p99s.length / 2)],
    serverUsPerRequest: cpu[Math.floor(cpu.length / 2)],
    errors: list.reduce((n, r) => n + r.errors, 0),
    statusCounts,
  };
}
