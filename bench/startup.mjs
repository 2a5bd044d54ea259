// Cold-start wall time of reading one key: `node -e 0`, a minimal grpc-js +
// proto-loader reference (bench/reference/, built here first), the floor
// (grpc-js alone, the request written as bytes, the reply not decoded), ours
// (`etcdctl-ts get foo`) and the real etcdctl, as medians over repeated runs
// against a throw-away etcd on loopback. The programs take turns within each
// round (and which one goes first rotates), so that a slow spell of the
// machine falls on all of them alike rather than on whichever ran then.
import { spawnSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_ENV, clearedNote } from './env.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const { startEtcd } = await import(join(repo, 'dist/test/harness/etcd.js'));

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const WARMUP = 3;

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Runs a program once and fails unless it exits 0 with the expected output; wall ms. */
function runOnce(p) {
  const t = process.hrtime.bigint();
  const r = spawnSync(p.cmd, p.args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', env: BENCH_ENV });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0 || !(p.stdout instanceof RegExp ? p.stdout.test(r.stdout) : r.stdout === p.stdout)) {
    throw new Error(`${p.name}: ${[p.cmd, ...p.args].join(' ')} exited ${r.status ?? r.signal} with stdout ${JSON.stringify(r.stdout)} (expected ${JSON.stringify(p.stdout)}), stderr:\n${r.stderr}`);
  }
  return ms;
}

const build = spawnSync(process.execPath, [join(repo, 'bench/reference/build.mjs')], { stdio: 'inherit' });
if (build.status !== 0) throw new Error('bench/reference/build.mjs failed');

const etcd = await startEtcd();
try {
  const endpoint = etcd.endpoints[0];
  const ep = `--endpoints=${endpoint}`;
  const put = spawnSync('etcdctl', [ep, 'put', 'foo', 'bar'], { encoding: 'utf8' });
  if (put.status !== 0) throw new Error(`etcdctl put foo bar failed: ${put.stderr}`);
  const programs = [
    { name: 'node -e 0', cmd: process.execPath, args: ['-e', '0'], stdout: '' },
    { name: 'reference', cmd: process.execPath, args: [join(repo, 'bench/reference/run.cjs'), endpoint, 'foo'], stdout: 'bar\n' },
    { name: 'floor', cmd: process.execPath, args: [join(repo, 'bench/reference/run.cjs'), '--floor', endpoint, 'foo'], stdout: /^[1-9]\d*\n$/ },
    { name: 'etcdctl-ts get foo', cmd: process.execPath, args: [join(repo, 'bin/etcdctl-ts.js'), ep, 'get', 'foo'], stdout: 'foo\nbar\n' },
    { name: 'etcdctl get foo', cmd: 'etcdctl', args: [ep, 'get', 'foo'], stdout: 'foo\nbar\n' },
  ];
  for (const p of programs) p.samples = [];
  // Every run checks its output, so a failing program is never timed; the
  // first rounds only warm the page cache.
  for (let round = 0; round < WARMUP + RUNS; round++) {
    for (let k = 0; k < programs.length; k++) {
      const p = programs[(round + k) % programs.length];
      const ms = runOnce(p);
      if (round >= WARMUP) p.samples.push(ms);
    }
  }
  const [node, ref, floor, ours, real] = programs.map((p) => median(p.samples));
  console.log(`cold start of reading key foo, median of ${RUNS} alternating runs (after ${WARMUP} warm-up rounds)`);
  if (clearedNote()) console.log(clearedNote());
  const row = (name, ms) => console.log(`${name.padEnd(22)} ${ms.toFixed(1).padStart(7)} ms   ${(ms / node).toFixed(2)}x node -e 0   ${(ms / ref).toFixed(2)}x reference`);
  row('node -e 0', node);
  row('reference (grpc-js)', ref);
  row('floor (grpc-js alone)', floor);
  row('etcdctl-ts get foo', ours);
  row('etcdctl get foo', real);
  const goal = (text, ratio, limit) => console.log(`goal: ${text} <= ${limit.toFixed(2)}x -> ${ratio <= limit ? 'met' : 'NOT met'} (${ratio.toFixed(2)}x)`);
  goal('etcdctl-ts / reference', ours / ref, 1.15);
  goal('etcdctl-ts / node -e 0', ours / node, 2.0);
} finally {
  await etcd.stop();
}
