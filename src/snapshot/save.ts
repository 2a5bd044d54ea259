/**
 * `snapshot save`: streams Maintenance.Snapshot from the first endpoint that
 * answers into a temporary file beside the target (or to stdout), verifying
 * the SHA-256 digest the server appends, then fsyncs and renames. Nothing is
 * left at the target or in the temporary file on any failure.
 *
 * The server sends the db image in chunks of 32 KiB, then one message whose
 * blob is the SHA-256 of everything before it; the saved file is the two
 * together (`size % 512 == 32` is how tools recognise the trailer). The
 * stream is read with HTTP/2 flow control (paused whenever messages wait) and
 * written in batches of 1 MiB, a few at a time: memory stays flat whatever
 * the size of the db, and a slow disk or pipe slows the server down.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Hash } from 'node:crypto';
import { crypto } from '../builtins.js';
import type { EtcdClient, EtcdStream, Reply } from '../client/client.js';
import { GrpcError, Status } from '../client/status.js';
import { fileErrorText } from './status.js';

export const DIGEST_SIZE = 32;

/** Why a save failed: the message, extra lines, and etcdctl's exit code for it. */
export class SaveError extends Error {
  constructor(message: string, readonly hints: string[] = [], readonly code?: number) {
    super(message);
    this.name = 'SaveError';
  }
}

/** The part of SnapshotResponse this uses. */
interface SnapshotMessage {
  remaining_bytes?: bigint;
  blob?: Uint8Array;
}

/** The SHA-256 check of the stream: every byte but the last 32 is hashed; the last 32 are the digest. */
export class TrailerCheck {
  private readonly hash: Hash = crypto().createHash('sha256');
  private tail = Buffer.alloc(0);
  size = 0;

  update(chunk: Buffer): void {
    this.size += chunk.length;
    if (chunk.length >= DIGEST_SIZE) {
      if (this.tail.length > 0) this.hash.update(this.tail);
      this.hash.update(chunk.subarray(0, chunk.length - DIGEST_SIZE));
      this.tail = Buffer.from(chunk.subarray(chunk.length - DIGEST_SIZE));
      return;
    }
    const all = Buffer.concat([this.tail, chunk]);
    if (all.length > DIGEST_SIZE) this.hash.update(all.subarray(0, all.length - DIGEST_SIZE));
    this.tail = all.subarray(Math.max(0, all.length - DIGEST_SIZE));
  }

  /** Throws unless the stream ended with the digest of what came before it. */
  verify(): void {
    if (this.size % 512 !== DIGEST_SIZE) {
      // etcdctl's message for a stream that does not end with a digest.
      throw new SaveError(`sha256 checksum not found [bytes: ${this.size}]`);
    }
    const got = this.hash.digest();
    if (!got.equals(this.tail)) {
      throw new SaveError('sha256 checksum mismatch', [
        `the server's trailer says ${this.tail.toString('hex')}, the ${this.size - DIGEST_SIZE} bytes received hash to ${got.toString('hex')}`,
      ]);
    }
  }
}

/** Where the bytes go: a file (written at its own pace) or stdout. */
export interface Destination {
  write(chunk: Buffer): Promise<void>;
  /**
   * Makes the data durable and puts it in place (file: fsync + rename);
   * `check`, when given, reads the complete temporary file first and may
   * refuse it (throw): then nothing is put in place.
   */
  commit(check?: (tempPath: string) => Promise<void>): Promise<void>;
  /** Removes whatever was written (file: the temporary). */
  abort(): Promise<void>;
}

/**
 * Writes are gathered into batches of this size, each written at its own
 * offset, with up to WRITES_IN_FLIGHT of them under way while the download
 * goes on (memory: at most their sum).
 */
const WRITE_BATCH = 1 << 20;
const WRITES_IN_FLIGHT = 4;

/** `<path>.part` beside `path`, renamed to `path` on commit (etcdctl's temporary name). */
export class FileDestination implements Destination {
  readonly partPath: string;
  private fh: fs.promises.FileHandle | undefined;
  private done = false;
  private batch: Buffer[] = [];
  private batchBytes = 0;
  /** Where the next batch goes in the file. */
  private offset = 0;
  private readonly inflight = new Set<Promise<void>>();
  private failure: unknown;

  private constructor(readonly path: string) {
    this.partPath = `${path}.part`;
  }

  static async create(target: string): Promise<FileDestination> {
    const d = new FileDestination(target);
    try {
      d.fh = await fs.promises.open(d.partPath, 'w', 0o600);
    } catch (err) {
      throw new SaveError(`could not open ${d.partPath} (${fileErrorText('open', d.partPath, err)})`);
    }
    return d;
  }

  /** Writes all of `bufs` at `pos` (retrying short writes). */
  private async writeAll(bufs: Buffer[], pos: number): Promise<void> {
    try {
      let total = bufs.reduce((n, b) => n + b.length, 0);
      while (total > 0) {
        const { bytesWritten } = await this.fh!.writev(bufs, pos);
        total -= bytesWritten;
        pos += bytesWritten;
        if (total === 0) break;
        // A short write: drop what went out and go on with the rest.
        let skip = bytesWritten;
        while (skip > 0 && skip >= bufs[0].length) skip -= bufs.shift()!.length;
        if (skip > 0) bufs[0] = bufs[0].subarray(skip);
      }
    } catch (err) {
      throw new SaveError(fileErrorText('write', this.partPath, err));
    }
  }

  /** Waits until fewer than `max` writes are under way; rethrows a failed one's error. */
  private async settle(max = 1): Promise<void> {
    while (this.inflight.size >= max) await Promise.race(this.inflight);
    if (this.failure !== undefined) throw this.failure;
  }

  private startBatch(): void {
    const bufs = this.batch;
    const pos = this.offset;
    this.offset += this.batchBytes;
    this.batch = [];
    this.batchBytes = 0;
    const p: Promise<void> = this.writeAll(bufs, pos)
      .catch((err) => {
        this.failure ??= err;
      })
      .finally(() => this.inflight.delete(p));
    this.inflight.add(p);
  }

  async write(chunk: Buffer): Promise<void> {
    if (this.failure !== undefined) throw this.failure;
    this.batch.push(chunk);
    this.batchBytes += chunk.length;
    if (this.batchBytes < WRITE_BATCH) return;
    await this.settle(WRITES_IN_FLIGHT);
    this.startBatch();
  }

  async commit(check?: (tempPath: string) => Promise<void>): Promise<void> {
    if (this.batch.length > 0) this.startBatch();
    await this.settle(1);
    try {
      await this.fh!.sync();
      await this.fh!.close();
      this.fh = undefined;
    } catch (err) {
      throw new SaveError(fileErrorText('sync', this.partPath, err));
    }
    await check?.(this.partPath);
    try {
      await fs.promises.rename(this.partPath, this.path);
    } catch (err) {
      throw new SaveError(`could not rename ${this.partPath} to ${this.path} (${fileErrorText('rename', this.partPath, err).replace(/^rename \S+: /, `rename ${this.partPath} ${this.path}: `)})`);
    }
    this.done = true;
    // The rename is durable once the directory is.
    try {
      const dir = await fs.promises.open(path.dirname(path.resolve(this.path)), 'r');
      try {
        await dir.sync();
      } finally {
        await dir.close();
      }
    } catch {
      // Some file systems cannot fsync a directory; the file itself is synced.
    }
  }

  /** Removes the temporary file. */
  async abort(): Promise<void> {
    if (this.done) return;
    this.done = true;
    await Promise.allSettled(this.inflight);
    try {
      await this.fh?.close();
    } catch {
      // already closed
    }
    this.fh = undefined;
    try {
      fs.unlinkSync(this.partPath);
    } catch {
      // never created, or already gone
    }
  }
}

/** Something stdout-like: write() returns false when its buffer is full, then 'drain' comes. */
export interface StreamSink {
  write(chunk: Uint8Array): boolean | void;
  once?(event: 'drain', fn: () => void): unknown;
}

/** Stdout (`snapshot save -`): the bytes as they come, waiting for 'drain' when the reader is slow. */
export class StreamDestination implements Destination {
  constructor(private readonly sink: StreamSink) {}

  write(chunk: Buffer): Promise<void> {
    const ok = this.sink.write(chunk);
    if (ok !== false || !this.sink.once) return Promise.resolve();
    return new Promise((resolve) => {
      this.sink.once!('drain', () => resolve());
    });
  }

  async commit(): Promise<void> {}
  async abort(): Promise<void> {}
}

/** A stream of snapshot messages: EtcdStream, or a test double. */
export type SnapshotStream = Pick<EtcdStream, 'on' | 'pause' | 'resume' | 'cancel'>;

export class StallError extends SaveError {}
export class InterruptedError extends SaveError {}

/**
 * Pull-style reading of a message stream with flow control: messages are
 * queued as they come and the stream is paused while any wait, so at most one
 * received chunk's worth is held; the stream resumes when the reader asks for
 * more.
 */
export class MessageReader {
  private readonly queue: Array<Reply<SnapshotMessage>> = [];
  private ended = false;
  private endError: unknown;
  private wake: (() => void) | undefined;

  private interrupted = false;

  constructor(readonly stream: SnapshotStream, interrupted?: Promise<unknown>) {
    interrupted?.then(() => {
      this.interrupted = true;
      this.wake?.();
    });
    stream.on('message', (m: Reply<SnapshotMessage>) => {
      this.queue.push(m);
      stream.pause();
      this.wake?.();
    });
    stream.on('end', (err?: GrpcError) => {
      this.ended = true;
      this.endError = err;
      this.wake?.();
    });
  }

  get isEnded(): boolean {
    return this.ended && this.queue.length === 0;
  }

  /**
   * Waits until a message is queued ('message'), the stream ended well ('end'),
   * nothing came within `timeoutMs` ('stall') or the user interrupted (the
   * promise given to the constructor resolved: 'interrupted'); throws
   * the stream's error when it failed with nothing left queued.
   */
  async ready(timeoutMs: number): Promise<'message' | 'end' | 'stall' | 'interrupted'> {
    for (;;) {
      if (this.interrupted) return 'interrupted';
      if (this.queue.length > 0) return 'message';
      if (this.ended) {
        if (this.endError !== undefined) throw this.endError;
        return 'end';
      }
      this.stream.resume();
      let timer: NodeJS.Timeout | undefined;
      const what = await new Promise<'wake' | 'stall' | 'interrupted'>((resolve) => {
        this.wake = () => resolve('wake');
        if (timeoutMs > 0) timer = setTimeout(() => resolve('stall'), timeoutMs);
      });
      this.wake = undefined;
      if (timer) clearTimeout(timer);
      if (what === 'stall' && this.queue.length === 0 && !this.ended) return what;
    }
  }

  /** The next message; null when the stream ended well; see ready() for the rest. */
  async next(timeoutMs: number): Promise<Reply<SnapshotMessage> | null | 'stall' | 'interrupted'> {
    const what = await this.ready(timeoutMs);
    if (what === 'message') return this.queue.shift()!;
    if (what === 'end') return null;
    return what;
  }
}

export interface ReceiveOptions {
  /** Fail when no message arrives for this long (ms); 0 = never. */
  stallMs: number;
  /** Called as bytes arrive: received so far, the db size when known (0 otherwise); `final` once at the end. */
  onProgress?: (received: number, total: number, final?: boolean) => void;
  /** The endpoint, for messages. */
  endpoint: string;
}

function stallError(endpoint: string, stallMs: number): StallError {
  return new StallError('context deadline exceeded', [
    `no snapshot data from ${endpoint} for ${formatMs(stallMs)} (--command-timeout); nothing was saved`,
  ]);
}

const interruptedError = () => new InterruptedError('interrupted', ['the snapshot was not saved']);

/**
 * Receives the rest of the stream into `dest`, checking the trailer. Resolves
 * with the number of bytes received; rejects with SaveError / GrpcError (the
 * stream is then canceled).
 */
export async function receiveSnapshot(reader: MessageReader, dest: Destination, opts: ReceiveOptions): Promise<number> {
  const check = new TrailerCheck();
  let total = 0;
  try {
    for (;;) {
      const m = await reader.next(opts.stallMs);
      if (m === null) break;
      if (m === 'stall') throw stallError(opts.endpoint, opts.stallMs);
      if (m === 'interrupted') throw interruptedError();
      const blob = m.msg.blob;
      if (!blob || blob.length === 0) continue;
      if (total === 0 && m.msg.remaining_bytes !== undefined) total = Number(m.msg.remaining_bytes) + blob.length;
      const chunk = Buffer.from(blob.buffer, blob.byteOffset, blob.length);
      await dest.write(chunk);
      check.update(chunk);
      opts.onProgress?.(check.size, total);
    }
  } catch (err) {
    if (!reader.isEnded) reader.stream.cancel();
    throw err;
  }
  opts.onProgress?.(check.size, total, true);
  check.verify();
  return check.size;
}

function formatMs(ms: number): string {
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/** Errors before any data that mean "this endpoint does not answer": try the next one. */
function isUnavailable(err: unknown): boolean {
  return err instanceof GrpcError && err.status === Status.UNAVAILABLE;
}

export interface OpenOptions {
  stallMs: number;
  /** Called once connected, before waiting for data (the destination is made here). */
  onOpen?: () => Promise<void>;
  /** An endpoint did not answer and the next one is tried. */
  onSkip?: (endpoint: string, reason: string) => void;
  interrupted?: Promise<unknown>;
}

/**
 * Opens the Snapshot stream on the first endpoint that answers: the client
 * dials the endpoints in order; an endpoint whose stream fails before its
 * first message with UNAVAILABLE, or sends nothing within the stall time, is
 * skipped. Resolves once the first message is there (it stays queued in the
 * reader).
 */
export async function openSnapshotStream(
  client: EtcdClient, endpointCount: number, opts: OpenOptions,
): Promise<{ reader: MessageReader; endpoint: string }> {
  let lastError: unknown;
  for (let attempt = 0; attempt < endpointCount; attempt++) {
    const stream = await client.maintenance.snapshot();
    const endpoint = client.endpoint?.raw ?? '';
    const reader = new MessageReader(stream, opts.interrupted);
    stream.send({});
    stream.end();
    try {
      await opts.onOpen?.();
    } catch (err) {
      stream.cancel();
      throw err;
    }
    const more = attempt + 1 < endpointCount;
    let what: Awaited<ReturnType<MessageReader['ready']>>;
    try {
      what = await reader.ready(opts.stallMs);
    } catch (err) {
      if (!isUnavailable(err) || !more) throw err;
      lastError = err;
      opts.onSkip?.(endpoint, (err as GrpcError).details);
      client.close();
      continue;
    }
    if (what === 'message' || what === 'end') return { reader, endpoint };
    stream.cancel();
    if (what === 'interrupted') throw interruptedError();
    lastError = stallError(endpoint, opts.stallMs);
    if (!more) throw lastError;
    opts.onSkip?.(endpoint, `no data for ${formatMs(opts.stallMs)}`);
    // Closing the connection makes the client start with the next endpoint.
    client.close();
  }
  throw lastError;
}
