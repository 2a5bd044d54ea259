/**
 * etcd's write-ahead log: the records a restore writes, their framing and
 * their CRC chain, and a reader (for checks and tests).
 *
 * Frame: a little-endian u64 length word, the walpb.Record bytes, then zero
 * padding to a multiple of 8; when there is padding, the top byte of the
 * length word is 0x80 | pad. Every record's crc is the running CRC-32C of the
 * data of all records so far (a crc record carries the running value and adds
 * nothing). A segment is preallocated to 64 000 000 bytes of zeros; a reader
 * stops at a zero length word.
 */
import { crc32c } from './crc32c.js';
import {
  ConfChangeType, EntryType, RecordType, decodeFields, encodeConfChange, encodeConfState, encodeEntry, encodeHardState,
  encodeMetadata, encodeRecord, encodeWalSnapshot,
} from './raftpb.js';
import type { Member } from './cluster.js';
import { memberJSON } from './snapfile.js';

export const SEGMENT_SIZE = 64 * 1000 * 1000;
/** The file name of a segment: `<seq %016x>-<first index %016x>.wal`. */
export function walName(seq: bigint, index: bigint): string {
  return `${seq.toString(16).padStart(16, '0')}-${index.toString(16).padStart(16, '0')}.wal`;
}

/** Frames one record. */
export function frame(record: Buffer): Buffer {
  const pad = (8 - (record.length % 8)) % 8;
  const out = Buffer.alloc(8 + record.length + pad);
  let len = BigInt(record.length);
  if (pad !== 0) len |= BigInt(0x80 | pad) << 56n;
  out.writeBigUInt64LE(len, 0);
  record.copy(out, 8);
  return out;
}

/** Encodes records with the running CRC, as etcd's WAL encoder does. */
export class WalEncoder {
  crc = 0;
  readonly frames: Buffer[] = [];

  constructor(prevCrc = 0) {
    this.crc = prevCrc;
  }

  add(type: number, data?: Buffer): void {
    if (data) this.crc = crc32c(data, this.crc);
    this.frames.push(frame(encodeRecord(type, this.crc, data)));
  }

  bytes(): Buffer {
    return Buffer.concat(this.frames);
  }
}

/**
 * The records of a restored member's WAL, in three groups as etcd writes (and
 * syncs) them: the creation (crc, metadata, an empty snapshot), one
 * ConfChange entry per member and the hard state, and the snapshot at index N
 * with the voters ([3.5+]).
 */
export function restoreWal(self: Member, clusterId: bigint, members: Member[]): Buffer[] {
  const enc = new WalEncoder(0);
  const N = BigInt(members.length);
  enc.add(RecordType.Crc);
  enc.add(RecordType.Metadata, encodeMetadata(self.id, clusterId));
  enc.add(RecordType.Snapshot, encodeWalSnapshot(0n, 0n));
  const creation = enc.bytes();
  enc.frames.length = 0;
  members.forEach((m, i) => {
    const cc = encodeConfChange(ConfChangeType.AddNode, m.id, Buffer.from(memberJSON(m)));
    enc.add(RecordType.Entry, encodeEntry(EntryType.ConfChange, 1n, BigInt(i + 1), cc));
  });
  enc.add(RecordType.State, encodeHardState(1n, members[0].id, N));
  const entries = enc.bytes();
  enc.frames.length = 0;
  enc.add(RecordType.Snapshot, encodeWalSnapshot(N, 1n, encodeConfState(members.map((m) => m.id))));
  return [creation, entries, enc.bytes()];
}

export interface WalRecord {
  type: number;
  crc: number;
  data?: Buffer;
  /** Offset of the frame in the file. */
  offset: number;
}

/** Reads the records of a segment, checking framing and the CRC chain. */
export function readWal(buf: Buffer): WalRecord[] {
  const out: WalRecord[] = [];
  let pos = 0;
  let crc = 0;
  while (pos + 8 <= buf.length) {
    const word = buf.readBigUInt64LE(pos);
    if (word === 0n) break;
    const len = Number(word & 0x00ffffffffffffffn);
    const pad = word >> 63n ? Number((word >> 56n) & 7n) : 0;
    if (pos + 8 + len + pad > buf.length) throw new Error(`wal: record at ${pos} runs past the end`);
    const fields = decodeFields(buf.subarray(pos + 8, pos + 8 + len));
    const type = Number(fields.find((f) => f.field === 1)?.value ?? 0n);
    const rcrc = Number(fields.find((f) => f.field === 2)?.value ?? 0n);
    const data = fields.find((f) => f.field === 3)?.bytes;
    if (type === RecordType.Crc) {
      if (crc !== 0 && rcrc !== crc) throw new Error(`wal: crc record at ${pos} says ${rcrc.toString(16)}, expected ${crc.toString(16)}`);
      crc = rcrc;
    } else {
      crc = crc32c(data ?? Buffer.alloc(0), crc);
      if (rcrc !== crc) throw new Error(`wal: record at ${pos} has crc ${rcrc.toString(16)}, expected ${crc.toString(16)}`);
    }
    out.push({ type, crc: rcrc, data, offset: pos });
    pos += 8 + len + pad;
  }
  return out;
}
