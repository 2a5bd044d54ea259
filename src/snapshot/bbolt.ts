/**
 * A reader of bbolt database files (etcd's backend, and what `snapshot save`
 * stores), over a ByteSource: pages are read on demand as the tree is walked,
 * never the whole file at once.
 *
 * What it follows is bbolt 1.3.11's (etcd 3.5's) behaviour: how the page size
 * and the meta page are found and their error messages, and the checks of
 * `tx.Check()` with its messages. Where bbolt would crash on a damaged file
 * (a page beyond the end of a truncated file, a page whose header names
 * another page, a cycle in the tree) this reader reports what is wrong
 * instead.
 *
 * Layout (all little-endian): every page starts with a 16-byte header
 * {id u64, flags u16, count u16, overflow u32}; pages 0 and 1 are metas; a
 * node larger than a page continues on `overflow` following pages, which have
 * no header of their own. Leaf elements are {flags u32, pos u32, ksize u32,
 * vsize u32}, branch elements {pos u32, ksize u32, pgid u64}, with `pos`
 * counted from the element header to its key.
 */
import type { ByteSource } from './source.js';

export const PAGE_HEADER_SIZE = 16;
export const ELEMENT_SIZE = 16;
export const BUCKET_HEADER_SIZE = 16;
export const BRANCH_PAGE = 0x01;
export const LEAF_PAGE = 0x02;
export const META_PAGE = 0x04;
export const FREELIST_PAGE = 0x10;
export const BUCKET_LEAF_FLAG = 0x01;
export const MAGIC = 0xed0cdaed;
export const VERSION = 2;
/** The page size bbolt assumes when neither meta page tells it (the OS page size on x86-64). */
export const DEFAULT_PAGE_SIZE = 4096;
/** meta.freelist when the freelist is not stored in the file (etcd's choice). */
export const NO_FREELIST = 0xffffffffffffffffn;
/** The meta fields that the checksum covers: page bytes 16..71. */
const META_SUM_START = 16;
const META_SUM_END = 72;

/** An error opening the file: the message is bbolt's, the hints say more. */
export class BoltError extends Error {
  constructor(message: string, readonly hints: string[] = []) {
    super(message);
    this.name = 'BoltError';
  }
}

/** tx.Check() found problems: `errors` in bbolt's order and wording. */
export class IntegrityError extends Error {
  constructor(readonly errors: string[]) {
    super(`snapshot file integrity check failed. ${errors.length} errors found.\n${errors.join('\n')}`);
    this.name = 'IntegrityError';
  }
}

export interface Meta {
  magic: number;
  version: number;
  pageSize: number;
  flags: number;
  /** The root bucket's root page. */
  root: number;
  sequence: bigint;
  /** The freelist page, or null when the freelist is not stored (NO_FREELIST). */
  freelist: number | null;
  /** High-water mark: the number of pages in use. */
  pgid: number;
  txid: bigint;
  checksum: bigint;
}

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK64 = 0xffffffffffffffffn;

/** FNV-1a, 64 bits (the meta checksum). */
export function fnv1a64(data: Uint8Array): bigint {
  let h = FNV_OFFSET;
  for (let i = 0; i < data.length; i++) h = ((h ^ BigInt(data[i])) * FNV_PRIME) & MASK64;
  return h;
}

function u64(buf: Buffer, off: number): number {
  return Number(buf.readBigUInt64LE(off));
}

/** Decodes the meta in a page image (at least 80 bytes from the page start). */
export function decodeMeta(page: Buffer): Meta {
  const freelist = page.readBigUInt64LE(48);
  return {
    magic: page.readUInt32LE(16),
    version: page.readUInt32LE(20),
    pageSize: page.readUInt32LE(24),
    flags: page.readUInt32LE(28),
    root: u64(page, 32),
    sequence: page.readBigUInt64LE(40),
    freelist: freelist === NO_FREELIST ? null : Number(freelist),
    pgid: u64(page, 56),
    txid: page.readBigUInt64LE(64),
    checksum: page.readBigUInt64LE(72),
  };
}

/** The checksum a meta page image should carry. */
export function metaChecksum(page: Buffer): bigint {
  return fnv1a64(page.subarray(META_SUM_START, META_SUM_END));
}

/** bbolt's meta.validate(): undefined when valid, else its error text. */
export function validateMeta(page: Buffer): string | undefined {
  if (page.length < 80) return 'invalid database';
  const m = decodeMeta(page);
  if (m.magic !== MAGIC) return 'invalid database';
  if (m.version !== VERSION) return 'version mismatch';
  if (m.checksum !== metaChecksum(page)) return 'checksum error';
  return undefined;
}

/** An open database: the page size and the meta in force. */
export interface BoltDb {
  source: ByteSource;
  pageSize: number;
  meta: Meta;
}

const NOT_BOLT = 'the file is not a bbolt database (an etcd snapshot or member/snap/db file)';

/**
 * bbolt's getPageSize(): meta 0 at offset 0, else meta 1 probed at 1 KiB << i;
 * else the default if either could be read. `found`: a valid meta told it.
 */
function findPageSize(src: ByteSource): { pageSize: number; found: boolean } {
  let canRead = false;
  const first = src.read(0, 0x1000);
  if (first.length === 0x1000) {
    canRead = true;
    if (validateMeta(first) === undefined) return { pageSize: decodeMeta(first).pageSize, found: true };
  }
  for (let i = 0; i <= 14; i++) {
    const pos = 1024 * 2 ** i;
    if (pos >= src.size - 1024) break;
    const buf = src.read(pos, 0x1000);
    if (buf.length === 0x1000 || buf.length === src.size - pos) {
      canRead = true;
      if (validateMeta(buf) === undefined) return { pageSize: decodeMeta(buf).pageSize, found: true };
    }
  }
  if (canRead) return { pageSize: DEFAULT_PAGE_SIZE, found: false };
  throw new BoltError('invalid database', [NOT_BOLT]);
}

/**
 * Opens a database as bbolt does read-only: finds the page size, validates both
 * metas, and uses the valid one with the larger txid. Fails with bbolt's
 * messages ("invalid database", "version mismatch", "checksum error", "file
 * size too small"); a file shorter than its high-water mark is refused as
 * truncated (bbolt would crash reading it).
 */
export function openBolt(src: ByteSource): BoltDb {
  if (src.size === 0) throw new BoltError('invalid database', ['the file is empty']);
  const { pageSize, found } = findPageSize(src);
  if (src.size < pageSize * 2) {
    throw new BoltError('file size too small', [found ? `a bbolt database has at least 2 pages of ${pageSize} bytes; this file has ${src.size} bytes` : NOT_BOLT]);
  }
  const p0 = Buffer.from(src.read(0, 80));
  const p1 = Buffer.from(src.read(pageSize, 80));
  const err0 = validateMeta(p0);
  const err1 = validateMeta(p1);
  if (err0 !== undefined && err1 !== undefined) {
    const hint = err0 === 'invalid database' && err1 === 'invalid database' ? NOT_BOLT : 'both meta pages of the database are damaged';
    throw new BoltError(err0, [hint]);
  }
  const m0 = err0 === undefined ? decodeMeta(p0) : undefined;
  const m1 = err1 === undefined ? decodeMeta(p1) : undefined;
  // The valid meta with the larger txid (bbolt: meta1 only when its txid is strictly larger).
  let meta: Meta;
  if (m0 && m1) meta = m1.txid > m0.txid ? m1 : m0;
  else meta = (m0 ?? m1)!;
  const needed = meta.pgid * pageSize;
  if (src.size < needed) {
    throw new BoltError('snapshot file is truncated', [
      `its database has ${meta.pgid} pages of ${pageSize} bytes (${needed} bytes) but the file has only ${src.size} bytes`,
    ]);
  }
  return { source: src, pageSize, meta };
}

/** One node: the header fields and the bytes of all its pages. */
export interface Page {
  id: number;
  flags: number;
  count: number;
  overflow: number;
  buf: Buffer;
}

/** bbolt's page.typ(). */
export function pageType(flags: number): string {
  if (flags & BRANCH_PAGE) return 'branch';
  if (flags & LEAF_PAGE) return 'leaf';
  if (flags & META_PAGE) return 'meta';
  if (flags & FREELIST_PAGE) return 'freelist';
  return `unknown<${flags.toString(16).padStart(2, '0')}>`;
}

/** Reads node `id` (with its overflow pages); a string says why it cannot be read. */
export function readPage(db: BoltDb, id: number): Page | string {
  const P = db.pageSize;
  const src = db.source;
  if (!Number.isSafeInteger(id) || id < 0 || (id + 1) * P > src.size) return 'beyond the end of the file';
  let buf = src.read(id * P, P);
  const hdrId = buf.readBigUInt64LE(0);
  if (hdrId !== BigInt(id)) return `the page header names page ${hdrId}`;
  const flags = buf.readUInt16LE(8);
  const count = buf.readUInt16LE(10);
  const overflow = buf.readUInt32LE(12);
  if (overflow > 0) {
    if ((id + overflow + 1) * P > src.size) return `its ${overflow} overflow pages run past the end of the file`;
    buf = src.read(id * P, (overflow + 1) * P);
  }
  return { id, flags, count, overflow, buf };
}

export type ElementFn = (key: Buffer, value: Buffer, flags: number) => void;

/**
 * Calls fn for each element of a leaf node image (a page, or an inline
 * bucket's page after its 16-byte bucket header). Returns an error text when
 * an element runs past the node.
 */
export function forEachLeafElement(node: Buffer, count: number, fn: ElementFn): string | undefined {
  for (let i = 0; i < count; i++) {
    const off = PAGE_HEADER_SIZE + i * ELEMENT_SIZE;
    if (off + ELEMENT_SIZE > node.length) return `element ${i} runs past the end of the node`;
    const flags = node.readUInt32LE(off);
    const kstart = off + node.readUInt32LE(off + 4);
    const ksize = node.readUInt32LE(off + 8);
    const vsize = node.readUInt32LE(off + 12);
    if (kstart + ksize + vsize > node.length) return `element ${i} runs past the end of the node`;
    fn(node.subarray(kstart, kstart + ksize), node.subarray(kstart + ksize, kstart + ksize + vsize), flags);
  }
  return undefined;
}

/** A bucket record: its root page (0 = inline) and, for an inline bucket, its leaf image. */
export function bucketRoot(value: Buffer): { root: number; inline?: Buffer } | undefined {
  if (value.length < BUCKET_HEADER_SIZE) return undefined;
  const root = u64(value, 0);
  if (root !== 0) return { root };
  return { root: 0, inline: value.subarray(BUCKET_HEADER_SIZE) };
}

/** Iterates an inline bucket's elements; returns an error text when its page image is malformed. */
export function forEachInline(inline: Buffer, fn: ElementFn): string | undefined {
  if (inline.length < PAGE_HEADER_SIZE) return 'inline bucket shorter than a page header';
  const flags = inline.readUInt16LE(8);
  const count = inline.readUInt16LE(10);
  if (count > 0 && !(flags & LEAF_PAGE)) return `inline bucket page of type ${pageType(flags)}`;
  return forEachLeafElement(inline, count, fn);
}

const hex = (b: Buffer | null) => (b ? b.toString('hex') : '');
const stackText = (s: number[]) => `[${s.join(' ')}]`;
const EMPTY = Buffer.alloc(0);

/**
 * Walks page trees the way `tx.Check()` does, collecting its errors, while
 * handing every leaf element (in key order) to the caller. One walker per
 * transaction: it remembers which pages were reached.
 */
export class TreeWalker {
  readonly errors: string[] = [];
  private readonly reachable: Uint8Array;
  private readonly beyond = new Set<number>();
  /** The stored freelist's pages, or null when the freelist is not stored. */
  private readonly freed: Set<number> | null;

  constructor(private readonly db: BoltDb) {
    const hwm = db.meta.pgid;
    this.reachable = new Uint8Array(hwm + 1);
    this.mark(0);
    this.mark(1);
    this.freed = db.meta.freelist === null ? null : this.readFreelist(db.meta.freelist);
  }

  private isReached(id: number): boolean {
    return id < this.reachable.length ? this.reachable[id] === 1 : this.beyond.has(id);
  }

  private mark(id: number): void {
    if (id < this.reachable.length) this.reachable[id] = 1;
    else this.beyond.add(id);
  }

  /** Loads the stored freelist (double frees are errors) and marks its pages reachable. */
  private readFreelist(id: number): Set<number> {
    const freed = new Set<number>();
    const p = readPage(this.db, id);
    if (typeof p === 'string') {
      this.errors.push(`page ${id}: freelist page ${p}`);
      return freed;
    }
    if (!(p.flags & FREELIST_PAGE)) {
      this.errors.push(`page ${id}: invalid freelist page, page type is ${pageType(p.flags)}`);
      return freed;
    }
    let n = p.count;
    let off = PAGE_HEADER_SIZE;
    if (n === 0xffff) {
      n = u64(p.buf, PAGE_HEADER_SIZE);
      off += 8;
    }
    if (off + n * 8 > p.buf.length) {
      this.errors.push(`page ${id}: freelist of ${n} ids runs past the end of the page`);
      n = Math.floor((p.buf.length - off) / 8);
    }
    const ids: number[] = [];
    for (let i = 0; i < n; i++) ids.push(u64(p.buf, off + i * 8));
    ids.sort((a, b) => a - b);
    for (const fid of ids) {
      if (freed.has(fid)) this.errors.push(`page ${fid}: already freed`);
      freed.add(fid);
    }
    for (let i = 0; i <= p.overflow; i++) this.mark(id + i);
    return freed;
  }

  /**
   * Walks the non-inline bucket whose root is `root`: page checks, then key
   * order checks (bbolt reports them in that order), calling fn for each leaf
   * element; then, if `nested`, the buckets inside it (bbolt checks those after
   * their parent, and ignores inline ones).
   */
  walkBucket(root: number, fn: ElementFn | null, nested = true): void {
    const pageErrs: string[] = [];
    const orderErrs: string[] = [];
    const children: Buffer[] = [];
    const collect: ElementFn = (key, value, flags) => {
      if (nested && flags & BUCKET_LEAF_FLAG) children.push(Buffer.from(value));
      fn?.(key, value, flags);
    };
    this.visit(root, [root], null, null, pageErrs, orderErrs, collect);
    this.errors.push(...pageErrs, ...orderErrs);
    for (const v of children) {
      const b = bucketRoot(v);
      if (b && b.root !== 0) this.walkBucket(b.root, null, true);
    }
  }

  /** Checks and iterates one node and its subtree; returns the largest key in it (recursivelyCheckPages). */
  private visit(
    id: number, stack: number[], minKey: Buffer | null, maxKey: Buffer | null,
    pageErrs: string[], orderErrs: string[], fn: ElementFn,
  ): Buffer | null {
    const hwm = this.db.meta.pgid;
    const p = readPage(this.db, id);
    if (typeof p === 'string') {
      pageErrs.push(`page ${id}: ${p} (stack: ${stackText(stack)})`);
      return null;
    }
    if (p.id > hwm) pageErrs.push(`page ${p.id}: out of bounds: ${hwm} (stack: ${stackText(stack)})`);
    let again = false;
    for (let i = 0; i <= p.overflow; i++) {
      const pid = p.id + i;
      if (this.isReached(pid)) {
        pageErrs.push(`page ${pid}: multiple references (stack: ${stackText(stack)})`);
        again = true;
      }
      this.mark(pid);
    }
    const isBranch = (p.flags & BRANCH_PAGE) !== 0;
    const isLeaf = !isBranch && (p.flags & LEAF_PAGE) !== 0;
    if (this.freed?.has(p.id)) pageErrs.push(`page ${p.id}: reachable freed`);
    else if (!isBranch && !isLeaf) pageErrs.push(`page ${p.id}: invalid type: ${pageType(p.flags)} (stack: ${stackText(stack)})`);
    // A page reached twice is not walked again: in a damaged tree that could loop forever.
    if (again) return null;

    const node = p.buf;
    if (isBranch) {
      let runningMin = minKey;
      let maxInSubtree: Buffer | null = null;
      const elems: Array<{ key: Buffer; pgid: number }> = [];
      for (let i = 0; i < p.count; i++) {
        const off = PAGE_HEADER_SIZE + i * ELEMENT_SIZE;
        if (off + ELEMENT_SIZE > node.length) {
          pageErrs.push(`page ${id}: element ${i} runs past the end of the page (stack: ${stackText(stack)})`);
          break;
        }
        const kstart = off + node.readUInt32LE(off);
        const ksize = node.readUInt32LE(off + 4);
        if (kstart + ksize > node.length) {
          pageErrs.push(`page ${id}: element ${i} runs past the end of the page (stack: ${stackText(stack)})`);
          break;
        }
        elems.push({ key: node.subarray(kstart, kstart + ksize), pgid: u64(node, off + 8) });
      }
      for (let i = 0; i < elems.length; i++) {
        const { key, pgid } = elems[i];
        verifyKeyOrder(pgid, 'branch', i, key, runningMin, maxKey, stack, orderErrs);
        const childMax = i < elems.length - 1 ? elems[i + 1].key : maxKey;
        maxInSubtree = this.visit(pgid, [...stack, pgid], key, childMax, pageErrs, orderErrs, fn);
        runningMin = maxInSubtree;
      }
      return maxInSubtree;
    }
    if (isLeaf) {
      let runningMin = minKey;
      let i = 0;
      const err = forEachLeafElement(node, p.count, (key, value, flags) => {
        verifyKeyOrder(id, 'leaf', i++, key, runningMin, maxKey, stack, orderErrs);
        runningMin = key;
        fn(key, value, flags);
      });
      if (err) pageErrs.push(`page ${id}: ${err} (stack: ${stackText(stack)})`);
      return p.count > 0 ? runningMin : null;
    }
    orderErrs.push(`unexpected page type for pgId:${id}`);
    return null;
  }

  /** The last check: every page below the high-water mark is reachable or free (only with a stored freelist). */
  finish(): void {
    if (this.freed === null) return;
    for (let i = 0; i < this.db.meta.pgid; i++) {
      if (!this.isReached(i) && !this.freed.has(i)) this.errors.push(`page ${i}: unreachable unfreed`);
    }
  }
}

/** bbolt's verifyKeyOrder, messages included. */
function verifyKeyOrder(
  pgId: number, pageType: string, index: number, key: Buffer, previousKey: Buffer | null, maxKeyOpen: Buffer | null,
  stack: number[], errs: string[],
): void {
  if (index === 0 && previousKey !== null && Buffer.compare(previousKey, key) > 0) {
    errs.push(`the first key[${index}]=(hex)${hex(key)} on ${pageType} page(${pgId}) needs to be >= the key in the ancestor (${hex(previousKey)}). Stack: ${stackText(stack)}`);
  }
  if (index > 0) {
    const cmp = Buffer.compare(previousKey ?? EMPTY, key);
    if (cmp > 0) {
      errs.push(`key[${index}]=(hex)${hex(key)} on ${pageType} page(${pgId}) needs to be > (found <) than previous element (hex)${hex(previousKey)}. Stack: ${stackText(stack)}`);
    }
    if (cmp === 0) {
      errs.push(`key[${index}]=(hex)${hex(key)} on ${pageType} page(${pgId}) needs to be > (found =) than previous element (hex)${hex(previousKey)}. Stack: ${stackText(stack)}`);
    }
  }
  if (maxKeyOpen !== null && Buffer.compare(key, maxKeyOpen) >= 0) {
    errs.push(`key[${index}]=(hex)${hex(key)} on ${pageType} page(${pgId}) needs to be < than key of the next element in ancestor (hex)${hex(previousKey)}. Pages stack: ${stackText(stack)}`);
  }
}
