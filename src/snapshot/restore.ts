/**
 * `snapshot restore`: a new data dir from a snapshot, for a member of a new
 * cluster — what etcdutl 3.5 does, in TypeScript:
 *
 *  1. the cluster from the flags (IDs as etcd derives them, etcd's checks);
 *  2. the snapshot's sha256 trailer checked (unless --skip-hash-check);
 *  3. member/snap/db: the snapshot's buckets copied into a fresh bbolt file,
 *     with the membership replaced (members, members_removed), the consistent
 *     index set to N (the number of members) and the term to 1, and with
 *     --bump-revision/--mark-compacted a revision added and marked compacted;
 *  4. the WAL: metadata, one ConfChange entry per member, the hard state, and
 *     a snapshot record at index N;
 *  5. member/snap/<term>-<index>.snap with the membership as the v2 store.
 *
 * Everything is written under temporary names beside the target and renamed
 * into place at the end; on any failure nothing is left behind. The source
 * is read page by page and the new db written page by page: memory stays
 * small whatever the size of the snapshot.
 */
import fs from 'node:fs';
import path from 'node:path';
import { crypto } from '../builtins.js';
import { BoltError, IntegrityError } from './bbolt.js';
import { BoltWriter, type PageOut } from './bbolt-writer.js';
import { BucketReader, FileOut, bucketName, byBytes } from './copy.js';
import { newCluster, type Member, type NewCluster } from './cluster.js';
import { FileSource, type ByteSource } from './source.js';
import { fileErrorText } from './status.js';
import { restoreWal, SEGMENT_SIZE, walName } from './wal.js';
import { memberJSON, snapFile, snapName } from './snapfile.js';

export class RestoreError extends Error {
  constructor(message: string, readonly hints: string[] = []) {
    super(message);
    this.name = 'RestoreError';
  }
}

export interface RestoreOptions {
  snapshotPath: string;
  name: string;
  initialCluster: string;
  initialClusterToken: string;
  /** --initial-advertise-peer-urls, comma-separated. */
  peerURLs: string;
  /** '' means <name>.etcd. */
  dataDir: string;
  /** '' means <data-dir>/member/wal. */
  walDir: string;
  skipHashCheck: boolean;
  bumpRevision: bigint;
  markCompacted: boolean;
}

export interface RestoreResult {
  dataDir: string;
  walDir: string;
  cluster: NewCluster;
  /** The latest revision in the restored db (after a bump). */
  revision: bigint;
}

const SHA256_SIZE = 32;
const DIR_MODE = 0o700;
const FILE_MODE = 0o600;

/** Go's %v of a []byte: [1 2 3]. */
const goBytes = (b: Buffer) => `[${[...b].join(' ')}]`;

/** True when `dir` does not exist or is an empty directory (fileutil.Exist / DirEmpty). */
function absentOrEmpty(dir: string): boolean {
  let st: fs.Stats;
  try {
    st = fs.statSync(dir);
  } catch {
    return true;
  }
  if (!st.isDirectory()) return false;
  try {
    return fs.readdirSync(dir).length === 0;
  } catch {
    return false;
  }
}

/** Creates `dir` and missing parents (0700), remembering what it created so that it can be undone. */
function mkdirs(dir: string, created: string[]): void {
  const missing: string[] = [];
  for (let d = path.resolve(dir); !fs.existsSync(d); d = path.dirname(d)) {
    missing.unshift(d);
    if (path.dirname(d) === d) break;
  }
  for (const d of missing) {
    fs.mkdirSync(d, { mode: DIR_MODE });
    created.push(d);
  }
}

function fsyncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // not every file system can sync a directory
  }
}

/** The snapshot's bytes without the trailer, after checking it (etcd's copyAndVerifyDB). */
function checkTrailer(src: ByteSource, snapshotPath: string, skip: boolean): number {
  const size = src.size;
  const hasHash = size % 512 === SHA256_SIZE;
  if (!hasHash) {
    if (!skip) throw new RestoreError('snapshot missing hash but --skip-hash-check=false', [
      `${snapshotPath} has no sha256 trailer (a db file copied from a data dir has none): give --skip-hash-check to restore it`,
    ]);
    return size;
  }
  const dbSize = size - SHA256_SIZE;
  if (!skip) {
    const h = crypto().createHash('sha256');
    const step = 1 << 20;
    for (let off = 0; off < dbSize; off += step) h.update(src.read(off, Math.min(step, dbSize - off)));
    const want = Buffer.from(src.read(dbSize, SHA256_SIZE));
    const got = h.digest();
    if (!got.equals(want)) {
      throw new RestoreError(`expected sha256 ${goBytes(want)}, got ${goBytes(got)}`, [
        `${snapshotPath} is damaged: its content does not match its sha256 trailer`,
      ]);
    }
  }
  return dbSize;
}

/** A byte source limited to the first `size` bytes of another (the db without its trailer). */
class Limited implements ByteSource {
  constructor(private readonly inner: ByteSource, readonly size: number) {}
  read(pos: number, length: number): Buffer {
    if (pos >= this.size) return Buffer.alloc(0);
    return this.inner.read(pos, Math.min(length, this.size - pos));
  }
}

/** A revision (main, sub) from a key of the `key` bucket. */
function revOf(k: Buffer): { main: bigint; sub: bigint } | undefined {
  if (k.length < 17) return undefined;
  return { main: k.readBigInt64BE(0), sub: k.readBigInt64BE(9) };
}

function rev17(main: bigint): Buffer {
  const b = Buffer.alloc(17);
  b.writeBigInt64BE(main, 0);
  b[8] = 0x5f;
  return b;
}

const be64 = (v: bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(v, 0);
  return b;
};

/** Buckets a restored db always has (etcd creates them on the way). */
const ENSURE = ['cluster', 'key', 'lease', 'members', 'members_removed', 'meta'];

/**
 * Copies the snapshot's db into `out` with the membership replaced and the
 * consistent index set; returns the latest revision.
 */
function rewriteDb(src: ByteSource, out: PageOut, cluster: NewCluster, opts: RestoreOptions): bigint {
  const source = new BucketReader(src);
  const names = [...new Set([...source.names, ...ENSURE])].sort(byBytes);

  const writer = new BoltWriter(out, source.db.pageSize);
  const N = BigInt(cluster.members.length);
  let latest = { main: 0n, sub: 0n };
  let bumped: bigint | undefined;

  for (const name of names) {
    const b = writer.bucket(bucketName(name));
    if (name === 'members') {
      // The old membership goes; the new members are written, keyed by their unpadded hex ID.
      const rows = cluster.members.map((m) => [m.id.toString(16), memberJSON(m)] as const).sort((x, y) => (x[0] < y[0] ? -1 : 1));
      for (const [k, v] of rows) b.put(Buffer.from(k), Buffer.from(v));
    } else if (name === 'members_removed') {
      // emptied
    } else if (name === 'meta') {
      const kvs = new Map<string, Buffer>();
      source.each(name, (k, v) => kvs.set(k.toString('latin1'), Buffer.from(v)));
      kvs.set('consistent_index', be64(N));
      kvs.set('term', be64(1n));
      if (bumped !== undefined) kvs.set('scheduledCompactRev', rev17(bumped));
      for (const [k, v] of [...kvs].sort((x, y) => byBytes(x[0], y[0]))) b.put(bucketName(k), v);
    } else if (name === 'key') {
      source.each(name, (k, v) => {
        const r = revOf(k);
        if (r && (r.main > latest.main || (r.main === latest.main && r.sub > latest.sub))) latest = r;
        b.put(k, v);
      });
      if (opts.bumpRevision > 0n && opts.markCompacted) {
        bumped = latest.main + opts.bumpRevision;
        latest = { main: bumped, sub: 0n };
        b.put(rev17(bumped), Buffer.alloc(0));
      }
    } else {
      source.each(name, (k, v) => b.put(k, v));
    }
    b.end();
  }
  const problems = source.check();
  if (problems.length > 0) throw new RestoreError(`cannot restore this snapshot: ${problems[0]}`, problems.slice(1));
  writer.finish();
  return latest.main;
}

/** Writes a file with `mode`, fsyncs it. */
function writeFileSynced(file: string, data: Buffer, mode: number, size?: number): void {
  const fd = fs.openSync(file, 'w', mode);
  try {
    let off = 0;
    while (off < data.length) off += fs.writeSync(fd, data, off, data.length - off, off);
    if (size !== undefined && size > data.length) fs.ftruncateSync(fd, size);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

export async function restoreSnapshot(opts: RestoreOptions): Promise<RestoreResult> {
  const cluster = await newCluster({
    name: opts.name,
    initialCluster: opts.initialCluster,
    token: opts.initialClusterToken,
    peerURLs: opts.peerURLs,
  });

  const dataDirArg = opts.dataDir === '' ? `${opts.name}.etcd` : opts.dataDir;
  if (!absentOrEmpty(dataDirArg)) throw new RestoreError(`data-dir ${JSON.stringify(dataDirArg)} not empty or could not be read`);
  const walDirArg = opts.walDir === '' ? path.join(dataDirArg, 'member', 'wal') : opts.walDir;
  if (opts.walDir !== '' && fs.existsSync(walDirArg)) throw new RestoreError(`wal-dir ${JSON.stringify(walDirArg)} exists`);
  const dataDir = path.resolve(dataDirArg);
  const walDir = path.resolve(walDirArg);

  let src: FileSource;
  try {
    src = FileSource.open(opts.snapshotPath);
  } catch (err) {
    throw new RestoreError(fileErrorText('open', opts.snapshotPath, err));
  }

  // Everything is made under temporary names, then renamed into place.
  const tmpData = `${dataDir}.restore-tmp`;
  const relWal = path.relative(dataDir, walDir);
  const walInside = relWal !== '' && !relWal.startsWith('..') && !path.isAbsolute(relWal);
  const tmpWal = walInside ? path.join(tmpData, relWal) : `${walDir}.tmp`;
  const created: string[] = [];
  let renamedWal = false;
  let renamedData = false;
  try {
    const dbSize = checkTrailer(src, opts.snapshotPath, opts.skipHashCheck);
    for (const t of [tmpData, ...(walInside ? [] : [tmpWal])]) fs.rmSync(t, { recursive: true, force: true });
    mkdirs(path.dirname(dataDir), created);
    if (!walInside) mkdirs(path.dirname(walDir), created);
    const snapDir = path.join(tmpData, 'member', 'snap');
    fs.mkdirSync(tmpData, { mode: DIR_MODE });
    fs.mkdirSync(path.join(tmpData, 'member'), { mode: DIR_MODE });
    fs.mkdirSync(snapDir, { mode: DIR_MODE });

    // member/snap/db
    const dbFile = path.join(snapDir, 'db');
    const fd = fs.openSync(dbFile, 'w', FILE_MODE);
    let revision: bigint;
    try {
      const out = new FileOut(fd);
      revision = rewriteDb(new Limited(src, dbSize), out, cluster, opts);
      out.close();
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }

    // The WAL, then the .snap.
    fs.mkdirSync(tmpWal, { recursive: true, mode: DIR_MODE });
    const records = Buffer.concat(restoreWal(cluster.self, cluster.clusterId, cluster.members));
    writeFileSynced(path.join(tmpWal, walName(0n, 0n)), records, FILE_MODE, SEGMENT_SIZE);
    writeFileSynced(path.join(snapDir, snapName(1n, BigInt(cluster.members.length))), snapFile(cluster.members), 0o666);
    fsyncDir(snapDir);
    fsyncDir(tmpWal);

    if (!walInside) {
      // An empty directory at the target is replaced by the rename.
      fs.renameSync(tmpWal, walDir);
      renamedWal = true;
      fsyncDir(path.dirname(walDir));
    }
    fs.renameSync(tmpData, dataDir);
    renamedData = true;
    fsyncDir(path.dirname(dataDir));
    return { dataDir, walDir, cluster, revision };
  } catch (err) {
    fs.rmSync(tmpData, { recursive: true, force: true });
    if (!walInside) fs.rmSync(tmpWal, { recursive: true, force: true });
    if (renamedWal && !renamedData) fs.rmSync(walDir, { recursive: true, force: true });
    for (const d of created.reverse()) {
      try {
        fs.rmdirSync(d);
      } catch {
        // not empty: someone else's now
      }
    }
    if (err instanceof RestoreError || err instanceof BoltError || err instanceof IntegrityError) throw err;
    const e = err as NodeJS.ErrnoException;
    if (typeof e?.code === 'string' && typeof e.syscall === 'string') {
      throw new RestoreError(fileErrorText(e.syscall, e.path ?? opts.snapshotPath, err));
    }
    throw err;
  } finally {
    src.close();
  }
}

export type { Member };
