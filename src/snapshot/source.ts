/**
 * Random access to the bytes of a file without reading all of it: the bbolt
 * reader asks for pages as it walks the tree. Reads go through a small cache
 * of aligned blocks, so that the many page-sized reads of a walk become a few
 * large ones (pages of one tree are mostly near each other), and memory stays
 * bounded whatever the size of the file.
 */
import fs from 'node:fs';

export interface ByteSource {
  /** Length of the underlying data in bytes. */
  readonly size: number;
  /**
   * Exactly `length` bytes from `pos`, or fewer when the data ends first. The
   * result may share memory with the source's cache: use it before the next
   * read, or copy it.
   */
  read(pos: number, length: number): Buffer;
}

/** A source over bytes already in memory (tests, small files). */
export class BufferSource implements ByteSource {
  constructor(private readonly buf: Buffer) {}
  get size(): number {
    return this.buf.length;
  }
  read(pos: number, length: number): Buffer {
    return this.buf.subarray(Math.min(pos, this.buf.length), Math.min(pos + length, this.buf.length));
  }
}

/**
 * Reads `length` bytes of the file at `position` into `target` at `offset`,
 * retrying short reads; fewer only when the file ends first. Returns the count.
 */
export function readFullyAt(fd: number, target: Uint8Array, offset: number, length: number, position: number): number {
  let done = 0;
  while (done < length) {
    const got = fs.readSync(fd, target, offset + done, length - done, position + done);
    if (got === 0) break;
    done += got;
  }
  return done;
}

const BLOCK = 256 * 1024;
const MAX_BLOCKS = 16;

/** A source over an open file descriptor, read on demand through a bounded block cache. */
export class FileSource implements ByteSource {
  readonly size: number;
  private readonly blocks = new Map<number, Buffer>();

  constructor(private readonly fd: number, readonly path: string) {
    this.size = fs.fstatSync(fd).size;
  }

  static open(path: string): FileSource {
    return new FileSource(fs.openSync(path, 'r'), path);
  }

  close(): void {
    fs.closeSync(this.fd);
    this.blocks.clear();
  }

  private readAt(pos: number, length: number): Buffer {
    const n = Math.max(0, Math.min(length, this.size - pos));
    const out = Buffer.allocUnsafe(n);
    const done = readFullyAt(this.fd, out, 0, n, pos);
    return done === n ? out : out.subarray(0, done);
  }

  private block(index: number): Buffer {
    let b = this.blocks.get(index);
    if (b) {
      // Most recently used last.
      this.blocks.delete(index);
      this.blocks.set(index, b);
      return b;
    }
    b = this.readAt(index * BLOCK, BLOCK);
    this.blocks.set(index, b);
    if (this.blocks.size > MAX_BLOCKS) this.blocks.delete(this.blocks.keys().next().value as number);
    return b;
  }

  read(pos: number, length: number): Buffer {
    if (pos >= this.size || length <= 0) return Buffer.alloc(0);
    const first = Math.floor(pos / BLOCK);
    const last = Math.floor((pos + length - 1) / BLOCK);
    if (first === last) {
      const b = this.block(first);
      const off = pos - first * BLOCK;
      return b.subarray(off, Math.min(off + length, b.length));
    }
    // Spans blocks (an overflowed node): read it directly, uncached.
    return this.readAt(pos, length);
  }
}
