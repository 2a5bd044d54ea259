// Protobuf wire codec driven by the precompiled schema in schema.gen.ts.
// No run-time dependencies: nothing parses .proto text when the CLI starts.
//
// Decoded representation (the printers rely on it):
//   - keys are the proto field names exactly as written (cluster_id, peerURLs, ID)
//   - int64 / uint64 / sint64 / fixed64 / sfixed64 -> bigint
//   - int32 / uint32 / sint32 / fixed32 / sfixed32 / enum -> number; float / double -> number
//   - bool -> boolean, string -> string, bytes -> Buffer
//   - every scalar and repeated field is present, with its proto3 zero value
//     when it was not on the wire (0n, 0, false, '', empty Buffer, [])
//   - a singular sub-message field is absent (undefined) unless it was on the
//     wire; when it was, it is an object, even if that object is empty
//   - of a oneof, only the member that was on the wire is set; the other
//     members are absent (undefined)
//
// Encoding accepts the same shape and is lenient about input types; see encode().

import { MESSAGES, ENUMS, METHODS } from './schema.gen.js';
import type { FieldKind, FieldSchema, MessageSchema, EnumSchema, MethodSchema } from './schema.gen.js';

export { MESSAGES, ENUMS, METHODS };
export type { FieldKind, FieldSchema, MessageSchema, EnumSchema, MethodSchema };

// Wire types.
const WT_VARINT = 0;
const WT_FIXED64 = 1;
const WT_LEN = 2;
const WT_START_GROUP = 3;
const WT_END_GROUP = 4;
const WT_FIXED32 = 5;

const MAX_U64 = (1n << 64n) - 1n;
const MIN_I64 = -(1n << 63n);

/** The scalar types whose JS value is a bigint. */
const INT64_TYPES = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);

// ---------------------------------------------------------------------------
// Schema lookup

/** Returns the schema of a message type, e.g. getMessageSchema('etcdserverpb.RangeResponse'). */
export function getMessageSchema(typeName: string): MessageSchema {
  if (!Object.hasOwn(MESSAGES, typeName)) {
    throw new Error(`unknown protobuf message type: ${typeName}`);
  }
  return MESSAGES[typeName];
}

/** Returns the schema of an enum type, e.g. getEnumSchema('mvccpb.Event.EventType'). */
export function getEnumSchema(typeName: string): EnumSchema {
  if (!Object.hasOwn(ENUMS, typeName)) {
    throw new Error(`unknown protobuf enum type: ${typeName}`);
  }
  return ENUMS[typeName];
}

/** Returns a gRPC method by its path, e.g. getMethodSchema('/etcdserverpb.KV/Range'). */
export function getMethodSchema(path: string): MethodSchema {
  if (!Object.hasOwn(METHODS, path)) {
    throw new Error(`unknown gRPC method: ${path}`);
  }
  return METHODS[path];
}

/** Name of an enum value (e.g. 'DELETE' for mvccpb.Event.EventType 1), or undefined if unknown. */
export function enumValueName(enumType: string, value: number): string | undefined {
  for (const [name, n] of getEnumSchema(enumType).values) {
    if (n === value) return name;
  }
  return undefined;
}

/** True when the scalar type is represented by a bigint. */
export function isInt64Type(scalarType: string): boolean {
  return INT64_TYPES.has(scalarType);
}

// ---------------------------------------------------------------------------
// Run-time view of a message schema, built on first use and cached.

interface RtField {
  readonly name: string;
  readonly no: number;
  readonly kind: FieldKind;
  readonly type: string;
  readonly repeated: boolean;
  readonly oneof: string | undefined;
  /** Wire type of one (unpacked) value. */
  readonly wireType: number;
  /** Repeated numeric / bool / enum values are written packed and may arrive either way. */
  readonly packable: boolean;
  /** Other members of the same oneof (empty when not in a oneof). */
  siblings: RtField[];
  /** Sub-message view, resolved lazily (messages may refer to each other). */
  sub: RtMessage | undefined;
}

interface RtMessage {
  readonly name: string;
  /** Declaration order. */
  readonly fields: RtField[];
  /** Field-number order, used when encoding. */
  readonly byNumberOrder: RtField[];
  readonly byNumber: Map<number, RtField>;
  readonly byName: Map<string, RtField>;
}

const rtCache = new Map<string, RtMessage>();

function wireTypeOf(kind: FieldKind, type: string): number {
  if (kind === 'message') return WT_LEN;
  if (kind === 'enum') return WT_VARINT;
  switch (type) {
    case 'string':
    case 'bytes':
      return WT_LEN;
    case 'fixed64':
    case 'sfixed64':
    case 'double':
      return WT_FIXED64;
    case 'fixed32':
    case 'sfixed32':
    case 'float':
      return WT_FIXED32;
    default:
      return WT_VARINT;
  }
}

function rtMessage(typeName: string): RtMessage {
  const cached = rtCache.get(typeName);
  if (cached !== undefined) return cached;

  const schema = getMessageSchema(typeName);
  const fields: RtField[] = schema.fields.map((f) => {
    const wireType = wireTypeOf(f.kind, f.type);
    return {
      name: f.name,
      no: f.no,
      kind: f.kind,
      type: f.type,
      repeated: f.repeated === true,
      oneof: f.oneof,
      wireType,
      packable: f.repeated === true && wireType !== WT_LEN,
      siblings: [],
      sub: undefined,
    };
  });
  for (const f of fields) {
    if (f.oneof !== undefined) {
      f.siblings = fields.filter((g) => g.oneof === f.oneof && g !== f);
    }
  }
  const rt: RtMessage = {
    name: schema.name,
    fields,
    byNumberOrder: [...fields].sort((a, b) => a.no - b.no),
    byNumber: new Map(fields.map((f) => [f.no, f])),
    byName: new Map(fields.map((f) => [f.name, f])),
  };
  rtCache.set(typeName, rt);
  return rt;
}

function subMessage(f: RtField): RtMessage {
  if (f.sub === undefined) f.sub = rtMessage(f.type);
  return f.sub;
}

// ---------------------------------------------------------------------------
// Zero values

function scalarZero(f: RtField): unknown {
  if (f.kind === 'enum') return 0;
  switch (f.type) {
    case 'int64':
    case 'uint64':
    case 'sint64':
    case 'fixed64':
    case 'sfixed64':
      return 0n;
    case 'bool':
      return false;
    case 'string':
      return '';
    case 'bytes':
      return Buffer.alloc(0);
    default:
      return 0;
  }
}

/** A new object with every scalar and repeated field at its zero value. */
function newMessageObject(m: RtMessage): Record<string, unknown> {
  const obj: Record<string, unknown> = {};
  for (const f of m.fields) {
    if (f.repeated) obj[f.name] = [];
    else if (f.kind !== 'message' && f.oneof === undefined) obj[f.name] = scalarZero(f);
  }
  return obj;
}

// ---------------------------------------------------------------------------
// Decoding

class Reader {
  pos: number;
  // Halves of the last varint read by varint(): low and high 32 bits, unsigned.
  lo = 0;
  hi = 0;

  constructor(
    readonly buf: Buffer,
    pos: number,
  ) {
    this.pos = pos;
  }

  private byte(end: number): number {
    if (this.pos >= end) throw new Error('protobuf: truncated message');
    return this.buf[this.pos++];
  }

  /** Reads a varint of up to 10 bytes into this.lo / this.hi (bits above 64 are dropped). */
  varint(end: number): void {
    let lo = 0;
    let hi = 0;
    let b: number;
    for (let i = 0; i < 4; i++) {
      b = this.byte(end);
      lo |= (b & 0x7f) << (7 * i);
      if (b < 0x80) {
        this.lo = lo >>> 0;
        this.hi = 0;
        return;
      }
    }
    // Fifth byte: 4 bits finish the low word, 3 bits start the high word.
    b = this.byte(end);
    lo |= (b & 0x0f) << 28;
    hi = (b & 0x7f) >> 4;
    if (b < 0x80) {
      this.lo = lo >>> 0;
      this.hi = hi >>> 0;
      return;
    }
    for (let i = 0; i < 5; i++) {
      b = this.byte(end);
      hi |= (b & 0x7f) << (7 * i + 3);
      if (b < 0x80) {
        this.lo = lo >>> 0;
        this.hi = hi >>> 0;
        return;
      }
    }
    throw new Error('protobuf: varint longer than 10 bytes');
  }

  /** A varint used as a length or tag: must fit in a safe non-negative number. */
  uint32(end: number): number {
    this.varint(end);
    if (this.hi !== 0) throw new Error('protobuf: length or tag out of range');
    return this.lo;
  }

  /** Reads a length prefix and returns the end offset of the delimited bytes. */
  delimitedEnd(end: number): number {
    const len = this.uint32(end);
    const stop = this.pos + len;
    if (stop > end) throw new Error('protobuf: truncated message');
    return stop;
  }

  skip(n: number, end: number): void {
    if (this.pos + n > end) throw new Error('protobuf: truncated message');
    this.pos += n;
  }
}

function u64FromParts(lo: number, hi: number): bigint {
  if (hi === 0) return BigInt(lo);
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** Reads one non-delimited or delimited scalar value of field f. */
function readScalar(f: RtField, r: Reader, end: number): unknown {
  if (f.kind === 'enum') {
    r.varint(end);
    return r.lo | 0;
  }
  switch (f.type) {
    case 'int64':
      r.varint(end);
      return BigInt.asIntN(64, u64FromParts(r.lo, r.hi));
    case 'uint64':
      r.varint(end);
      return u64FromParts(r.lo, r.hi);
    case 'sint64': {
      r.varint(end);
      const u = u64FromParts(r.lo, r.hi);
      return (u >> 1n) ^ -(u & 1n);
    }
    case 'int32':
      r.varint(end);
      return r.lo | 0;
    case 'uint32':
      r.varint(end);
      return r.lo;
    case 'sint32':
      r.varint(end);
      return (r.lo >>> 1) ^ -(r.lo & 1);
    case 'bool':
      r.varint(end);
      return r.lo !== 0 || r.hi !== 0;
    case 'fixed64': {
      const at = r.pos;
      r.skip(8, end);
      return r.buf.readBigUInt64LE(at);
    }
    case 'sfixed64': {
      const at = r.pos;
      r.skip(8, end);
      return r.buf.readBigInt64LE(at);
    }
    case 'double': {
      const at = r.pos;
      r.skip(8, end);
      return r.buf.readDoubleLE(at);
    }
    case 'fixed32': {
      const at = r.pos;
      r.skip(4, end);
      return r.buf.readUInt32LE(at);
    }
    case 'sfixed32': {
      const at = r.pos;
      r.skip(4, end);
      return r.buf.readInt32LE(at);
    }
    case 'float': {
      const at = r.pos;
      r.skip(4, end);
      return r.buf.readFloatLE(at);
    }
    case 'string': {
      const stop = r.delimitedEnd(end);
      // Invalid UTF-8 sequences become U+FFFD.
      const s = r.buf.toString('utf8', r.pos, stop);
      r.pos = stop;
      return s;
    }
    case 'bytes': {
      const stop = r.delimitedEnd(end);
      // Copy, so the result does not keep the whole input buffer alive.
      const b = Buffer.from(r.buf.subarray(r.pos, stop));
      r.pos = stop;
      return b;
    }
    default:
      throw new Error(`protobuf: unsupported scalar type ${f.type}`);
  }
}

/** Skips a field of unknown number. The tag has already been read. */
function skipField(r: Reader, wireType: number, fieldNo: number, end: number): void {
  switch (wireType) {
    case WT_VARINT:
      r.varint(end);
      return;
    case WT_FIXED64:
      r.skip(8, end);
      return;
    case WT_LEN:
      r.pos = r.delimitedEnd(end);
      return;
    case WT_FIXED32:
      r.skip(4, end);
      return;
    case WT_START_GROUP:
      for (;;) {
        const tag = r.uint32(end);
        const wt = tag & 7;
        const no = tag >>> 3;
        if (wt === WT_END_GROUP) {
          if (no !== fieldNo) throw new Error('protobuf: mismatched end group');
          return;
        }
        skipField(r, wt, no, end);
      }
    default:
      throw new Error(`protobuf: unexpected wire type ${wireType}`);
  }
}

function decodeInto(m: RtMessage, obj: Record<string, unknown>, r: Reader, end: number): void {
  while (r.pos < end) {
    const tag = r.uint32(end);
    const no = tag >>> 3;
    const wt = tag & 7;
    if (no === 0) throw new Error('protobuf: field number 0');
    const f = m.byNumber.get(no);
    if (f === undefined) {
      skipField(r, wt, no, end);
      continue;
    }

    if (f.repeated) {
      const list = obj[f.name] as unknown[];
      if (wt === WT_LEN && f.packable) {
        const stop = r.delimitedEnd(end);
        while (r.pos < stop) list.push(readScalar(f, r, stop));
      } else if (wt !== f.wireType) {
        throw new Error(`protobuf: ${m.name}.${f.name}: wrong wire type ${wt}`);
      } else if (f.kind === 'message') {
        const stop = r.delimitedEnd(end);
        const sm = subMessage(f);
        const item = newMessageObject(sm);
        decodeInto(sm, item, r, stop);
        list.push(item);
      } else {
        list.push(readScalar(f, r, end));
      }
      continue;
    }

    if (wt !== f.wireType) {
      throw new Error(`protobuf: ${m.name}.${f.name}: wrong wire type ${wt}`);
    }
    if (f.kind === 'message') {
      const stop = r.delimitedEnd(end);
      const sm = subMessage(f);
      // A repeated occurrence of a singular message field merges into the first.
      let target = obj[f.name] as Record<string, unknown> | undefined;
      if (target === undefined) {
        target = newMessageObject(sm);
        obj[f.name] = target;
      }
      decodeInto(sm, target, r, stop);
    } else {
      obj[f.name] = readScalar(f, r, end);
    }
    for (const other of f.siblings) {
      if (other.name in obj) delete obj[other.name];
    }
  }
  if (r.pos !== end) throw new Error('protobuf: truncated message');
}

/**
 * Decodes a protobuf message. typeName is fully qualified without a leading
 * dot, e.g. 'etcdserverpb.RangeResponse'. See the top of this file for the
 * shape of the result.
 */
export function decode(typeName: string, bytes: Uint8Array): any {
  const m = rtMessage(typeName);
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const obj = newMessageObject(m);
  decodeInto(m, obj, new Reader(buf, 0), buf.length);
  return obj;
}

// ---------------------------------------------------------------------------
// Encoding

class Writer {
  buf: Buffer;
  len = 0;

  constructor(size = 64) {
    this.buf = Buffer.allocUnsafe(size);
  }

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }

  /** Unsigned varint of a value below 2^32. */
  uint32(v: number): void {
    this.reserve(5);
    while (v > 0x7f) {
      this.buf[this.len++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[this.len++] = v;
  }

  /** Varint of a 64-bit value given as unsigned low and high 32-bit halves. */
  varint64(lo: number, hi: number): void {
    this.reserve(10);
    while (hi !== 0) {
      this.buf[this.len++] = (lo & 0x7f) | 0x80;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    while (lo > 0x7f) {
      this.buf[this.len++] = (lo & 0x7f) | 0x80;
      lo >>>= 7;
    }
    this.buf[this.len++] = lo;
  }

  /** Varint of an unsigned 64-bit bigint (0 <= v < 2^64). */
  varintBig(v: bigint): void {
    this.varint64(Number(v & 0xffffffffn), Number(v >> 32n));
  }

  tag(no: number, wireType: number): void {
    this.uint32(((no << 3) | wireType) >>> 0);
  }

  raw(src: Uint8Array): void {
    this.reserve(src.length);
    this.buf.set(src, this.len);
    this.len += src.length;
  }

  fixed32(v: number, signed: boolean): void {
    this.reserve(4);
    if (signed) this.buf.writeInt32LE(v, this.len);
    else this.buf.writeUInt32LE(v, this.len);
    this.len += 4;
  }

  fixed64(v: bigint, signed: boolean): void {
    this.reserve(8);
    if (signed) this.buf.writeBigInt64LE(v, this.len);
    else this.buf.writeBigUInt64LE(v, this.len);
    this.len += 8;
  }

  float(v: number): void {
    this.reserve(4);
    this.buf.writeFloatLE(v, this.len);
    this.len += 4;
  }

  double(v: number): void {
    this.reserve(8);
    this.buf.writeDoubleLE(v, this.len);
    this.len += 8;
  }

  finish(): Buffer {
    return this.buf.subarray(0, this.len);
  }
}

function where(m: RtMessage, f: RtField): string {
  return `${m.name}.${f.name}`;
}

/** Any accepted 64-bit input (bigint, safe integer number, decimal string) as a bigint. */
function toBigInt(v: unknown, m: RtMessage, f: RtField): bigint {
  let b: bigint;
  if (typeof v === 'bigint') {
    b = v;
  } else if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) {
      throw new TypeError(`${where(m, f)}: ${v} is not a safe integer; pass a bigint or a decimal string`);
    }
    b = BigInt(v);
  } else if (typeof v === 'string' && /^-?\d+$/.test(v)) {
    b = BigInt(v);
  } else {
    throw new TypeError(`${where(m, f)}: expected a 64-bit integer, got ${describe(v)}`);
  }
  if (b < MIN_I64 || b > MAX_U64) {
    throw new RangeError(`${where(m, f)}: ${b} does not fit in 64 bits`);
  }
  return b;
}

/** Any accepted 32-bit / enum / float input as a number. */
function toNumber(v: unknown, m: RtMessage, f: RtField): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    if (f.kind === 'enum') {
      for (const [name, n] of getEnumSchema(f.type).values) {
        if (name === v) return n;
      }
      throw new TypeError(`${where(m, f)}: ${JSON.stringify(v)} is not a value of ${f.type}`);
    }
    if (v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  }
  throw new TypeError(`${where(m, f)}: expected a number, got ${describe(v)}`);
}

function toBytes(v: unknown, m: RtMessage, f: RtField): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (typeof v === 'string') return Buffer.from(v, 'utf8');
  throw new TypeError(`${where(m, f)}: expected bytes (Uint8Array or string), got ${describe(v)}`);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/** True when v is the proto3 zero value of the (singular, scalar or enum) field f. */
function isZeroScalar(v: unknown, m: RtMessage, f: RtField): boolean {
  if (f.kind === 'enum') return toNumber(v, m, f) === 0;
  switch (f.type) {
    case 'int64':
    case 'uint64':
    case 'sint64':
    case 'fixed64':
    case 'sfixed64':
      return toBigInt(v, m, f) === 0n;
    case 'bool':
      return !v;
    case 'string':
      if (typeof v !== 'string') throw new TypeError(`${where(m, f)}: expected a string, got ${describe(v)}`);
      return v === '';
    case 'bytes':
      return toBytes(v, m, f).length === 0;
    default: {
      const n = toNumber(v, m, f);
      // -0 is not the zero value on the wire for floating point.
      return n === 0 && !Object.is(n, -0);
    }
  }
}

/** Writes one scalar or enum value (no tag). */
function writeScalar(w: Writer, v: unknown, m: RtMessage, f: RtField): void {
  if (f.kind === 'enum') {
    writeInt32(w, toNumber(v, m, f));
    return;
  }
  switch (f.type) {
    case 'int64':
    case 'uint64':
      w.varintBig(BigInt.asUintN(64, toBigInt(v, m, f)));
      return;
    case 'sint64': {
      const b = BigInt.asIntN(64, toBigInt(v, m, f));
      w.varintBig(BigInt.asUintN(64, (b << 1n) ^ (b >> 63n)));
      return;
    }
    case 'fixed64':
      w.fixed64(BigInt.asUintN(64, toBigInt(v, m, f)), false);
      return;
    case 'sfixed64':
      w.fixed64(BigInt.asIntN(64, toBigInt(v, m, f)), true);
      return;
    case 'int32':
      writeInt32(w, toNumber(v, m, f));
      return;
    case 'uint32':
      w.uint32(toNumber(v, m, f) >>> 0);
      return;
    case 'sint32': {
      const n = toNumber(v, m, f) | 0;
      w.uint32(((n << 1) ^ (n >> 31)) >>> 0);
      return;
    }
    case 'bool':
      w.uint32(v ? 1 : 0);
      return;
    case 'fixed32':
      w.fixed32(toNumber(v, m, f) >>> 0, false);
      return;
    case 'sfixed32':
      w.fixed32(toNumber(v, m, f) | 0, true);
      return;
    case 'float':
      w.float(toNumber(v, m, f));
      return;
    case 'double':
      w.double(toNumber(v, m, f));
      return;
    case 'string': {
      if (typeof v !== 'string') throw new TypeError(`${where(m, f)}: expected a string, got ${describe(v)}`);
      const b = Buffer.from(v, 'utf8');
      w.uint32(b.length);
      w.raw(b);
      return;
    }
    case 'bytes': {
      const b = toBytes(v, m, f);
      w.uint32(b.length);
      w.raw(b);
      return;
    }
    default:
      throw new Error(`protobuf: unsupported scalar type ${f.type}`);
  }
}

/** int32 and enums: negative values are sign-extended to a 10-byte varint. */
function writeInt32(w: Writer, n: number): void {
  n |= 0;
  if (n >= 0) w.uint32(n);
  else w.varint64(n >>> 0, 0xffffffff);
}

function writeSubMessage(w: Writer, v: unknown, m: RtMessage, f: RtField): void {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Uint8Array) {
    throw new TypeError(`${where(m, f)}: expected an object, got ${describe(v)}`);
  }
  const sub = new Writer();
  encodeInto(subMessage(f), v as Record<string, unknown>, sub);
  w.uint32(sub.len);
  w.raw(sub.finish());
}

function encodeInto(m: RtMessage, msg: Record<string, unknown>, w: Writer): void {
  // Catch misspelt field names (rangeEnd for range_end) instead of dropping them.
  for (const key of Object.keys(msg)) {
    if (msg[key] !== undefined && !m.byName.has(key)) {
      throw new Error(`${m.name} has no field "${key}"`);
    }
  }

  const oneofsDone = new Set<string>();
  for (const f of m.byNumberOrder) {
    const v = msg[f.name];
    if (v === undefined || v === null) continue;

    if (f.repeated) {
      if (!Array.isArray(v)) throw new TypeError(`${where(m, f)}: expected an array, got ${describe(v)}`);
      if (v.length === 0) continue;
      if (f.packable) {
        const packed = new Writer();
        for (const item of v) writeScalar(packed, item, m, f);
        w.tag(f.no, WT_LEN);
        w.uint32(packed.len);
        w.raw(packed.finish());
      } else {
        for (const item of v) {
          if (item === undefined || item === null) {
            throw new TypeError(`${where(m, f)}: null or undefined list element`);
          }
          w.tag(f.no, f.wireType);
          if (f.kind === 'message') writeSubMessage(w, item, m, f);
          else writeScalar(w, item, m, f);
        }
      }
      continue;
    }

    if (f.oneof !== undefined) {
      // A set oneof member is always written, even when it holds a zero value.
      // If several members are set, the one with the lowest number wins.
      if (oneofsDone.has(f.oneof)) continue;
      oneofsDone.add(f.oneof);
    } else if (f.kind !== 'message' && isZeroScalar(v, m, f)) {
      continue;
    }

    w.tag(f.no, f.wireType);
    if (f.kind === 'message') writeSubMessage(w, v, m, f);
    else writeScalar(w, v, m, f);
  }
}

/**
 * Encodes a message. Fields are written in field-number order; zero values
 * are left out (proto3), except for a set oneof member and a present
 * sub-message, which is written even when empty.
 *
 * Accepted inputs: 64-bit fields take a bigint, a safe-integer number or a
 * decimal string; bytes fields take a Uint8Array/Buffer or a string (UTF-8);
 * enum fields take a number or a value name; missing, undefined and null
 * fields count as absent. A key that is not a field of the message throws.
 */
export function encode(typeName: string, msg: any): Buffer {
  const m = rtMessage(typeName);
  if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) {
    throw new TypeError(`${typeName}: expected an object, got ${describe(msg)}`);
  }
  const w = new Writer();
  encodeInto(m, msg as Record<string, unknown>, w);
  return w.finish();
}
