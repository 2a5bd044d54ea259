/**
 * etcd's mvcc encoding in the `key` bucket: keys are revisions, 8-byte
 * big-endian main, `_`, 8-byte big-endian sub, and a tombstone (a deletion)
 * has one more byte, `t`; values are mvccpb.KeyValue messages, whose field 1
 * is the user's key.
 */
import { readFields } from '../proto/wire.js';

/** A revision key's length, and a tombstone's (revBytesLen, markedRevBytesLen). */
export const REV_BYTES = 17;
export const MARKED_REV_BYTES = 18;

/** mvcc.IsTombstone. */
export function isTombstone(k: Buffer): boolean {
  return k.length === MARKED_REV_BYTES && k[REV_BYTES] === 0x74;
}

/** The main revision of a revision key (its first 8 bytes); undefined when the key is shorter. */
export function revMain(k: Buffer): bigint | undefined {
  return k.length >= 8 ? k.readBigInt64BE(0) : undefined;
}

/** The sub revision of a revision key (bytes 9..16); undefined when the key is shorter. */
export function revSub(k: Buffer): bigint | undefined {
  return k.length >= REV_BYTES ? k.readBigInt64BE(9) : undefined;
}

/**
 * The user's key in an mvccpb.KeyValue (field 1), a view of `value`;
 * undefined when the message does not read. etcd writes the key first, so
 * that case is read without the general wire reader.
 */
export function kvKey(value: Buffer): Buffer | undefined {
  if (value.length >= 2 && value[0] === 0x0a) {
    let len = 0;
    let pos = 1;
    for (let shift = 0; pos < value.length && shift < 35; shift += 7) {
      const b = value[pos++];
      len += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return pos + len <= value.length ? value.subarray(pos, pos + len) : undefined;
    }
    return undefined;
  }
  const read = readFields(value);
  if (read.rest) return undefined;
  // The last occurrence wins, as in Go's protobuf decoding; absent means an empty key.
  let key: Buffer = Buffer.alloc(0);
  for (const f of read.fields) if (f.field === 1 && f.wire === 'bytes') key = f.bytes;
  return key;
}
