/**
 * The protobuf wire reader for messages read without a schema (Kubernetes
 * values for get --decode, etcd's WAL records in src/snapshot/raftpb.ts): it
 * splits bytes into numbered fields and, on bad input, keeps what it read and
 * says where it stopped.
 */

export type WireField =
  /** A varint, unsigned as it is on the wire (a negative int64 shows as its 64-bit two's complement). */
  | { field: number; wire: 'varint'; value: bigint }
  | { field: number; wire: 'fixed64'; value: bigint }
  | { field: number; wire: 'fixed32'; value: number }
  | { field: number; wire: 'bytes'; bytes: Buffer };

export interface WireRead {
  fields: WireField[];
  /** The bytes from the first field that did not read, with the reason; absent when all of it read. */
  rest?: { offset: number; bytes: Buffer; error: string };
}

class Stop extends Error {}

/** Reads the fields of one message, stopping (not throwing) at the first one that is malformed. */
export function readFields(buf: Buffer): WireRead {
  const fields: WireField[] = [];
  let pos = 0;
  const varint = (): bigint => {
    let v = 0n;
    let shift = 0n;
    for (;;) {
      if (pos >= buf.length) throw new Stop('truncated varint');
      const b = buf[pos++];
      v |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return BigInt.asUintN(64, v);
      shift += 7n;
      if (shift > 63n) throw new Stop('varint longer than 10 bytes');
    }
  };
  const take = (n: number, what: string): Buffer => {
    if (pos + n > buf.length) throw new Stop(`truncated ${what}`);
    const out = buf.subarray(pos, pos + n);
    pos += n;
    return out;
  };
  while (pos < buf.length) {
    const start = pos;
    try {
      const key = varint();
      const field = Number(key >> 3n);
      const wt = Number(key & 7n);
      if (field === 0 || key >> 3n > 0x1fffffffn) throw new Stop(`invalid field number ${key >> 3n}`);
      switch (wt) {
        case 0:
          fields.push({ field, wire: 'varint', value: varint() });
          break;
        case 1:
          fields.push({ field, wire: 'fixed64', value: take(8, 'fixed64 field').readBigUInt64LE() });
          break;
        case 2: {
          const len = varint();
          if (len > BigInt(buf.length - pos)) throw new Stop('truncated length-delimited field');
          fields.push({ field, wire: 'bytes', bytes: take(Number(len), 'length-delimited field') });
          break;
        }
        case 5:
          fields.push({ field, wire: 'fixed32', value: take(4, 'fixed32 field').readUInt32LE() });
          break;
        default:
          throw new Stop(`unsupported wire type ${wt}`);
      }
    } catch (err) {
      if (!(err instanceof Stop)) throw err;
      return { fields, rest: { offset: start, bytes: buf.subarray(start), error: `${err.message} at byte ${start}` } };
    }
  }
  return { fields };
}
