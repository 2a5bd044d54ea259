// check perf and check datascale against real servers, beside the real etcdctl.
// check perf runs for the 60 seconds etcdctl runs it (both at once, on two servers).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startEtcd, type EtcdHandle } from './harness/etcd.js';
import { runOurs, runReal, stripZapLines, type RunResult } from './harness/run.js';
import { renderProgress } from '../src/check/progress.js';
import { loadStats, perfVerdict } from '../src/check/stats.js';
import { keyMaker } from '../commands/check.js';
import { killAll, startLong, until } from './harness/process.js';

let a: EtcdHandle;
let b: EtcdHandle;

before(async () => {
  [a, b] = await Promise.all([startEtcd(), startEtcd()]);
});

after(async () => {
  killAll();
  await Promise.all([a?.stop(), b?.stop()]);
});

/** The progress line is redrawn with "\r"; its last drawing is what stays on screen. */
function finalLines(r: RunResult): string[] {
  return r.stdout
    .toString()
    .split('\n')
    .map((l) => l.split('\r').pop()!)
    .filter(Boolean);
}

test('progress line: counters, percentage, time left, final time; a bar only on a terminal', () => {
  const at = (current: number, total: number, changedMs: number, elapsedMs = changedMs, width = 0) =>
    renderProgress({ current, total, elapsedMs, changedMs, finished: false, width });
  assert.equal(at(0, 60, 0), ' 0 / 60    0.00%');
  assert.equal(at(0, 60, 0, 800), ' 0 / 60    0.00%');
  assert.equal(at(21, 60, 21000), ' 21 / 60   35.00% 00m39s');
  assert.equal(at(9, 10, 900), ' 9 / 10   90.00%');
  const wide = at(30, 60, 30000, 30000, 40);
  assert.equal(wide.length, 40);
  assert.match(wide, /^ 30 \/ 60 Bo+m +!  50\.00% 00m30s$/);
  const done = (elapsedMs: number) => renderProgress({ current: 60, total: 60, elapsedMs, changedMs: 0, finished: true, width: 0 });
  assert.equal(done(60400), ' 60 / 60  100.00% 1m0s');
  assert.equal(done(59999), ' 60 / 60  100.00% 59s');
  assert.equal(done(300), ' 60 / 60  100.00% 0s');
  assert.equal(done(3_725_000), ' 60 / 60  100.00% 1h2m5s');
});

test('progress line: time left as etcdctl\'s pb.v1 estimates it, counting down between steps', () => {
  const at = (current: number, total: number, changedMs: number, elapsedMs = changedMs) =>
    renderProgress({ current, total, elapsedMs, changedMs, finished: false, width: 0 });
  // check perf: one step a second, noticed by the redraw right after it. Per step: the time up
  // to the change / the count; left: that times the steps to go, less the time since the change.
  assert.equal(at(1, 60, 1000), ' 1 / 60    1.67% 00m59s');
  assert.equal(at(1, 60, 1000, 1200), ' 1 / 60    1.67% 00m58s'); // 58.8 s, truncated
  assert.equal(at(1, 60, 1000, 1999), ' 1 / 60    1.67% 00m58s'); // 58.001 s
  assert.equal(at(1, 60, 1200), ' 1 / 60    1.67% 01m10s'); // noticed at 1.2 s: 59 × 1.2 s
  assert.equal(at(30, 60, 30100, 30900), ' 30 / 60   50.00% 00m29s'); // 30 × 1.00333 s − 0.8 s = 29.3 s
  // Under a whole second left: no time at all.
  assert.equal(at(59, 60, 59050), ' 59 / 60   98.33% 00m01s'); // 1.00085 s
  assert.equal(at(59, 60, 59050, 59250), ' 59 / 60   98.33%');
  assert.equal(at(59, 60, 59000, 59000.001), ' 59 / 60   98.33%'); // 1 s − 1 µs
  // Overdue: the estimate goes negative, nothing is shown.
  assert.equal(at(30, 60, 30000, 70000), ' 30 / 60   50.00%');
  // Nanosecond arithmetic: 2000 ms / 3 steps = 666666666 ns a step; 3 × that = 1.999999998 s.
  assert.equal(at(3, 6, 2000), ' 3 / 6   50.00% 00m01s');
  // The duration text: days and hours only when more than one, unpadded; minutes and seconds "%02d".
  const left = (seconds: number) => at(1, 2, seconds * 1000).replace(/^ 1 \/ 2   50\.00% /, '');
  assert.equal(left(754), '12m34s');
  assert.equal(left(3599), '59m59s');
  assert.equal(left(3600), '60m00s');
  assert.equal(left(3661), '1h01m01s');
  assert.equal(left(36000 + 61), '10h01m01s');
  assert.equal(left(86400), '24h00m00s');
  assert.equal(left(86401), '1d00m01s');
  assert.equal(left(90000), '1d60m00s');
  assert.equal(left(90061), '1d1h01m01s');
  assert.equal(left(2 * 86400 + 7322), '2d2h02m02s');
});

test('verdict: etcdctl\'s thresholds and wording', () => {
  const good = perfVerdict(loadStats([{ seconds: 0.01 }, { seconds: 0.02 }], 2 / 150), 150);
  assert.deepEqual(good.lines, ['PASS: Throughput is 151 writes/s', 'PASS: Slowest request took 0.020000s', 'PASS: Stddev is 0.005000s', 'PASS']);
  assert.equal(good.ok, true);
  const bad = perfVerdict(loadStats([{ seconds: 0.9 }, { seconds: 0.1 }, { error: 'etcdserver: too many requests', seconds: 0 }], 1), 150);
  assert.deepEqual(bad.lines, [
    'FAIL: too many errors', 'FAIL: ERROR(etcdserver: too many requests) -> 1', 'FAIL: Throughput too low: 3 writes/s',
    'Slowest request took too long: 0.900000s', 'Stddev too high: 0.400000s', 'FAIL',
  ]);
});

test('keys: the prefix, then a varint in a 256-byte buffer', () => {
  const next = keyMaker('/p/', 256);
  const k1 = next();
  const k2 = next();
  assert.equal(k1.length, 3 + 256);
  assert.equal(k1.subarray(0, 3).toString(), '/p/');
  assert.notDeepEqual(k1, k2);
  assert.equal(k1[3] & 1, 0, 'zig-zag of a non-negative number is even');
});

test('unknown load and a used prefix fail as etcdctl fails', { timeout: 60000 }, async () => {
  for (const args of [['check', 'perf', '--load', 'huge'], ['check', 'datascale', '--load=x']]) {
    const real = await runReal([...a.etcdctlArgs(), ...args]);
    const ours = await runOurs([...a.etcdctlArgs(), ...args]);
    assert.deepEqual({ out: ours.stdout.toString(), err: stripZapLines(ours.stderr), code: ours.code }, { out: real.stdout.toString(), err: stripZapLines(real.stderr), code: real.code });
    assert.equal(ours.code, 4);
  }
  assert.equal((await runReal([...a.etcdctlArgs(), 'put', '/etcdctl-check-perf/x', '1'])).code, 0);
  assert.equal((await runReal([...a.etcdctlArgs(), 'put', '/etcdctl-check-datascale/x', '1'])).code, 0);
  for (const sub of ['perf', 'datascale']) {
    const real = await runReal([...a.etcdctlArgs(), 'check', sub]);
    const ours = await runOurs([...a.etcdctlArgs(), 'check', sub]);
    assert.equal(ours.code, 3);
    assert.equal(ours.code, real.code);
    // etcdctl 3.5 quotes the del command for perf; 3.4 (the binary here) does not.
    const want = stripZapLines(real.stderr).replace(/Delete with etcdctl del --prefix (\/etcdctl-check-perf\/) first/, "Delete with 'etcdctl del --prefix $1' first");
    assert.equal(stripZapLines(ours.stderr), want);
  }
  assert.equal((await runReal([...a.etcdctlArgs(), 'del', '/etcdctl-check', '--prefix'])).code, 0);
});

test('check datascale: the same report lines as etcdctl, and the keys are gone after', { timeout: 120000 }, async () => {
  // 10,000 writes each: with other test files running beside, more than the default 20 s.
  const long = { timeoutMs: 90000 };
  const [real, ours] = await Promise.all([runReal([...a.etcdctlArgs(), 'check', 'datascale'], long), runOurs([...b.etcdctlArgs(), 'check', 'datascale', '--auto-compact', '--auto-defrag'], long)]);
  assert.equal(ours.code, 0, ours.stderr.toString());
  assert.equal(real.code, 0);
  const lines = finalLines(ours);
  assert.deepEqual(finalLines(real).map((l) => l.replace(/[\d.]+ MB/, 'N MB').replace(/ \d+s$/, '')), [
    'Start data scale check for work load [10000 key-value pairs, 1024 bytes per key-value, 50 concurrent clients].',
    ' 10000 / 10000  100.00%',
    'PASS: Approximate system memory used : N MB.',
  ]);
  assert.equal(lines[0], 'Start data scale check for work load [10000 key-value pairs, 1024 bytes per key-value, 50 concurrent clients].');
  assert.match(lines[1], /^ 10000 \/ 10000  100\.00% \d+s$/);
  assert.match(lines[2], /^Compacting with revision \d+$/);
  assert.match(lines[3], /^Compacted with revision \d+$/);
  assert.equal(lines[4], `Defragmenting "${b.clientUrls[0]}"`);
  assert.equal(lines[5], `Defragmented "${b.clientUrls[0]}"`);
  assert.match(lines[6], /^PASS: Approximate system memory used : -?\d+\.\d\d MB\.$/);
  const left = await runReal([...b.etcdctlArgs(), 'get', '/etcdctl-check-datascale/', '--prefix', '--count-only', '-w', 'fields']);
  assert.doesNotMatch(left.stdout.toString(), /"Count" : [1-9]/);
});

test('check perf: 60 s at 150 writes/s with 50 clients, judged like etcdctl', { timeout: 150000 }, async () => {
  const [real, ours] = await Promise.all([runReal([...a.etcdctlArgs(), 'check', 'perf'], { timeoutMs: 120000 }), runOurs([...b.etcdctlArgs(), 'check', 'perf'], { timeoutMs: 120000 })]);
  const shape = (r: RunResult) => finalLines(r).map((l) => l.replace(/\d+(\.\d+)?/g, 'N'));
  // etcdctl prints its verdict while its progress line may still be unfinished (a race in
  // etcdctl); compare the verdict lines, wherever they start.
  const verdict = (r: RunResult) => r.stdout.toString().split(/\r|\n/).map((l) => l.replace(/^.*?(PASS|FAIL)/, '$1')).filter((l) => /^(PASS|FAIL)/.test(l)).map((l) => l.replace(/\d+(\.\d+)?/g, 'N'));
  assert.deepEqual(verdict(ours), verdict(real));
  assert.deepEqual(shape(ours), [' N / N  N% NmNs', 'PASS: Throughput is N writes/s', 'PASS: Slowest request took Ns', 'PASS: Stddev is Ns', 'PASS']);
  const rate = Number(/Throughput is (\d+)/.exec(ours.stdout.toString())![1]);
  assert.ok(rate > 135 && rate <= 160, `throughput ${rate}`);
  // Progress was drawn once a second, 0 to 60 (the last value perhaps twice: once more when finished).
  const draws = ours.stdout.toString().split('\r').filter((s) => /^ \d+ \/ 60 /.test(s)).map((s) => Number(/^ (\d+)/.exec(s)![1]));
  assert.deepEqual([...new Set(draws)], Array.from({ length: 61 }, (_, i) => i));
  assert.equal(ours.code, 0);
  const left = await runReal([...b.etcdctlArgs(), 'get', '/etcdctl-check-perf/', '--prefix', '--keys-only']);
  assert.equal(left.stdout.toString(), '');
});

test('check perf stopped after 2 s: Ctrl-C cleans up and reports (etcdctl 3.5), SIGTERM kills it and leaves the keys', { timeout: 60000 }, async () => {
  const keysLeft = async (h: EtcdHandle) => (await runReal([...h.etcdctlArgs(), 'get', '/etcdctl-check-perf/', '--prefix', '--keys-only'])).stdout.toString().split('\n').filter(Boolean).length;
  const leases = async (h: EtcdHandle) => (await runReal([...h.etcdctlArgs(), 'lease', 'list'])).stdout.toString();
  const realVersion = (await runReal(['version'])).stdout.toString();
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    const real = startLong('real', [...a.etcdctlArgs(), 'check', 'perf']);
    const ours = startLong('ours', [...b.etcdctlArgs(), 'check', 'perf']);
    await until('two seconds of load', () => / 2 \/ 60 /.test(real.out.stdout) && / 2 \/ 60 /.test(ours.out.stdout), 20000);
    real.child.kill(sig);
    ours.child.kill(sig);
    const [realCode, oursCode] = await Promise.all([real.exited, ours.exited]);
    assert.equal(ours.out.stderr, '', sig);
    if (sig === 'SIGTERM') {
      // Neither catches SIGTERM: killed by it, the keys written so far left behind.
      assert.deepEqual({ code: oursCode, signal: ours.child.signalCode }, { code: realCode, signal: real.child.signalCode });
      assert.equal(ours.child.signalCode, 'SIGTERM');
      assert.ok((await keysLeft(a)) > 0 && (await keysLeft(b)) > 0);
      assert.match(ours.out.stdout, /^(\r \d+ \/ 60 +[\d.]+%( \d\dm\d\ds)?)+$/);
    } else {
      // etcdctl 3.5 catches Ctrl-C: the load stops, the keys are deleted and the verdict on
      // the writes done is printed right after the progress line, which is never finished
      // (no final time, no line end); exit 0 on PASS, 1 on FAIL (two seconds of writes on a
      // busy machine can fall short of the load's rate). 3.4, the binary here, has no handler
      // yet: killed by SIGINT, its keys left behind.
      assert.equal(ours.child.signalCode, null);
      const verdict = /^(?:\r \d+ \/ 60 +[\d.]+%(?: \d\dm\d\ds)?)+((?:(?:PASS|FAIL): Throughput (?:is|too low:) \d+ writes\/s\n)(?:(?:PASS: Slowest request took|Slowest request took too long:) \d+\.\d{6}s\n)(?:(?:PASS: Stddev is|Stddev too high:) \d+\.\d{6}s\n)(PASS|FAIL)\n)$/.exec(ours.out.stdout);
      assert.ok(verdict, `not a progress line then a verdict: ${JSON.stringify(ours.out.stdout)}`);
      assert.equal(verdict[2] === 'PASS', !/FAIL|too (?:low|long|high):/.test(verdict[1]), verdict[1]);
      assert.equal(oursCode, verdict[2] === 'PASS' ? 0 : 1, verdict[1]);
      assert.equal(await keysLeft(b), 0);
      if (/version: 3\.4\./.test(realVersion)) {
        assert.equal(real.child.signalCode, 'SIGINT');
        assert.ok((await keysLeft(a)) > 0);
      } else {
        assert.equal(realCode, /\nPASS\n$/.test(real.out.stdout) ? 0 : 1);
        assert.equal(await keysLeft(a), 0);
      }
    }
    // check perf uses no lease.
    assert.equal(await leases(a), 'found 0 leases\n');
    assert.equal(await leases(b), 'found 0 leases\n');
    for (const h of [a, b]) assert.equal((await runReal([...h.etcdctlArgs(), 'del', '/etcdctl-check-perf/', '--prefix'])).code, 0);
  }
});
