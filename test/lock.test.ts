// lock and elect against a real server, beside (and contending with) the real etcdctl.
import { helpPageAs35 } from './harness/help35.js';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEtcd, type EtcdHandle } from './harness/etcd.js';
import { OUR_BIN, runBytes, runOurs, runReal, stripZapLines } from './harness/run.js';
import { killAll, sleep, startLong, until } from './harness/process.js';

let server: EtcdHandle;
let dir: string;

before(async () => {
  server = await startEtcd();
  dir = mkdtempSync(path.join(tmpdir(), 'etcdctl-ts-lock-'));
});

after(async () => {
  killAll();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const start = (bin: 'ours' | 'real', args: string[]) => startLong(bin, [...server.etcdctlArgs(), ...args]);

test('argument errors match etcdctl', { timeout: 30000 }, async () => {
  for (const args of [['lock'], ['elect'], ['elect', 'x'], ['elect', '-l', 'x', 'y'], ['elect', 'a', 'b', 'c'], ['lock', 'x', '--ttl', 'abc']]) {
    const real = await runReal([...server.etcdctlArgs(), ...args]);
    const ours = await runOurs([...server.etcdctlArgs(), ...args]);
    // A usage error's help page: the one etcdctl-ts prints for that command (3.5's, with our global flags).
    const realOut = real.stdout.toString().startsWith('NAME:\n') ? helpPageAs35(real.stdout.toString()) : real.stdout.toString();
    assert.deepEqual({ out: ours.stdout.toString(), err: stripZapLines(ours.stderr), code: ours.code }, { out: realOut, err: stripZapLines(real.stderr), code: real.code }, args.join(' '));
  }
});

test('lock NAME -- CMD: ETCD_LOCK_KEY and ETCD_LOCK_REV set, the key removed after, the exit status passed on', { timeout: 30000 }, async () => {
  const r = await runOurs([...server.etcdctlArgs(), 'lock', 'job', '--', 'sh', '-c', 'echo "$ETCD_LOCK_KEY $ETCD_LOCK_REV"; exit 0']);
  assert.equal(r.code, 0, r.stderr.toString());
  const [key, rev] = r.stdout.toString().trim().split(' ');
  assert.match(key, /^job\/[0-9a-f]+$/);
  assert.match(rev, /^\d+$/);
  const left = await runReal([...server.etcdctlArgs(), 'get', 'job/', '--prefix', '--keys-only']);
  assert.equal(left.stdout.toString(), '');
  // etcdctl 3.5 exits with the command's status and says so.
  const seven = await runOurs([...server.etcdctlArgs(), 'lock', 'job', '--', 'sh', '-c', 'exit 7']);
  assert.equal(seven.code, 7);
  assert.equal(seven.stderr.toString(), 'Error: exit status 7\n');
});

test("lock NAME -- CMD that cannot be started: Go's words, as etcdctl prints them; the lock is released", { timeout: 30000 }, async () => {
  const script = path.join(dir, 'no-shebang');
  writeFileSync(script, 'echo hi\n', { mode: 0o755 });
  for (const cmd of [['/nonexistent/cmd'], ['no-such-command-anywhere'], [''], [script], [dir]]) {
    const args = [...server.etcdctlArgs(), 'lock', 'startfail', '--', ...cmd];
    const [real, ours] = [await runReal(args), await runOurs(args)];
    assert.deepEqual({ out: ours.stdout.toString(), err: stripZapLines(ours.stderr), code: ours.code }, { out: real.stdout.toString(), err: stripZapLines(real.stderr), code: real.code }, cmd.join(' '));
    assert.match(ours.stderr.toString(), /^Error: (exec: |fork\/exec )/);
  }
  const left = await runReal([...server.etcdctlArgs(), 'get', 'startfail/', '--prefix', '--keys-only']);
  assert.equal(left.stdout.toString(), '');
});

test('lock and elect names and a proposal that are not UTF-8 are used byte for byte, as etcdctl uses them', { timeout: 30000 }, async () => {
  const name = Buffer.from([0x4c, 0xff]);
  // Held until timeout(1) sends SIGTERM, which ends lock cleanly.
  const r = await runBytes('/usr/bin/timeout', ['2', process.execPath, OUR_BIN, ...server.etcdctlArgs(), 'lock', name]);
  const [printed] = r.stdout.toString('latin1').split('\n');
  assert.ok(printed.startsWith('L\xff/'), `lock printed ${JSON.stringify(printed)}`);
  const proposal = Buffer.from([0x70, 0x80]);
  const leader = await runBytes('/usr/bin/timeout', ['3', process.execPath, OUR_BIN, ...server.etcdctlArgs(), 'elect', Buffer.from([0x45, 0xfe]), proposal]);
  assert.ok(leader.stdout.includes(Buffer.concat([proposal, Buffer.from('\n')])), `elect printed ${leader.stdout.toString('hex')}`);
  assert.ok(leader.stdout.subarray(0, 3).equals(Buffer.from([0x45, 0xfe, 0x2f])), `elect printed ${leader.stdout.toString('hex')}`);
});

test('the command lock runs gets no stdin (Go gives it /dev/null), as with etcdctl', { timeout: 30000 }, async () => {
  const args = [...server.etcdctlArgs(), 'lock', 'stdin-test', '--', 'sh', '-c', 'cat; readlink /proc/self/fd/0'];
  const [real, ours] = [await runReal(args, { stdin: 'not for the command\n' }), await runOurs(args, { stdin: 'not for the command\n' })];
  assert.equal(ours.stdout.toString(), real.stdout.toString());
  assert.equal(ours.stdout.toString(), '/dev/null\n');
  assert.equal(ours.code, 0);
});

test('lock prints its key in every format like etcdctl; Ctrl-C releases it (exit 0)', { timeout: 60000 }, async () => {
  for (const w of ['simple', 'json', 'fields']) {
    const real = start('real', ['lock', `fmt-${w}`, '-w', w]);
    await until('the real lock', () => real.out.stdout.length > 0);
    real.child.kill('SIGINT');
    await real.exited;
    const ours = start('ours', ['lock', `fmt-${w}`, '-w', w]);
    await until('our lock', () => ours.out.stdout.length > 0);
    ours.child.kill('SIGINT');
    assert.equal(await ours.exited, 0);
    const mask = (s: string) => s.replace(/(fmt-\w+\/)[0-9a-f]+/g, '$1L').replace(/\d+/g, 'N').replace(/"key":"[^"]*"/g, '"key":"K"');
    assert.equal(mask(ours.out.stdout), mask(real.out.stdout), w);
    assert.equal(ours.out.stderr, '');
  }
  const left = await runReal([...server.etcdctlArgs(), 'get', 'fmt-', '--prefix', '--keys-only']);
  assert.equal(left.stdout.toString(), '');
});

test('contenders (ours and the real etcdctl together) never hold the lock at once', { timeout: 120000 }, async () => {
  // Each holder appends "in" then "out" to a shared file; any interleaving shows an overlap.
  const log = path.join(dir, 'holders.log');
  const script = `echo in >> ${log}; sleep 0.2; echo out >> ${log}`;
  const runs = [];
  for (let i = 0; i < 8; i++) {
    const bin = i % 3 === 2 ? 'real' : 'ours';
    runs.push(start(bin, ['lock', 'shared', '--', 'sh', '-c', script]).exited);
  }
  const codes = await Promise.all(runs);
  assert.deepEqual(codes, Array(8).fill(0));
  const lines = readFileSync(log, 'utf8').trim().split('\n');
  assert.equal(lines.length, 16);
  for (let i = 0; i < lines.length; i += 2) assert.deepEqual(lines.slice(i, i + 2), ['in', 'out'], `overlap near line ${i}: ${lines.join(',')}`);
});

test('a holder that is SIGKILLed frees the lock when its lease runs out', { timeout: 60000 }, async () => {
  const holder = start('ours', ['lock', 'crash', '--ttl', '2']);
  await until('the first holder', () => holder.out.stdout.length > 0);
  holder.child.kill('SIGKILL');
  const t0 = Date.now();
  const next = start('ours', ['lock', 'crash']);
  await until('the lock to pass on', () => next.out.stdout.length > 0, 20000);
  const waited = Date.now() - t0;
  assert.ok(waited >= 800 && waited < 10000, `waited ${waited} ms`);
  next.child.kill('SIGINT');
  assert.equal(await next.exited, 0);
});

test('elect: one leader at a time; the next takes over on Ctrl-C; -l sees every change', { timeout: 60000 }, async (t) => {
  const step = (s: string) => t.diagnostic(`${Date.now() % 100000} ${s}`);
  const observer = start('ours', ['elect', '-l', 'vote']);
  await sleep(300);
  const p1 = start('ours', ['elect', 'vote', 'p1']);
  await until('p1 to lead', () => p1.out.stdout.includes('\np1\n'));
  const p2 = start('real', ['elect', 'vote', 'p2']);
  await sleep(800);
  assert.equal(p2.out.stdout, '', 'p2 must wait while p1 leads');
  step('p1 int');
  p1.child.kill('SIGINT');
  assert.equal(await p1.exited, 0);
  step('p1 exited');
  await until('p2 to lead', () => p2.out.stdout.includes('\np2\n'));
  step('p2 leads');
  p2.child.kill('SIGINT');
  await p2.exited;
  step('p2 exited');
  await until('the observer to see both', () => /\np1\n.*\np2\n/s.test(observer.out.stdout));
  observer.child.kill('SIGINT');
  assert.equal(await observer.exited, 0);
  const keys = observer.out.stdout.split('\n').filter((_, i) => i % 2 === 0 && _ !== '');
  assert.equal(keys.length, 2);
  for (const k of keys) assert.match(k, /^vote\/[0-9a-f]+$/);
  assert.ok(!existsSync(path.join(dir, 'nothing')));
});

test('SIGTERM to lock while its command runs: the command is ended too and the lock released', { timeout: 60000 }, async () => {
  const pidFile = path.join(dir, 'child.pid');
  const holder = start('ours', ['lock', 'term', '--', 'sh', '-c', `echo $$ > ${pidFile}; exec sleep 30`]);
  await until('the command to start', () => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '');
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  holder.child.kill('SIGTERM');
  const code = await holder.exited;
  // etcdctl 3.5 passes on the command's exit status, which Go reports as -1 for a
  // command killed by a signal: exit 255 (3.4 exits 1).
  assert.equal(code, 255);
  assert.equal(holder.out.stderr, 'Error: signal: terminated\n');
  assert.throws(() => process.kill(pid, 0), 'the command must be gone');
  const left = await runReal([...server.etcdctlArgs(), 'get', 'term/', '--prefix', '--keys-only']);
  assert.equal(left.stdout.toString(), '');
});

test('SIGINT and SIGTERM to lock and elect (holding, waiting, observing) end them as they end etcdctl; ours revokes the session lease that etcdctl leaves to run out', { timeout: 60000 }, async () => {
  const leaseIds = async () => new Set((await runReal([...server.etcdctlArgs(), 'lease', 'list'])).stdout.toString().split('\n').slice(1).filter(Boolean));
  const ttl = async (id: string) => (await runReal([...server.etcdctlArgs(), 'lease', 'timetolive', id])).stdout.toString();
  const keys = async (prefix: string) => (await runReal([...server.etcdctlArgs(), 'get', prefix, '--prefix', '--keys-only'])).stdout.toString().split('\n').filter(Boolean);
  // Waiters wait behind a real holder of "busy" (lock) and "busy-e" (election).
  const lockHolder = start('real', ['lock', 'busy']);
  const electHolder = start('real', ['elect', 'busy-e', 'first']);
  await until('the holders', () => lockHolder.out.stdout.length > 0 && electHolder.out.stdout.length > 0);
  const cases: { what: string; args: (bin: string) => string[]; ready: (out: string) => boolean; waits?: string }[] = [
    { what: 'lock holder', args: (bin) => ['lock', `hold-${bin}`], ready: (o) => o.length > 0 },
    { what: 'elect leader', args: (bin) => ['elect', `lead-${bin}`, 'v'], ready: (o) => o.length > 0 },
    { what: 'elect observer', args: () => ['elect', '-l', 'busy-e'], ready: (o) => o.includes('\nfirst\n') },
    { what: 'lock waiter', args: () => ['lock', 'busy'], ready: () => false, waits: 'busy/' },
    { what: 'elect waiter', args: () => ['elect', 'busy-e', 'second'], ready: () => false, waits: 'busy-e/' },
  ];
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    for (const c of cases) {
      const what = `${c.what}, ${sig}`;
      const before = await leaseIds();
      const waitersBefore = c.waits ? (await keys(c.waits)).length : 0;
      const ours = start('ours', c.args('ours'));
      const real = start('real', c.args('real'));
      const deadline = Date.now() + 15000;
      if (c.waits) {
        // Both have put their key and wait behind the holder's.
        while ((await keys(c.waits)).length < waitersBefore + 2) {
          assert.ok(Date.now() < deadline, `${what}: the waiters' keys`);
          await sleep(50);
        }
      } else {
        await until(`${what}: both ready`, () => c.ready(ours.out.stdout) && c.ready(real.out.stdout));
      }
      ours.child.kill(sig);
      real.child.kill(sig);
      const [oursCode, realCode] = await Promise.all([ours.exited, real.exited]);
      const mask = (s: string) => s.replace(/\/[0-9a-f]{1,16}\b/g, '/L').replace(/-(ours|real)\//g, '-X/');
      assert.deepEqual(
        { code: oursCode, signal: ours.child.signalCode, out: mask(ours.out.stdout), err: ours.out.stderr },
        { code: realCode, signal: real.child.signalCode, out: mask(real.out.stdout), err: real.out.stderr },
        what,
      );
      // Each made one session lease. etcdctl never closes its session: its lease stays, no
      // longer renewed, for the rest of its TTL. Ours revokes it (a difference the README
      // lists), so one new lease is left, etcdctl's.
      const added = [...(await leaseIds())].filter((id) => !before.has(id));
      assert.equal(added.length, 1, `${what}: new leases ${added.join(',')}`);
      const leaseOf = (out: string) => /\/([0-9a-f]+)\n/.exec(out)?.[1];
      if (c.what.endsWith('holder') || c.what.endsWith('leader')) {
        // A holder's key names its lease: the one left is etcdctl's.
        assert.equal(BigInt(`0x${added[0]}`), BigInt(`0x${leaseOf(real.out.stdout)}`), what);
        assert.notEqual(BigInt(`0x${added[0]}`), BigInt(`0x${leaseOf(ours.out.stdout)}`), what);
      }
      assert.match(await ttl(added[0]), new RegExp(`granted with TTL\\(${c.what.startsWith('lock') ? 10 : 60}s\\), remaining\\(\\d+s\\)`), what);
      if (c.waits) assert.equal((await keys(c.waits)).length, waitersBefore, `${what}: the waiters' keys are gone`);
      else if (!c.what.includes('observer')) assert.deepEqual([...(await keys(`hold-`)), ...(await keys('lead-'))], [], what);
    }
  }
  lockHolder.child.kill('SIGINT');
  electHolder.child.kill('SIGINT');
  assert.deepEqual(await Promise.all([lockHolder.exited, electHolder.exited]), [0, 0]);
});
