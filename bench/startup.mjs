// Cold-start wall time of `get foo`: ours, `node -e 0` and the real etcdctl,
// as medians over repeated runs, against a throw-away etcd on loopback.
import { spawnSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const { startEtcd } = await import(join(repo, 'dist/test/harness/etcd.js'));

const RUNS = Number(process.env.BENCH_RUNS ?? 25);

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(cmd, args) {
  const samples = [];
  for (let i = 0; i < RUNS + 3; i++) {
    const t = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
    if (i >= 3) samples.push(ms); // the first runs warm the page cache
  }
  return median(samples);
}

const etcd = await startEtcd();
try {
  const ep = `--endpoints=${etcd.endpoints[0]}`;
  spawnSync('etcdctl', [ep, 'put', 'foo', 'bar']);
  const node = time(process.execPath, ['-e', '0']);
  const ours = time(process.execPath, [join(repo, 'bin/etcdctl-ts.js'), ep, 'get', 'foo']);
  const real = time('etcdctl', [ep, 'get', 'foo']);
  const row = (name, ms) => console.log(`${name.padEnd(22)} ${ms.toFixed(1).padStart(7)} ms   ${(ms / node).toFixed(2)}x node -e 0`);
  console.log(`cold start of "get foo", median of ${RUNS} runs`);
  row('node -e 0', node);
  row('etcdctl-ts get foo', ours);
  row('etcdctl get foo', real);
  console.log(`goal: etcdctl-ts <= 1.5x node -e 0 -> ${ours / node <= 1.5 ? 'met' : 'NOT met'} (${(ours / node).toFixed(2)}x)`);
} finally {
  await etcd.stop();
}
