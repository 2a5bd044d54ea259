// elect on a real 3-member cluster while members crash: contenders (ours and
// the real etcdctl) campaign on one election and an observer (ours, -l) watches
// it. The member the leader is connected to is SIGKILLed (the leader resigns
// while it is down) and restarted, then the raft leader. Never two leaders at
// once; each Ctrl-C hands over to the next in line; the observer prints every
// leader, in order, once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster, type EtcdHandle } from './harness/etcd.js';
import { runReal } from './harness/run.js';
import { killAll, sleep, startLong, until, type LongRunning } from './harness/process.js';

let cluster: EtcdHandle;

before(async () => {
  cluster = await startCluster(3);
});

after(async () => {
  killAll();
  await cluster?.stop();
});

interface Contender {
  name: string;
  proc: LongRunning;
  /** When its "elected" output was first seen, and when it stopped leading (signalled or exited). */
  electedAt?: number;
  releasedAt?: number;
}

test('elect through member crashes: one leader at a time, handover on Ctrl-C, the observer sees every change', { timeout: 120000 }, async (t) => {
  const step = (s: string) => t.diagnostic(`${Date.now() % 100000} ${s}`);
  // Each process gets the endpoints in another order, so that they are spread over the members.
  const eps = (k: number) => `--endpoints=${[0, 1, 2].map((i) => cluster.endpoints[(i + k) % 3]).join(',')}`;
  const candidates = async () => (await runReal([eps(0), 'get', 'race/', '--prefix', '--keys-only'])).stdout.toString().split('\n').filter(Boolean);

  const observer = startLong('ours', [eps(0), 'elect', '-l', 'race']);
  await sleep(300);
  const contenders: Contender[] = [];
  const monitor = setInterval(() => {
    for (const c of contenders) {
      if (c.electedAt === undefined && c.proc.out.stdout.length > 0) c.electedAt = Date.now();
      if (c.releasedAt === undefined && (c.proc.child.exitCode !== null || c.proc.child.signalCode !== null)) c.releasedAt = Date.now();
    }
  }, 10);
  try {
    const leaders = () => contenders.filter((c) => c.proc.out.stdout.length > 0 && c.releasedAt === undefined).map((c) => c.name);
    const campaign = async (name: string, bin: 'ours' | 'real', k: number, debug = false) => {
      const before = (await candidates()).length;
      const c: Contender = { name, proc: startLong(bin, [eps(k), ...(debug ? ['--debug'] : []), 'elect', 'race', name]) };
      contenders.push(c);
      // In line once its key is there: the order of the keys is the order of leadership.
      const deadline = Date.now() + 15000;
      while ((await candidates()).length === before) {
        assert.ok(Date.now() < deadline, `${name} did not campaign`);
        await sleep(50);
      }
      return c;
    };
    const release = async (c: Contender) => {
      c.releasedAt = Date.now();
      c.proc.child.kill('SIGINT');
      assert.equal(await c.proc.exited, 0, `${c.name}: ${c.proc.out.stderr}`);
    };
    const expectLeader = async (name: string) => {
      try {
        await until(`${name} to lead`, () => leaders().includes(name), 20000);
      } catch (err) {
        for (const c of contenders) step(`${c.name} exit=${c.proc.child.exitCode} signal=${c.proc.child.signalCode} stderr: ${JSON.stringify(c.proc.out.stderr.slice(-2000))}`);
        step(`candidates: ${JSON.stringify(await candidates())}`);
        throw err;
      }
      assert.deepEqual(leaders(), [name]);
      step(`${name} leads`);
    };

    const c1 = await campaign('c1', 'ours', 0, true);
    await expectLeader('c1');
    await campaign('r1', 'real', 1);
    await campaign('c2', 'ours', 2);
    await campaign('r2', 'real', 0);
    await campaign('c3', 'ours', 1);

    // The member the leader is connected to crashes, and comes back.
    const conn = [...c1.proc.out.stderr.matchAll(/\[etcdctl-ts\] connected to (\S+)/g)].pop()![1];
    const member = cluster.endpoints.indexOf(conn.replace(/^https?:\/\//, ''));
    assert.ok(member >= 0, conn);
    step(`kill member ${member}, c1's`);
    await cluster.killMember(member);
    await sleep(2000);
    assert.deepEqual(leaders(), ['c1']);
    // Ctrl-C while that member is down: c1 resigns through another one.
    await release(c1);
    await expectLeader('r1');
    await cluster.startMember(member);
    step(`member ${member} back`);
    await sleep(1000);
    assert.deepEqual(leaders(), ['r1']);

    // The raft leader crashes, and comes back.
    const raftLeader = await cluster.leaderIndex();
    assert.ok(raftLeader >= 0);
    step(`kill member ${raftLeader}, the raft leader`);
    await cluster.killMember(raftLeader);
    await sleep(2000);
    assert.deepEqual(leaders(), ['r1']);
    await cluster.startMember(raftLeader);
    step(`member ${raftLeader} back`);
    await sleep(1000);
    assert.deepEqual(leaders(), ['r1']);

    for (const [from, to] of [['r1', 'c2'], ['c2', 'r2'], ['r2', 'c3']]) {
      await release(contenders.find((c) => c.name === from)!);
      await expectLeader(to);
    }
    await release(contenders.find((c) => c.name === 'c3')!);
    assert.deepEqual(await candidates(), []);

    // Never two at once: the time each led does not overlap another's.
    for (const a of contenders) {
      for (const b of contenders) {
        if (a === b) continue;
        assert.ok(a.electedAt !== undefined && a.releasedAt !== undefined, a.name);
        assert.ok(a.releasedAt! <= b.electedAt! || b.releasedAt! <= a.electedAt!, `${a.name} and ${b.name} led at once`);
      }
    }
    // Each printed its key and proposal once; the observer printed the same, one after another.
    const expected = contenders.map((c) => c.proc.out.stdout).join('');
    for (const c of contenders) assert.match(c.proc.out.stdout, new RegExp(`^race/[0-9a-f]+\\n${c.name}\\n$`));
    for (const c of contenders) if (c.name !== 'c1' && c.name.startsWith('c')) assert.equal(c.proc.out.stderr, '', c.name);
    // Ours revoked their session leases on the way out (c1's while its member was down);
    // etcdctl leaves its own to run out.
    for (const c of contenders) {
      const id = /^race\/([0-9a-f]+)\n/.exec(c.proc.out.stdout)![1];
      const left = (await runReal([eps(0), 'lease', 'timetolive', id])).stdout.toString();
      if (c.name.startsWith('c')) assert.match(left, /already expired/, `${c.name}: ${left}`);
      else assert.match(left, /granted with TTL\(60s\)/, `${c.name}: ${left}`);
    }
    await until('the observer to see every leader', () => observer.out.stdout.length >= expected.length).catch((err) => {
      step(`observer exit=${observer.child.exitCode} signal=${observer.child.signalCode} stdout=${JSON.stringify(observer.out.stdout)} stderr=${JSON.stringify(observer.out.stderr)}; expected ${JSON.stringify(expected)}`);
      throw err;
    });
    await sleep(300);
    observer.child.kill('SIGINT');
    assert.equal(await observer.exited, 0);
    assert.equal(observer.out.stdout, expected);
    assert.equal(observer.out.stderr, '');
  } finally {
    clearInterval(monitor);
  }
});
