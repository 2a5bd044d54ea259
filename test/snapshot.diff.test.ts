// snapshot save / status against a real etcd 3.4.23 and the real etcdctl 3.4.23.
//
// One server is filled in stages (many keys, deletions, a compaction, leases, values of up to
// 1 MiB) and a snapshot is saved after each stage, alternately by the real etcdctl and by ours.
// For every file, our `snapshot status` numbers must equal the real etcdctl's in every format;
// snapshots we saved must pass the real etcdctl's integrity check (bbolt tx.Check) and vice
// versa. etcdctl 3.4's `snapshot status` output is 3.5's (etcdutl's printer is the same code);
// 3.5's "Deprecated: Use `etcdutl snapshot status` instead." notice on stderr is deliberately
// not printed (see the README), and 3.4 does not print it either, so stderr compares directly.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import { startEtcd, type EtcdHandle } from './harness/etcd.js';
import { compare, runOurs, runReal, stripZapLines } from './harness/run.js';
import { directClient, parallel } from './snapshot.fixtures.js';
import type { EtcdClient } from '../src/client/client.js';

const T = { timeout: 120_000 };
const FORMATS = ['simple', 'json', 'fields', 'table', 'protobuf'];

let srv: EtcdHandle;
let tls: EtcdHandle;
let client: EtcdClient;
let dir: string;
/** name -> path of the snapshots taken, and who took them. */
const snaps: Array<{ name: string; file: string; by: 'real' | 'ours' }> = [];

const E = () => `--endpoints=${srv.clientUrls[0]}`;

async function save(name: string, by: 'real' | 'ours'): Promise<void> {
  const file = path.join(dir, `${name}.db`);
  const r = by === 'real' ? await runReal([E(), 'snapshot', 'save', file]) : await runOurs([E(), 'snapshot', 'save', file]);
  assert.equal(r.code, 0, `${by} save ${name}: ${stripZapLines(r.stderr)}`);
  assert.equal(r.stdout.toString(), `Snapshot saved at ${file}\n`);
  assert.ok(!fs.existsSync(`${file}.part`));
  snaps.push({ name, file, by });
}

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'etcdctl-ts-snap-'));
  [srv, tls] = await Promise.all([startEtcd(), startEtcd({ tls: true, auth: true })]);
  client = directClient(srv.clientUrls[0]);
  const put = (key: string, value: Buffer | string, lease?: bigint) =>
    client.call('KV.Put', { key: Buffer.from(key), value: Buffer.from(value), ...(lease ? { lease } : {}) });

  // Stage 1: a few keys.
  await put('foo', 'bar');
  await put('foo', 'baz');
  await put('hello', 'world');
  await save('small', 'real');

  // Stage 2: 3000 keys of 100 bytes, some of them on leases.
  const leases: bigint[] = [];
  for (let i = 0; i < 3; i++) leases.push((await client.call('Lease.LeaseGrant', { TTL: 3600n })).msg.ID);
  const keys = Array.from({ length: 3000 }, (_, i) => i);
  await parallel(keys, 64, (i) => put(`/k/${String(i).padStart(5, '0')}`, Buffer.alloc(100, i % 251), i % 100 === 0 ? leases[i % 3] : undefined));
  await save('many', 'ours');

  // Stage 3: a third of them deleted (tombstones), some rewritten.
  await client.call('KV.DeleteRange', { key: Buffer.from('/k/01000'), range_end: Buffer.from('/k/02000') });
  await parallel(keys.slice(0, 300), 32, (i) => put(`/k/${String(i).padStart(5, '0')}`, `v2-${i}`));
  await save('deleted', 'real');

  // Stage 4: compacted.
  const rev = (await client.call('KV.Range', { key: Buffer.from('foo') })).msg.header.revision as bigint;
  await client.call('KV.Compact', { revision: rev, physical: true });
  await save('compacted', 'ours');

  // Stage 5: large values (overflow pages) and a revoked lease.
  for (let i = 0; i < 3; i++) await put(`/big/${i}`, Buffer.alloc(1024 * 1024, 65 + i));
  await parallel(Array.from({ length: 20 }, (_, i) => i), 8, (i) => put(`/mid/${i}`, Buffer.alloc(50_000, i)));
  await client.call('Lease.LeaseRevoke', { ID: leases[0] });
  await save('large', 'real');
  await save('large-ours', 'ours');
});

after(async () => {
  client?.close();
  await Promise.all([srv?.stop(), tls?.stop()]);
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('snapshot status: ours = real etcdctl', () => {
  test('every snapshot, every format', T, async (t: TestContext) => {
    for (const s of snaps) {
      for (const w of FORMATS) await compare(t, ['snapshot', 'status', s.file, '-w', w], { parallel: true });
    }
  });

  test('snapshots of one server saved by each are the same data', T, async () => {
    const status = async (file: string) => (await runOurs(['snapshot', 'status', file, '-w', 'json'])).stdout.toString();
    const a = snaps.find((s) => s.name === 'large')!;
    const b = snaps.find((s) => s.name === 'large-ours')!;
    assert.equal(await status(a.file), await status(b.file));
    // The db images are byte-identical apart from the meta pages (the txid may differ).
    const ra = fs.readFileSync(a.file);
    const rb = fs.readFileSync(b.file);
    assert.equal(ra.length, rb.length);
    assert.ok(ra.subarray(8192, ra.length - 32).equals(rb.subarray(8192, rb.length - 32)));
  });

  test('the numbers cover many keys, tombstones, compaction and large values', T, async () => {
    const json = async (name: string) => JSON.parse((await runOurs(['snapshot', 'status', snaps.find((s) => s.name === name)!.file, '-w', 'json'])).stdout.toString());
    const many = await json('many');
    const deleted = await json('deleted');
    const compacted = await json('compacted');
    const large = await json('large');
    assert.ok(many.totalKey > 3000);
    assert.ok(deleted.revision > many.revision);
    assert.ok(compacted.totalKey < deleted.totalKey, 'compaction removed old revisions');
    assert.ok(large.totalSize > 3 * 1024 * 1024);
  });

  test('a live data dir db (no trailer) reads too', T, async () => {
    // The real etcdctl blocks here for ever, waiting for the lock the running etcd holds.
    const r = await runOurs(['snapshot', 'status', path.join(srv.dataDirs[0], 'member', 'snap', 'db'), '-w', 'json']);
    assert.equal(r.code, 0, r.stderr.toString());
    assert.match(r.stdout.toString(), /^\{"hash":\d+,"revision":\d+,"totalKey":\d+,"totalSize":\d+\}\n$/);
  });

  test('errors etcdctl reports the same way', T, async (t) => {
    const missing = path.join(dir, 'missing.db');
    await compare(t, ['snapshot', 'status', missing], { parallel: true });
    await compare(t, ['snapshot', 'status', missing, '-w', 'protobuf'], { parallel: true });
    await compare(t, ['snapshot', 'status', snaps[0].file, '-w', 'bogus'], { parallel: true });
    await compare(t, ['snapshot', 'status'], { parallel: true });
    await compare(t, ['snapshot', 'status', 'a', 'b'], { parallel: true });
  });

  test('bad files: the first line is etcdctl\'s, then what is wrong; never a stack trace', T, async () => {
    const good = fs.readFileSync(snaps[1].file);
    const cases: Array<[string, Buffer, RegExp]> = [
      ['junk-small.db', Buffer.alloc(100, 7), /^Error: invalid database\nthe file is not a bbolt database/],
      ['junk.db', Buffer.alloc(5000, 7), /^Error: file size too small\nthe file is not a bbolt database/],
      ['empty.db', Buffer.alloc(0), /^Error: invalid database\nthe file is empty\n$/],
      ['truncated.db', good.subarray(0, good.length - 32 - 8192), /^Error: snapshot file is truncated\nits database has \d+ pages/],
    ];
    const flipped = Buffer.from(good);
    flipped[72] ^= 1;
    flipped[4096 + 72] ^= 1;
    cases.push(['flipped-metas.db', flipped, /^Error: checksum error\nboth meta pages of the database are damaged\n$/]);
    for (const [name, data, want] of cases) {
      const file = path.join(dir, name);
      fs.writeFileSync(file, data);
      const ours = await runOurs(['snapshot', 'status', file]);
      assert.equal(ours.code, 1, name);
      assert.equal(ours.stdout.length, 0);
      assert.match(ours.stderr.toString(), want, name);
      assert.doesNotMatch(ours.stderr.toString(), /\n\s+at /, `${name}: a stack trace`);
      // Where the real etcdctl survives the file, its error line is ours (it crashes on a truncated file).
      if (name !== 'truncated.db' && name !== 'empty.db') {
        const real = await runReal(['snapshot', 'status', file]);
        assert.equal(real.code, 1);
        assert.equal(stripZapLines(real.stderr), ours.stderr.toString().split('\n')[0] + '\n', name);
      }
    }
    // One damaged meta: the other one is used, as bbolt does.
    const one = Buffer.from(good);
    one[72] ^= 1;
    const file = path.join(dir, 'one-meta.db');
    fs.writeFileSync(file, one);
    const [real, ours] = await Promise.all([runReal(['snapshot', 'status', file, '-w', 'json']), runOurs(['snapshot', 'status', file, '-w', 'json'])]);
    assert.equal(ours.code, 0, ours.stderr.toString());
    assert.equal(ours.stdout.toString(), real.stdout.toString());
  });
});

describe('snapshot save', () => {
  test('a snapshot saved by ours passes the real etcdctl\'s integrity check, and the reverse', T, async () => {
    for (const s of snaps) {
      const checker = s.by === 'ours' ? runReal : runOurs;
      const r = await checker(['snapshot', 'status', s.file]);
      assert.equal(r.code, 0, `${s.name} (${s.by}): ${stripZapLines(r.stderr)}`);
      const size = fs.statSync(s.file).size;
      assert.equal(size % 512, 32, `${s.name}: the sha256 trailer`);
    }
  });

  test('stdout and exit code as the real etcdctl; nothing else on stderr', T, async () => {
    const file = path.join(dir, 'same-name.db');
    const real = await runReal([E(), 'snapshot', 'save', file]);
    fs.renameSync(file, `${file}.real`);
    const ours = await runOurs([E(), 'snapshot', 'save', file]);
    assert.equal(ours.code, real.code);
    assert.equal(ours.stdout.toString(), real.stdout.toString());
    assert.equal(ours.stderr.toString(), stripZapLines(real.stderr));
    assert.equal(ours.stderr.length, 0);
  });

  test('argument and path errors as the real etcdctl', T, async (t) => {
    await compare(t, [E(), 'snapshot', 'save']);
    await compare(t, [E(), 'snapshot', 'save', 'a', 'b']);
    await compare(t, [E(), 'snapshot', 'save', path.join(dir, 'no-such-dir', 'x.db')]);
    assert.ok(!fs.existsSync(path.join(dir, 'no-such-dir')));
  });

  test('save - writes the snapshot to stdout', T, async () => {
    const r = await runOurs([E(), 'snapshot', 'save', '-']);
    assert.equal(r.code, 0, r.stderr.toString());
    assert.equal(r.stderr.length, 0);
    assert.equal(r.stdout.length % 512, 32);
    const file = path.join(dir, 'from-stdout.db');
    fs.writeFileSync(file, r.stdout);
    const real = await runReal(['snapshot', 'status', file]);
    assert.equal(real.code, 0, stripZapLines(real.stderr));
    assert.ok(!fs.existsSync('-') && !fs.existsSync('-.part'));
  });

  test('several endpoints: the first that answers, named on stderr', T, async () => {
    const file = path.join(dir, 'multi.db');
    const dead = '127.0.0.1:1';
    const r = await runOurs([`--endpoints=${dead},${srv.endpoints[0]}`, 'snapshot', 'save', file]);
    assert.equal(r.code, 0, r.stderr.toString());
    assert.equal(r.stdout.toString(), `Snapshot saved at ${file}\n`);
    assert.match(r.stderr.toString(), new RegExp(`^Taking the snapshot from ${srv.endpoints[0].replace(/\./g, '\\.')} \\(the first of 2 endpoints to answer\\)\n$`));
    // etcdctl refuses (exit 5) — the difference is on purpose.
    const real = await runReal([`--endpoints=${dead},${srv.endpoints[0]}`, 'snapshot', 'save', `${file}.real`]);
    assert.equal(real.code, 5);
  });

  test('no server: etcdctl\'s error and exit code, no file', T, async () => {
    const file = path.join(dir, 'noserver.db');
    const r = await runOurs(['--endpoints=127.0.0.1:1', '--dial-timeout=500ms', 'snapshot', 'save', file]);
    assert.equal(r.code, 5);
    assert.match(r.stderr.toString(), /^Error: context deadline exceeded\n/);
    assert.ok(!fs.existsSync(file) && !fs.existsSync(`${file}.part`));
  });

  test('TLS with client certificates and a user: as the real etcdctl', T, async () => {
    const f1 = path.join(dir, 'tls-real.db');
    const f2 = path.join(dir, 'tls-ours.db');
    const real = await runReal([...tls.etcdctlArgs(), 'snapshot', 'save', f1]);
    const ours = await runOurs([...tls.etcdctlArgs(), 'snapshot', 'save', f2]);
    assert.equal(real.code, 0, stripZapLines(real.stderr));
    assert.equal(ours.code, 0, ours.stderr.toString());
    const st = async (f: string) => (await runOurs(['snapshot', 'status', f, '-w', 'json'])).stdout.toString();
    assert.equal(await st(f1), await st(f2));
    // A user without the root role may not take snapshots.
    const args = tls.etcdctlArgs().filter((a) => !a.startsWith('--user'));
    const f3 = path.join(dir, 'tls-alice.db');
    const r3 = await runReal([...args, '--user=alice:alicepw', 'snapshot', 'save', f3]);
    const o3 = await runOurs([...args, '--user=alice:alicepw', 'snapshot', 'save', f3]);
    assert.equal(o3.code, r3.code);
    assert.equal(o3.stderr.toString(), stripZapLines(r3.stderr));
    assert.ok(!fs.existsSync(f3) && !fs.existsSync(`${f3}.part`));
    // A wrong password: the same error and exit code.
    const r4 = await runReal([...args, '--user=root:wrong', 'snapshot', 'save', f3]);
    const o4 = await runOurs([...args, '--user=root:wrong', 'snapshot', 'save', f3]);
    assert.equal(o4.code, r4.code);
    assert.equal(o4.stderr.toString(), stripZapLines(r4.stderr));
    assert.ok(!fs.existsSync(f3) && !fs.existsSync(`${f3}.part`));
  });
});

describe('snapshot status of a larger snapshot', () => {
  // Last in this file: it adds 40 MiB to the server. From 32 MiB up, status reads the file into
  // memory and hashes it on two threads (a worker); the numbers must not change.
  test('over 32 MiB (read whole, hashed on two threads): the numbers of the real etcdctl, every format', T, async (t: TestContext) => {
    const c = directClient(srv.clientUrls[0]);
    try {
      await parallel(Array.from({ length: 40 }, (_, i) => i), 4, (i) =>
        c.call('KV.Put', { key: Buffer.from(`/bulk/${i}`), value: Buffer.alloc(1024 * 1024, i) }));
    } finally {
      c.close();
    }
    const file = path.join(dir, 'bulk.db');
    const r = await runReal([E(), 'snapshot', 'save', file]);
    assert.equal(r.code, 0, stripZapLines(r.stderr));
    assert.ok(fs.statSync(file).size > 40 * 1024 * 1024);
    for (const w of FORMATS) await compare(t, ['snapshot', 'status', file, '-w', w], { parallel: true });
  });
});
