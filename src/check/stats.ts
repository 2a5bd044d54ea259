/** The statistics etcdctl's check commands judge a run by. */

export interface RequestResult {
  /** The error text, for a failed request. */
  error?: string;
  /** Seconds the request took. */
  seconds: number;
}

export interface LoadStats {
  /** Successful requests per second of the whole run. */
  rps: number;
  slowest: number;
  stddev: number;
  /** Error text → how many times. */
  errors: Map<string, number>;
}

/** As etcd's report package computes them: failed requests count only as errors. */
export function loadStats(results: RequestResult[], totalSeconds: number): LoadStats {
  const errors = new Map<string, number>();
  const lats: number[] = [];
  for (const r of results) {
    if (r.error !== undefined) errors.set(r.error, (errors.get(r.error) ?? 0) + 1);
    else lats.push(r.seconds);
  }
  const average = lats.reduce((a, b) => a + b, 0) / lats.length;
  const variance = lats.reduce((a, l) => a + (l - average) ** 2, 0) / lats.length;
  return {
    rps: lats.length / totalSeconds,
    slowest: lats.length ? Math.max(...lats) : 0,
    stddev: Math.sqrt(variance),
    errors,
  };
}

/** Go's %f: six decimals. NaN (no successful request) prints as Go prints it. */
export function goFloat6(v: number): string {
  return Number.isNaN(v) ? 'NaN' : v.toFixed(6);
}

/** etcdctl's verdict lines for check perf, and whether it passed. */
export function perfVerdict(s: LoadStats, limit: number): { lines: string[]; ok: boolean } {
  const lines: string[] = [];
  let ok = true;
  if (s.errors.size > 0) {
    lines.push('FAIL: too many errors');
    for (const [err, n] of s.errors) lines.push(`FAIL: ERROR(${err}) -> ${n}`);
    ok = false;
  }
  const rps = Math.trunc(s.rps) + 1;
  if (s.rps / limit <= 0.9) {
    lines.push(`FAIL: Throughput too low: ${rps} writes/s`);
    ok = false;
  } else lines.push(`PASS: Throughput is ${rps} writes/s`);
  if (s.slowest > 0.5) {
    lines.push(`Slowest request took too long: ${goFloat6(s.slowest)}s`);
    ok = false;
  } else lines.push(`PASS: Slowest request took ${goFloat6(s.slowest)}s`);
  if (s.stddev > 0.1) {
    lines.push(`Stddev too high: ${goFloat6(s.stddev)}s`);
    ok = false;
  } else lines.push(`PASS: Stddev is ${goFloat6(s.stddev)}s`);
  lines.push(ok ? 'PASS' : 'FAIL');
  return { lines, ok };
}
