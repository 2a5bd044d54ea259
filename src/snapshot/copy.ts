/**
 * Copying a bbolt db into a fresh, compact one: the source's top-level
 * buckets read in order (BucketReader), pages written to a file in large
 * writes (FileOut). `snapshot restore` copies with the membership replaced;
 * offline defrag copies everything as it is. Both read the source page by
 * page and write page by page, so memory stays small whatever the size.
 */
import fs from 'node:fs';
import { IntegrityError, TreeWalker, bucketRoot, forEachInline, openBolt, type BoltDb } from './bbolt.js';
import type { PageOut } from './bbolt-writer.js';
import type { ByteSource } from './source.js';

/** Writes pages to a file, gathering consecutive ones into large writes. */
export class FileOut implements PageOut {
  private buf = Buffer.allocUnsafe(1 << 20);
  private start = 0;
  private len = 0;

  constructor(private readonly fd: number) {}

  private flush(): void {
    let off = 0;
    while (off < this.len) off += fs.writeSync(this.fd, this.buf, off, this.len - off, this.start + off);
    this.start += this.len;
    this.len = 0;
  }

  writeAt(data: Buffer, pos: number): void {
    if (pos !== this.start + this.len || this.len + data.length > this.buf.length) {
      this.flush();
      this.start = pos;
    }
    if (data.length > this.buf.length) {
      let off = 0;
      while (off < data.length) off += fs.writeSync(this.fd, data, off, data.length - off, pos + off);
      this.start = pos + data.length;
      return;
    }
    data.copy(this.buf, this.len);
    this.len += data.length;
  }

  close(): void {
    this.flush();
  }
}

/** Bucket names are bytes; they are handled as latin1 strings (one char per byte), ordered as bytes. */
export const bucketName = (name: string) => Buffer.from(name, 'latin1');
export const byBytes = (a: string, b: string) => Buffer.compare(bucketName(a), bucketName(b));

/**
 * The top-level buckets of a db, for copying: their names, and their
 * key/value pairs on demand, walked with bbolt's integrity checks. What
 * cannot be copied (a record of the root that is no bucket, a nested bucket,
 * which etcd never writes, a malformed inline bucket) is collected in
 * `problems`; the walk's own findings in `walker.errors`.
 */
export class BucketReader {
  readonly db: BoltDb;
  readonly walker: TreeWalker;
  /** The buckets' names in stored (byte) order. */
  readonly names: string[];
  readonly problems: string[] = [];
  private readonly records = new Map<string, { value: Buffer; flags: number }>();

  constructor(src: ByteSource) {
    this.db = openBolt(src);
    this.walker = new TreeWalker(this.db);
    const names: string[] = [];
    this.walker.walkBucket(this.db.meta.root, (k, v, f) => {
      const name = k.toString('latin1');
      names.push(name);
      this.records.set(name, { value: Buffer.from(v), flags: f });
    }, false);
    if (this.walker.errors.length > 0) throw new IntegrityError(this.walker.errors);
    this.names = names;
  }

  has(name: string): boolean {
    return this.records.has(name);
  }

  /** Calls fn for each pair of bucket `name`, in key order (none when there is no such bucket). */
  each(name: string, fn: (key: Buffer, value: Buffer) => void): void {
    const t = this.records.get(name);
    if (!t) return;
    const rec = t.flags & 1 ? bucketRoot(t.value) : undefined;
    if (!rec) {
      this.problems.push(`${JSON.stringify(name)} is not a bucket`);
      return;
    }
    const visit = (k: Buffer, v: Buffer, f: number) => {
      if (f & 1) this.problems.push(`bucket ${JSON.stringify(name)} holds a nested bucket, which etcd never writes`);
      else fn(k, v);
    };
    if (rec.root === 0) {
      const err = forEachInline(rec.inline!, visit);
      if (err) this.problems.push(`bucket ${JSON.stringify(name)}: ${err}`);
    } else {
      this.walker.walkBucket(rec.root, visit, true);
    }
  }

  /** Throws IntegrityError when the walk found damage; returns the other problems (none: the copy is whole). */
  check(): string[] {
    if (this.walker.errors.length > 0) throw new IntegrityError(this.walker.errors);
    return this.problems;
  }
}
