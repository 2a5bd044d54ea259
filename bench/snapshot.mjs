// snapshot save / status / restore of a snapshot of at least 256 MiB: wall time and peak
// memory (max RSS) of ours against the real etcdctl, medians over a few runs (the two take
// turns), against a throw-away etcd on loopback filled with large values and many small keys.
// Goals (issue 4): no slower than etcdctl; save's peak memory under 120 MiB.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_ENV, clearedNote } from './env.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const { startEtcd } = await import(join(repo, 'dist/test/harness/etcd.js'));
const { directClient, parallel } = await import(join(repo, 'dist/test/snapshot.fixtures.js'));

const RUNS = Number(process.env.BENCH_SNAPSHOT_RUNS ?? 3);
const MIN_DB = Number(process.env.BENCH_SNAPSHOT_MIB ?? 256) * 1024 * 1024;
const OURS = [process.execPath, join(repo, 'bin/etcdctl-ts.js')];
const REAL = ['etcdctl'];
const hasTime = fs.existsSync('/usr/bin/time');

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Runs a command once: wall seconds and max RSS in MiB (from /usr/bin/time when there). */
function measure(cmd, args, env) {
  const argv = hasTime ? ['/usr/bin/time', ['-f', '@@%e %M', cmd, ...args]] : [cmd, args];
  const t = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv[1], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...BENCH_ENV, ETCDCTL_API: '3', ...env }, maxBuffer: 1 << 26 });
  const wall = Number(process.hrtime.bigint() - t) / 1e9;
  const err = r.stderr.toString();
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${err.slice(-2000)}`);
  const m = /@@([\d.]+) (\d+)\s*$/.exec(err);
  return { s: m ? Number(m[1]) : wall, mib: m ? Number(m[2]) / 1024 : NaN };
}

/**
 * Times etcdctl and ours at one step, RUNS times each, taking turns (and
 * swapping who goes first every round) so that a slow spell of the machine
 * falls on both alike. Each side is [prepare, run]; prepare may be null.
 */
function benchPair(name, real, ours) {
  const sides = [real, ours].map(([prepare, run]) => ({ prepare, run, times: [], mems: [] }));
  for (let i = 0; i < RUNS; i++) {
    for (const side of i % 2 ? [...sides].reverse() : sides) {
      side.prepare?.(i);
      const r = side.run(i);
      side.times.push(r.s);
      side.mems.push(r.mib);
    }
  }
  return sides.map((side) => ({ name, s: median(side.times), mib: Math.max(...side.mems) }));
}

const dir = fs.mkdtempSync(join(os.tmpdir(), 'etcdctl-ts-bench-'));
const etcd = await startEtcd({ quotaBackendBytes: 8 * 1024 ** 3, readyTimeoutMs: 20000 });
try {
  const ep = `--endpoints=${etcd.endpoints[0]}`;
  const c = directClient(etcd.clientUrls[0]);
  const t0 = Date.now();
  let dbSize = 0;
  for (let round = 0; dbSize < MIN_DB; round++) {
    await parallel(Array.from({ length: 100 }, (_, i) => i), 4, (i) =>
      c.call('KV.Put', { key: Buffer.from(`/big/${round}/${i}`), value: Buffer.alloc(1024 * 1024, i) }));
    await parallel(Array.from({ length: 60000 }, (_, i) => i), 128, (i) =>
      c.call('KV.Put', { key: Buffer.from(`/small/${round}/${String(i).padStart(7, '0')}`), value: Buffer.alloc(400, i) }));
    dbSize = Number((await c.call('Maintenance.Status', {})).msg.dbSize);
  }
  c.close();
  console.log(`snapshot of a ${(dbSize / 1048576).toFixed(0)} MiB db (filled in ${((Date.now() - t0) / 1000).toFixed(1)} s), median of ${RUNS} runs, peak RSS`);
  if (clearedNote()) console.log(clearedNote());

  const realFile = join(dir, 'real.db');
  const oursFile = join(dir, 'ours.db');
  const rows = [];
  const rm = (p) => fs.rmSync(p, { recursive: true, force: true });
  rows.push(benchPair('save',
    [() => rm(realFile), () => measure(REAL[0], [ep, 'snapshot', 'save', realFile])],
    [() => rm(oursFile), () => measure(OURS[0], [OURS[1], ep, 'snapshot', 'save', oursFile])]));
  rows.push(benchPair('status',
    [null, () => measure(REAL[0], ['snapshot', 'status', realFile])],
    [null, () => measure(OURS[0], [OURS[1], 'snapshot', 'status', realFile])]));
  const restoreArgs = (d) => ['snapshot', 'restore', realFile, '--data-dir', d, '--name', 'b1', '--initial-cluster', 'b1=http://127.0.0.1:2380', '--initial-advertise-peer-urls', 'http://127.0.0.1:2380'];
  const rd = join(dir, 'restored-real');
  const od = join(dir, 'restored-ours');
  rows.push(benchPair('restore',
    [() => rm(rd), () => measure(REAL[0], restoreArgs(rd))],
    [() => rm(od), () => measure(OURS[0], [OURS[1], ...restoreArgs(od)])]));
  const mib = (x) => (Number.isNaN(x) ? '   n/a' : `${x.toFixed(0).padStart(4)} MiB`);
  console.log(`${''.padEnd(8)} ${'etcdctl 3.4'.padStart(20)}   ${'etcdctl-ts'.padStart(20)}   ratio`);
  for (const [real, ours] of rows) {
    console.log(`${real.name.padEnd(8)} ${real.s.toFixed(2).padStart(7)} s ${mib(real.mib)}   ${ours.s.toFixed(2).padStart(7)} s ${mib(ours.mib)}   ${(ours.s / real.s).toFixed(2)}x`);
  }
  const save = rows[0][1];
  console.log(`goal: save peak memory < 120 MiB -> ${save.mib < 120 ? 'met' : 'NOT met'} (${mib(save.mib).trim()})`);
  for (const [real, ours] of rows) {
    console.log(`goal: ${ours.name} no slower than etcdctl -> ${ours.s <= real.s * 1.05 ? 'met' : 'NOT met'} (${(ours.s / real.s).toFixed(2)}x)`);
  }
} finally {
  await etcd.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}
