/**
 * Writes a fresh, compact bbolt database from sorted data, page by page, in
 * one pass: buckets are given in name order, each bucket's keys in key order,
 * and pages go out as soon as they are full, so memory holds one page and one
 * branch entry per page written, whatever the size of the database.
 *
 * Layout: pages 0 and 1 are the metas (written last); data pages follow from
 * page 2 in the order they are made (a bucket's leaves, then its branch
 * levels, ...; the root bucket last). Every page below the high-water mark is
 * reachable, so no freelist is stored (meta.freelist = none, as etcd's own
 * files have) and tx.Check() has nothing to report. A bucket whose single
 * leaf would take at most a quarter page is stored inline, as bbolt does.
 * Leaves are filled up to the page size (bbolt splits them later as needed);
 * a larger element gets a node of its own with overflow pages.
 */
import {
  BRANCH_PAGE, BUCKET_HEADER_SIZE, BUCKET_LEAF_FLAG, ELEMENT_SIZE, LEAF_PAGE, MAGIC, META_PAGE, NO_FREELIST,
  PAGE_HEADER_SIZE, VERSION, metaChecksum,
} from './bbolt.js';

/** Where pages go. */
export interface PageOut {
  /** Writes `buf` at byte `pos`. */
  writeAt(buf: Buffer, pos: number): void;
}

/** Collects the file in memory (tests, small files). */
export class MemoryOut implements PageOut {
  private chunks: Array<{ pos: number; buf: Buffer }> = [];
  writeAt(buf: Buffer, pos: number): void {
    this.chunks.push({ pos, buf: Buffer.from(buf) });
  }
  toBuffer(): Buffer {
    const size = Math.max(0, ...this.chunks.map((c) => c.pos + c.buf.length));
    const out = Buffer.alloc(size);
    for (const c of this.chunks) c.buf.copy(out, c.pos);
    return out;
  }
}

const MAX_COUNT = 0xfffe;

interface Item {
  key: Buffer;
  value: Buffer;
  flags: number;
}

interface BranchEntry {
  key: Buffer;
  pgid: number;
}

export class BoltWriter {
  private next = 2;
  private readonly rootItems: Item[] = [];
  private lastBucket: Buffer | undefined;
  private open: BucketWriter | undefined;
  private finished = false;

  constructor(private readonly out: PageOut, readonly pageSize: number) {
    if (!Number.isInteger(pageSize) || pageSize < 1024 || (pageSize & (pageSize - 1)) !== 0) {
      throw new Error(`invalid page size ${pageSize}`);
    }
  }

  /** Allocates `bytes` worth of consecutive pages; returns the first pgid and the number of pages. */
  private alloc(bytes: number): { id: number; n: number } {
    const n = Math.max(1, Math.ceil(bytes / this.pageSize));
    const id = this.next;
    this.next += n;
    return { id, n };
  }

  /** Writes a node of `items` (leaf) at freshly allocated pages; returns its pgid. */
  writeLeaf(items: Item[], size: number): number {
    const { id, n } = this.alloc(size);
    const buf = Buffer.alloc(n * this.pageSize);
    encodeLeaf(buf, items, id, n - 1);
    this.out.writeAt(buf, id * this.pageSize);
    return id;
  }

  private writeBranch(entries: BranchEntry[], size: number): number {
    const { id, n } = this.alloc(size);
    const buf = Buffer.alloc(n * this.pageSize);
    buf.writeBigUInt64LE(BigInt(id), 0);
    buf.writeUInt16LE(BRANCH_PAGE, 8);
    buf.writeUInt16LE(entries.length, 10);
    buf.writeUInt32LE(n - 1, 12);
    let data = PAGE_HEADER_SIZE + entries.length * ELEMENT_SIZE;
    entries.forEach((e, i) => {
      const off = PAGE_HEADER_SIZE + i * ELEMENT_SIZE;
      buf.writeUInt32LE(data - off, off);
      buf.writeUInt32LE(e.key.length, off + 4);
      buf.writeBigUInt64LE(BigInt(e.pgid), off + 8);
      e.key.copy(buf, data);
      data += e.key.length;
    });
    this.out.writeAt(buf, id * this.pageSize);
    return id;
  }

  /** Builds the branch levels over `level` (one entry per child) and returns the root pgid. */
  buildTree(level: BranchEntry[]): number {
    while (level.length > 1) {
      const upper: BranchEntry[] = [];
      let group: BranchEntry[] = [];
      let size = PAGE_HEADER_SIZE;
      for (const e of level) {
        const add = ELEMENT_SIZE + e.key.length;
        if (group.length > 0 && (size + add > this.pageSize || group.length >= MAX_COUNT)) {
          upper.push({ key: group[0].key, pgid: this.writeBranch(group, size) });
          group = [];
          size = PAGE_HEADER_SIZE;
        }
        group.push(e);
        size += add;
      }
      upper.push({ key: group[0].key, pgid: this.writeBranch(group, size) });
      level = upper;
    }
    return level[0].pgid;
  }

  /** Starts the next top-level bucket (names in increasing byte order). */
  bucket(name: Buffer): BucketWriter {
    if (this.open) throw new Error('previous bucket not ended');
    if (this.finished) throw new Error('writer finished');
    if (name.length === 0) throw new Error('bucket name required');
    if (this.lastBucket && Buffer.compare(this.lastBucket, name) >= 0) throw new Error(`bucket ${name} out of order`);
    this.lastBucket = Buffer.from(name);
    this.open = new BucketWriter(this, (value) => {
      this.rootItems.push({ key: Buffer.from(name), value, flags: BUCKET_LEAF_FLAG });
      this.open = undefined;
    });
    return this.open;
  }

  /**
   * Writes the root bucket and both metas (txid T and T−1, as a saved
   * snapshot has them); returns the database size in bytes.
   */
  finish(txid = 2n): number {
    if (this.open) throw new Error('bucket not ended');
    if (this.finished) throw new Error('writer finished');
    this.finished = true;
    // The root bucket is never inline.
    const leaves: BranchEntry[] = [];
    let group: Item[] = [];
    let size = PAGE_HEADER_SIZE;
    for (const it of this.rootItems) {
      const add = ELEMENT_SIZE + it.key.length + it.value.length;
      if (group.length > 0 && (size + add > this.pageSize || group.length >= MAX_COUNT)) {
        leaves.push({ key: group[0].key, pgid: this.writeLeaf(group, size) });
        group = [];
        size = PAGE_HEADER_SIZE;
      }
      group.push(it);
      size += add;
    }
    if (group.length > 0 || leaves.length === 0) leaves.push({ key: group[0]?.key ?? Buffer.alloc(0), pgid: this.writeLeaf(group, size) });
    const root = this.buildTree(leaves);
    const hwm = this.next;
    for (const i of [0, 1]) {
      const page = Buffer.alloc(this.pageSize);
      page.writeBigUInt64LE(BigInt(i), 0);
      page.writeUInt16LE(META_PAGE, 8);
      page.writeUInt32LE(MAGIC, 16);
      page.writeUInt32LE(VERSION, 20);
      page.writeUInt32LE(this.pageSize, 24);
      page.writeUInt32LE(0, 28);
      page.writeBigUInt64LE(BigInt(root), 32);
      page.writeBigUInt64LE(0n, 40);
      page.writeBigUInt64LE(NO_FREELIST, 48);
      page.writeBigUInt64LE(BigInt(hwm), 56);
      page.writeBigUInt64LE(i === 0 ? txid : txid - 1n, 64);
      page.writeBigUInt64LE(metaChecksum(page), 72);
      this.out.writeAt(page, i * this.pageSize);
    }
    return hwm * this.pageSize;
  }
}

/** Receives one bucket's key/value pairs in increasing key order. */
export class BucketWriter {
  /** Items not yet written: the whole bucket while it may still be inline, else the current leaf. */
  private pending: Item[] = [];
  private pendingSize = PAGE_HEADER_SIZE;
  private leaves: BranchEntry[] | undefined;
  private last: Buffer | undefined;
  private ended = false;

  constructor(private readonly w: BoltWriter, private readonly done: (value: Buffer) => void) {}

  /** Adds a pair; `flags` 1 marks a nested bucket record. Keys must increase. */
  put(key: Buffer, value: Buffer, flags = 0): void {
    if (this.ended) throw new Error('bucket ended');
    if (key.length === 0) throw new Error('key required');
    if (this.last && Buffer.compare(this.last, key) >= 0) throw new Error(`key ${key.toString('hex')} out of order`);
    this.last = Buffer.from(key);
    const add = ELEMENT_SIZE + key.length + value.length;
    const P = this.w.pageSize;
    if (this.leaves === undefined && this.pendingSize + add > P / 4) this.leaves = [];
    if (this.leaves !== undefined && this.pending.length > 0 && (this.pendingSize + add > P || this.pending.length >= MAX_COUNT)) {
      this.flushLeaf(P);
    }
    this.pending.push({ key: Buffer.from(key), value: Buffer.from(value), flags });
    this.pendingSize += add;
  }

  /** Writes leaves from the pending items while they hold more than a page. */
  private flushLeaf(P: number): void {
    // In page mode, pending holds whole leaves' worth; write all but the last group.
    let group: Item[] = [];
    let size = PAGE_HEADER_SIZE;
    for (const it of this.pending) {
      const add = ELEMENT_SIZE + it.key.length + it.value.length;
      if (group.length > 0 && (size + add > P || group.length >= MAX_COUNT)) {
        this.leaves!.push({ key: group[0].key, pgid: this.w.writeLeaf(group, size) });
        group = [];
        size = PAGE_HEADER_SIZE;
      }
      group.push(it);
      size += add;
    }
    this.leaves!.push({ key: group[0].key, pgid: this.w.writeLeaf(group, size) });
    this.pending = [];
    this.pendingSize = PAGE_HEADER_SIZE;
  }

  /** Ends the bucket: inline when small, else its leaves and branches are written. */
  end(): void {
    if (this.ended) throw new Error('bucket ended');
    this.ended = true;
    if (this.leaves === undefined) {
      const value = Buffer.alloc(BUCKET_HEADER_SIZE + this.pendingSize);
      encodeLeaf(value.subarray(BUCKET_HEADER_SIZE), this.pending, 0, 0);
      this.done(value);
      return;
    }
    if (this.pending.length > 0) this.flushLeaf(this.w.pageSize);
    const root = this.w.buildTree(this.leaves);
    const value = Buffer.alloc(BUCKET_HEADER_SIZE);
    value.writeBigUInt64LE(BigInt(root), 0);
    this.done(value);
  }
}

/** Writes a leaf node image (header, element headers, then each key and value) into `buf`. */
function encodeLeaf(buf: Buffer, items: Item[], id: number, overflow: number): void {
  buf.writeBigUInt64LE(BigInt(id), 0);
  buf.writeUInt16LE(LEAF_PAGE, 8);
  buf.writeUInt16LE(items.length, 10);
  buf.writeUInt32LE(overflow, 12);
  let data = PAGE_HEADER_SIZE + items.length * ELEMENT_SIZE;
  items.forEach((it, i) => {
    const off = PAGE_HEADER_SIZE + i * ELEMENT_SIZE;
    buf.writeUInt32LE(it.flags, off);
    buf.writeUInt32LE(data - off, off + 4);
    buf.writeUInt32LE(it.key.length, off + 8);
    buf.writeUInt32LE(it.value.length, off + 12);
    it.key.copy(buf, data);
    data += it.key.length;
    it.value.copy(buf, data);
    data += it.value.length;
  });
}

/** Writes a whole database from in-memory buckets (sorted here); for tests and small files. */
export function writeBolt(buckets: Map<string, Array<[Buffer, Buffer]>> | Array<[Buffer, Array<[Buffer, Buffer]>]>, pageSize = 4096): Buffer {
  const out = new MemoryOut();
  const w = new BoltWriter(out, pageSize);
  const list: Array<[Buffer, Array<[Buffer, Buffer]>]> = buckets instanceof Map
    ? [...buckets].map(([n, kvs]) => [Buffer.from(n), kvs])
    : buckets;
  list.sort((a, b) => Buffer.compare(a[0], b[0]));
  for (const [name, kvs] of list) {
    const b = w.bucket(name);
    for (const [k, v] of [...kvs].sort((x, y) => Buffer.compare(x[0], y[0]))) b.put(k, v);
    b.end();
  }
  const size = w.finish();
  const buf = out.toBuffer();
  return buf.length >= size ? buf : Buffer.concat([buf, Buffer.alloc(size - buf.length)]);
}
