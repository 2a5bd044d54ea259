// `snapshot save` when things go wrong. Every stream comes from a real etcd, through a
// fault-injecting HTTP/2 proxy (faultProxy in snapshot.fixtures.ts) that relays etcd's
// Maintenance.Snapshot messages and, where a test asks, spoils them: a bad or missing sha256
// trailer, a stream that stalls or is reset, slow messages, an error status instead of an answer.
// Also: a real etcd refusing the snapshot, an interrupt, a full disk, a slow reader of stdout,
// endpoints that do not answer. Whatever happens, nothing is left at the target path nor in its
// temporary file. (The unit test of the trailer check at the top needs no server.)

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { OUR_BIN, cleanEnv, runCommand, runOurs, runReal, stripZapLines } from './harness/run.js';
import { startEtcd, type EtcdHandle } from './harness/etcd.js';
import { directClient, faultProxy, parallel, type FaultProxy, type Faults, type SnapshotCall } from './snapshot.fixtures.js';
import { writeBolt } from '../src/snapshot/bbolt-writer.js';
import { TrailerCheck } from '../src/snapshot/save.js';

const T = { timeout: 60_000 };
let dir: string;
/** A bolt image for the unit test of the trailer check (no server involved). */
let db: Buffer;
/** The etcd behind most proxies: a few thousand keys, so that its snapshot is many messages long. */
let etcd: EtcdHandle;
/** An etcd with auth enabled (root, and alice who is not root). */
let authEtcd: EtcdHandle;
const proxies: FaultProxy[] = [];

/** A proxy in front of `target` (default: the plain etcd) with these faults. */
async function proxy(faults: Faults = {}, target = etcd.clientUrls[0]): Promise<FaultProxy> {
  const p = await faultProxy(target, faults);
  proxies.push(p);
  return p;
}

/** Nothing at `file`, nor at `file.part`. */
function assertNothingLeft(file: string): void {
  assert.ok(!fs.existsSync(file), `${file} exists`);
  assert.ok(!fs.existsSync(`${file}.part`), `${file}.part exists`);
}

/** The only Snapshot call `p` relayed to etcd. */
function onlyCall(p: FaultProxy): SnapshotCall {
  assert.equal(p.snapshots.length, 1, `${p.url} relayed ${p.snapshots.length} Snapshot calls`);
  assert.deepEqual(p.errors, []);
  return p.snapshots[0];
}

/**
 * `bytes` is exactly what etcd sent in `call`: its db (as many bytes as etcd announced, hashing
 * to what went through the proxy) followed by etcd's own sha256 trailer.
 */
function assertSnapshotOf(bytes: Buffer, call: SnapshotCall): void {
  assert.ok(call.dbSize > 0 && call.etcdTrailer && call.dbSha, 'etcd\'s stream went through whole');
  assert.equal(bytes.length, call.dbSize + 32);
  const body = bytes.subarray(0, bytes.length - 32);
  const tail = bytes.subarray(bytes.length - 32);
  assert.equal(shaOf(body).toString('hex'), tail.toString('hex'), 'the last 32 bytes are the sha256 of the rest');
  assert.equal(tail.toString('hex'), call.etcdTrailer.toString('hex'), 'the trailer is etcd\'s');
  assert.equal(call.dbSha.toString('hex'), tail.toString('hex'), 'the db bytes are those that went through the proxy');
}

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'etcdctl-ts-save-'));
  const kv: Array<[Buffer, Buffer]> = [];
  for (let i = 0; i < 3000; i++) {
    const rev = Buffer.alloc(17);
    rev.writeBigInt64BE(BigInt(i + 2), 0);
    rev[8] = 0x5f;
    kv.push([rev, Buffer.alloc(100, i)]);
  }
  db = writeBolt([[Buffer.from('key'), kv]]);

  [etcd, authEtcd] = await Promise.all([startEtcd(), startEtcd({ auth: true })]);
  const c = directClient(etcd.clientUrls[0]);
  try {
    await parallel(Array.from({ length: 3000 }, (_, i) => i), 64, (i) =>
      c.call('KV.Put', { key: Buffer.from(`/k/${String(i).padStart(5, '0')}`), value: Buffer.alloc(100, i % 251) }));
  } finally {
    c.close();
  }
});

after(async () => {
  await Promise.all(proxies.map((p) => p.close()));
  await Promise.all([etcd?.stop(), authEtcd?.stop()]);
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the sha256 trailer check (unit)', () => {
  test('any split of the stream; mismatch; missing', () => {
    const full = Buffer.concat([db, shaOf(db)]);
    for (const sizes of [[full.length], [32768], [31], [1, 2, 3, 40], [100000, 5]]) {
      const c = new TrailerCheck();
      for (let off = 0, i = 0; off < full.length; i++) {
        const n = sizes[i % sizes.length];
        c.update(full.subarray(off, off + n));
        off += n;
      }
      c.verify();
    }
    const bad = Buffer.from(full);
    bad[100] ^= 1;
    const c = new TrailerCheck();
    c.update(bad);
    assert.throws(() => c.verify(), /sha256 checksum mismatch/);
    const none = new TrailerCheck();
    none.update(db);
    assert.throws(() => none.verify(), { message: `sha256 checksum not found [bytes: ${db.length}]` });
  });
});

function shaOf(b: Buffer): Buffer {
  return createHash('sha256').update(b).digest();
}

describe('snapshot save failures leave nothing behind', () => {
  test('a good stream is saved, and the real etcdctl accepts the file', T, async () => {
    const s = await proxy();
    const file = path.join(dir, 'good.db');
    const r = await runOurs([`--endpoints=${s.url}`, 'snapshot', 'save', file]);
    assert.equal(r.code, 0, r.stderr.toString());
    assert.equal(r.stdout.toString(), `Snapshot saved at ${file}\n`);
    assert.equal(s.calls, 1);
    const call = onlyCall(s);
    assert.ok(call.messages > 10, `etcd's stream was only ${call.messages} messages long`);
    assertSnapshotOf(fs.readFileSync(file), call);
    assert.equal((fs.statSync(file).mode & 0o777).toString(8), '600');
    const real = await runReal(['snapshot', 'status', file]);
    assert.equal(real.code, 0, stripZapLines(real.stderr));
  });

  test('a wrong trailer', T, async () => {
    const s = await proxy({ trailer: Buffer.alloc(32, 1) });
    const file = path.join(dir, 'badsum.db');
    const r = await runOurs([`--endpoints=${s.url}`, 'snapshot', 'save', file]);
    assert.equal(r.code, 5);
    assert.match(r.stderr.toString(), /^Error: sha256 checksum mismatch\nthe server's trailer says 0101.*, the \d+ bytes received hash to [0-9a-f]{64}\n$/);
    // The bytes received are etcd's whole db, and they hash to etcd's own (replaced) trailer.
    const call = onlyCall(s);
    assert.equal(
      r.stderr.toString(),
      `Error: sha256 checksum mismatch\nthe server's trailer says ${'01'.repeat(32)}, the ${call.dbSize} bytes received hash to ${call.etcdTrailer!.toString('hex')}\n`,
    );
    assertNothingLeft(file);
  });

  test('no trailer at all: etcdctl\'s message', T, async () => {
    // The trailer message left out, or sent with an empty blob: the same for the client.
    for (const trailer of ['drop', Buffer.alloc(0)] as const) {
      const s = await proxy({ trailer });
      const file = path.join(dir, 'nosum.db');
      const r = await runOurs([`--endpoints=${s.url}`, 'snapshot', 'save', file]);
      const dbLength = onlyCall(s).dbSize;
      assert.equal(r.code, 5);
      assert.equal(r.stderr.toString(), `Error: sha256 checksum not found [bytes: ${dbLength}]\n`);
      assertNothingLeft(file);
      // The real etcdctl says the same of the same stream.
      const real = await runReal([`--endpoints=${s.url}`, 'snapshot', 'save', file]);
      assert.equal(real.code, 5);
      assert.equal(stripZapLines(real.stderr), `Error: sha256 checksum not found [bytes: ${dbLength}]\n`);
      assertNothingLeft(file);
    }
  });

  test('a stream that stalls fails after --command-timeout without data', T, async () => {
    const s = await proxy({ stallAfter: 100_000 });
    const file = path.join(dir, 'stall.db');
    const started = Date.now();
    const r = await runOurs([`--endpoints=${s.url}`, '--command-timeout=1s', 'snapshot', 'save', file]);
    const took = Date.now() - started;
    assert.equal(r.code, 5);
    assert.equal(r.stderr.toString(), `Error: context deadline exceeded\nno snapshot data from ${s.url} for 1s (--command-timeout); nothing was saved\n`);
    assert.ok(took >= 1000 && took < 10_000, `took ${took} ms`);
    const call = onlyCall(s);
    assert.ok(call.dbSent >= 100_000 && call.dbSent < call.dbSize, `${call.dbSent} of ${call.dbSize} db bytes went out`);
    assertNothingLeft(file);
  });

  test('a slow stream is not a stalled one: no overall deadline', T, async () => {
    // The first 4 messages 400 ms apart: 1.6 s in all, more than --command-timeout=1s.
    const s = await proxy({ delay: { ms: 400, messages: 4 } });
    const file = path.join(dir, 'slow.db');
    const started = Date.now();
    const r = await runOurs([`--endpoints=${s.url}`, '--command-timeout=1s', 'snapshot', 'save', file]);
    const took = Date.now() - started;
    assert.equal(r.code, 0, r.stderr.toString());
    assert.ok(took >= 1600, `took ${took} ms`);
    assert.equal(fs.statSync(file).size, onlyCall(s).dbSize + 32);
    assertSnapshotOf(fs.readFileSync(file), onlyCall(s));
  });

  test('a stream reset half way', T, async () => {
    const s = await proxy({ resetAfter: 100_000 });
    const file = path.join(dir, 'reset.db');
    const r = await runOurs([`--endpoints=${s.url}`, 'snapshot', 'save', file]);
    assert.equal(r.code, 5);
    // The reset named as gRPC names it, as the real etcdctl prints it through the same fault.
    const want = 'Error: rpc error: code = Internal desc = stream terminated by RST_STREAM with error code: INTERNAL_ERROR\n';
    assert.equal(r.stderr.toString(), want);
    const call = onlyCall(s);
    assert.ok(call.dbSent >= 100_000 && call.dbSent < call.dbSize, `${call.dbSent} of ${call.dbSize} db bytes went out`);
    assertNothingLeft(file);
    const realFile = path.join(dir, 'reset-real.db');
    const real = await runReal([`--endpoints=${s.url}`, 'snapshot', 'save', realFile]);
    assert.equal(real.code, 5);
    assert.equal(stripZapLines(real.stderr), want);
  });

  test('a gRPC error from the server', T, async () => {
    // A real refusal: alice is not root, and etcd 3.4 lets only root take a snapshot. It says so
    // with code Unknown (the auth error is not turned into a gRPC status); the real etcdctl
    // prints the same.
    const a = await proxy({}, authEtcd.clientUrls[0]);
    const refused = path.join(dir, 'refused.db');
    const expected = 'Error: rpc error: code = Unknown desc = auth: permission denied\n';
    const r = await runOurs([`--endpoints=${a.url}`, '--user=alice:alicepw', 'snapshot', 'save', refused]);
    assert.equal(r.code, 5);
    assert.equal(r.stderr.toString(), expected);
    assert.equal(a.calls, 1);
    assertNothingLeft(refused);
    const real = await runReal([`--endpoints=${a.url}`, '--user=alice:alicepw', 'snapshot', 'save', refused]);
    assert.equal(real.code, 5);
    assert.equal(stripZapLines(real.stderr), expected);
    assertNothingLeft(refused);

    // etcd 3.4 never answers Snapshot with PermissionDenied itself: that status comes from the proxy.
    const s = await proxy({ error: { code: 7, message: 'etcdserver: permission denied' } });
    const file = path.join(dir, 'denied.db');
    const d = await runOurs([`--endpoints=${s.url}`, 'snapshot', 'save', file]);
    assert.equal(d.code, 5);
    assert.equal(d.stderr.toString(), 'Error: rpc error: code = PermissionDenied desc = etcdserver: permission denied\n');
    assertNothingLeft(file);
  });

  for (const sig of ['SIGTERM', 'SIGINT'] as const) {
    test(`interrupted by ${sig}`, T, async () => {
      const s = await proxy({ delay: { ms: 100 } });
      const file = path.join(dir, `${sig}.db`);
      const child = spawn(process.execPath, [OUR_BIN, `--endpoints=${s.url}`, 'snapshot', 'save', file], { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (b) => (stderr += b));
      // Wait until the temporary file is there and data flows (a message every 100 ms), then interrupt.
      for (let i = 0; i < 100 && !fs.existsSync(`${file}.part`); i++) await new Promise((r) => setTimeout(r, 50));
      assert.ok(fs.existsSync(`${file}.part`), 'the download started');
      await new Promise((r) => setTimeout(r, 300));
      child.kill(sig);
      const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
      assert.equal(code, 5, stderr);
      assert.equal(stderr, 'Error: interrupted\nthe snapshot was not saved\n');
      const call = onlyCall(s);
      assert.ok(call.dbSent > 0 && call.dbSent < call.dbSize, `${call.dbSent} of ${call.dbSize} db bytes went out`);
      assertNothingLeft(file);
    });
  }

  test('a full disk (file size limit): the write error, nothing left', T, async () => {
    const s = await proxy();
    const file = path.join(dir, 'full.db');
    // ulimit -f counts 512-byte blocks here (dash); SIGXFSZ ignored so that write() fails with EFBIG.
    const r = await runCommand('/bin/sh', ['-c', `trap '' XFSZ; ulimit -f 64; exec "$0" "$@"`, process.execPath, OUR_BIN, `--endpoints=${s.url}`, 'snapshot', 'save', file]);
    assert.equal(r.code, 5, r.stderr.toString());
    assert.equal(r.stderr.toString(), `Error: write ${file}.part: file too large\n`);
    assert.ok(onlyCall(s).dbSize > 64 * 512, 'etcd\'s db is larger than the limit');
    assertNothingLeft(file);
  });

  test('save - with a wrong trailer: the bytes went out, the exit code says they are bad', T, async () => {
    const s = await proxy({ trailer: Buffer.alloc(32, 2) });
    const r = await runOurs([`--endpoints=${s.url}`, 'snapshot', 'save', '-']);
    assert.equal(r.code, 5);
    const call = onlyCall(s);
    assert.equal(r.stdout.length, call.dbSize + 32);
    assert.ok(r.stdout.subarray(call.dbSize).equals(Buffer.alloc(32, 2)), 'the wrong trailer went out as it came');
    assert.equal(shaOf(r.stdout.subarray(0, call.dbSize)).toString('hex'), call.etcdTrailer!.toString('hex'));
    assert.match(r.stderr.toString(), /^Error: sha256 checksum mismatch\n/);
  });

  test('save - to a slow reader: flow control holds the server back', T, async () => {
    // 64 values of 1 MiB (etcd takes requests up to 1.5 MiB): a db of more than 64 MiB.
    const c = directClient(etcd.clientUrls[0]);
    try {
      await parallel(Array.from({ length: 64 }, (_, i) => i), 4, (i) =>
        c.call('KV.Put', { key: Buffer.from(`/big/${String(i).padStart(2, '0')}`), value: Buffer.alloc(1024 * 1024, i) }));
      const s = await proxy();
      const child = spawn(process.execPath, [OUR_BIN, `--endpoints=${s.url}`, 'snapshot', 'save', '-'], { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (b) => (stderr += b));
      child.stdout.pause();
      await new Promise((r) => setTimeout(r, 1500));
      const sentWhilePaused = s.sent;
      const chunks: Buffer[] = [];
      child.stdout.on('data', (b: Buffer) => chunks.push(b));
      child.stdout.resume();
      const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
      assert.equal(code, 0, stderr);
      const call = onlyCall(s);
      assert.ok(call.dbSize > 64 * 1024 * 1024, `etcd's db is ${call.dbSize} bytes`);
      const received = Buffer.concat(chunks);
      assert.equal(received.length, call.dbSize + 32);
      assertSnapshotOf(received, call);
      assert.ok(sentWhilePaused > 0, 'the stream had started');
      assert.ok(sentWhilePaused < 16 * 1024 * 1024, `the server got ${sentWhilePaused} bytes out while nobody read`);
    } finally {
      // Back to a small db for the tests after this one: the values gone, their history
      // compacted away, and the file shrunk.
      const del = await c.call('KV.DeleteRange', { key: Buffer.from('/big/'), range_end: Buffer.from('/big0') });
      await c.call('KV.Compact', { revision: del.msg.header.revision, physical: true });
      await c.call('Maintenance.Defragment', {});
      c.close();
    }
  });

  test('the first endpoint fails (UNAVAILABLE) or stays silent: the next one is used and named', T, async () => {
    const down = await proxy({ error: { code: 14, message: 'not ready' } });
    const silent = await proxy({ stallAfter: 0 });
    const good = await proxy();
    const file = path.join(dir, 'failover.db');
    const r = await runOurs([`--endpoints=${down.url},${silent.url},${good.url}`, '--command-timeout=1s', 'snapshot', 'save', file]);
    assert.equal(r.code, 0, r.stderr.toString());
    assert.equal(r.stdout.toString(), `Snapshot saved at ${file}\n`);
    assert.equal(
      r.stderr.toString(),
      `Skipping ${down.url}: not ready\nSkipping ${silent.url}: no data for 1s\nTaking the snapshot from ${good.url} (the first of 3 endpoints to answer)\n`,
    );
    assert.equal(down.calls, 1);
    assert.equal(silent.calls, 1);
    assert.equal(onlyCall(silent).dbSent, 0);
    assert.equal(good.calls, 1);
    assertSnapshotOf(fs.readFileSync(file), onlyCall(good));
  });

  test('the temporary file is etcdctl\'s <file>.part, and an old one is replaced', T, async () => {
    const s = await proxy();
    const file = path.join(dir, 'stale.db');
    fs.writeFileSync(`${file}.part`, 'left over by a killed run');
    const r = await runOurs([`--endpoints=${s.url}`, 'snapshot', 'save', file]);
    assert.equal(r.code, 0, r.stderr.toString());
    assert.ok(!fs.existsSync(`${file}.part`));
    assert.equal(fs.statSync(file).size, onlyCall(s).dbSize + 32);
  });

  test('refuses to write a snapshot to a terminal', T, () => {
    // `script` gives the child a terminal as stdout.
    const hasScript = spawnSync('sh', ['-c', 'command -v script'], { encoding: 'utf8' }).stdout.trim() !== '';
    if (!hasScript) return;
    const r = spawnSync('script', ['-qec', `${process.execPath} ${OUR_BIN} --endpoints=127.0.0.1:1 snapshot save -`, '/dev/null'], { encoding: 'utf8', env: cleanEnv() });
    assert.match(r.stdout, /Error: snapshot save - writes the snapshot to stdout, which is a terminal/);
  });
});
