// `get --prefix` over many keys, ours against the real etcdctl on one throw-away etcd: wall
// time and peak RSS of each output format written to a file, as medians of alternating runs,
// with each ratio beside its goal (issue 12: at most 0.8x etcdctl's wall time). Every run's
// output is compared with etcdctl's byte for byte, so a wrong answer is never timed.
//
// Usage: node bench/scale.mjs   (BENCH_KEYS, default 100000; BENCH_RUNS, default 5)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_ENV, clearedNote } from './env.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const { startEtcd } = await import(join(repo, 'dist/test/harness/etcd.js'));

const KEYS = Number(process.env.BENCH_KEYS ?? 100000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const VALUE_BYTES = 100;
const PER_TXN = 10000;
const GOAL = 0.8;
const PREFIX = '/registry/bench/';

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const dir = mkdtempSync(join(tmpdir(), 'etcdctl-ts-bench-'));
const etcd = await startEtcd({ extraArgs: ['--max-txn-ops', String(PER_TXN), '--max-request-bytes', String(8 * 1024 * 1024)] });
try {
  const ep = `--endpoints=${etcd.endpoints[0]}`;
  // The keys, PER_TXN to a transaction (etcdctl txn reads its requests from stdin).
  for (let from = 0; from < KEYS; from += PER_TXN) {
    const lines = ['', ''];
    for (let i = from; i < Math.min(KEYS, from + PER_TXN); i++) {
      const key = `${PREFIX}${String(i).padStart(7, '0')}`;
      lines.splice(lines.length - 1, 0, `put ${key} ${`value-${i}-`.padEnd(VALUE_BYTES, 'x')}`);
    }
    lines.push('', '');
    const r = spawnSync('etcdctl', [ep, 'txn'], { input: lines.join('\n'), encoding: 'utf8', env: BENCH_ENV, maxBuffer: 64 << 20 });
    if (r.status !== 0 || !r.stdout.startsWith('SUCCESS')) throw new Error(`loading keys failed: ${r.stdout.slice(0, 200)} ${r.stderr}`);
  }

  const cases = [
    { name: 'simple', args: [] },
    { name: '--keys-only', args: ['--keys-only'] },
    { name: '-w json', args: ['-w', 'json'] },
    { name: '--print-value-only', args: ['--print-value-only'] },
  ];
  /** One run to a file through /usr/bin/time: wall seconds, peak RSS in KiB, the output. */
  const runOnce = (cmd, args, out) => {
    const r = spawnSync('/usr/bin/time', ['-f', '%e %M', '-o', `${out}.time`, 'sh', '-c', 'exec "$@" > "$0"', out, cmd, ...args], { env: BENCH_ENV, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    const [wall, rss] = readFileSync(`${out}.time`, 'utf8').trim().split('\n').pop().split(' ').map(Number);
    return { wall, rss, bytes: readFileSync(out) };
  };

  console.log(`get ${PREFIX} --prefix over ${KEYS} keys of ${VALUE_BYTES}-byte values, to a file; medians of ${RUNS} alternating runs`);
  if (clearedNote()) console.log(clearedNote());
  for (const c of cases) {
    const args = [ep, 'get', PREFIX, '--prefix', ...c.args];
    const ours = { wall: [], rss: [] };
    const real = { wall: [], rss: [] };
    for (let round = 0; round < RUNS; round++) {
      const order = round % 2 ? ['ours', 'real'] : ['real', 'ours'];
      const got = {};
      for (const who of order) {
        const r = who === 'ours'
          ? runOnce(process.execPath, [join(repo, 'bin/etcdctl-ts.js'), ...args], join(dir, 'ours.out'))
          : runOnce('etcdctl', args, join(dir, 'real.out'));
        (who === 'ours' ? ours : real).wall.push(r.wall);
        (who === 'ours' ? ours : real).rss.push(r.rss);
        got[who] = r.bytes;
      }
      if (!got.ours.equals(got.real)) throw new Error(`${c.name}: our output differs from etcdctl's (${got.ours.length} and ${got.real.length} bytes)`);
    }
    const [ow, rw] = [median(ours.wall), median(real.wall)];
    const ratio = ow / rw;
    console.log(`${c.name.padEnd(20)} etcdctl-ts ${ow.toFixed(2)} s ${(median(ours.rss) / 1024).toFixed(0).padStart(4)} MiB   etcdctl ${rw.toFixed(2)} s ${(median(real.rss) / 1024).toFixed(0).padStart(4)} MiB   ${ratio.toFixed(2)}x, goal <= ${GOAL.toFixed(2)}x -> ${ratio <= GOAL ? 'met' : 'NOT met'}`);
  }
} finally {
  await etcd.stop();
  rmSync(dir, { recursive: true, force: true });
}
