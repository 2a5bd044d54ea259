// Cluster administration on a real 3-member cluster: member, endpoint,
// move-leader, defrag and alarms, compared with the real etcdctl where both can
// run on the same state, and the whole life of a member (add as learner, start
// it for real, promote, update, remove) driven by ours.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster, startEtcd, startJoiningMember, type EtcdHandle, type ExtraMember } from './harness/etcd.js';
import { getFreePorts } from './harness/ports.js';
import { runOurs, runReal, stripZapLines, type RunResult } from './harness/run.js';
import { goUnquote } from '../src/txn/grammar.js';

const T = { timeout: 120000 };
let cluster: EtcdHandle;
const extra: ExtraMember[] = [];

before(async () => {
  cluster = await startCluster(3);
});

after(async () => {
  for (const m of extra) await m.stop();
  await cluster?.stop();
});

const all = () => `--endpoints=${cluster.endpoints.join(',')}`;
const one = (i = 0) => `--endpoints=${cluster.endpoints[i]}`;

/** Durations differ run to run; everything else must not. */
function maskTook(s: string): string {
  return s
    .replace(/took = [0-9.]+[µmn]?s/g, 'took = T')
    .replace(/"took":"[^"]*"/g, '"took":"T"')
    .replace(/"Took" : \S+/g, '"Took" : T')
    .replace(/\| +[0-9.]+[µmn]?s \|/g, '| T |');
}

function view(r: RunResult, mask = (s: string) => s) {
  return { stdout: mask(r.stdout.toString()), stderr: mask(stripZapLines(r.stderr)), code: r.code };
}

async function same(args: string[], mask?: (s: string) => string): Promise<RunResult> {
  const real = await runReal(args);
  const ours = await runOurs(args);
  assert.deepEqual(view(ours, mask), view(real, mask), `etcdctl ${args.join(' ')}`);
  if (!mask) assert.ok(ours.stdout.equals(real.stdout), `stdout bytes of ${args.join(' ')}`);
  return ours;
}

/** Health lines come in the order the answers arrive: compare them as sets. */
function sortedLines(s: string): string {
  return maskTook(s).split('\n').filter(Boolean).sort().join('\n');
}

async function memberIds(): Promise<Array<{ id: string; name: string; learner: boolean }>> {
  const r = await runReal([one(), 'member', 'list']);
  return r.stdout
    .toString()
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const f = l.split(', ');
      return { id: f[0], name: f[2], learner: f[5] === 'true' };
    });
}

describe('reading the cluster', () => {
  test('member list in every format', T, async () => {
    for (const w of ['simple', 'json', 'fields', 'table', 'protobuf']) await same([one(), 'member', 'list', '-w', w]);
  });

  test('endpoint status and hashkv for every endpoint and with --cluster, every format', T, async () => {
    for (const w of ['simple', 'json', 'fields', 'table', 'protobuf']) {
      await same([all(), 'endpoint', 'status', '-w', w]);
      await same([one(1), 'endpoint', 'status', '--cluster', '-w', w]);
      await same([all(), 'endpoint', 'hashkv', '-w', w]);
      await same([one(2), 'endpoint', 'hashkv', '--cluster', '--rev', '0', '-w', w]);
    }
  });

  test('endpoint health: same lines (in answer order), timings masked, every format', T, async () => {
    for (const w of ['simple', 'fields', 'table']) {
      for (const args of [[all(), 'endpoint', 'health', '-w', w], [one(), 'endpoint', 'health', '--cluster', '-w', w]]) {
        const real = await runReal(args);
        const ours = await runOurs(args);
        assert.equal(ours.code, real.code);
        // etcdctl 3.5 prints healthy endpoints on stdout (3.4, the binary here, on stderr).
        const realOut = w === 'simple' ? stripZapLines(real.stderr) : real.stdout.toString();
        // Column widths follow the timings in a table: compare its shape, not its padding.
        const shape = (s: string) => (w === 'table' ? sortedLines(s).replace(/-+/g, '-').replace(/ +/g, ' ') : sortedLines(s));
        assert.equal(shape(ours.stdout.toString()), shape(realOut), `${args.join(' ')}`);
        assert.equal(ours.stderr.toString(), '');
      }
    }
    const json = await runOurs([all(), 'endpoint', 'health', '-w', 'json']);
    const parsed = JSON.parse(json.stdout.toString()) as Array<{ endpoint: string; health: boolean; took: string }>;
    assert.deepEqual(parsed.map((h) => h.endpoint).sort(), [...cluster.endpoints].sort());
    assert.ok(parsed.every((h) => h.health && /^[0-9.]+[µmn]?s$/.test(h.took)));
  });

  test('a dead endpoint: health unhealthy (exit 1), status and hashkv report it and go on', T, async () => {
    const [port] = await getFreePorts(1);
    const dead = `127.0.0.1:${port}`;
    const eps = `--endpoints=${cluster.endpoints[0]},${dead}`;
    const health = await runOurs([eps, 'endpoint', 'health']);
    assert.equal(health.code, 1);
    assert.equal(health.stderr.toString(), `${dead} is unhealthy: failed to commit proposal: context deadline exceeded\nError: unhealthy cluster\n`);
    assert.match(health.stdout.toString(), new RegExp(`^${cluster.endpoints[0]} is healthy: successfully committed proposal: took = `));
    const status = await runOurs([eps, 'endpoint', 'status']);
    assert.equal(status.code, 1);
    assert.equal(status.stderr.toString(), `Failed to get the status of endpoint ${dead} (context deadline exceeded)\n`);
    assert.equal(status.stdout.toString().split('\n').filter(Boolean).length, 1);
    const hash = await runOurs([eps, 'endpoint', 'hashkv']);
    assert.equal(hash.code, 1);
    assert.equal(hash.stderr.toString(), `Failed to get the hash of endpoint ${dead} (context deadline exceeded)\nError: context deadline exceeded\n`);
  });

  test('defrag: each endpoint and --cluster', T, async () => {
    await same([all(), 'defrag']);
    await same([one(), 'defrag', '--cluster']);
  });
});

describe('argument and server errors', () => {
  test('member, move-leader, alarm and endpoint errors match etcdctl', T, async () => {
    const ids = await memberIds();
    const cases = [
      ['member', 'add'],
      ['member', 'add', 'n9', 'http://127.0.0.1:1', 'x'],
      ['member', 'add', 'n9'],
      ['member', 'add', 'n9', '--peer-urls=127.0.0.1:1'],
      ['member', 'add', 'n9', '--peer-urls=ftp://127.0.0.1:1'],
      ['member', 'add', 'n9', '--peer-urls=http://127.0.0.1'],
      ['member', 'add', 'n9', '--peer-urls=http://127.0.0.1:1/path'],
      // Refused by Go's url.Parse before anything is sent (a member given such a URL panics).
      ['member', 'add', 'n9', '--peer-urls=http://127.0.0.1:abc'],
      ['member', 'add', 'n9', '--peer-urls=http://%zz:1'],
      ['member', 'add', 'n9', '--peer-urls=http://a b:1'],
      ['member', 'add', 'n9', '--peer-urls=http:127.0.0.1:1'],
      ['member', 'add', 'n9', '--peer-urls=http://127.0.0.1:1:2'],
      ['member', 'add', 'n9', '--peer-urls=http://127.0.0.1:1#%zz'],
      ['member', 'update', ids[0].id, '--peer-urls=http://127.0.0.1:abc'],
      ['member', 'update', ids[0].id, '--peer-urls=http://127.0.0.1:1,http://[::1'],
      ['member', 'remove'],
      ['member', 'remove', 'zz'],
      ['member', 'remove', '1234'],
      ['member', 'update', ids[0].id],
      ['member', 'update', 'zz', '--peer-urls=http://127.0.0.1:1'],
      ['member', 'promote', ids[0].id],
      ['member', 'promote'],
      ['move-leader'],
      ['move-leader', 'zz'],
      ['move-leader', '1', '2'],
      ['alarm', 'list', 'x'],
      ['alarm', 'disarm', 'x'],
      ['member', 'list', '-w', 'bogus'],
    ];
    for (const c of cases) await same([one(), ...c]);
  });

  test('move-leader with no leader among the endpoints: exit 128', T, async () => {
    const leader = await cluster.leaderIndex();
    const follower = cluster.endpoints.find((_, i) => i !== leader)!;
    const ids = await memberIds();
    const r = await same([`--endpoints=${follower}`, 'move-leader', ids[0].id]);
    assert.equal(r.code, 128);
    assert.equal(r.stderr.toString(), `Error: no leader endpoint given at [${follower}]\n`);
  });
});

describe('the life of a member, driven by etcdctl-ts', () => {
  let newId = '';
  let clusterId = '';
  let peerUrl = '';

  test('member add --learner prints the ETCD_* lines; a real etcd started with them joins', T, async () => {
    const [peerPort] = await getFreePorts(1);
    peerUrl = `http://127.0.0.1:${peerPort}`;
    const r = await runOurs([all(), 'member', 'add', 'n4', `--peer-urls=${peerUrl}`, '--learner']);
    assert.equal(r.code, 0, r.stderr.toString());
    const lines = r.stdout.toString().split('\n');
    const head = /^Member ([ 0-9a-f]{16}) added to cluster ([ 0-9a-f]{16})$/.exec(lines[0]);
    assert.ok(head, lines[0]);
    newId = head[1].trim();
    clusterId = head[2].trim();
    assert.equal(lines[1], '');
    assert.equal(lines[2], 'ETCD_NAME="n4"');
    const initial = /^ETCD_INITIAL_CLUSTER=(".*")$/.exec(lines[3]);
    assert.ok(initial, lines[3]);
    const initialCluster = goUnquote(initial[1]);
    for (let i = 0; i < 3; i++) assert.ok(initialCluster.includes(`infra${i}=${cluster.peerUrls[i]}`), initialCluster);
    assert.ok(initialCluster.includes(`n4=${peerUrl}`), initialCluster);
    assert.deepEqual(lines.slice(4), [`ETCD_INITIAL_ADVERTISE_PEER_URLS="${peerUrl}"`, 'ETCD_INITIAL_CLUSTER_STATE="existing"', '']);

    // Before it starts, the member is listed as unstarted (no name) and a learner.
    const before = await runOurs([one(), 'member', 'list']);
    assert.ok(before.stdout.toString().includes(`${newId}, unstarted, , ${peerUrl}, , true\n`), before.stdout.toString());

    extra.push(await startJoiningMember(cluster.dir, { name: 'n4', initialCluster, peerPort, learner: true }));
    const deadline = Date.now() + 20000;
    for (;;) {
      const list = (await runOurs([one(), 'member', 'list'])).stdout.toString();
      if (list.includes(`${newId}, started, n4, ${peerUrl}, `)) break;
      assert.ok(Date.now() < deadline, `n4 never showed as started:\n${list}`);
      await new Promise((res) => setTimeout(res, 200));
    }
  });

  test('member promote turns the learner into a voting member', T, async () => {
    assert.ok(newId, 'needs the member added above');
    const deadline = Date.now() + 30000;
    let r: RunResult;
    for (;;) {
      r = await runOurs([all(), 'member', 'promote', newId]);
      // A learner is promoted only once it has caught up with the leader.
      if (r.code === 0 || !/in sync with leader/.test(r.stderr.toString()) || Date.now() > deadline) break;
      await new Promise((res) => setTimeout(res, 300));
    }
    assert.equal(r.code, 0, r.stderr.toString());
    assert.equal(r.stdout.toString(), `Member ${newId.padStart(16)} promoted in cluster ${clusterId.padStart(16)}\n`);
    const ids = await memberIds();
    assert.deepEqual(ids.find((m) => m.id === newId), { id: newId, name: 'n4', learner: false });
    // Promoting a voting member is the server's error, word for word like etcdctl's.
    const again = await same([all(), 'member', 'promote', newId]);
    assert.equal(again.code, 1);
  });

  test('move-leader hands leadership over, finding the leader among the endpoints', T, async () => {
    const statuses = JSON.parse((await runOurs([all(), 'endpoint', 'status', '-w', 'json'])).stdout.toString()) as unknown[];
    assert.equal(statuses.length, 3);
    const raw = (await runOurs([all(), 'endpoint', 'status', '-w', 'fields'])).stdout.toString();
    const leaderDec = /"Leader" : (\d+)/.exec(raw)![1];
    const leaderHex = BigInt(leaderDec).toString(16);
    const target = (await memberIds()).find((m) => m.id !== leaderHex && m.id !== newId)!.id;
    const r = await runOurs([all(), 'move-leader', target]);
    assert.equal(r.code, 0, r.stderr.toString());
    assert.equal(r.stdout.toString(), `Leadership transferred from ${leaderHex} to ${target}\n`);
    const after = (await runOurs([all(), 'endpoint', 'status', '-w', 'fields'])).stdout.toString();
    assert.equal(BigInt(/"Leader" : (\d+)/.exec(after)![1]).toString(16), target);
    // The real etcdctl moves it back and says it the same way.
    const back = await runReal([all(), 'move-leader', leaderHex]);
    assert.equal(back.stdout.toString(), `Leadership transferred from ${target} to ${leaderHex}\n`);
  });

  test('member update, then member remove: the member is gone', T, async () => {
    // A space around a URL is trimmed by etcd's client and server alike.
    const upd = await same([all(), 'member', 'update', newId, `--peer-urls= ${peerUrl}`]);
    assert.equal(upd.stdout.toString(), `Member ${newId.padStart(16)} updated in cluster ${clusterId.padStart(16)}\n`);
    await extra.pop()!.stop();
    const r = await runOurs([all(), 'member', 'remove', newId]);
    assert.equal(r.code, 0, r.stderr.toString());
    assert.equal(r.stdout.toString(), `Member ${newId.padStart(16)} removed from cluster ${clusterId.padStart(16)}\n`);
    assert.ok(!(await memberIds()).some((m) => m.id === newId));
    const again = await same([all(), 'member', 'remove', newId]);
    assert.equal(again.stderr.toString(), 'Error: etcdserver: member not found\n');
  });

  test('member add -w json and -w fields: the member is added, fields then fails (exit 4) as in etcdctl', T, async () => {
    const [p1, p2] = await getFreePorts(2);
    const json = await runOurs([all(), 'member', 'add', 'n5', `--peer-urls=http://127.0.0.1:${p1}`, '-w', 'json']);
    assert.equal(json.code, 0, json.stderr.toString());
    const added = JSON.parse(json.stdout.toString()) as { member: { ID: number; peerURLs: string[] } };
    assert.deepEqual(added.member.peerURLs, [`http://127.0.0.1:${p1}`]);
    const id5 = /"member":\{"ID":(\d+)/.exec(json.stdout.toString())![1];
    assert.equal((await runReal([all(), 'member', 'remove', BigInt(id5).toString(16)])).code, 0);
    const fields = await runOurs([all(), 'member', 'add', 'n6', `--peer-urls=http://127.0.0.1:${p2}`, '-w', 'fields']);
    assert.equal(fields.code, 4);
    assert.equal(fields.stderr.toString(), 'Error: fields not supported as output format\n');
    const n6 = (await memberIds()).find((m) => m.id && m.name === '');
    assert.ok(n6, 'the member was added before the format failed');
    assert.equal((await runReal([all(), 'member', 'remove', n6.id])).code, 0);
  });
});

describe('alarms', () => {
  let small: EtcdHandle;
  before(async () => {
    small = await startEtcd({ quotaBackendBytes: 256 * 1024 });
    const big = Buffer.alloc(64 * 1024, 0x61);
    for (let i = 0; i < 40; i++) {
      const r = await runReal([...small.etcdctlArgs(), 'put', `fill/${i}`], { stdin: big });
      if (r.code !== 0) break; // mvcc: database space exceeded: the NOSPACE alarm is up
    }
  });
  after(async () => {
    await small?.stop();
  });

  test('alarm list in every format; writes fail; health reports the alarm', T, async () => {
    const ep = small.etcdctlArgs();
    const list = await same([...ep, 'alarm', 'list']);
    assert.match(list.stdout.toString(), /^memberID:\d+ alarm:NOSPACE \n$/);
    for (const w of ['json', 'protobuf', 'table']) await same([...ep, 'alarm', 'list', '-w', w]);
    // etcdctl crashes on this one (its header is empty); ours prints zeros for the header.
    const fields = await runOurs([...ep, 'alarm', 'list', '-w', 'fields']);
    const id = /memberID:(\d+)/.exec(list.stdout.toString())![1];
    assert.equal(fields.stdout.toString(), `"ClusterID" : 0\n"MemberID" : 0\n"Revision" : 0\n"RaftTerm" : 0\n"MemberID" : ${id}\n"AlarmType" : NOSPACE\n\n`);
    await same([...ep, 'put', 'x', 'y']);
    // etcdctl 3.5 reports an active alarm as unhealthy (3.4, the binary here, does not).
    const health = await runOurs([...ep, 'endpoint', 'health']);
    assert.equal(health.code, 1);
    assert.equal(health.stderr.toString(), `${small.clientUrls[0]} is unhealthy: failed to commit proposal: Active Alarm(s): NOSPACE \nError: unhealthy cluster\n`);
  });

  test('alarm disarm prints what it disarmed; then the list is empty', T, async () => {
    const ep = small.etcdctlArgs();
    const before = (await runReal([...ep, 'alarm', 'list'])).stdout.toString();
    // Make room first, or the alarm comes straight back.
    assert.equal((await runReal([...ep, 'del', 'fill/', '--prefix'])).code, 0);
    const rev = /"revision":(\d+)/.exec((await runReal([...ep, 'get', 'x', '-w', 'json'])).stdout.toString())![1];
    assert.equal((await runReal([...ep, 'compaction', rev])).code, 0);
    assert.equal((await runReal([...ep, 'defrag'])).code, 0);
    const r = await runOurs([...ep, 'alarm', 'disarm', '-w', 'json']);
    assert.equal(r.code, 0, r.stderr.toString());
    const id = /memberID:(\d+)/.exec(before)![1];
    assert.equal(r.stdout.toString(), `{"alarms":[{"memberID":${id},"alarm":1}]}\n`);
    await same([...ep, 'alarm', 'list']);
    assert.equal((await runOurs([...ep, 'alarm', 'list'])).stdout.toString(), '');
    await same([...ep, 'alarm', 'disarm']);
    assert.equal((await runOurs([...ep, 'put', 'x', 'y'])).code, 0);
  });
});
