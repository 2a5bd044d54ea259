/**
 * The hash of a db's key-value history (etcdutl 3.6's `hashkv`), the one a
 * member's HashKV RPC answers for the same data: CRC-32C over the name `key`
 * and then, in revision order, the key and value of every revision up to the
 * one asked for, leaving out the revisions that a compaction at that
 * revision would remove (the revisions at or before the compacted one that
 * are not the newest put of their key) and a tombstone at the compacted
 * revision itself. As etcd 3.6's mvcc store does it after opening the db:
 *
 *  - the compacted revision is meta's finishedCompactRev (-1 when none); a
 *    scheduledCompactRev beyond it is a compaction etcd resumes when it
 *    opens the db, and counts as done (etcd would then also remove the
 *    revisions it compacts; their hash is left out here in the same way,
 *    except when no key has a put left);
 *  - the current revision is the main revision of the last key in `key` (1
 *    when it is empty), raised to the compacted or scheduled revision;
 *  - a revision of 0 asks for the current one; an earlier one than the
 *    compacted revision is refused (mvcc.ErrCompacted), a later one than the
 *    current (mvcc.ErrFutureRev).
 *
 * Which revisions a compaction at R keeps (mvcc's keyIndex.keep): of each
 * key, its newest revision at or before R, when that is not a tombstone. The
 * db is read once when it was never compacted, else twice (the first time to
 * find those revisions; the user's key is read from each value).
 */
import fs from 'node:fs';
import { crc32c } from './crc32c.js';
import { BucketReader } from './copy.js';
import { backendPath } from './defrag.js';
import { isTombstone, kvKey, revMain } from './mvcc.js';
import { FileSource, type ByteSource } from './source.js';
import { FileError, fileErrorText, statFile } from './status.js';

export interface KvHash {
  hash: number;
  /** The revision hashed up to. */
  hashRevision: bigint;
  /** The compacted revision (-1 when none). */
  compactRevision: bigint;
  /** The store's current revision. */
  currentRevision: bigint;
}

export class HashKVError extends Error {}

export const ERR_COMPACTED = 'mvcc: required revision has been compacted';
export const ERR_FUTURE_REV = 'mvcc: required revision is a future revision';

const KEY = Buffer.from('key');

/** A meta value that is a revision key: its main revision. */
function metaRev(v: Buffer | undefined): bigint | undefined {
  return v && v.length >= 8 ? v.readBigInt64BE(0) : undefined;
}

/** The history hash at `rev` (0: the current revision) of the db in `src`. */
export function hashKV(src: ByteSource, rev: bigint): KvHash {
  const source = new BucketReader(src);
  const readers = [source];
  /** Pairs of bucket `name`; a second walk of a bucket needs a reader of its own. */
  const each = (name: string, fn: (k: Buffer, v: Buffer) => void, again = false) => {
    if (again) readers.push(new BucketReader(src));
    readers[readers.length - 1].each(name, fn);
    for (const r of readers) {
      const problems = r.check();
      if (problems.length > 0) throw new HashKVError(`cannot hash this db: ${problems[0]}`);
    }
  };

  let finished: bigint | undefined;
  let scheduled: bigint | undefined;
  each('meta', (k, v) => {
    const name = k.toString('latin1');
    if (name === 'finishedCompactRev') finished = metaRev(v);
    else if (name === 'scheduledCompactRev') scheduled = metaRev(v);
  });
  let compactRev = finished ?? -1n;
  if (scheduled !== undefined && scheduled > compactRev) compactRev = scheduled;

  const badKey = (k: Buffer) => new HashKVError(`cannot parse revision key ${k.toString('hex')} in bucket "key"`);
  const limit = rev > 0n ? rev : undefined;
  // First pass, only when something was compacted: the revisions a compaction at `rev` keeps.
  let kept: Uint8Array | undefined;
  let keepsAny = false;
  let lastMain = 1n;
  let count = 0;
  if (compactRev >= 1n) {
    /** Per user key: the index of its newest revision at or before `rev`, negative (−index−1) for a tombstone. */
    const newest = new Map<string, number>();
    each('key', (k, v) => {
      const main = revMain(k);
      if (main === undefined) throw badKey(k);
      lastMain = main;
      const i = count++;
      if (limit !== undefined && main > limit) return;
      const user = kvKey(v);
      if (user === undefined) throw new HashKVError(`cannot unmarshal the value of revision ${k.toString('hex')} in bucket "key"`);
      newest.set(user.toString('latin1'), isTombstone(k) ? -i - 1 : i);
    });
    kept = new Uint8Array(count);
    for (const i of newest.values()) {
      if (i >= 0) {
        kept[i] = 1;
        keepsAny = true;
      }
    }
  }

  let hash = crc32c(KEY);
  let i = 0;
  let seen = 0;
  each('key', (k, v) => {
    const main = revMain(k);
    if (main === undefined) throw badKey(k);
    const index = i++;
    if (kept === undefined) lastMain = main;
    seen++;
    // Without a limit every revision is at or before the current one (the last).
    if (limit !== undefined && main > limit) return;
    if (main <= compactRev && keepsAny && kept![index] !== 1) return;
    if (main === compactRev && isTombstone(k)) return;
    hash = crc32c(v, crc32c(k, hash));
  }, kept !== undefined);
  if (kept !== undefined && seen !== count) throw new HashKVError('the key bucket changed while it was read');

  let current = lastMain;
  if (current < compactRev) current = compactRev;
  if (rev > 0n && rev < compactRev) throw new HashKVError(ERR_COMPACTED);
  if (rev > 0n && rev > current) throw new HashKVError(ERR_FUTURE_REV);
  return { hash, hashRevision: rev > 0n ? rev : current, compactRevision: compactRev, currentRevision: current };
}

/** hashKV of a db file, a saved snapshot, or a data dir's member/snap/db. */
export function fileHashKV(file: string, rev: bigint): KvHash {
  statFile(file);
  if (fs.statSync(file).isDirectory()) {
    file = backendPath(file);
    statFile(file);
  }
  let src: FileSource;
  try {
    src = FileSource.open(file);
  } catch (err) {
    throw new FileError(fileErrorText('open', file, err));
  }
  try {
    return hashKV(src, rev);
  } finally {
    src.close();
  }
}
