/**
 * Offline defragmentation of a stopped member's db (etcdutl's `defrag
 * --data-dir`): <data-dir>/member/snap/db is copied, every bucket's live
 * key/value pairs, into a fresh bbolt file without free pages beside it
 * (member/snap/db.tmp.<n>, the name etcd's backend uses for its own defrag
 * and clears on start-up), which is read back and compared with what was
 * copied, fsynced, renamed over the db, and the directory fsynced. A db that
 * a running etcd holds (its bbolt lock, seen in /proc/locks) is refused; on
 * any failure the db is left as it was and the temporary file removed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomInt } from 'node:crypto';
import { BoltError, IntegrityError } from './bbolt.js';
import { BoltWriter } from './bbolt-writer.js';
import { BucketReader, FileOut, bucketName } from './copy.js';
import { crc32c } from './crc32c.js';
import { FileSource } from './source.js';
import { dbStatus, fileErrorText } from './status.js';
import { locksOn } from '../io/locks.js';

export class DefragError extends Error {
  constructor(
    message: string,
    readonly hints: string[] = [],
    /** Set when a process holds a lock on the db: the db's path and the holders' pids (-1: unknown). */
    readonly locked?: { db: string; pids: number[] },
  ) {
    super(message);
    this.name = 'DefragError';
  }
}

export interface DefragResult {
  /** <data-dir>/member/snap/db */
  db: string;
  /** The file's size before and after, in bytes. */
  sizeBefore: number;
  sizeAfter: number;
}

/** etcd's datadir.ToBackendFileName. */
export function backendPath(dataDir: string): string {
  return path.join(dataDir, 'member', 'snap', 'db');
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

/** Checks that `dataDir` is a data dir whose db nobody holds; returns the db's path. */
function checkDataDir(dataDir: string): string {
  let st: fs.Stats;
  try {
    st = fs.statSync(dataDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new DefragError(`data-dir ${JSON.stringify(dataDir)} does not exist`);
    throw new DefragError(fileErrorText('stat', dataDir, err));
  }
  if (!st.isDirectory()) throw new DefragError(`data-dir ${JSON.stringify(dataDir)} is not a directory`);
  const db = backendPath(dataDir);
  let dbSt: fs.Stats;
  try {
    dbSt = fs.statSync(db);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new DefragError(`data-dir ${JSON.stringify(dataDir)} is not an etcd data dir: it has no member/snap/db`, [
        'give the directory etcd runs with as --data-dir (the one holding member/)',
      ]);
    }
    throw new DefragError(fileErrorText('stat', db, err));
  }
  if (!dbSt.isFile()) throw new DefragError(`${db} is not a file`);
  const held = locksOn(db);
  if (held && held.length > 0) throw new DefragError(`${db} is locked`, [], { db, pids: [...new Set(held.map((l) => l.pid))] });
  return db;
}

/** Defragments the db of the stopped member whose data dir is `dataDir`. */
export function defragDataDir(dataDir: string): DefragResult {
  const db = checkDataDir(dataDir);
  let fd: number;
  try {
    fd = fs.openSync(db, 'r');
  } catch (err) {
    throw new DefragError(fileErrorText('open', db, err));
  }
  const src = new FileSource(fd, db);
  const sizeBefore = src.size;
  const mode = fs.fstatSync(fd).mode & 0o777;
  const snapDir = path.dirname(db);
  let tmp: string | undefined;
  let out: number | undefined;
  try {
    const source = new BucketReader(src);
    // ioutil.TempFile's "db.tmp.*": the name etcd removes when it finds one left over.
    for (;;) {
      tmp = path.join(snapDir, `db.tmp.${randomInt(1e9, 1e10)}`);
      try {
        out = fs.openSync(tmp, 'wx+', mode);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
    }
    const fileOut = new FileOut(out);
    const w = new BoltWriter(fileOut, source.db.pageSize);
    // What was copied, hashed as `snapshot status` hashes a db: each bucket's name, then its keys and values.
    let hash = 0;
    let pairs = 0;
    for (const name of source.names) {
      const b = w.bucket(bucketName(name));
      hash = crc32c(bucketName(name), hash);
      source.each(name, (k, v) => {
        hash = crc32c(v, crc32c(k, hash));
        pairs++;
        b.put(k, v);
      });
      b.end();
    }
    const problems = source.check();
    if (problems.length > 0) throw new DefragError(`cannot defragment this db: ${problems[0]}`, problems.slice(1));
    w.finish();
    fileOut.close();
    fs.fsyncSync(out);
    // Read back before it replaces the db.
    const copy = dbStatus(new FileSource(out, tmp));
    if (copy.hash !== hash || copy.totalKey !== pairs) {
      throw new DefragError('the defragmented copy does not read back as what was copied; the db is left as it was');
    }
    fs.closeSync(out);
    out = undefined;
    fs.renameSync(tmp, db);
    tmp = undefined;
    fsyncDir(snapDir);
    return { db, sizeBefore, sizeAfter: fs.statSync(db).size };
  } catch (err) {
    if (err instanceof DefragError || err instanceof BoltError || err instanceof IntegrityError) throw err;
    const e = err as NodeJS.ErrnoException;
    if (typeof e?.code === 'string' && typeof e.syscall === 'string') throw new DefragError(fileErrorText(e.syscall, e.path ?? db, err));
    throw err;
  } finally {
    if (out !== undefined) fs.closeSync(out);
    if (tmp !== undefined) fs.rmSync(tmp, { force: true });
    src.close();
  }
}
