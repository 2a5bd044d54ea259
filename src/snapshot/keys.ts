/**
 * The live keys of an etcd db file (a data dir's member/snap/db): each user
 * key's value at the last revision, read from the `key` bucket, where every
 * revision is an mvccpb.KeyValue (field 1 the key, field 5 the value) and a
 * deletion is a tombstone.
 */
import { readFields } from '../proto/wire.js';
import { BucketReader } from './copy.js';
import { isTombstone } from './mvcc.js';
import type { ByteSource } from './source.js';

/** Key → value at the last revision (keys as latin1 strings of their bytes). */
export function liveValues(src: ByteSource): Map<string, Buffer> {
  const reader = new BucketReader(src);
  const out = new Map<string, Buffer>();
  reader.each('key', (k, v) => {
    const read = readFields(v);
    let key: Buffer = Buffer.alloc(0);
    let value: Buffer = Buffer.alloc(0);
    for (const f of read.fields) {
      if (f.wire !== 'bytes') continue;
      if (f.field === 1) key = f.bytes;
      else if (f.field === 5) value = f.bytes;
    }
    const name = key.toString('latin1');
    if (isTombstone(k)) out.delete(name);
    else out.set(name, Buffer.from(value));
  });
  if (reader.problems.length > 0) throw new Error(reader.problems[0]);
  return out;
}
