// `snapshot save` when things go wrong, against fake Maintenance.Snapshot servers: a bad or
// missing sha256 trailer, a stream that stalls or is reset, a gRPC error, an interrupt, a full
// disk, a slow reader of stdout, endpoints that do not answer. Whatever happens, nothing is left
// at the target path nor in its temporary file.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { OUR_BIN, cleanEnv, runCommand, runOurs, runReal, stripZapLines } from './harness/run.js';
import { fakeSnapshotServer, type FakeBehaviour, type FakeServer } from './snapshot.fixtures.js';
import { writeBolt } from '../src/snapshot/bbolt-writer.js';
import { TrailerCheck } from '../src/snapshot/save.js';

const T = { timeout: 60_000 };
let dir: string;
let db: Buffer;
const servers: FakeServer[] = [];

async function fake(b: FakeBehaviour): Promise<FakeServer> {
  const s = await fakeSnapshotServer(b);
  servers.push(s);
  return s;
}

/** Nothing at `file`, nor at `file.part`. */
function assertNothingLeft(file: string): void {
  assert.ok(!fs.existsSync(file), `${file} exists`);
  assert.ok(!fs.existsSync(`${file}.part`), `${file}.part exists`);
}

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'etcdctl-ts-save-'));
  const kv: Array<[Buffer, Buffer]> = [];
  for (let i = 0; i < 3000; i++) {
    const rev = Buffer.alloc(17);
    rev.writeBigInt64BE(BigInt(i + 2), 0);
    rev[8] = 0x5f;
    kv.push([rev, Buffer.alloc(100, i)]);
  }
  db = writeBolt([[Buffer.from('key'), kv]]);
});

after(async () => {
  await Promise.all(servers.map((s) => s.close()));
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
    const s = await fake({ kind: 'send', db });
    const file = path.join(dir, 'good.db');
    const r = await runOurs([`--endpoints=${s.url}`, 'snapshot', 'save', file]);
    assert.equal(r.code, 0, r.stderr.toString());
    assert.equal(r.stdout.toString(), `Snapshot saved at ${file}\n`);
    assert.ok(fs.readFileSync(file).equals(Buffer.concat([db, shaOf(db)])));
    assert.equal((fs.statSync(file).mode & 0o777).toString(8), '600');
    const real = await runReal(['snapshot', 'status', file]);
    assert.equal(real.code, 0, stripZapLines(real.stderr));
  });

  test('a wrong trailer', T, async () => {
    const s = await fake({ kind: 'send', db, trailer: Buffer.alloc(32, 1) });
    const file = path.join(dir, 'badsum.db');
    const r = await runOurs([`--endpoints=${s.url}`, 'snapshot', 'save', file]);
    assert.equal(r.code, 5);
    assert.match(r.stderr.toString(), /^Error: sha256 checksum mismatch\nthe server's trailer says 0101.*, the \d+ bytes received hash to [0-9a-f]{64}\n$/);
    assertNothingLeft(file);
  });

  test('no trailer at all: etcdctl\'s message', T, async () => {
    const s = await fake({ kind: 'send', db, trailer: Buffer.alloc(0) });
    const file = path.join(dir, 'nosum.db');
    const r = await runOurs([`--endpoints=${s.url}`, 'snapshot', 'save', file]);
    assert.equal(r.code, 5);
    assert.equal(r.stderr.toString(), `Error: sha256 checksum not found [bytes: ${db.length}]\n`);
    assertNothingLeft(file);
  });

  test('a stream that stalls fails after --command-timeout without data', T, async () => {
    const s = await fake({ kind: 'stall', db, after: 100_000 });
    const file = path.join(dir, 'stall.db');
    const started = Date.now();
    const r = await runOurs([`--endpoints=${s.url}`, '--command-timeout=1s', 'snapshot', 'save', file]);
    const took = Date.now() - started;
    assert.equal(r.code, 5);
    assert.equal(r.stderr.toString(), `Error: context deadline exceeded\nno snapshot data from ${s.url} for 1s (--command-timeout); nothing was saved\n`);
    assert.ok(took >= 1000 && took < 10_000, `took ${took} ms`);
    assertNothingLeft(file);
  });

  test('a slow stream is not a stalled one: no overall deadline', T, async () => {
    // 4 chunks 400 ms apart: 1.6 s in all, more than --command-timeout=1s.
    const small = db.subarray(0, 4 * 32768);
    const s = await fake({ kind: 'send', db: small, chunkDelayMs: 400 });
    const file = path.join(dir, 'slow.db');
    const r = await runOurs([`--endpoints=${s.url}`, '--command-timeout=1s', 'snapshot', 'save', file]);
    assert.equal(r.code, 0, r.stderr.toString());
    assert.equal(fs.statSync(file).size, small.length + 32);
  });

  test('a stream reset half way', T, async () => {
    const s = await fake({ kind: 'reset', db, after: 100_000 });
    const file = path.join(dir, 'reset.db');
    const r = await runOurs([`--endpoints=${s.url}`, 'snapshot', 'save', file]);
    assert.equal(r.code, 5);
    assert.match(r.stderr.toString(), /^Error: rpc error: code = \w+ desc = .+\n$/);
    assertNothingLeft(file);
  });

  test('a gRPC error from the server', T, async () => {
    const s = await fake({ kind: 'error', code: 7, message: 'etcdserver: permission denied' });
    const file = path.join(dir, 'denied.db');
    const r = await runOurs([`--endpoints=${s.url}`, 'snapshot', 'save', file]);
    assert.equal(r.code, 5);
    assert.equal(r.stderr.toString(), 'Error: rpc error: code = PermissionDenied desc = etcdserver: permission denied\n');
    assertNothingLeft(file);
  });

  for (const sig of ['SIGTERM', 'SIGINT'] as const) {
    test(`interrupted by ${sig}`, T, async () => {
      const s = await fake({ kind: 'send', db, chunkDelayMs: 100 });
      const file = path.join(dir, `${sig}.db`);
      const child = spawn(process.execPath, [OUR_BIN, `--endpoints=${s.url}`, 'snapshot', 'save', file], { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (b) => (stderr += b));
      // Wait until the temporary file is there and data flows (a chunk every 100 ms), then interrupt.
      for (let i = 0; i < 100 && !fs.existsSync(`${file}.part`); i++) await new Promise((r) => setTimeout(r, 50));
      assert.ok(fs.existsSync(`${file}.part`), 'the download started');
      await new Promise((r) => setTimeout(r, 300));
      child.kill(sig);
      const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
      assert.equal(code, 5, stderr);
      assert.equal(stderr, 'Error: interrupted\nthe snapshot was not saved\n');
      assertNothingLeft(file);
    });
  }

  test('a full disk (file size limit): the write error, nothing left', T, async () => {
    const s = await fake({ kind: 'send', db });
    const file = path.join(dir, 'full.db');
    // ulimit -f counts 512-byte blocks here (dash); SIGXFSZ ignored so that write() fails with EFBIG.
    const r = await runCommand('/bin/sh', ['-c', `trap '' XFSZ; ulimit -f 64; exec "$0" "$@"`, process.execPath, OUR_BIN, `--endpoints=${s.url}`, 'snapshot', 'save', file]);
    assert.equal(r.code, 5, r.stderr.toString());
    assert.equal(r.stderr.toString(), `Error: write ${file}.part: file too large\n`);
    assertNothingLeft(file);
  });

  test('save - with a wrong trailer: the bytes went out, the exit code says they are bad', T, async () => {
    const s = await fake({ kind: 'send', db, trailer: Buffer.alloc(32, 2) });
    const r = await runOurs([`--endpoints=${s.url}`, 'snapshot', 'save', '-']);
    assert.equal(r.code, 5);
    assert.equal(r.stdout.length, db.length + 32);
    assert.match(r.stderr.toString(), /^Error: sha256 checksum mismatch\n/);
  });

  test('save - to a slow reader: flow control holds the server back', T, async () => {
    const big = Buffer.alloc(64 * 1024 * 1024, 7);
    const s = await fake({ kind: 'send', db: big });
    const child = spawn(process.execPath, [OUR_BIN, `--endpoints=${s.url}`, 'snapshot', 'save', '-'], { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pause();
    await new Promise((r) => setTimeout(r, 1500));
    const sentWhilePaused = s.sent;
    let received = 0;
    child.stdout.on('data', (b: Buffer) => (received += b.length));
    child.stdout.resume();
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    assert.equal(code, 0);
    assert.equal(received, big.length + 32);
    assert.ok(sentWhilePaused < 16 * 1024 * 1024, `the server got ${sentWhilePaused} bytes out while nobody read`);
  });

  test('the first endpoint fails (UNAVAILABLE) or stays silent: the next one is used and named', T, async () => {
    const down = await fake({ kind: 'error', code: 14, message: 'not ready' });
    const silent = await fake({ kind: 'stall', db, after: 0 });
    const good = await fake({ kind: 'send', db });
    const file = path.join(dir, 'failover.db');
    const r = await runOurs([`--endpoints=${down.url},${silent.url},${good.url}`, '--command-timeout=1s', 'snapshot', 'save', file]);
    assert.equal(r.code, 0, r.stderr.toString());
    assert.equal(r.stdout.toString(), `Snapshot saved at ${file}\n`);
    assert.equal(
      r.stderr.toString(),
      `Skipping ${down.url}: not ready\nSkipping ${silent.url}: no data for 1s\nTaking the snapshot from ${good.url} (the first of 3 endpoints to answer)\n`,
    );
    assert.equal(good.calls, 1);
  });

  test('the temporary file is etcdctl\'s <file>.part, and an old one is replaced', T, async () => {
    const s = await fake({ kind: 'send', db });
    const file = path.join(dir, 'stale.db');
    fs.writeFileSync(`${file}.part`, 'left over by a killed run');
    const r = await runOurs([`--endpoints=${s.url}`, 'snapshot', 'save', file]);
    assert.equal(r.code, 0, r.stderr.toString());
    assert.ok(!fs.existsSync(`${file}.part`));
    assert.equal(fs.statSync(file).size, db.length + 32);
  });

  test('refuses to write a snapshot to a terminal', T, () => {
    // `script` gives the child a terminal as stdout.
    const hasScript = spawnSync('sh', ['-c', 'command -v script'], { encoding: 'utf8' }).stdout.trim() !== '';
    if (!hasScript) return;
    const r = spawnSync('script', ['-qec', `${process.execPath} ${OUR_BIN} --endpoints=127.0.0.1:1 snapshot save -`, '/dev/null'], { encoding: 'utf8', env: cleanEnv() });
    assert.match(r.stdout, /Error: snapshot save - writes the snapshot to stdout, which is a terminal/);
  });
});
