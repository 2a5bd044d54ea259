// Unit tests of the snapshot codecs, without a server: CRC-32C, FNV-1a, the bbolt reader (meta
// choice, page walk, integrity checks, status numbers) on databases made by our bbolt writer, and
// the printers of `snapshot status`.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { crc32c, crc32cCombine } from '../src/snapshot/crc32c.js';
import {
  BoltError, IntegrityError, decodeMeta, fnv1a64, metaChecksum, openBolt, readPage, validateMeta, NO_FREELIST, FREELIST_PAGE,
} from '../src/snapshot/bbolt.js';
import { BoltWriter, MemoryOut, writeBolt } from '../src/snapshot/bbolt-writer.js';
import { BufferSource } from '../src/snapshot/source.js';
import { dbStatus, fileStatus } from '../src/snapshot/status.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { snapshotStatusFields, snapshotStatusJSON, snapshotStatusSimple, snapshotStatusTable } from '../src/output/snapshot.js';
import { renderTable } from '../src/go/tablewriter.js';
import { ClusterConfigError, clusterId, memberId, newCluster, parseInitialCluster, parsePeerURLs } from '../src/snapshot/cluster.js';
import { goParseURL } from '../src/go/url.js';
import { frame, readWal, restoreWal, WalEncoder, walName } from '../src/snapshot/wal.js';
import { decodeFields, encodeConfState, encodeWalSnapshot, RecordType } from '../src/snapshot/raftpb.js';
import { memberJSON, snapFile, snapName, v2StoreJSON } from '../src/snapshot/snapfile.js';

const B = (s: string) => Buffer.from(s);

/** A 17-byte revision key. */
function rev(main: number, sub = 0, tomb = false): Buffer {
  const k = Buffer.alloc(tomb ? 18 : 17);
  k.writeBigInt64BE(BigInt(main), 0);
  k[8] = 0x5f;
  k.writeBigInt64BE(BigInt(sub), 9);
  if (tomb) k[17] = 0x74;
  return k;
}

/** The status computed directly from the data, as etcdutl defines it. */
function expected(buckets: Array<[string, Array<[Buffer, Buffer]>]>): { hash: number; revision: bigint; totalKey: number } {
  const sorted = [...buckets].sort((a, b) => Buffer.compare(B(a[0]), B(b[0])));
  let h = 0;
  let revision = 0n;
  let totalKey = 0;
  for (const [name, kvs] of sorted) {
    h = crc32c(B(name), h);
    for (const [k, v] of [...kvs].sort((a, b) => Buffer.compare(a[0], b[0]))) {
      h = crc32c(v, crc32c(k, h));
      if (name === 'key') revision = k.readBigInt64BE(0);
      totalKey++;
    }
  }
  return { hash: h, revision, totalKey };
}

/** An etcd-like set of buckets; `n` keys in `key`, values of `size` bytes. */
function etcdLike(n: number, size: number): Array<[string, Array<[Buffer, Buffer]>]> {
  const kv: Array<[Buffer, Buffer]> = [];
  for (let i = 0; i < n; i++) kv.push([rev(i + 2), Buffer.alloc(size, i % 251)]);
  return [
    ['alarm', []],
    ['auth', [[B('authRevision'), Buffer.alloc(8)]]],
    ['cluster', [[B('clusterVersion'), B('3.4.0')]]],
    ['key', kv],
    ['lease', []],
    ['members', [[B('52fa05da02136d75'), B('{"id":5979097889183591797,"peerURLs":["http://127.0.0.1:23821"],"name":"s1"}')]]],
    ['members_removed', []],
    ['meta', [[B('consistent_index'), Buffer.from('0000000000000011', 'hex')]]],
  ];
}

describe('crc32c and fnv1a64', () => {
  test('check values', () => {
    assert.equal(crc32c(B('123456789')), 0xe3069283);
    assert.equal(crc32c(B('')), 0);
    // Running: the CRC of the concatenation, whatever the split.
    const data = Buffer.alloc(1000).map((_, i) => (i * 7) & 0xff);
    for (const cut of [0, 1, 15, 16, 17, 500, 999]) assert.equal(crc32c(data.subarray(cut), crc32c(data.subarray(0, cut))), crc32c(data));
    assert.equal(fnv1a64(B('')), 0xcbf29ce484222325n);
    assert.equal(fnv1a64(B('a')), 0xaf63dc4c8601ec8cn);
    assert.equal(fnv1a64(B('foobar')), 0x85944171f73967e8n);
  });

  test('joining two CRCs: the CRC of the concatenation, whatever the lengths', () => {
    const data = Buffer.alloc(300_000).map((_, i) => (i * 131 + (i >> 9)) & 0xff);
    for (const cut of [0, 1, 3, 4, 7, 8, 255, 256, 4096, 65_537, 299_999, 300_000]) {
      const a = data.subarray(0, cut);
      const b = data.subarray(cut);
      assert.equal(crc32cCombine(crc32c(a), crc32c(b), b.length), crc32c(data), `cut at ${cut}`);
    }
    // An empty second part changes nothing; an empty first part is CRC 0.
    assert.equal(crc32cCombine(0xe3069283, 0, 0), 0xe3069283);
    assert.equal(crc32cCombine(0, crc32c(B('123456789')), 9), 0xe3069283);
  });
});

describe('bbolt writer and reader', () => {
  for (const [n, size, P] of [[3, 10, 4096], [2000, 100, 4096], [40, 10_000, 4096], [500, 300, 65536], [5, 200_000, 4096]] as const) {
    test(`status of ${n} keys of ${size} bytes, page size ${P}`, () => {
      const data = etcdLike(n, size);
      const file = writeBolt(data.map(([name, kvs]) => [B(name), kvs]), P);
      const db = openBolt(new BufferSource(file));
      assert.equal(db.pageSize, P);
      assert.equal(db.meta.freelist, null);
      const st = dbStatus(new BufferSource(file));
      const want = expected(data);
      assert.deepEqual(st, { ...want, totalSize: db.meta.pgid * P });
      assert.equal(file.length, st.totalSize);
      // A saved snapshot has 32 more bytes: they are not looked at.
      assert.deepEqual(dbStatus(new BufferSource(Buffer.concat([file, Buffer.alloc(32, 9)]))), st);
    });
  }

  test('a file read whole and hashed on two threads: the same status, the same errors', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'etcdctl-ts-status-'));
    try {
      const files: Array<[string, Buffer]> = [
        ['small', writeBolt(etcdLike(3, 10).map(([n, kvs]) => [B(n), kvs]))],
        ['many', writeBolt(etcdLike(3000, 100).map(([n, kvs]) => [B(n), kvs]))],
        ['large values', writeBolt(etcdLike(20, 300_000).map(([n, kvs]) => [B(n), kvs]))],
        ['64 KiB pages', writeBolt(etcdLike(500, 300).map(([n, kvs]) => [B(n), kvs]), 65536)],
      ];
      for (const [name, file] of files) {
        const f = path.join(dir, `${name}.db`);
        fs.writeFileSync(f, file);
        const want = dbStatus(new BufferSource(file));
        assert.deepEqual(await fileStatus(f, { parallelMin: 0 }), want, name);
        assert.deepEqual(await fileStatus(f, { parallelMin: Infinity }), want, name);
      }
      // Damaged: both ways fail with the same error.
      const bad = Buffer.from(files[1][1]);
      bad.fill(0, 8 * 4096, 9 * 4096);
      const f = path.join(dir, 'bad.db');
      fs.writeFileSync(f, bad);
      const err = (p: Promise<unknown>) => p.then(() => assert.fail('no error'), (e: Error) => `${e.constructor.name}: ${e.message}`);
      const seq = await err(fileStatus(f, { parallelMin: Infinity }));
      assert.match(seq, /^IntegrityError: /);
      assert.equal(await err(fileStatus(f, { parallelMin: 0 })), seq);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the metas: txid T and T-1, valid checksums, the larger valid one wins', () => {
    const file = writeBolt([[B('key'), [[rev(2), B('v')]]]]);
    const m0 = decodeMeta(file.subarray(0, 4096));
    const m1 = decodeMeta(file.subarray(4096, 8192));
    assert.equal(m0.txid, m1.txid + 1n);
    assert.equal(validateMeta(file.subarray(0, 80)), undefined);
    assert.equal(metaChecksum(file.subarray(0, 80)), m0.checksum);
    assert.equal(file.readBigUInt64LE(48), NO_FREELIST);
    // A damaged meta 0: meta 1 is used.
    const one = Buffer.from(file);
    one[72] ^= 1;
    assert.equal(validateMeta(one.subarray(0, 80)), 'checksum error');
    assert.equal(openBolt(new BufferSource(one)).meta.txid, m1.txid);
    assert.equal(dbStatus(new BufferSource(one)).totalKey, 1);
    // Both damaged: bbolt's error of meta 0.
    const both = Buffer.from(one);
    both[4096 + 72] ^= 1;
    assert.throws(() => openBolt(new BufferSource(both)), (e: Error) => e instanceof BoltError && e.message === 'checksum error');
    const ver = Buffer.from(file);
    ver.writeUInt32LE(3, 20);
    ver.writeUInt32LE(3, 4096 + 20);
    assert.throws(() => openBolt(new BufferSource(ver)), { message: 'version mismatch' });
  });

  test('a 64 KiB page size is found from meta 1 when meta 0 is damaged', () => {
    const file = writeBolt(etcdLike(10, 10).map(([n, kvs]) => [B(n), kvs]), 65536);
    file[20] = 0xff; // meta 0's version
    assert.equal(openBolt(new BufferSource(file)).pageSize, 65536);
    assert.equal(dbStatus(new BufferSource(file)).totalKey, 14);
  });

  test('not a bbolt file, too small, empty, truncated', () => {
    const msg = (buf: Buffer) => {
      try {
        dbStatus(new BufferSource(buf));
        return 'ok';
      } catch (e) {
        return (e as Error).message;
      }
    };
    assert.equal(msg(Buffer.alloc(0)), 'invalid database');
    assert.equal(msg(Buffer.alloc(100, 1)), 'invalid database');
    assert.equal(msg(Buffer.alloc(5000, 1)), 'file size too small');
    assert.equal(msg(Buffer.alloc(9000, 1)), 'invalid database');
    const file = writeBolt(etcdLike(2000, 100).map(([n, kvs]) => [B(n), kvs]));
    assert.equal(msg(file.subarray(0, file.length - 4096)), 'snapshot file is truncated');
    assert.equal(msg(file.subarray(0, file.length - 1)), 'snapshot file is truncated');
  });

  test('damaged pages are integrity errors, never a crash', () => {
    const file = writeBolt(etcdLike(2000, 100).map(([n, kvs]) => [B(n), kvs]));
    const P = 4096;
    const pages = file.length / P;
    // Every single-byte damage of a page header (id, flags, count, overflow) or element is reported or harmless.
    for (let pg = 2; pg < pages; pg += 7) {
      for (const off of [0, 8, 10, 12, 16, 20, 24]) {
        const bad = Buffer.from(file);
        bad[pg * P + off] ^= 0x5a;
        try {
          dbStatus(new BufferSource(bad));
        } catch (e) {
          assert.ok(e instanceof IntegrityError || e instanceof BoltError, `page ${pg} offset ${off}: ${(e as Error).stack}`);
        }
      }
    }
    // A page header naming another page.
    const bad = Buffer.from(file);
    const root = openBolt(new BufferSource(file)).meta.root;
    bad.writeBigUInt64LE(7n, root * P);
    assert.throws(() => dbStatus(new BufferSource(bad)), (e: Error) => e instanceof IntegrityError && /page \d+: the page header names page 7/.test(e.message));
  });

  test("keys out of order: bbolt's key order messages", () => {
    const file = writeBolt([[B('key'), Array.from({ length: 400 }, (_, i) => [rev(i + 1), Buffer.alloc(50)] as [Buffer, Buffer])]]);
    const db = openBolt(new BufferSource(file));
    // Element 0 of the first leaf (page 2): its key rev(1) becomes rev(255), after element 1's rev(2).
    const leaf = readPage(db, 2);
    assert.ok(typeof leaf !== 'string');
    const bad = Buffer.from(file);
    bad[2 * 4096 + 16 + leaf.buf.readUInt32LE(16 + 4) + 7] = 0xff;
    assert.throws(() => dbStatus(new BufferSource(bad)), (e: Error) => {
      assert.ok(e instanceof IntegrityError);
      assert.match(e.message, /^snapshot file integrity check failed\. \d+ errors found\.\n/);
      assert.ok(e.errors.includes(
        `key[1]=(hex)00000000000000025f0000000000000000 on leaf page(2) needs to be > (found <) than previous element (hex)00000000000000ff5f0000000000000000. Stack: [${db.meta.root - 1} 2]`,
      ), e.message);
      return true;
    });
  });

  test('with a stored freelist: unreachable unfreed, reachable freed, already freed', () => {
    const file = writeBolt(etcdLike(2000, 100).map(([n, kvs]) => [B(n), kvs]));
    const P = 4096;
    const db = openBolt(new BufferSource(file));
    const hwm = db.meta.pgid;
    // Add a freelist page at the end listing page 5 twice and page `hwm - 2` (reachable), and raise the HWM by 2.
    const grown = Buffer.concat([file, Buffer.alloc(2 * P)]);
    const fl = hwm;
    grown.writeBigUInt64LE(BigInt(fl), fl * P);
    grown.writeUInt16LE(FREELIST_PAGE, fl * P + 8);
    grown.writeUInt16LE(3, fl * P + 10);
    grown.writeBigUInt64LE(5n, fl * P + 16);
    grown.writeBigUInt64LE(5n, fl * P + 24);
    grown.writeBigUInt64LE(BigInt(hwm - 2), fl * P + 32);
    for (const i of [0, 1]) {
      grown.writeBigUInt64LE(BigInt(fl), i * P + 48);
      grown.writeBigUInt64LE(BigInt(hwm + 2), i * P + 56);
      grown.writeBigUInt64LE(metaChecksum(grown.subarray(i * P, i * P + 80)), i * P + 72);
    }
    assert.throws(() => dbStatus(new BufferSource(grown)), (e: Error) => {
      assert.ok(e instanceof IntegrityError, String(e));
      // Page hwm-2 is the key bucket's branch root, walked before its leaves (page 5 among them).
      const errs = ['page 5: already freed', `page ${hwm - 2}: reachable freed`, 'page 5: reachable freed', `page ${hwm + 1}: unreachable unfreed`];
      assert.deepEqual(e.errors, errs);
      assert.equal(e.message, `snapshot file integrity check failed. 4 errors found.\n${errs.join('\n')}`);
      return true;
    });
  });

  test('a key bucket whose keys are not revisions: an error, where etcdctl panics', () => {
    const file = writeBolt([[B('key'), [[B('short'), B('v')]]]]);
    assert.throws(() => dbStatus(new BufferSource(file)), { message: 'cannot parse revision key 73686f7274 in bucket "key"' });
  });

  test('writer refuses unsorted input', () => {
    const w = new BoltWriter(new MemoryOut(), 4096);
    const b = w.bucket(B('b'));
    b.put(B('x'), B('1'));
    assert.throws(() => b.put(B('a'), B('2')));
    b.end();
    assert.throws(() => w.bucket(B('a')));
  });
});

describe('snapshot status printers', () => {
  const s = { hash: 0x0d53ba34, revision: 9n, totalKey: 16, totalSize: 20480 };
  test('simple, json, fields, table', () => {
    assert.equal(snapshotStatusSimple(s), 'd53ba34, 9, 16, 20 kB\n');
    assert.equal(snapshotStatusJSON({ ...s, hash: 0x3d53ba34 }), '{"hash":1028897332,"revision":9,"totalKey":16,"totalSize":20480}\n');
    assert.equal(snapshotStatusFields({ ...s, hash: 0x3d53ba34 }), '"Hash" : 1028897332\n"Revision" : 9\n"Keys" : 16\n"Size" : 20480\n');
    const { header, rows } = snapshotStatusTable({ ...s, hash: 0x3d53ba34 });
    assert.equal(
      renderTable(header, rows),
      '+----------+----------+------------+------------+\n' +
        '|   HASH   | REVISION | TOTAL KEYS | TOTAL SIZE |\n' +
        '+----------+----------+------------+------------+\n' +
        '| 3d53ba34 |        9 |         16 |      20 kB |\n' +
        '+----------+----------+------------+------------+\n',
    );
    const t = renderTable(...(Object.values(snapshotStatusTable(s)) as [string[], string[][]]));
    assert.ok(t.includes('|  HASH   |'), t);
  });
});

describe('restore: IDs, URLs, WAL, .snap (vectors from etcd 3.4.23 files)', () => {
  test('member and cluster IDs as etcd derives them', () => {
    const id = memberId(['http://127.0.0.1:23822'], 'tok-restore');
    assert.equal(id, 0x6efaf1fa2b6911e5n);
    assert.equal(clusterId([id]), 0x55b56a1116a422a4n);
    assert.equal(memberId(['http://127.0.0.1:23821'], 'tok-src'), 0x52fa05da02136d75n);
    // Two URLs: sorted, joined without separator, then the token.
    assert.equal(memberId(['http://127.0.0.1:23826', 'http://127.0.0.1:23825'], 'tok3'), 0xf553f91b7a3fb704n);
    const three = [0x491fe772cd03f3b4n, 0x2d57b584bde23592n, 0xf553f91b7a3fb704n];
    assert.equal(clusterId(three), 0xe410b91924fe0236n);
    // etcd's well-known defaults: name "default", http://localhost:2380, token etcd-cluster.
    assert.equal(memberId(['http://localhost:2380'], 'etcd-cluster'), 0x8e9e05c52164694dn);
    assert.equal(clusterId([0x8e9e05c52164694dn]), 0xcdf818194e3a8c32n);
  });

  test('URLs and --initial-cluster parsed and checked as etcd does', async () => {
    assert.deepEqual(parsePeerURLs([' http://b:2 ', 'HTTP://a:1']), ['http://a:1', 'http://b:2']);
    assert.equal(goParseURL('unix:///tmp/s').text, 'unix:///tmp/s');
    const m = parseInitialCluster('m1=http://a:1,,m3=http://c:4,m3=http://c:3');
    assert.deepEqual([...m], [['m1', ['http://a:1']], ['m3', ['http://c:3', 'http://c:4']]]);
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        assert.ok(e instanceof ClusterConfigError);
        return (e as Error).message;
      }
      return 'no error';
    };
    assert.equal(err(() => parsePeerURLs(['127.0.0.1:2380'])), 'parse "127.0.0.1:2380": first path segment in URL cannot contain colon');
    assert.equal(err(() => parsePeerURLs(['localhost:2380'])), 'URL scheme must be http, https, unix, or unixs: localhost:2380');
    assert.equal(err(() => parsePeerURLs(['http://a'])), 'URL address does not have the form "host:port": http://a');
    assert.equal(err(() => parsePeerURLs(['http://a:1/p'])), 'URL must not contain a path: http://a:1/p');
    assert.equal(err(() => parsePeerURLs(['http://a:x'])), 'parse "http://a:x": invalid port ":x" after host');
    assert.equal(err(() => parsePeerURLs(['://a'])), 'parse "://a": missing protocol scheme');
    const c = await newCluster({ name: 'm2', initialCluster: 'm1=http://127.0.0.1:23823,m2=http://127.0.0.1:23824,m3=http://127.0.0.1:23825,m3=http://127.0.0.1:23826', token: 'tok3', peerURLs: 'http://127.0.0.1:23824' });
    assert.deepEqual(c.members.map((x) => x.name), ['m1', 'm2', 'm3']);
    assert.equal(c.self.id, 0x491fe772cd03f3b4n);
    assert.equal(c.clusterId, 0xe410b91924fe0236n);
    await assert.rejects(newCluster({ name: 'x', initialCluster: 'default=http://localhost:2380', token: 't', peerURLs: 'http://localhost:2380' }), {
      message: 'couldn\'t find local name "x" in the initial cluster configuration',
    });
  });

  test('WAL framing: 8-byte alignment, padding flag, CRC chain', () => {
    // A 4-byte record: 4 bytes of padding, flagged in the top byte.
    assert.equal(frame(Buffer.from('08041000', 'hex')).toString('hex'), '0400000000000084' + '08041000' + '00000000');
    // 24 bytes: no padding, no flag.
    assert.equal(frame(Buffer.alloc(24)).subarray(0, 8).toString('hex'), '1800000000000000');
    const c = docExample();
    const wal = Buffer.concat(restoreWal(c.self, c.cid, c.members));
    const recs = readWal(Buffer.concat([wal, Buffer.alloc(4096)]));
    assert.deepEqual(recs.map((r) => r.type), [4, 1, 5, 2, 3, 5]);
    assert.deepEqual(recs.map((r) => r.crc.toString(16)), ['0', '6070edb8', '6b149505', 'fab1f58b', 'fe64369e', '81626968']);
    // The bytes of etcd 3.4.23's file up to its last record (3.5 adds the voters to that one).
    assert.equal(wal.subarray(0, 0x10).toString('hex'), '04000000000000840804100000000000');
    assert.equal(wal.subarray(0x40, 0x50).toString('hex'), '080510' + '85aad2d806' + '1a0408001000' + '0000');
    assert.equal(recs[5].offset, 0xe8);
    assert.equal(wal.subarray(0xe8).toString('hex'), '1c00000000000084' + '0805' + '10e8d2898b08' + '1a12' + '08011001' + '1a0c' + '08e5a3a4dba2bfbcfd6e' + '2800' + '00000000');
    // A damaged record breaks the chain.
    const bad = Buffer.from(wal);
    bad[0x30] ^= 1;
    assert.throws(() => readWal(bad), /crc/);
    assert.equal(walName(0n, 0n), '0000000000000000-0000000000000000.wal');
    const enc = new WalEncoder();
    enc.add(RecordType.Crc);
    assert.deepEqual(decodeFields(enc.frames[0].subarray(8, 12)).map((f) => [f.field, f.value]), [[1, 4n], [2, 0n]]);
  });

  test('gogo proto2 encodings keep zero fields', () => {
    assert.equal(encodeWalSnapshot(0n, 0n).toString('hex'), '08001000');
    assert.equal(encodeConfState([0x6efaf1fa2b6911e5n]).toString('hex'), '08e5a3a4dba2bfbcfd6e2800');
  });

  test('.snap: the v2 store JSON and its CRC, as etcdctl 3.4.23 wrote them', () => {
    const c = docExample();
    const json = v2StoreJSON(c.members);
    assert.equal(json.length, 6459);
    assert.ok(json.startsWith('{"Root":{"Path":"/","CreatedIndex":0,"ModifiedIndex":0,"ExpireTime":"0001-01-01T00:00:00Z","Value":"","Children":{"0":{"Path":"/0",'));
    assert.ok(json.includes('"Value":"{\\"peerURLs\\":[\\"http://127.0.0.1:23822\\"]}","Children":null'));
    assert.ok(json.endsWith('"compareAndDeleteFail":0,"expireCount":0,"watchers":0},"CurrentVersion":2}'));
    assert.equal(JSON.parse(json).WatcherHub.EventHistory.Queue.Events.length, 1000);
    const file = snapFile(c.members);
    assert.equal(file.length, 6491);
    assert.equal(file.subarray(0, 6).toString('hex'), '08aed1aee506');
    assert.equal(snapName(1n, 10n), '0000000000000001-000000000000000a.snap');
    assert.equal(memberJSON(c.members[0]), '{"id":7996970145122161125,"peerURLs":["http://127.0.0.1:23822"],"name":"r1"}');
  });
});

/** The 1-member restore of the format document's worked example. */
function docExample() {
  const id = memberId(['http://127.0.0.1:23822'], 'tok-restore');
  const self = { id, name: 'r1', peerURLs: ['http://127.0.0.1:23822'] };
  return { self, members: [self], cid: clusterId([id]) };
}
