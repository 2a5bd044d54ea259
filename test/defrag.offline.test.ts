// defrag --data-dir, proven with the real etcd 3.4.23: a member's db, after many keys were
// written, most deleted and the history compacted, is defragmented while the member is stopped;
// the file shrinks, and etcd restarted on the same data dir serves every key at the same
// revision with the same `endpoint hashkv`. While etcd runs, the db is refused and left alone.
// Bad data dirs get a clear error and nothing is written. The /proc/locks reader is also tested
// on its own.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startEtcd, type EtcdHandle } from './harness/etcd.js';
import { runOurs, runReal, stripZapLines, type RunResult } from './harness/run.js';
import { directClient, parallel } from './snapshot.fixtures.js';
import { deviceNumbers, locksOn, parseLocks } from '../src/io/locks.js';
import { humanBytes } from '../src/go/humanize.js';

const T = { timeout: 120_000 };
let srv: EtcdHandle;
let dir: string;
let dataDir: string;
let db: string;
/** What the member served before it was stopped. */
let kvsBefore: string;
let hashBefore: { hash: number; compact_revision: number; revision: number };

const ok = (r: RunResult, what: string) => assert.equal(r.code, 0, `${what}: ${stripZapLines(r.stderr)}${r.stdout}`);

/** Every key, value and revision (`get "" --from-key -w json` without the raft term, which a restart bumps). */
async function allKeys(): Promise<string> {
  const r = await runReal([`--endpoints=${srv.endpoints[0]}`, 'get', '', '--from-key', '-w', 'json']);
  ok(r, 'get');
  return r.stdout.toString().replace(/"raft_term":\d+/, '');
}

async function hashKV(rev = 0): Promise<{ hash: number; compact_revision: number; revision: number }> {
  const r = await runReal([`--endpoints=${srv.endpoints[0]}`, 'endpoint', 'hashkv', `--rev=${rev}`, '-w', 'json']);
  ok(r, 'endpoint hashkv');
  const [{ HashKV }] = JSON.parse(r.stdout.toString().replace(/"(cluster_id|member_id)":(\d+)/g, '"$1":"$2"'));
  return { hash: HashKV.hash, compact_revision: HashKV.compact_revision, revision: HashKV.header.revision };
}

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'etcdctl-ts-defrag-'));
  srv = await startEtcd();
  dataDir = srv.dataDirs[0];
  db = path.join(dataDir, 'member', 'snap', 'db');
  const c = directClient(srv.clientUrls[0]);
  try {
    const lease = (await c.call('Lease.LeaseGrant', { TTL: 3600n })).msg.ID;
    await parallel(Array.from({ length: 3000 }, (_, i) => i), 32, (i) =>
      c.call('KV.Put', { key: Buffer.from(`/k/${String(i).padStart(5, '0')}`), value: Buffer.alloc(1000, i), ...(i % 100 === 0 ? { lease } : {}) }));
    // Most keys go; a few are written again.
    await c.call('KV.DeleteRange', { key: Buffer.from('/k/00100'), range_end: Buffer.from('/k/02900') });
    for (let i = 0; i < 20; i++) await c.call('KV.Put', { key: Buffer.from(`/k/${String(i).padStart(5, '0')}`), value: Buffer.from(`again ${i}`) });
    const rev = (await c.call('KV.Range', { key: Buffer.from('/k/00000') })).msg.header.revision as bigint;
    await c.call('KV.Compact', { revision: rev - 5n, physical: true });
    await c.call('Auth.UserAdd', { name: 'alice', password: 'alicepw' });
    await c.call('KV.Put', { key: Buffer.from('last'), value: Buffer.from('one') });
  } finally {
    c.close();
  }
  kvsBefore = await allKeys();
  hashBefore = await hashKV();
});

after(async () => {
  await srv?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const tmpFiles = () => fs.readdirSync(path.dirname(db)).filter((f) => f.startsWith('db.tmp'));

describe('defrag --data-dir', () => {
  test('a db that a running etcd holds is refused and left alone', T, async () => {
    const st = fs.statSync(db);
    const r = await runOurs(['defrag', `--data-dir=${dataDir}`]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout.toString(), '');
    // etcd's pid is the one the harness started; /proc/locks names it.
    const holder = (locksOn(db) ?? []).map((l) => l.pid);
    assert.equal(holder.length, 1, 'etcd holds one lock on its db');
    assert.equal(r.stderr.toString(),
      `Error: etcd holds its lock on "${db}" (process ${holder[0]}). To defrag a running etcd instance, omit --data-dir.\n` +
      'stop that etcd first to defragment its data dir offline\n');
    const st2 = fs.statSync(db);
    assert.equal(st2.ino, st.ino, 'the db was not replaced');
    assert.deepEqual(tmpFiles(), []);
  });

  test('a stopped member: the db shrinks, and etcd restarted on it serves the same keys, revision and hash', T, async (t) => {
    await srv.stopMember(0);
    const before = fs.statSync(db).size;
    const r = await runOurs(['defrag', `--data-dir=${dataDir}`, `--endpoints=${srv.endpoints[0]}`]);
    ok(r, 'defrag --data-dir');
    const afterSize = fs.statSync(db).size;
    assert.equal(r.stdout.toString(), '', 'nothing on stdout, as etcdctl');
    assert.equal(r.stderr.toString(), `Finished defragmenting etcd data[${dataDir}]: ${db} from ${humanBytes(before)} to ${humanBytes(afterSize)}\n`);
    t.diagnostic(`db ${before} -> ${afterSize} bytes`);
    assert.ok(afterSize < before / 4, `the db shrank from ${before} to ${afterSize} bytes`);
    assert.deepEqual(tmpFiles(), []);
    assert.equal(fs.statSync(db).mode & 0o777, 0o600);
    // The file reads as a whole bbolt db.
    ok(await runOurs(['snapshot', 'status', db]), 'snapshot status of the defragmented db');

    await srv.startMember(0);
    assert.equal(await allKeys(), kvsBefore);
    const h = await hashKV();
    assert.deepEqual(h, hashBefore);
    // The member works on it: writes, a compaction and an online defrag.
    ok(await runReal([`--endpoints=${srv.endpoints[0]}`, 'put', 'next', 'value']), 'put');
    ok(await runReal([`--endpoints=${srv.endpoints[0]}`, 'compaction', String(h.revision + 1)]), 'compaction');
    ok(await runReal([`--endpoints=${srv.endpoints[0]}`, 'defrag']), 'online defrag');
    const got = await runReal([`--endpoints=${srv.endpoints[0]}`, 'get', 'next', '--print-value-only']);
    assert.equal(got.stdout.toString(), 'value\n');
  });

  test('a missing dir, a dir that is no data dir, a file, and a damaged db: a clear error, nothing written', T, async () => {
    const missing = path.join(dir, 'missing');
    let r = await runOurs(['defrag', '--data-dir', missing]);
    assert.deepEqual([r.code, r.stdout.toString(), r.stderr.toString()], [1, '', `Error: data-dir "${missing}" does not exist\n`]);
    assert.equal(fs.existsSync(missing), false);

    r = await runOurs(['defrag', '--data-dir', dir]);
    assert.deepEqual([r.code, r.stdout.toString(), r.stderr.toString()], [1, '',
      `Error: data-dir "${dir}" is not an etcd data dir: it has no member/snap/db\ngive the directory etcd runs with as --data-dir (the one holding member/)\n`]);
    assert.deepEqual(fs.readdirSync(dir), []);

    const file = path.join(dir, 'file');
    fs.writeFileSync(file, 'x');
    r = await runOurs(['defrag', '--data-dir', file]);
    assert.deepEqual([r.code, r.stderr.toString()], [1, `Error: data-dir "${file}" is not a directory\n`]);

    const damaged = path.join(dir, 'damaged');
    fs.mkdirSync(path.join(damaged, 'member', 'snap'), { recursive: true });
    const junk = Buffer.alloc(16384, 0x61);
    fs.writeFileSync(path.join(damaged, 'member', 'snap', 'db'), junk);
    r = await runOurs(['defrag', '--data-dir', damaged]);
    assert.equal(r.code, 1);
    assert.match(r.stderr.toString(), /^Error: invalid database\n/);
    assert.deepEqual(fs.readdirSync(path.join(damaged, 'member', 'snap')), ['db']);
    assert.ok(fs.readFileSync(path.join(damaged, 'member', 'snap', 'db')).equals(junk));
  });
});

describe('/proc/locks', () => {
  test('held locks are read with their device and inode; waiters are not holders', () => {
    const text = [
      '1: OFDLCK ADVISORY  WRITE -1 fe:00:2146445 0 EOF',
      '3: FLOCK  ADVISORY  WRITE 29200 fe:00:2146442 0 EOF',
      '3: -> FLOCK  ADVISORY  WRITE 29300 fe:00:2146442 0 EOF',
      '4: POSIX  ADVISORY  READ 812 103:1a:77 128 128',
      '',
    ].join('\n');
    assert.deepEqual(parseLocks(text), [
      { type: 'OFDLCK', pid: -1, major: 0xfen, minor: 0n, inode: 2146445n },
      { type: 'FLOCK', pid: 29200, major: 0xfen, minor: 0n, inode: 2146442n },
      { type: 'POSIX', pid: 812, major: 0x103n, minor: 0x1an, inode: 77n },
    ]);
  });

  test("st_dev splits into glibc's major and minor", () => {
    assert.deepEqual(deviceNumbers(65024n), { major: 0xfen, minor: 0n });
    // makedev(259, 0x12345): the high bits of each part live above bit 32 and bit 20.
    const dev = (0x12345n & 0xffn) | ((259n & 0xfffn) << 8n) | ((0x12345n & ~0xffn) << 12n) | ((259n & ~0xfffn) << 32n);
    assert.deepEqual(deviceNumbers(dev), { major: 259n, minor: 0x12345n });
  });

  test('a file nobody locks has no holders', () => {
    const f = path.join(dir, 'unlocked');
    fs.writeFileSync(f, '');
    assert.deepEqual(locksOn(f), []);
    assert.equal(locksOn(f, path.join(dir, 'no-such-proc-locks')), undefined);
  });
});
