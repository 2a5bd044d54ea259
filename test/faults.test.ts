// Faults a real cluster has, while a long-running command works: members
// killed and restarted (the one we are connected to, then the leader). A watch
// must print every event exactly once, in order.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster, startEtcd, type EtcdHandle } from './harness/etcd.js';
import { runOurs } from './harness/run.js';
import { killAll, sleep, startLong, until } from './harness/process.js';

let cluster: EtcdHandle;

before(async () => {
  cluster = await startCluster(3);
});

after(async () => {
  killAll();
  await cluster?.stop();
});

const startOurs = (args: string[]) => startLong('ours', args);

/** Writes /f/<n> once: a txn that only puts a missing key, so a retry after a doubtful failure adds no event. */
async function writeOnce(n: number, eps: string): Promise<void> {
  const key = `/f/${String(n).padStart(4, '0')}`;
  for (let attempt = 0; attempt < 50; attempt++) {
    const r = await runOurs([eps, '--dial-timeout=1s', '--command-timeout=3s', 'txn'], { stdin: `version("${key}") = "0"\n\nput ${key} v${n}\n\n\n` });
    if (r.code === 0) return;
    await sleep(100);
  }
  assert.fail(`could not write ${key}`);
}

test('watch --prefix through member kills and restarts: every event once, in order', { timeout: 180000 }, async () => {
  const eps = `--endpoints=${cluster.endpoints.join(',')}`;
  const w = startOurs([eps, '--debug', 'watch', '/f/', '--prefix']);
  await until('the watch to connect', () => /\[etcdctl-ts\] connected to /.test(w.out.stderr));
  const connected = /\[etcdctl-ts\] connected to (\S+)/.exec(w.out.stderr)![1];
  const first = cluster.endpoints.indexOf(connected);
  assert.ok(first >= 0, connected);
  await sleep(300); // the watch is created

  let n = 0;
  for (; n < 30; n++) await writeOnce(n, eps);
  // The member the watch is connected to goes away.
  await cluster.stopMember(first);
  for (; n < 60; n++) await writeOnce(n, eps);
  await cluster.startMember(first);
  // Then the leader.
  const leader = await cluster.leaderIndex();
  assert.ok(leader >= 0);
  await cluster.stopMember(leader);
  for (; n < 90; n++) await writeOnce(n, eps);
  await cluster.startMember(leader);
  for (; n < 100; n++) await writeOnce(n, eps);

  const expected = Array.from({ length: 100 }, (_, i) => `PUT\n/f/${String(i).padStart(4, '0')}\nv${i}\n`).join('');
  await until('all 100 events', () => w.out.stdout.length >= expected.length, 60000);
  await sleep(500); // anything extra would show up now
  w.child.kill('SIGINT');
  await w.exited;
  assert.equal(w.out.stdout, expected, `stderr:\n${w.out.stderr}`);
  assert.match(w.out.stderr, /watch stream broke/);
});

test('a dead endpoint listed first: unary and streaming commands all work', { timeout: 120000 }, async () => {
  const eps = `--endpoints=127.0.0.1:1,${cluster.endpoints.join(',')}`;
  for (const args of [['put', '/dead/k', 'v'], ['get', '/dead/k'], ['member', 'list'], ['endpoint', 'status', '--cluster'], ['lease', 'list']]) {
    const r = await runOurs([eps, ...args]);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  }
  const txn = await runOurs([eps, 'txn'], { stdin: 'value("/dead/k") = "v"\n\nput /dead/t yes\n\n\n' });
  assert.equal(txn.stdout.toString(), 'SUCCESS\n\nOK\n');
  // Streams: a watch, a lock held while a command runs, an election, a keep-alive.
  const w = startOurs([eps, 'watch', '/dead/w']);
  await sleep(800);
  assert.equal((await runOurs([eps, 'put', '/dead/w', '1'])).code, 0);
  await until('the watch event', () => w.out.stdout === 'PUT\n/dead/w\n1\n');
  w.child.kill('SIGINT');
  const lock = await runOurs([eps, 'lock', '/dead/lock', '--', 'sh', '-c', 'echo held']);
  assert.equal(lock.stdout.toString(), 'held\n', lock.stderr.toString());
  const e = startOurs([eps, 'elect', '/dead/e', 'me']);
  await until('the election', () => e.out.stdout.endsWith('\nme\n'));
  e.child.kill('SIGINT');
  assert.equal(await e.exited, 0);
  const grant = await runOurs([eps, 'lease', 'grant', '30']);
  const id = /lease ([0-9a-f]+) granted/.exec(grant.stdout.toString())![1];
  const once = await runOurs([eps, 'lease', 'keep-alive', '--once', id]);
  assert.equal(once.stdout.toString(), `lease ${id} keepalived with TTL(30)\n`);
});

test('lease keep-alive keeps its lease through a leader change', { timeout: 120000 }, async () => {
  const eps = `--endpoints=${cluster.endpoints.join(',')}`;
  const grant = await runOurs([eps, 'lease', 'grant', '3']);
  const id = /lease ([0-9a-f]+) granted/.exec(grant.stdout.toString())![1];
  const k = startOurs([eps, 'lease', 'keep-alive', id]);
  await until('the first renewal', () => k.out.stdout.includes('keepalived'));
  const leader = await cluster.leaderIndex();
  await cluster.stopMember(leader);
  await sleep(7000); // more than twice the TTL
  const ttl = await runOurs([eps, 'lease', 'timetolive', id]);
  assert.match(ttl.stdout.toString(), new RegExp(`^lease ${id} granted with TTL\\(3s\\), remaining\\([123]s\\)\\n$`), ttl.stdout.toString());
  await cluster.startMember(leader);
  k.child.kill('SIGINT');
  assert.equal(await k.exited, 0);
  assert.ok(!k.out.stdout.includes('expired or revoked'), k.out.stdout);
});

test('make-mirror through the loss of the source member it reads from: the destination still ends up equal', { timeout: 120000 }, async () => {
  const dest = await startEtcd();
  try {
    const eps = `--endpoints=${cluster.endpoints.join(',')}`;
    for (let i = 0; i < 5; i++) await writeOnce(1000 + i, eps);
    const m = startOurs([eps, '--debug', 'make-mirror', '--prefix', '/f/', dest.clientUrls[0]]);
    await until('the mirror to connect', () => /\[etcdctl-ts\] connected to /.test(m.out.stderr));
    const connected = /\[etcdctl-ts\] connected to (\S+)/.exec(m.out.stderr)![1];
    const idx = cluster.endpoints.indexOf(connected);
    await sleep(500);
    for (let i = 5; i < 10; i++) await writeOnce(1000 + i, eps);
    await cluster.stopMember(idx);
    for (let i = 10; i < 20; i++) await writeOnce(1000 + i, eps);
    await cluster.startMember(idx);
    const want = (await runOurs([eps, 'get', '/f/', '--prefix'])).stdout.toString();
    const deadline = Date.now() + 20000;
    let got = '';
    while (Date.now() < deadline) {
      got = (await runOurs([`--endpoints=${dest.clientUrls[0]}`, 'get', '/f/', '--prefix'])).stdout.toString();
      if (got === want) break;
      await sleep(200);
    }
    assert.equal(got, want, m.out.stderr);
    m.child.kill('SIGKILL');
  } finally {
    await dest.stop();
  }
});
