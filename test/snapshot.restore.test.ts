// snapshot restore, proven with the real etcd 3.4.23: restored data dirs (one member, a whole
// three-member cluster, a separate WAL dir, a bumped revision) are started with the real etcd
// and must serve every key, value, revision, lease and user of the source, with the member and
// cluster IDs etcd derives. The WAL and .snap must equal what the real etcdctl's restore writes
// for the same flags (apart from 3.5's voters in the last WAL record), snapshots saved by either
// tool restore with the other, and bad input leaves nothing behind.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import { startEtcd, type EtcdHandle } from './harness/etcd.js';
import { getFreePorts } from './harness/ports.js';
import { compare, runOurs, runReal, stripZapLines, type RunResult } from './harness/run.js';
import { bootRestored, directClient, parallel, type Booted } from './snapshot.fixtures.js';
import { readWal } from '../src/snapshot/wal.js';
import { decodeFields } from '../src/snapshot/raftpb.js';
import { clusterId, memberId } from '../src/snapshot/cluster.js';

const T = { timeout: 120_000 };
let srv: EtcdHandle;
let dir: string;
let snapOurs: string;
let snapReal: string;
/** The source's keys as `get --prefix -w json` gives them (without the header). */
let sourceKvs: unknown;
let sourceRev: bigint;
let leaseId: bigint;
const running: Booted[] = [];

const ok = (r: RunResult, what: string) => assert.equal(r.code, 0, `${what}: ${stripZapLines(r.stderr)}${r.stdout}`);

async function getAll(endpoint: string, extra: string[] = []): Promise<{ kvs: unknown; header: { cluster_id: bigint | number; member_id: bigint | number; revision: number } }> {
  const r = await runReal([`--endpoints=${endpoint}`, 'get', '', '--from-key', '-w', 'json', ...extra]);
  ok(r, 'get');
  // Big IDs: keep them exact.
  const parsed = JSON.parse(r.stdout.toString().replace(/"(cluster_id|member_id)":(\d+)/g, '"$1":"$2"'));
  return { kvs: parsed.kvs, header: { ...parsed.header, cluster_id: BigInt(parsed.header.cluster_id), member_id: BigInt(parsed.header.member_id) } };
}

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'etcdctl-ts-restore-'));
  srv = await startEtcd();
  const c = directClient(srv.clientUrls[0]);
  try {
    leaseId = (await c.call('Lease.LeaseGrant', { TTL: 3600n })).msg.ID;
    await parallel(Array.from({ length: 600 }, (_, i) => i), 32, (i) =>
      c.call('KV.Put', { key: Buffer.from(`/app/${String(i).padStart(4, '0')}`), value: Buffer.alloc(200, i), ...(i % 50 === 0 ? { lease: leaseId } : {}) }));
    await c.call('KV.Put', { key: Buffer.from('big'), value: Buffer.alloc(300_000, 7) });
    await c.call('KV.DeleteRange', { key: Buffer.from('/app/0100'), range_end: Buffer.from('/app/0200') });
    await c.call('KV.Put', { key: Buffer.from('/app/0001'), value: Buffer.from('rewritten') });
    const rev = (await c.call('KV.Range', { key: Buffer.from('big') })).msg.header.revision as bigint;
    await c.call('KV.Compact', { revision: rev - 10n, physical: true });
    await c.call('Auth.UserAdd', { name: 'alice', password: 'alicepw' });
    await c.call('Auth.RoleAdd', { name: 'reader' });
    await c.call('Auth.RoleGrantPermission', { name: 'reader', perm: { permType: 0, key: Buffer.from('/app/'), range_end: Buffer.from('/app0') } });
    await c.call('Auth.UserGrantRole', { user: 'alice', role: 'reader' });
    await c.call('KV.Put', { key: Buffer.from('last'), value: Buffer.from('one') });
  } finally {
    c.close();
  }
  snapOurs = path.join(dir, 'ours.db');
  snapReal = path.join(dir, 'real.db');
  ok(await runOurs([`--endpoints=${srv.endpoints[0]}`, 'snapshot', 'save', snapOurs]), 'save ours');
  ok(await runReal([`--endpoints=${srv.endpoints[0]}`, 'snapshot', 'save', snapReal]), 'save real');
  const all = await getAll(srv.endpoints[0]);
  sourceKvs = all.kvs;
  sourceRev = BigInt(all.header.revision);
  await srv.stop();
});

after(async () => {
  await Promise.all(running.map((b) => b.stop()));
  await srv?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function boot(members: Parameters<typeof bootRestored>[0]): Promise<Booted[]> {
  const b = await bootRestored(members);
  running.push(...b);
  return b;
}

/** Restores with our CLI; asserts success, empty stdout and the one line on stderr. */
async function restore(args: string[], dataDir: string): Promise<void> {
  const r = await runOurs(['snapshot', 'restore', ...args, '--data-dir', dataDir]);
  ok(r, `restore ${args.join(' ')}`);
  assert.equal(r.stdout.length, 0);
  assert.match(r.stderr.toString(), new RegExp(`^Restored \\S+ into data dir ${path.resolve(dataDir).replace(/[.]/g, '\\.')}(, WAL in \\S+)?: member \\S+ \\([0-9a-f]+\\) of a new \\d-member cluster [0-9a-f]+\\n$`));
}

describe('snapshot restore with the real etcd', () => {
  test('one member: every key, revision, lease and user is there; member list shows the new identity', T, async () => {
    const [peer, client] = await getFreePorts(2);
    const peerUrl = `http://127.0.0.1:${peer}`;
    const data = path.join(dir, 'one');
    await restore([snapOurs, '--name', 'r1', '--initial-cluster', `r1=${peerUrl}`, '--initial-cluster-token', 'tok-one', '--initial-advertise-peer-urls', peerUrl], data);
    const [b] = await boot([{ name: 'r1', dataDir: data, peerUrl, clientPort: client }]);
    const id = memberId([peerUrl], 'tok-one');
    const all = await getAll(b.clientUrl);
    assert.deepEqual(all.kvs, sourceKvs);
    assert.equal(BigInt(all.header.revision), sourceRev);
    assert.equal(all.header.member_id, id);
    assert.equal(all.header.cluster_id, clusterId([id]));
    const members = await runReal([`--endpoints=${b.clientUrl}`, 'member', 'list']);
    assert.equal(members.stdout.toString(), `${id.toString(16)}, started, r1, ${peerUrl}, ${b.clientUrl}, false\n`);
    const leases = await runReal([`--endpoints=${b.clientUrl}`, 'lease', 'list']);
    assert.match(leases.stdout.toString(), new RegExp(leaseId.toString(16)));
    const users = await runReal([`--endpoints=${b.clientUrl}`, 'user', 'get', 'alice']);
    assert.equal(users.stdout.toString(), 'User: alice\nRoles: reader\n');
    const put = await runReal([`--endpoints=${b.clientUrl}`, 'put', 'after', 'restore', '-w', 'json']);
    ok(put, 'put');
    assert.match(put.stdout.toString(), new RegExp(`"revision":${sourceRev + 1n}[,}]`));
    await b.stop();
  });

  test('three members from one snapshot form a healthy cluster with all the data', T, async () => {
    const ports = await getFreePorts(6);
    const names = ['m1', 'm2', 'm3'];
    const peerUrls = names.map((_, i) => `http://127.0.0.1:${ports[i]}`);
    const cluster = names.map((n, i) => `${n}=${peerUrls[i]}`).join(',');
    const dirs = names.map((n) => path.join(dir, `three-${n}`));
    for (let i = 0; i < 3; i++) {
      await restore([snapReal, '--name', names[i], '--initial-cluster', cluster, '--initial-cluster-token', 'tok-three', '--initial-advertise-peer-urls', peerUrls[i]], dirs[i]);
    }
    const b = await boot(names.map((name, i) => ({ name, dataDir: dirs[i], peerUrl: peerUrls[i], clientPort: ports[3 + i] })));
    const eps = b.map((m) => m.clientUrl).join(',');
    const health = await runReal([`--endpoints=${eps}`, 'endpoint', 'health']);
    ok(health, 'endpoint health');
    const ids = peerUrls.map((u) => memberId([u], 'tok-three'));
    const list = await runReal([`--endpoints=${b[0].clientUrl}`, 'member', 'list', '-w', 'json']);
    const listed = [...list.stdout.toString().matchAll(/"ID":(\d+)/g)].map((m) => BigInt(m[1])).sort();
    assert.deepEqual(listed, [...ids].sort());
    for (const m of b) {
      const all = await getAll(m.clientUrl, ['--consistency=s']);
      assert.deepEqual(all.kvs, sourceKvs, `data on ${m.name}`);
      assert.equal(all.header.cluster_id, clusterId(ids));
    }
    ok(await runReal([`--endpoints=${b[0].clientUrl}`, 'put', 'cluster', 'works']), 'put');
    const got = await runReal([`--endpoints=${b[2].clientUrl}`, 'get', 'cluster', '--print-value-only']);
    assert.equal(got.stdout.toString(), 'works\n');
    await Promise.all(b.map((m) => m.stop()));
  });

  test('--bump-revision with --mark-compacted, and a separate --wal-dir', T, async () => {
    const [peer, client] = await getFreePorts(2);
    const peerUrl = `http://127.0.0.1:${peer}`;
    const data = path.join(dir, 'bumped');
    const wal = path.join(dir, 'bumped-wal');
    await restore([snapOurs, '--name', 'b1', '--initial-cluster', `b1=${peerUrl}`, '--initial-advertise-peer-urls', peerUrl, '--wal-dir', wal, '--bump-revision', '1000', '--mark-compacted'], data);
    assert.ok(fs.existsSync(path.join(wal, '0000000000000000-0000000000000000.wal')));
    assert.ok(!fs.existsSync(path.join(data, 'member', 'wal')));
    const [b] = await boot([{ name: 'b1', dataDir: data, peerUrl, clientPort: client, walDir: wal }]);
    const put = await runReal([`--endpoints=${b.clientUrl}`, 'put', 'x', 'y', '-w', 'json']);
    ok(put, 'put');
    assert.match(put.stdout.toString(), new RegExp(`"revision":${sourceRev + 1001n}[,}]`));
    // The bumped revision is compacted: older revisions are gone.
    const old = await runReal([`--endpoints=${b.clientUrl}`, 'get', 'last', `--rev=${sourceRev}`]);
    assert.equal(old.code, 1);
    assert.match(stripZapLines(old.stderr), /required revision has been compacted/);
    const all = await getAll(b.clientUrl);
    const x = Buffer.from('x').toString('base64');
    assert.deepEqual((all.kvs as Array<{ key: string }>).filter((kv) => kv.key !== x), sourceKvs);
    await b.stop();
  });

  test('a db copied from a stopped member restores with --skip-hash-check', T, async () => {
    const copied = path.join(dir, 'copied.db');
    fs.copyFileSync(path.join(dir, 'one', 'member', 'snap', 'db'), copied);
    const r = await runOurs(['snapshot', 'restore', copied, '--data-dir', path.join(dir, 'nohash-fail')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr.toString(), /^Error: snapshot missing hash but --skip-hash-check=false\n/);
    assert.ok(!fs.existsSync(path.join(dir, 'nohash-fail')));
    await restore([copied, '--skip-hash-check'], path.join(dir, 'nohash'));
    const st = await runReal(['snapshot', 'status', path.join(dir, 'nohash', 'member', 'snap', 'db')]);
    ok(st, 'status of the restored db');
  });
});

describe('snapshot restore = the real etcdctl\'s', () => {
  const flags = (peerUrl: string, name = 'x1', cluster = `x1=${peerUrl}`) =>
    ['--name', name, '--initial-cluster', cluster, '--initial-cluster-token', 'tok-cmp', '--initial-advertise-peer-urls', peerUrl];

  test('same IDs, same WAL records and .snap file, for one and three members', T, async () => {
    const cases: Array<[string, string, string]> = [
      ['x1', 'x1=http://127.0.0.1:23901', 'http://127.0.0.1:23901'],
      ['x2', 'x1=http://127.0.0.1:23901,x2=http://127.0.0.1:23902,x3=http://127.0.0.1:23903,x3=http://127.0.0.1:23904', 'http://127.0.0.1:23902'],
    ];
    for (const [name, cluster, peer] of cases) {
      const a = path.join(dir, `cmp-ours-${name}`);
      const b = path.join(dir, `cmp-real-${name}`);
      await restore([snapOurs, ...flags(peer, name, cluster)], a);
      ok(await runReal(['snapshot', 'restore', snapOurs, ...flags(peer, name, cluster), '--data-dir', b]), 'real restore');
      const snapName = fs.readdirSync(path.join(b, 'member', 'snap')).find((f) => f.endsWith('.snap'))!;
      assert.ok(fs.readFileSync(path.join(a, 'member', 'snap', snapName)).equals(fs.readFileSync(path.join(b, 'member', 'snap', snapName))), '.snap');
      const walA = readWal(fs.readFileSync(path.join(a, 'member', 'wal', '0000000000000000-0000000000000000.wal')));
      const walB = readWal(fs.readFileSync(path.join(b, 'member', 'wal', '0000000000000000-0000000000000000.wal')));
      assert.equal(walA.length, walB.length);
      // All but the last record are byte-identical (metadata = member and cluster ID, entries, hard state).
      for (let i = 0; i < walA.length - 1; i++) assert.deepEqual({ ...walA[i] }, { ...walB[i] }, `record ${i}`);
      // The last: the snapshot record at index N, term 1; 3.5 adds the voters.
      const last = (r: typeof walA[number]) => decodeFields(r.data!).filter((f) => f.field !== 3).map((f) => f.value);
      assert.deepEqual(last(walA[walA.length - 1]), last(walB[walB.length - 1]));
      assert.equal(fs.statSync(path.join(a, 'member', 'wal', '0000000000000000-0000000000000000.wal')).size, 64_000_000);
      // The db: the same data; membership and consistent index as 3.5 writes them.
      const st = await runReal(['snapshot', 'status', path.join(a, 'member', 'snap', 'db')]);
      ok(st, 'real status of our db');
    }
  });

  test('a snapshot saved by ours restores with the real etcdctl, and the real etcd boots on it', T, async () => {
    const [peer, client] = await getFreePorts(2);
    const peerUrl = `http://127.0.0.1:${peer}`;
    const data = path.join(dir, 'real-restore');
    ok(await runReal(['snapshot', 'restore', snapOurs, ...flags(peerUrl), '--data-dir', data]), 'real restore');
    const [b] = await boot([{ name: 'x1', dataDir: data, peerUrl, clientPort: client }]);
    assert.deepEqual((await getAll(b.clientUrl)).kvs, sourceKvs);
    await b.stop();
  });

  test('errors as etcdctl gives them; nothing written', T, async (t: TestContext) => {
    const target = path.join(dir, 'never');
    const cases: string[][] = [
      ['--initial-cluster', 'default=127.0.0.1:2380'],
      ['--initial-cluster', 'default=ftp://a:1'],
      ['--name', 'foo'],
      ['--initial-cluster', 'default=http://localhost:2380,b=http://localhost:2380'],
      ['--initial-advertise-peer-urls', 'http://localhost:2381'],
      ['--initial-cluster', 'default=http://localhost:2380/x', '--initial-advertise-peer-urls', 'http://localhost:2380/x'],
      ['--initial-cluster', 'default=http://localhost', '--initial-advertise-peer-urls', 'http://localhost'],
      ['--initial-advertise-peer-urls', 'localhost:2380'],
      // url.Parse's errors, quoted as Go quotes (one parser with member add's, src/go/url.ts).
      ...['http://a b:1', 'http://h\x01:1', 'http://h:1#%zz', 'http://[::1]x:1', 'http://h:1:2', 'http://%41:1'].map((u) => [
        '--initial-cluster', `default=${u}`, '--initial-advertise-peer-urls', u,
      ]),
    ];
    for (const c of cases) {
      await compare(t, ['snapshot', 'restore', snapOurs, ...c, '--data-dir', target]);
      assert.ok(!fs.existsSync(target), `${c.join(' ')}: ${target} was created`);
    }
    await compare(t, ['snapshot', 'restore', path.join(dir, 'missing.db'), '--data-dir', target]);
    await compare(t, ['snapshot', 'restore', '--data-dir', target]);
    assert.ok(!fs.existsSync(target));
  });
});

describe('snapshot restore refuses bad input and leaves nothing behind', () => {
  const nothingLeft = (d: string) => {
    assert.ok(!fs.existsSync(d), `${d} exists`);
    assert.ok(!fs.existsSync(`${d}.restore-tmp`), `${d}.restore-tmp exists`);
  };

  test('damaged snapshots', T, async () => {
    const good = fs.readFileSync(snapOurs);
    const flipped = Buffer.from(good);
    flipped[Math.floor(good.length / 2)] ^= 0x40;
    const wrongTrailer = Buffer.concat([good.subarray(0, good.length - 32), Buffer.alloc(32, 9)]);
    const truncated = good.subarray(0, good.length - 4096);
    const cut = good.subarray(0, good.length - 100);
    const junk = Buffer.alloc(8192, 3);
    const junkWithSum = Buffer.concat([junk, (await import('node:crypto')).createHash('sha256').update(junk).digest()]);
    const cases: Array<[string, Buffer, string[], RegExp]> = [
      ['flipped.db', flipped, [], /^Error: expected sha256 \[[\d ]+\], got \[[\d ]+\]\n\S+ is damaged: its content does not match its sha256 trailer\n$/],
      ['trailer.db', wrongTrailer, [], /^Error: expected sha256 \[9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9\], got /],
      ['truncated.db', truncated, [], /^Error: expected sha256 /],
      ['cut.db', cut, [], /^Error: snapshot missing hash but --skip-hash-check=false\n/],
      ['cut.db', cut, ['--skip-hash-check'], /^Error: snapshot file is truncated\n/],
      ['junk.db', junkWithSum, [], /^Error: invalid database\nthe file is not a bbolt database/],
      ['junk.db', junk, ['--skip-hash-check'], /^Error: invalid database\n/],
    ];
    for (const [name, data, extra, want] of cases) {
      const file = path.join(dir, name);
      fs.writeFileSync(file, data);
      const target = path.join(dir, `bad-${name}`);
      const r = await runOurs(['snapshot', 'restore', file, ...extra, '--data-dir', target]);
      assert.equal(r.code, 1, `${name} ${extra}: ${r.stderr}`);
      assert.equal(r.stdout.length, 0);
      assert.match(r.stderr.toString(), want, `${name} ${extra}`);
      assert.doesNotMatch(r.stderr.toString(), /\n\s+at /);
      nothingLeft(target);
    }
  });

  test('an existing data dir or WAL dir is refused and left as it was', T, async () => {
    const data = path.join(dir, 'existing');
    fs.mkdirSync(data);
    fs.writeFileSync(path.join(data, 'keep'), 'mine');
    const r = await runOurs(['snapshot', 'restore', snapOurs, '--data-dir', data]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.toString(), `Error: data-dir ${JSON.stringify(data)} not empty or could not be read\n`);
    assert.deepEqual(fs.readdirSync(data), ['keep']);
    const wal = path.join(dir, 'existing-wal');
    fs.mkdirSync(wal);
    const w = await runOurs(['snapshot', 'restore', snapOurs, '--data-dir', path.join(dir, 'fresh'), '--wal-dir', wal]);
    assert.equal(w.code, 1);
    assert.equal(w.stderr.toString(), `Error: wal-dir ${JSON.stringify(wal)} exists\n`);
    nothingLeft(path.join(dir, 'fresh'));
    // An empty data dir is fine (3.5).
    const empty = path.join(dir, 'empty-dir');
    fs.mkdirSync(empty);
    await restore([snapOurs], empty);
    assert.ok(fs.existsSync(path.join(empty, 'member', 'snap', 'db')));
  });

  test('flags: --mark-compacted goes with --bump-revision; one argument', T, async () => {
    for (const extra of [['--mark-compacted'], ['--bump-revision', '5']]) {
      const r = await runOurs(['snapshot', 'restore', snapOurs, ...extra, '--data-dir', path.join(dir, 'flags')]);
      assert.equal(r.code, 128);
      assert.equal(r.stderr.toString(), 'Error: --mark-compacted required if --revision-bump > 0\n');
    }
    nothingLeft(path.join(dir, 'flags'));
  });

  test('the default data dir is <name>.etcd in the current directory', T, async () => {
    const cwd = fs.mkdtempSync(path.join(dir, 'cwd-'));
    const r = await runOurs(['snapshot', 'restore', snapOurs, '--name', 'n1', '--initial-cluster', 'n1=http://localhost:2380'], { cwd });
    ok(r, 'restore');
    assert.match(r.stderr.toString(), new RegExp(`into data dir ${path.join(cwd, 'n1.etcd').replace(/[.]/g, '\\.')}: member n1 `));
    assert.ok(fs.existsSync(path.join(cwd, 'n1.etcd', 'member', 'wal')));
  });
});
