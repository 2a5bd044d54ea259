/**
 * `snapshot status`: the numbers etcdctl 3.5 (etcdutl's Status) prints for a
 * db file — a CRC-32C over every bucket name, key and value in order, the
 * main revision of the last key in the `key` bucket, the number of key/value
 * pairs in all buckets, and the size of the database (high-water mark × page
 * size) — after the integrity check that bbolt's tx.Check() does. The file is
 * read as it is; a saved snapshot's sha256 trailer is not looked at.
 */
import fs from 'node:fs';
import type { Worker } from 'node:worker_threads';
import { BoltError, IntegrityError, TreeWalker, bucketRoot, forEachInline, openBolt, type BoltDb } from './bbolt.js';
import { crc32c, crc32cCombine, makeJsCrc32c, nativeCrc32cModule } from './crc32c.js';
import { FileSource, readFullyAt, type ByteSource } from './source.js';
import { isTombstone, kvKey } from './mvcc.js';

export interface DbStatus {
  /** CRC-32C of the contents (uint32). */
  hash: number;
  /** Main revision of the last key in the `key` bucket (0 when it is empty). */
  revision: bigint;
  /** Key/value pairs in all top-level buckets. */
  totalKey: number;
  /** Bytes of the database: high-water mark × page size. */
  totalSize: number;
  /** etcdutl 3.6's total keys: the user keys that are live at the last revision (when asked for). */
  liveKeys?: number;
  /** meta's storageVersion as stored (etcd 3.6+ writes it), when there is one. */
  storageVersion?: string;
}

export interface StatusOptions {
  /** Also count the live user keys (decodes every value of `key`). */
  liveKeys?: boolean;
}

/** What the status hash is computed over, piece by piece, in order. */
interface Hasher {
  add(piece: Buffer): void;
}

/** The CRC computed as the pieces come. */
class RunningCrc implements Hasher {
  hash = 0;
  add(piece: Buffer): void {
    this.hash = crc32c(piece, this.hash);
  }
}

/** Computes the status of the database in `src`; throws BoltError or IntegrityError. */
export function dbStatus(src: ByteSource, opts: StatusOptions = {}): DbStatus {
  const crc = new RunningCrc();
  const rest = statusOf(openBolt(src), crc, opts);
  return { hash: crc.hash, ...rest };
}

/**
 * Everything but the hash, which goes to `hasher`. The walk hands out views of
 * the pages it read (never copies), in the order etcdutl hashes them.
 */
function statusOf(db: BoltDb, hasher: Hasher, opts: StatusOptions): Omit<DbStatus, 'hash'> {
  const walker = new TreeWalker(db);
  // The root bucket's elements are the top-level buckets (small: names and bucket records).
  const top: Array<{ name: Buffer; value: Buffer; flags: number }> = [];
  walker.walkBucket(db.meta.root, (key, value, flags) => top.push({ name: key, value, flags }), false);

  // The last revision key seen; decoded once at the end.
  let lastRevisionKey: Buffer | undefined;
  let totalKey = 0;
  let notBucket: string | undefined;
  let badRevision: string | undefined;
  let badValue: string | undefined;
  let storageVersion: string | undefined;
  // etcdutl 3.6's count: a put adds its user key, a tombstone removes it.
  const live = opts.liveKeys ? new Set<string>() : undefined;
  const problems: string[] = [];
  for (const { name, value, flags } of top) {
    const rec = flags & 1 ? bucketRoot(value) : undefined;
    if (!rec) {
      notBucket ??= name.toString('latin1');
      continue;
    }
    hasher.add(name);
    const isKey = name.length === 3 && name.toString('latin1') === 'key';
    const isMeta = name.length === 4 && name.toString('latin1') === 'meta';
    const each = (k: Buffer, v: Buffer, f: number) => {
      hasher.add(k);
      // A nested bucket is seen with an empty value, as bbolt's ForEach gives it.
      if (!(f & 1)) hasher.add(v);
      if (isKey) {
        if (k.length < 8) badRevision ??= k.toString('hex');
        else lastRevisionKey = k;
        if (live) {
          const user = kvKey(v);
          if (user === undefined) badValue ??= k.toString('hex');
          else if (isTombstone(k)) live.delete(user.toString('latin1'));
          else live.add(user.toString('latin1'));
        }
      } else if (isMeta && k.length === 14 && k.toString('latin1') === 'storageVersion') {
        storageVersion = v.toString('latin1');
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
  if (badValue !== undefined) throw new BoltError(`cannot unmarshal the value of revision key ${badValue} in bucket "key"`);
  const revision = lastRevisionKey ? lastRevisionKey.readBigInt64BE(0) : 0n;
  return {
    revision, totalKey, totalSize: db.meta.pgid * db.pageSize,
    ...(live ? { liveKeys: live.size } : {}),
    ...(storageVersion !== undefined ? { storageVersion } : {}),
  };
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

/**
 * Files from this size up to IN_MEMORY_MAX are read whole into shared memory,
 * mostly by a worker thread ahead of the walk, and hashed mostly there too;
 * others are walked through FileSource's bounded cache and hashed on this
 * thread.
 */
const PARALLEL_MIN = 32 * 1024 * 1024;
const IN_MEMORY_MAX = 2 * 1024 * 1024 * 1024;

/** The status of the db file at `path`. */
export async function fileStatus(path: string, opts: StatusOptions & { parallelMin?: number } = {}): Promise<DbStatus> {
  statFile(path);
  let fd: number;
  try {
    fd = fs.openSync(path, 'r');
  } catch (err) {
    throw new FileError(fileErrorText('open', path, err));
  }
  try {
    const size = fs.fstatSync(fd).size;
    if (size >= (opts.parallelMin ?? PARALLEL_MIN) && size <= IN_MEMORY_MAX) return await inMemoryStatus(fd, size, opts);
    return dbStatus(new FileSource(fd, path), opts);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (typeof e?.code === 'string' && e.syscall === 'read') throw new FileError(fileErrorText('read', path, err));
    throw err;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * A file read whole into memory shared with a worker thread, which reads the
 * file ahead of the walk and hashes. The worker claims and reads blocks of
 * LOAD_BLOCK bytes in file order; the walk reads itself any block it needs
 * that nobody has started on, and waits for one the worker is reading. (Most
 * of the cost of reading is faulting in the fresh memory, so this takes it
 * off the walk.) The walk records where each piece to hash lies (adjacent
 * pieces merge: a leaf's keys and values are mostly packed one after the
 * other) and hands them out in batches of about BATCH bytes as it goes; once
 * the worker has read ahead to the end (or the walk is over) it hashes them.
 * When the walk ends, this thread takes the batches the worker has not
 * started, from the last one back; each batch has its own CRC, and the CRCs
 * are joined in order.
 */
async function inMemoryStatus(fd: number, size: number, opts: StatusOptions): Promise<DbStatus> {
  const shared = new SharedArrayBuffer(size);
  const maxBatches = Math.ceil(size / BATCH) + 2;
  const claims = new Int32Array(new SharedArrayBuffer(4 * maxBatches));
  const blockCount = Math.ceil(size / LOAD_BLOCK);
  // One state per block (NOT_READ, READING, READ), then the read-ahead's state.
  const blocks = new Int32Array(new SharedArrayBuffer(4 * (blockCount + 1)));
  const workerData = { shared, claims, blocks, fd, size, block: LOAD_BLOCK, crcModule: nativeCrc32cModule() };
  // Loaded here, not at start-up: only this path needs it.
  const { Worker } = await import('node:worker_threads');
  const worker = new CrcWorker(new Worker(WORKER_SOURCE, { eval: true, workerData }));
  const readAhead = new ReadAhead(blocks, blockCount);
  try {
    const buf = Buffer.from(shared);
    const batches = new Batcher(buf, (b, index) => worker.send(b, index));
    const rest = statusOf(openBolt(new LoadOnDemand(fd, buf, blocks)), batches, opts);
    readAhead.stop();
    batches.flush();
    const all = batches.done;
    const crcs: number[] = new Array(all.length);
    for (let i = all.length - 1; i >= 0; i--) {
      // 0 → 1: this batch is ours; the worker skips it.
      if (Atomics.compareExchange(claims, i, 0, 1) === 0) crcs[i] = hashPieces(buf, all[i]);
    }
    await worker.results(crcs, (i) => hashPieces(buf, all[i]));
    let hash = 0;
    for (let i = 0; i < all.length; i++) hash = crc32cCombine(hash, crcs[i], batches.lengths[i]);
    return { hash, ...rest };
  } finally {
    // The worker reads with our descriptor: it must be done before the caller closes it.
    readAhead.stop();
    readAhead.waitUntilStopped();
    worker.close();
  }
}

const BATCH = 8 * 1024 * 1024;

/** The CRC of a batch: its (offset, length) pieces of `buf`, in order. (WORKER_SOURCE does the same.) */
function hashPieces(buf: Buffer, pieces: number[]): number {
  let crc = 0;
  for (let i = 0; i < pieces.length; i += 2) crc = crc32c(buf, crc, pieces[i], pieces[i] + pieces[i + 1]);
  return crc;
}

const LOAD_BLOCK = 256 * 1024;

/** States of a block of the file image, in `blocks` (shared with the worker). */
const NOT_READ = 0;
const READING = 1;
const READ = 2;

/** States of the worker's read-ahead, in the slot after the blocks' states. */
const AHEAD_NOT_STARTED = 0;
const AHEAD_RUNNING = 1;
const AHEAD_STOPPING = 2;
const AHEAD_STOPPED = 3;

/** This thread's side of the worker's read-ahead (see WORKER_SOURCE). */
class ReadAhead {
  constructor(private readonly blocks: Int32Array, private readonly at: number) {}

  /** Asks the read-ahead to stop, or never to start. */
  stop(): void {
    const s = Atomics.compareExchange(this.blocks, this.at, AHEAD_NOT_STARTED, AHEAD_STOPPED);
    if (s === AHEAD_RUNNING) Atomics.compareExchange(this.blocks, this.at, AHEAD_RUNNING, AHEAD_STOPPING);
  }

  /** Returns once the worker reads no more (it finishes the block it is on: a fraction of a millisecond). */
  waitUntilStopped(): void {
    while (Atomics.load(this.blocks, this.at) === AHEAD_STOPPING) Atomics.wait(this.blocks, this.at, AHEAD_STOPPING, 1000);
  }
}

/**
 * The file's bytes in `image` (a buffer the size of the file), each block of
 * LOAD_BLOCK bytes read the first time the walk asks for a part of it, unless
 * the worker has read it or is reading it (`blocks` has each block's state).
 * What it hands out are views of `image`, which the worker sees too.
 */
class LoadOnDemand implements ByteSource {
  readonly size: number;
  /** Blocks known to be read (saves an atomic load for each). */
  private readonly loaded: Uint8Array;
  constructor(private readonly fd: number, private readonly image: Buffer, private readonly blocks: Int32Array) {
    this.size = image.length;
    this.loaded = new Uint8Array(Math.ceil(image.length / LOAD_BLOCK));
  }

  read(pos: number, length: number): Buffer {
    const end = Math.min(pos + Math.max(length, 0), this.size);
    if (pos >= end) return this.image.subarray(0, 0);
    const last = Math.floor((end - 1) / LOAD_BLOCK);
    for (let b = Math.floor(pos / LOAD_BLOCK); b <= last; b++) {
      if (!this.loaded[b]) b = this.load(b, last);
    }
    return this.image.subarray(pos, end);
  }

  /** Makes block b read, with the ones after it up to `last` that nobody has started on; returns the last block done. */
  private load(b: number, last: number): number {
    const blocks = this.blocks;
    for (;;) {
      const s = Atomics.compareExchange(blocks, b, NOT_READ, READING);
      if (s === READ) {
        this.loaded[b] = 1;
        return b;
      }
      if (s === NOT_READ) break;
      Atomics.wait(blocks, b, READING);
    }
    // Consecutive blocks not started on yet are read at once.
    let upTo = b;
    while (upTo < last && Atomics.compareExchange(blocks, upTo + 1, NOT_READ, READING) === NOT_READ) upTo++;
    const from = b * LOAD_BLOCK;
    const to = Math.min((upTo + 1) * LOAD_BLOCK, this.size);
    // Should the file have shrunk, what is missing reads as zeros and the walk finds it damaged.
    readFullyAt(this.fd, this.image, from, to - from, from);
    for (let i = b; i <= upTo; i++) {
      Atomics.store(blocks, i, READ);
      Atomics.notify(blocks, i);
    }
    this.loaded.fill(1, b, upTo + 1);
    return upTo;
  }
}

/**
 * The pieces to hash as (offset, length) pairs in `base`, adjacent ones
 * merged, cut into batches of about BATCH bytes; each finished batch goes to
 * `ready` at once.
 */
class Batcher implements Hasher {
  readonly done: number[][] = [];
  readonly lengths: number[] = [];
  private list: number[] = [];
  private bytes = 0;
  constructor(private readonly base: Buffer, private readonly ready: (pieces: number[], index: number) => void) {}

  add(piece: Buffer): void {
    if (piece.length === 0) return;
    const off = piece.byteOffset - this.base.byteOffset;
    const list = this.list;
    const n = list.length;
    if (n > 0 && list[n - 2] + list[n - 1] === off) list[n - 1] += piece.length;
    else {
      // Checked only where a new run starts: reading a view's .buffer costs more than the rest of this.
      if (piece.buffer !== this.base.buffer) throw new Error('internal error: a piece to hash is not in the shared file image');
      list.push(off, piece.length);
    }
    this.bytes += piece.length;
    if (this.bytes >= BATCH) this.flush();
  }

  /** Ends the current batch (if it has anything). */
  flush(): void {
    if (this.bytes === 0) return;
    const index = this.done.length;
    this.done.push(this.list);
    this.lengths.push(this.bytes);
    this.list = [];
    this.bytes = 0;
    this.ready(this.done[index], index);
  }
}

/**
 * The worker's whole program. First it reads the file ahead of the walk: each
 * block nobody has started on, in file order, until the end or until asked
 * to stop (should a read fail, it leaves the block to the walk, which reports
 * the error). Then, for each batch it was sent that nobody has claimed yet,
 * it claims it, hashes it, and sends back its CRC. It hashes with
 * @node-rs/crc32 when this thread could load it, else with the JavaScript
 * CRC, from its source text.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { shared, claims, blocks, fd, size, block, crcModule } = workerData;
const data = new Uint8Array(shared);

const at = blocks.length - 1;
if (Atomics.compareExchange(blocks, at, ${AHEAD_NOT_STARTED}, ${AHEAD_RUNNING}) === ${AHEAD_NOT_STARTED}) {
  const { readSync } = require('node:fs');
  try {
    for (let b = 0; b < at && Atomics.load(blocks, at) === ${AHEAD_RUNNING}; b++) {
      if (Atomics.compareExchange(blocks, b, ${NOT_READ}, ${READING}) !== ${NOT_READ}) continue;
      const from = b * block;
      const to = Math.min(from + block, size);
      try {
        for (let done = 0; from + done < to; ) {
          const got = readSync(fd, data, from + done, to - from - done, from + done);
          if (got === 0) break;
          done += got;
        }
      } catch (err) {
        Atomics.store(blocks, b, ${NOT_READ});
        Atomics.notify(blocks, b);
        break;
      }
      Atomics.store(blocks, b, ${READ});
      Atomics.notify(blocks, b);
    }
  } finally {
    Atomics.store(blocks, at, ${AHEAD_STOPPED});
    Atomics.notify(blocks, at);
  }
}

const crc32c = crcModule
  ? ((native) => (d, prev, start, end) => native(d.subarray(start, end), prev))(require(crcModule).crc32c)
  : (${makeJsCrc32c.toString()})();
parentPort.on('message', ({ index, pieces }) => {
  if (Atomics.compareExchange(claims, index, 0, 2) !== 0) return;
  let crc = 0;
  for (let i = 0; i < pieces.length; i += 2) crc = crc32c(data, crc, pieces[i], pieces[i] + pieces[i + 1]);
  parentPort.postMessage({ index, crc });
});
`;

/** A worker thread hashing batches of pieces of the file image; the claims say who hashes which batch. */
class CrcWorker {
  private readonly got = new Map<number, number>();
  private failed = false;
  private wake: (() => void) | undefined;

  /** `worker` runs WORKER_SOURCE, with workerData { shared, claims }. */
  constructor(private readonly worker: Worker) {
    this.worker.on('message', (m: { index: number; crc: number }) => {
      this.got.set(m.index, m.crc);
      this.wake?.();
    });
    const fail = () => {
      this.failed = true;
      this.wake?.();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', fail);
  }

  send(pieces: number[], index: number): void {
    if (!this.failed) this.worker.postMessage({ index, pieces });
  }

  /**
   * Fills in the CRCs of the batches the worker claimed, as it sends them. If
   * the worker fails (it could not start, say), `hashHere` does its batches.
   */
  async results(crcs: number[], hashHere: (index: number) => number): Promise<void> {
    const theirs = () => {
      const open: number[] = [];
      for (let i = 0; i < crcs.length; i++) if (crcs[i] === undefined) open.push(i);
      return open;
    };
    for (;;) {
      for (const i of theirs()) if (this.got.has(i)) crcs[i] = this.got.get(i)!;
      const open = theirs();
      if (open.length === 0) return;
      if (this.failed) {
        for (const i of open) crcs[i] = hashHere(i);
        return;
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }

  close(): void {
    this.worker.removeAllListeners();
    void this.worker.terminate();
  }
}
