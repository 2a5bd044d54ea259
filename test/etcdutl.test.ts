// etcdutl-ts, against etcdutl 3.6's source (no etcdutl binary is installed) and the real etcd
// 3.4.23 and etcdctl 3.4.23:
//  - its help pages are cobra 1.8's default usage (etcdutl shows the usage as its help), usage
//    errors and unknown commands as cobra reports them, `version` as etcdutl prints it, and it
//    reads no ETCDCTL_* variable;
//  - `hashkv` of a stopped member's db (and of a saved snapshot, and given the data dir) equals
//    what the member's HashKV RPC answered (`etcdctl endpoint hashkv --rev R`) for the same data,
//    through puts, overwrites, multi-op txns, deletions, a lease and a compaction;
//  - `snapshot status` gives etcdctl 3.4's hash, revision and size, 3.6's live-key count and the
//    storage version column, in every format;
//  - `defrag --data-dir` refuses a db a running etcd holds, and on the stopped member leaves a
//    db on which etcd serves the same keys and hash;
//  - `snapshot restore` writes the same data dir as etcdctl-ts's.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startEtcd, type EtcdHandle } from './harness/etcd.js';
import { PACKAGE_VERSION, runOurs, runReal, runUtil, stripZapLines, type RunResult } from './harness/run.js';
import { directClient, parallel } from './snapshot.fixtures.js';
import { locksOn } from '../src/io/locks.js';
import { humanBytes } from '../src/go/humanize.js';
import { renderTable } from '../src/go/tablewriter.js';
import { writeBolt } from '../src/snapshot/bbolt-writer.js';
import { goSemver } from '../src/go/semver.js';
import { hashKV } from '../src/snapshot/hashkv.js';
import { BufferSource } from '../src/snapshot/source.js';
import { crc32c } from '../src/snapshot/crc32c.js';
import { dbStatus, fileStatus } from '../src/snapshot/status.js';

const T = { timeout: 120_000 };
const ok = (r: RunResult, what: string) => assert.equal(r.code, 0, `${what}: ${stripZapLines(r.stderr)}${r.stdout}`);
const out = (r: RunResult) => [r.code, r.stdout.toString(), r.stderr.toString()];

const WRITE_OUT = '  -w, --write-out string   set the output format (fields, json, protobuf, simple, table) (default "simple")';
const ROOT_COMMANDS = `Available Commands:
  defrag      Defragments the storage of the etcd
  hashkv      Prints the KV history hash of a given file
  help        Help about any command
  snapshot    Manages etcd node snapshots
  version     Prints the version of etcdutl
`;
const ROOT_PAGE = `Usage:
  etcdutl [command]

${ROOT_COMMANDS}
Flags:
  -h, --help               help for etcdutl
${WRITE_OUT}

Use "etcdutl [command] --help" for more information about a command.
`;
const DEFRAG_PAGE = `Usage:
  etcdutl defrag [flags]

Flags:
      --data-dir string   Required. Defragments a data directory not in use by etcd.
  -h, --help              help for defrag

Global Flags:
${WRITE_OUT}
`;
const HASHKV_PAGE = `Usage:
  etcdutl hashkv <filename> [flags]

Flags:
  -h, --help      help for hashkv
      --rev int   maximum revision to hash (default: latest revision)

Global Flags:
${WRITE_OUT}
`;
const SNAPSHOT_PAGE = `Usage:
  etcdutl snapshot [command]

Available Commands:
  restore     Restores an etcd member snapshot to an etcd directory
  status      Gets backend snapshot status of a given file

Flags:
  -h, --help   help for snapshot

Global Flags:
${WRITE_OUT}

Use "etcdutl snapshot [command] --help" for more information about a command.
`;
const STATUS_PAGE = `Usage:
  etcdutl snapshot status <filename> [flags]

Flags:
  -h, --help   help for status

Global Flags:
${WRITE_OUT}
`;
const RESTORE_PAGE = `Usage:
  etcdutl snapshot restore <filename> --data-dir {output dir} [options] [flags]

Flags:
      --bump-revision uint                   How much to increase the latest revision after restore
      --data-dir string                      Path to the output data directory
  -h, --help                                 help for restore
      --initial-advertise-peer-urls string   List of this member's peer URLs to advertise to the rest of the cluster (default "http://localhost:2380")
      --initial-cluster string               Initial cluster configuration for restore bootstrap (default "default=http://localhost:2380")
      --initial-cluster-token string         Initial cluster token for the etcd cluster during restore bootstrap (default "etcd-cluster")
      --initial-memory-map-size uint         Initial memory map size of the database in bytes. It uses the default value if not defined or defined to 0 (default 10737418240)
      --mark-compacted                       Mark the latest revision after restore as the point of scheduled compaction (required if --bump-revision > 0, disallowed otherwise)
      --name string                          Human-readable name for this member (default "default")
      --skip-hash-check                      Ignore snapshot integrity hash value (required if copied from data directory)
      --wal-dir string                       Path to the WAL directory (use --data-dir if none given)

Global Flags:
${WRITE_OUT}
`;
const VERSION_PAGE = `Usage:
  etcdutl version [flags]

Flags:
  -h, --help   help for version

Global Flags:
${WRITE_OUT}
`;
const HELP_PAGE = `Usage:
  etcdutl help [command] [flags]

Flags:
  -h, --help   help for help

Global Flags:
${WRITE_OUT}
`;

describe('etcdutl-ts: the command line (no server)', () => {
  test('help pages: cobra\'s usage, for --help, -h and help <command>', T, async () => {
    const pages: Array<[string[], string]> = [
      [[], ROOT_PAGE], [['defrag'], DEFRAG_PAGE], [['hashkv'], HASHKV_PAGE], [['snapshot'], SNAPSHOT_PAGE],
      [['snapshot', 'status'], STATUS_PAGE], [['snapshot', 'restore'], RESTORE_PAGE], [['version'], VERSION_PAGE], [['help'], HELP_PAGE],
    ];
    for (const [cmd, page] of pages) {
      assert.deepEqual(out(await runUtil([...cmd, '--help'])), [0, page, ''], `${cmd.join(' ')} --help`);
      assert.deepEqual(out(await runUtil([...cmd, '-h'])), [0, page, ''], `${cmd.join(' ')} -h`);
      if (cmd[0] !== 'help') assert.deepEqual(out(await runUtil(['help', ...cmd])), [0, page, ''], `help ${cmd.join(' ')}`);
    }
    // A command that only groups others shows its page; so does the root alone.
    assert.deepEqual(out(await runUtil([])), [0, ROOT_PAGE, '']);
    assert.deepEqual(out(await runUtil(['snapshot'])), [0, SNAPSHOT_PAGE, '']);
    // cobra's prefix matching, which etcdutl turns on.
    assert.deepEqual(out(await runUtil(['snap', 'st', '--help'])), [0, STATUS_PAGE, '']);
  });

  test('help <unknown topic>: the root\'s usage without its help flag, on stderr', T, async () => {
    const page = ROOT_PAGE.replace('  -h, --help               help for etcdutl\n', '');
    assert.deepEqual(out(await runUtil(['help', 'nope'])), [0, '', `Unknown help topic [\`nope\`]\n${page}`]);
  });

  test('usage errors: the error, the usage and the error again, all on stderr, exit 1', T, async () => {
    const usageError = (msg: string, page: string) => [1, '', `Error: ${msg}\n${page}\nError: ${msg}\n`];
    assert.deepEqual(out(await runUtil(['defrag'])), usageError('required flag(s) "data-dir" not set', DEFRAG_PAGE));
    assert.deepEqual(out(await runUtil(['hashkv'])), usageError('accepts 1 arg(s), received 0', HASHKV_PAGE));
    assert.deepEqual(out(await runUtil(['hashkv', 'a', 'b'])), usageError('accepts 1 arg(s), received 2', HASHKV_PAGE));
    assert.deepEqual(out(await runUtil(['hashkv', 'a', '--rev', 'x'])),
      usageError('invalid argument "x" for "--rev" flag: strconv.ParseInt: parsing "x": invalid syntax', HASHKV_PAGE));
    assert.deepEqual(out(await runUtil(['version', '--endpoints=x'])), usageError('unknown flag: --endpoints', VERSION_PAGE));
    const unknown = 'Error: unknown command "nope" for "etcdutl"\nRun \'etcdutl --help\' for usage.\n';
    assert.deepEqual(out(await runUtil(['nope'])), [1, '', `${unknown}Error: unknown command "nope" for "etcdutl"\n`]);
    // snapshot's own argument checks are ExitBadArgs without the usage.
    assert.deepEqual(out(await runUtil(['snapshot', 'status'])), [128, '', 'Error: snapshot status requires exactly one argument\n']);
    assert.deepEqual(out(await runUtil(['snapshot', 'restore', 'x.db', '--bump-revision', '5'])), [128, '', 'Error: --mark-compacted required if --revision-bump > 0\n']);
  });

  test('version, and no ETCDCTL_* variable changes anything', T, async () => {
    const version = `etcdutl version: 3.6.0\nAPI version: 3.6\netcdutl-ts version: ${PACKAGE_VERSION}\n`;
    assert.deepEqual(out(await runUtil(['version'])), [0, version, '']);
    // etcdctl's variables: not read, not warned of; ETCDCTL_API is not looked at.
    assert.deepEqual(out(await runUtil(['version'], { env: { ETCDCTL_API: '2', ETCDCTL_WRITE_OUT: 'json', ETCDCTL_FOO: '1' } })), [0, version, '']);
  });

  test('snapshot status: the storage version column and the live keys (3.6), in every format', T, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'etcdutl-ts-status-'));
    try {
      const rev = (main: number, tomb = false) => {
        const b = Buffer.alloc(tomb ? 18 : 17);
        b.writeBigInt64BE(BigInt(main), 0);
        b[8] = 0x5f;
        if (tomb) b[17] = 0x74;
        return b;
      };
      // mvccpb.KeyValue with the key (field 1) and the value (field 5).
      const kv = (key: string, value: string) => Buffer.concat([Buffer.from([0x0a, key.length]), Buffer.from(key), Buffer.from([0x2a, value.length]), Buffer.from(value)]);
      const make = (name: string, storageVersion: string | undefined) => {
        const file = path.join(dir, name);
        const meta: Array<[Buffer, Buffer]> = [[Buffer.from('consistent_index'), Buffer.alloc(8)]];
        if (storageVersion !== undefined) meta.push([Buffer.from('storageVersion'), Buffer.from(storageVersion)]);
        fs.writeFileSync(file, writeBolt([
          [Buffer.from('key'), [[rev(2), kv('a', '1')], [rev(3), kv('b', '2')], [rev(4), kv('a', '3')], [rev(5, true), kv('b', '')], [rev(6), kv('c', '4')]]],
          [Buffer.from('meta'), meta],
        ]));
        return file;
      };
      const v36 = make('v36.db', '3.6.0');
      const r = await runUtil(['snapshot', 'status', v36, '-w', 'json']);
      ok(r, 'status');
      const s = JSON.parse(r.stdout.toString());
      // Keys a and c are live (b was deleted); 3.5 counted every pair of every bucket (7).
      assert.equal(s.totalKey, 2);
      assert.equal(s.version, '3.6.0');
      assert.equal(s.revision, 6);
      assert.equal(r.stdout.toString(), `{"hash":${s.hash},"revision":6,"totalKey":2,"totalSize":${s.totalSize},"version":"3.6.0"}\n`);
      const json35 = JSON.parse((await runOurs(['snapshot', 'status', v36, '-w', 'json'])).stdout.toString());
      assert.deepEqual(json35, { hash: s.hash, revision: 6, totalKey: 7, totalSize: s.totalSize });
      const hex = (s.hash >>> 0).toString(16);
      const size = humanBytes(s.totalSize);
      assert.deepEqual(out(await runUtil(['snapshot', 'status', v36])), [0, `${hex}, 6, 2, ${size}, 3.6.0\n`, '']);
      assert.deepEqual(out(await runUtil(['snapshot', 'status', v36, '-w', 'fields'])),
        [0, `"Hash" : ${s.hash}\n"Revision" : 6\n"Keys" : 2\n"Size" : ${s.totalSize}\n"Version" : 3.6.0\n`, '']);
      assert.deepEqual(out(await runUtil(['snapshot', 'status', v36, '-w', 'table'])),
        [0, renderTable(['hash', 'revision', 'total keys', 'total size', 'version'], [[hex, '6', '2', size, '3.6.0']]), '']);
      assert.deepEqual(out(await runUtil(['snapshot', 'status', v36, '-w', 'protobuf'])), [4, '', 'Error: protobuf not supported as output format\n']);
      assert.deepEqual(out(await runUtil(['snapshot', 'status', v36, '-w', 'xml'])), [4, '', 'Error: unsupported output format\n']);
      // No storage version (etcd before 3.6), or one that is not a semantic version: empty.
      for (const [name, sv] of [['v35.db', undefined], ['bad.db', '3.6']] as const) {
        const file = make(name, sv);
        const st = await runUtil(['snapshot', 'status', file, '-w', 'json']);
        assert.equal(JSON.parse(st.stdout.toString()).version, '', name);
        assert.match((await runUtil(['snapshot', 'status', file])).stdout.toString(), /, 2, [^,]+, \n$/);
        assert.match((await runUtil(['snapshot', 'status', file, '-w', 'fields'])).stdout.toString(), /"Version" : \n$/);
      }
      assert.deepEqual(out(await runUtil(['snapshot', 'status', path.join(dir, 'none.db')])), [1, '', `Error: stat ${path.join(dir, 'none.db')}: no such file or directory\n`]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('hashkv: which revisions a compacted history hashes, revision by revision', () => {
    const rev = (main: number, tomb = false) => {
      const b = Buffer.alloc(tomb ? 18 : 17);
      b.writeBigInt64BE(BigInt(main), 0);
      b[8] = 0x5f;
      if (tomb) b[17] = 0x74;
      return b;
    };
    const kv = (key: string, value: string) => Buffer.concat([Buffer.from([0x0a, key.length]), Buffer.from(key), Buffer.from([0x2a, value.length]), Buffer.from(value)]);
    // After a compaction at 5 (which keeps a tombstone at the compacted revision, as etcd 3.5.16+ does):
    const a4: [Buffer, Buffer] = [rev(4), kv('a', '2')];
    const b5: [Buffer, Buffer] = [rev(5, true), kv('b', '')];
    const c6: [Buffer, Buffer] = [rev(6), kv('c', '1')];
    const a7: [Buffer, Buffer] = [rev(7), kv('a', '3')];
    const db = (meta: Array<[string, number]>) => new BufferSource(writeBolt([
      [Buffer.from('key'), [a4, b5, c6, a7]],
      [Buffer.from('meta'), meta.map(([k, r]) => [Buffer.from(k), rev(r)] as [Buffer, Buffer])],
    ]));
    const expect = (pairs: Array<[Buffer, Buffer]>) => crc32c(Buffer.concat([Buffer.from('key'), ...pairs.flat()]));
    for (const meta of [[['finishedCompactRev', 5], ['scheduledCompactRev', 5]], [['scheduledCompactRev', 5]]] as Array<Array<[string, number]>>) {
      const src = db(meta);
      // At 7 (the latest): a's newest revision is 7, so its 4 goes; c's 6 is past the compaction.
      assert.deepEqual(hashKV(src, 0n), { hash: expect([c6, a7]), hashRevision: 7n, compactRevision: 5n, currentRevision: 7n });
      assert.equal(hashKV(src, 7n).hash, expect([c6, a7]));
      // At 6, a's newest revision is 4: kept. b's is a tombstone: never kept.
      assert.equal(hashKV(src, 6n).hash, expect([a4, c6]));
      // At the compacted revision itself (3.6; etcd 3.4 refuses it).
      assert.equal(hashKV(src, 5n).hash, expect([a4]));
      assert.throws(() => hashKV(src, 4n), { message: 'mvcc: required revision has been compacted' });
      assert.throws(() => hashKV(src, 8n), { message: 'mvcc: required revision is a future revision' });
    }
    // Never compacted: every revision up to the one asked for, tombstones included.
    const plain = db([]);
    assert.deepEqual(hashKV(plain, 0n), { hash: expect([a4, b5, c6, a7]), hashRevision: 7n, compactRevision: -1n, currentRevision: 7n });
    assert.equal(hashKV(plain, 5n).hash, expect([a4, b5]));
    assert.equal(hashKV(plain, 1n).hash, expect([]));
  });

  test('snapshot status counts the same live keys read on one thread or with the worker', T, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'etcdutl-ts-live-'));
    try {
      const rows: Array<[Buffer, Buffer]> = [];
      for (let i = 1; i <= 3000; i++) {
        const k = Buffer.alloc(i % 7 === 0 ? 18 : 17);
        k.writeBigInt64BE(BigInt(i), 0);
        k[8] = 0x5f;
        if (i % 7 === 0) k[17] = 0x74;
        const key = `key-${i % 1000}`;
        rows.push([k, Buffer.concat([Buffer.from([0x0a, key.length]), Buffer.from(key), Buffer.from([0x2a, 100]), Buffer.alloc(100, i)])]);
      }
      const file = path.join(dir, 'db');
      const bytes = writeBolt([[Buffer.from('key'), rows]]);
      fs.writeFileSync(file, bytes);
      const one = dbStatus(new BufferSource(bytes), { liveKeys: true });
      const worker = await fileStatus(file, { liveKeys: true, parallelMin: 0 });
      assert.deepEqual(worker, one);
      // Each key's last event decides: 1000 keys, the ones whose last revision is a multiple of 7 are gone.
      const gone = Array.from({ length: 1000 }, (_, k) => (k === 0 ? 3000 : 2000 + k)).filter((r) => r % 7 === 0).length;
      assert.equal(one.liveKeys, 1000 - gone);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("go-semver's parse and print of a storage version", () => {
    assert.equal(goSemver('3.6.0'), '3.6.0');
    assert.equal(goSemver('03.06.01-rc.1+build.5'), '3.6.1-rc.1+build.5');
    assert.equal(goSemver('3.6'), undefined);
    assert.equal(goSemver(''), undefined);
    assert.equal(goSemver('3.6.x'), undefined);
    assert.equal(goSemver('3.6.0-'), '3.6.0');
    assert.equal(goSemver('3.6.0-a..b'), undefined);
  });
});

describe('etcdutl-ts: a real member\'s files', () => {
  let srv: EtcdHandle;
  let dir: string;
  let dataDir: string;
  let db: string;
  let snap: string;
  let compactRev: number;
  let currentRev: number;
  /** endpoint hashkv --rev R while the member ran: R → hash. */
  const served = new Map<number, number>();
  let kvsBefore: string;
  let liveKeys: number;

  const allKeys = async () => {
    const r = await runReal([`--endpoints=${srv.endpoints[0]}`, 'get', '', '--from-key', '-w', 'json']);
    ok(r, 'get');
    return r.stdout.toString().replace(/"raft_term":\d+/, '');
  };
  const endpointHash = async (rev: number) => {
    const r = await runReal([`--endpoints=${srv.endpoints[0]}`, 'endpoint', 'hashkv', `--rev=${rev}`, '-w', 'json']);
    ok(r, `endpoint hashkv --rev=${rev}`);
    const [{ HashKV }] = JSON.parse(r.stdout.toString().replace(/"(cluster_id|member_id)":(\d+)/g, '"$1":"$2"'));
    assert.equal(HashKV.compact_revision, compactRev);
    return HashKV.hash as number;
  };

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'etcdutl-ts-'));
    srv = await startEtcd();
    dataDir = srv.dataDirs[0];
    db = path.join(dataDir, 'member', 'snap', 'db');
    const c = directClient(srv.clientUrls[0]);
    const key = (i: number) => Buffer.from(`/a/${String(i).padStart(4, '0')}`);
    const txn = (ops: Array<{ put?: number; del?: number }>) => c.call('KV.Txn', {
      success: ops.map((o) => (o.put !== undefined
        ? { request_put: { key: key(o.put), value: Buffer.from(`txn ${o.put}`) } }
        : { request_delete_range: { key: key(o.del!) } })),
    });
    try {
      const lease = (await c.call('Lease.LeaseGrant', { TTL: 3600n })).msg.ID;
      await parallel(Array.from({ length: 400 }, (_, i) => i), 16, (i) =>
        c.call('KV.Put', { key: key(i), value: Buffer.alloc(300, i), ...(i % 40 === 0 ? { lease } : {}) }));
      for (let i = 0; i < 60; i += 3) await c.call('KV.Put', { key: key(i), value: Buffer.from(`again ${i}`) });
      await txn([{ put: 1 }, { put: 2 }, { del: 4 }, { put: 500 }]);
      await c.call('KV.DeleteRange', { key: key(100), range_end: key(300) });
      await c.call('KV.Put', { key: key(150), value: Buffer.from('back') });
      const mid = Number((await c.call('KV.Range', { key: key(0) })).msg.header.revision);
      await c.call('KV.DeleteRange', { key: key(301) });
      compactRev = mid + 1;
      await c.call('KV.Compact', { revision: BigInt(compactRev), physical: true });
      await txn([{ put: 5 }, { del: 6 }, { put: 150 }]);
      for (let i = 300; i < 330; i++) await c.call('KV.Put', { key: key(i), value: Buffer.from(`late ${i}`) });
      await c.call('KV.DeleteRange', { key: key(310), range_end: key(320) });
      await c.call('KV.Put', { key: key(2), value: Buffer.from('last') });
      currentRev = Number((await c.call('KV.Range', { key: key(0) })).msg.header.revision);
    } finally {
      c.close();
    }
    for (const rev of [0, compactRev + 1, compactRev + 2, compactRev + 20, currentRev - 1, currentRev]) served.set(rev, await endpointHash(rev));
    snap = path.join(dir, 'snap.db');
    ok(await runReal([`--endpoints=${srv.endpoints[0]}`, 'snapshot', 'save', snap]), 'snapshot save');
    kvsBefore = await allKeys();
    const count = await runReal([`--endpoints=${srv.endpoints[0]}`, 'get', '', '--from-key', '--keys-only', '-w', 'json']);
    liveKeys = JSON.parse(count.stdout.toString().replace(/"(cluster_id|member_id)":(\d+)/g, '"$1":"$2"')).count;
  });

  after(async () => {
    await srv?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('defrag --data-dir refuses the db while etcd holds it', T, async () => {
    const ino = fs.statSync(db).ino;
    const pid = (locksOn(db) ?? []).map((l) => l.pid)[0];
    assert.ok(pid > 0);
    assert.deepEqual(out(await runUtil(['defrag', '--data-dir', dataDir])), [1, '',
      `Error: Failed to defragment etcd data[${dataDir}] (etcd holds its lock on "${db}" (process ${pid}). To defrag a running etcd instance, use \`etcdctl defrag\` instead.)\n` +
      'stop that etcd first to defragment its data dir offline\n']);
    assert.equal(fs.statSync(db).ino, ino);
  });

  test('hashkv of the stopped member\'s db equals the member\'s endpoint hashkv, in every format', T, async () => {
    await srv.stopMember(0);
    for (const [rev, hash] of served) {
      const r = await runUtil(['hashkv', db, `--rev=${rev}`, '-w', 'json']);
      assert.deepEqual(out(r), [0, `{"hash":${hash},"hashRevision":${rev === 0 ? currentRev : rev},"compactRevision":${compactRev}}\n`, ''], `--rev=${rev}`);
    }
    const hash = served.get(0)!;
    // The default revision is the latest; a data dir is read as its member/snap/db.
    assert.deepEqual(out(await runUtil(['hashkv', db])), [0, `${hash}, ${currentRev}, ${compactRev}\n`, '']);
    assert.deepEqual(out(await runUtil(['hashkv', dataDir])), [0, `${hash}, ${currentRev}, ${compactRev}\n`, '']);
    assert.deepEqual(out(await runUtil(['hashkv', db, '-w', 'fields'])),
      [0, `"Hash" : ${hash}\n"Hash revision" : ${currentRev}\n"Compact revision" : ${compactRev}\n`, '']);
    assert.deepEqual(out(await runUtil(['hashkv', db, '-w', 'table'])),
      [0, renderTable(['hash', 'hash revision', 'compact revision'], [[String(hash), String(currentRev), String(compactRev)]]), '']);
    assert.deepEqual(out(await runUtil(['hashkv', db, '-w', 'protobuf'])), [4, '', 'Error: protobuf not supported as output format\n']);
    // A saved snapshot (its sha256 trailer does not matter) hashes as the member at that time.
    assert.deepEqual(out(await runUtil(['hashkv', snap])), [0, `${hash}, ${currentRev}, ${compactRev}\n`, '']);
    // Revisions out of range, as the store refuses them (3.6 hashes the compacted revision itself, 3.4 refuses it).
    assert.deepEqual(out(await runUtil(['hashkv', db, `--rev=${compactRev - 1}`])), [1, '', 'Error: mvcc: required revision has been compacted\n']);
    assert.deepEqual(out(await runUtil(['hashkv', db, `--rev=${currentRev + 1}`])), [1, '', 'Error: mvcc: required revision is a future revision\n']);
    assert.match((await runUtil(['hashkv', db, `--rev=${compactRev}`])).stdout.toString(), new RegExp(`^\\d+, ${compactRev}, ${compactRev}\n$`));
    const missing = path.join(dir, 'missing.db');
    assert.deepEqual(out(await runUtil(['hashkv', missing])), [1, '', `Error: stat ${missing}: no such file or directory\n`]);
  });

  test('snapshot status of the db and of the snapshot: etcdctl 3.4\'s hash, revision and size, the live keys, no version', T, async () => {
    for (const file of [db, snap]) {
      const real = JSON.parse((await runReal(['snapshot', 'status', file, '-w', 'json'])).stdout.toString());
      assert.deepEqual(out(await runUtil(['snapshot', 'status', file, '-w', 'json'])),
        [0, `{"hash":${real.hash},"revision":${real.revision},"totalKey":${liveKeys},"totalSize":${real.totalSize},"version":""}\n`, '']);
      const simple = (await runReal(['snapshot', 'status', file])).stdout.toString().split(', ');
      assert.deepEqual(out(await runUtil(['snapshot', 'status', file])), [0, `${simple[0]}, ${simple[1]}, ${liveKeys}, ${simple[3].trimEnd()}, \n`, '']);
    }
  });

  test('defrag --data-dir of the stopped member: etcd serves the same keys and hash on it', T, async () => {
    const before = fs.statSync(db).size;
    const r = await runUtil(['defrag', '--data-dir', dataDir]);
    const afterSize = fs.statSync(db).size;
    assert.deepEqual(out(r), [0, '', `Finished defragmenting etcd data[${dataDir}]: ${db} from ${humanBytes(before)} to ${humanBytes(afterSize)}\n`]);
    assert.ok(afterSize < before, `${afterSize} < ${before}`);
    for (const [rev, hash] of served) {
      assert.equal((await runUtil(['hashkv', db, `--rev=${rev}`])).stdout.toString().split(', ')[0], String(hash), `after defrag, --rev=${rev}`);
    }
    await srv.startMember(0);
    assert.equal(await allKeys(), kvsBefore);
    for (const [rev, hash] of served) assert.equal(await endpointHash(rev), hash, `restarted, --rev=${rev}`);
    const missing = path.join(dir, 'nope');
    assert.deepEqual(out(await runUtil(['defrag', '--data-dir', missing])), [1, '', `Error: Failed to defragment etcd data[${missing}] (data-dir "${missing}" does not exist)\n`]);
  });

  test('snapshot restore writes what etcdctl-ts snapshot restore writes', T, async () => {
    const flags = ['--name', 'm1', '--initial-cluster', 'm1=http://127.0.0.1:2380', '--initial-advertise-peer-urls', 'http://127.0.0.1:2380', '--initial-cluster-token', 'tok'];
    const a = path.join(dir, 'restored-util');
    const b = path.join(dir, 'restored-ctl');
    const ra = await runUtil(['snapshot', 'restore', snap, ...flags, '--data-dir', a]);
    const rb = await runOurs(['snapshot', 'restore', snap, ...flags, '--data-dir', b]);
    ok(ra, 'etcdutl-ts snapshot restore');
    ok(rb, 'etcdctl-ts snapshot restore');
    assert.equal(ra.stdout.toString(), '');
    assert.equal(ra.stderr.toString(), rb.stderr.toString().replace(b, a));
    const files = (d: string) => fs.readdirSync(d, { recursive: true, withFileTypes: true }).filter((e) => e.isFile())
      .map((e) => path.relative(d, path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name))).sort();
    assert.deepEqual(files(a), files(b));
    for (const f of files(a)) assert.ok(fs.readFileSync(path.join(a, f)).equals(fs.readFileSync(path.join(b, f))), f);
  });
});
