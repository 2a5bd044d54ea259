/**
 * `snapshot status`: the numbers etcdctl 3.5 (etcdutl's Status) prints for a
 * db file — a CRC-32C over every bucket name, key and value in order, the
 * main revision of the last key in the `key` bucket, the number of key/value
 * pairs in all buckets, and the size of the database (high-water mark × page
 * size) — after the integrity check that bbolt's tx.Check() does. The file is
 * read as it is; a saved snapshot's sha256 trailer is not looked at.
 */
import fs from 'node:fs';
import { BoltError, IntegrityError, TreeWalker, bucketRoot, forEachInline, openBolt, type BoltDb } from './bbolt.js';
import { crc32c } from './crc32c.js';
import { FileSource, type ByteSource } from './source.js';

export interface DbStatus {
  /** CRC-32C of the contents (uint32). */
  hash: number;
  /** Main revision of the last key in the `key` bucket (0 when it is empty). */
  revision: bigint;
  /** Key/value pairs in all top-level buckets. */
  totalKey: number;
  /** Bytes of the database: high-water mark × page size. */
  totalSize: number;
}

/** Computes the status of the database in `src`; throws BoltError or IntegrityError. */
export function dbStatus(src: ByteSource): DbStatus {
  const db = openBolt(src);
  return statusOf(db);
}

function statusOf(db: BoltDb): DbStatus {
  const walker = new TreeWalker(db);
  // The root bucket's elements are the top-level buckets (small: names and bucket records).
  const top: Array<{ name: Buffer; value: Buffer; flags: number }> = [];
  walker.walkBucket(db.meta.root, (key, value, flags) => top.push({ name: Buffer.from(key), value: Buffer.from(value), flags }), false);

  let hash = 0;
  let revision = 0n;
  let totalKey = 0;
  let notBucket: string | undefined;
  let badRevision: string | undefined;
  const problems: string[] = [];
  for (const { name, value, flags } of top) {
    const rec = flags & 1 ? bucketRoot(value) : undefined;
    if (!rec) {
      notBucket ??= name.toString('latin1');
      continue;
    }
    hash = crc32c(name, hash);
    const isKey = name.length === 3 && name.toString('latin1') === 'key';
    const each = (k: Buffer, v: Buffer, f: number) => {
      hash = crc32c(k, hash);
      // A nested bucket is seen with an empty value, as bbolt's ForEach gives it.
      if (!(f & 1)) hash = crc32c(v, hash);
      if (isKey) {
        if (k.length < 8) badRevision ??= k.toString('hex');
        else revision = k.readBigInt64BE(0);
      }
      totalKey++;
    };
    if (rec.root === 0) {
      const err = forEachInline(rec.inline!, each);
      if (err) problems.push(`bucket ${JSON.stringify(name.toString('latin1'))}: ${err}`);
    } else {
      walker.walkBucket(rec.root, each, true);
    }
  }
  walker.finish();
  const errors = [...walker.errors, ...problems];
  if (errors.length > 0) throw new IntegrityError(errors);
  if (notBucket !== undefined) throw new BoltError(`cannot get hash of bucket ${notBucket}`);
  if (badRevision !== undefined) throw new BoltError(`cannot parse revision key ${badRevision} in bucket "key"`);
  return { hash, revision, totalKey, totalSize: db.meta.pgid * db.pageSize };
}

/** Go's text for a failed file operation: `<op> <path>: <reason>`. */
export function fileErrorText(op: string, path: string, err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const reasons: Record<string, string> = {
    ENOENT: 'no such file or directory',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EISDIR: 'is a directory',
    ENOTDIR: 'not a directory',
    ENAMETOOLONG: 'file name too long',
    ELOOP: 'too many levels of symbolic links',
    ENOSPC: 'no space left on device',
    EEXIST: 'file exists',
    EIO: 'input/output error',
    EROFS: 'read-only file system',
    EDQUOT: 'disk quota exceeded',
    EFBIG: 'file too large',
  };
  const reason = (e?.code && reasons[e.code]) || e?.message || String(err);
  return `${op} ${path}: ${reason}`;
}

export class FileError extends Error {}

/** etcdutl's first step: the file must exist (`stat <path>: ...` otherwise). */
export function statFile(path: string): void {
  try {
    fs.statSync(path);
  } catch (err) {
    throw new FileError(fileErrorText('stat', path, err));
  }
}

/** The status of the db file at `path`. */
export function fileStatus(path: string): DbStatus {
  statFile(path);
  let src: FileSource;
  try {
    src = FileSource.open(path);
  } catch (err) {
    throw new FileError(fileErrorText('open', path, err));
  }
  try {
    return dbStatus(src);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (typeof e?.code === 'string' && e.syscall === 'read') throw new FileError(fileErrorText('read', path, err));
    throw err;
  } finally {
    src.close();
  }
}

