/**
 * The few protobuf messages a restore writes into the WAL and the .snap file
 * (raftpb, walpb, snappb, etcdserverpb.Metadata), encoded as etcd's gogoproto
 * proto2 code does: non-nullable scalar fields always present (zeros too), in
 * field order; optional bytes only when set; repeated uint64 not packed.
 * Byte-for-byte what etcd writes, so the CRCs agree as well.
 */

import { readFields } from '../proto/wire.js';

const WT_VARINT = 0;
const WT_LEN = 2;

/** A small protobuf writer. */
export class PbWriter {
  private readonly parts: Buffer[] = [];

  private varintRaw(v: bigint): void {
    const bytes: number[] = [];
    let x = BigInt.asUintN(64, v);
    do {
      let b = Number(x & 0x7fn);
      x >>= 7n;
      if (x > 0n) b |= 0x80;
      bytes.push(b);
    } while (x > 0n);
    this.parts.push(Buffer.from(bytes));
  }

  private tag(field: number, wt: number): void {
    this.varintRaw(BigInt((field << 3) | wt));
  }

  /** A varint field, written even when zero (gogo non-nullable). */
  varint(field: number, v: bigint | number | boolean): this {
    this.tag(field, WT_VARINT);
    this.varintRaw(typeof v === 'boolean' ? (v ? 1n : 0n) : BigInt(v));
    return this;
  }

  bytes(field: number, b: Uint8Array | undefined): this {
    if (b === undefined) return this;
    this.tag(field, WT_LEN);
    this.varintRaw(BigInt(b.length));
    this.parts.push(Buffer.from(b));
    return this;
  }

  finish(): Buffer {
    return Buffer.concat(this.parts);
  }
}

export const EntryType = { Normal: 0, ConfChange: 1 } as const;
export const ConfChangeType = { AddNode: 0 } as const;
export const RecordType = { Metadata: 1, Entry: 2, State: 3, Crc: 4, Snapshot: 5 } as const;

/** etcdserverpb.Metadata {NodeID, ClusterID}. */
export function encodeMetadata(nodeId: bigint, clusterId: bigint): Buffer {
  return new PbWriter().varint(1, nodeId).varint(2, clusterId).finish();
}

/** raftpb.ConfState {voters..., auto_leave}. */
export function encodeConfState(voters: bigint[]): Buffer {
  const w = new PbWriter();
  for (const v of voters) w.varint(1, v);
  return w.varint(5, false).finish();
}

/** walpb.Snapshot {index, term, conf_state?}. */
export function encodeWalSnapshot(index: bigint, term: bigint, confState?: Buffer): Buffer {
  return new PbWriter().varint(1, index).varint(2, term).bytes(3, confState).finish();
}

/** raftpb.ConfChange {ID, Type, NodeID, Context}. */
export function encodeConfChange(type: number, nodeId: bigint, context: Buffer | undefined): Buffer {
  return new PbWriter().varint(1, 0n).varint(2, type).varint(3, nodeId).bytes(4, context).finish();
}

/** raftpb.Entry {Type, Term, Index, Data}. */
export function encodeEntry(type: number, term: bigint, index: bigint, data: Buffer | undefined): Buffer {
  return new PbWriter().varint(1, type).varint(2, term).varint(3, index).bytes(4, data).finish();
}

/** raftpb.HardState {term, vote, commit}. */
export function encodeHardState(term: bigint, vote: bigint, commit: bigint): Buffer {
  return new PbWriter().varint(1, term).varint(2, vote).varint(3, commit).finish();
}

/** walpb.Record {type, crc, data?}. */
export function encodeRecord(type: number, crc: number, data: Buffer | undefined): Buffer {
  return new PbWriter().varint(1, type).varint(2, crc).bytes(3, data).finish();
}

/** raftpb.Snapshot {data, metadata{conf_state, index, term}}. */
export function encodeRaftSnapshot(data: Buffer, confState: Buffer, index: bigint, term: bigint): Buffer {
  const metadata = new PbWriter().bytes(1, confState).varint(2, index).varint(3, term).finish();
  return new PbWriter().bytes(1, data).bytes(2, metadata).finish();
}

/** snappb.Snapshot {crc, data}. */
export function encodeSnapFile(crc: number, data: Buffer): Buffer {
  return new PbWriter().varint(1, crc).bytes(2, data).finish();
}

// ---- decoding (tests and checks) ----

export interface PbField {
  field: number;
  wt: number;
  /** varint value, or undefined for length-delimited fields. */
  value?: bigint;
  bytes?: Buffer;
}

/** Splits a message into its fields, in order (varint and length-delimited only); throws on anything else. */
export function decodeFields(buf: Buffer): PbField[] {
  const { fields, rest } = readFields(buf);
  if (rest) throw new Error(`protobuf: ${rest.error}`);
  return fields.map((f) => {
    if (f.wire === 'varint') return { field: f.field, wt: WT_VARINT, value: f.value };
    if (f.wire === 'bytes') return { field: f.field, wt: WT_LEN, bytes: f.bytes };
    throw new Error(`protobuf: unsupported wire type ${f.wire}`);
  });
}
