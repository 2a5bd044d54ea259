// JSON output identical to Go's encoding/json.Marshal applied to the
// gogo-generated Go structs of etcd's messages, which is what etcdctl prints
// with `-w json`.
//
// The rules that Go's struct tags and encoder imply:
//   - keys are the proto field names, in .proto declaration order
//   - every field is `omitempty`: 0, false, "", empty bytes, empty lists and
//     absent sub-messages are left out; a present but empty sub-message is {}
//   - 64-bit integers are bare digits, enums are numbers, bytes are padded
//     standard base64 strings
//   - a oneof is one Go interface field named after the oneof in CamelCase
//     (oneof `response` -> "Response"), not omitempty (null when unset),
//     placed where its first member is declared. Its value is the Go wrapper
//     struct, whose single field carries the member's proto name as JSON tag
//     with omitempty: {"Response":{"response_put":{...}}}. A zero scalar
//     member therefore prints as {}.
//   - strings escaped like Go: see goString()

import { getMessageSchema, getEnumSchema, isInt64Type } from '../proto/schema.js';
import type { FieldSchema, MessageSchema } from '../proto/schema.js';

// ---------------------------------------------------------------------------
// Strings and bytes

// U+0008 and U+000C as \u0008 and \u000c: Go before 1.22 (the etcdctl 3.4
// builds, for instance); 1.22 and later write \b and \f.

const HEX = '0123456789abcdef';

function escapeCode(c: number): string {
  return '\\u' + HEX[(c >> 12) & 15] + HEX[(c >> 8) & 15] + HEX[(c >> 4) & 15] + HEX[c & 15];
}

/**
 * A JSON string literal (with the quotes) escaped the way Go's encoding/json
 * does: `"` and `\` backslash-escaped; \n \r \t short; other control
 * characters as \u00XX (lowercase hex); < > & as \u003c \u003e \u0026;
 * U+2028 / U+2029 as \u2028 / \u2029; a lone UTF-16 surrogate (which cannot
 * come from valid UTF-8) as \ufffd. Everything else is written as is.
 */
export function goString(s: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let esc: string | undefined;
    if (c < 0x20) {
      if (c === 0x0a) esc = '\\n';
      else if (c === 0x0d) esc = '\\r';
      else if (c === 0x09) esc = '\\t';
      else esc = escapeCode(c);
    } else if (c === 0x22) {
      esc = '\\"';
    } else if (c === 0x5c) {
      esc = '\\\\';
    } else if (c === 0x3c || c === 0x3e || c === 0x26) {
      esc = escapeCode(c);
    } else if (c === 0x2028 || c === 0x2029) {
      esc = escapeCode(c);
    } else if (c >= 0xd800 && c <= 0xdfff) {
      // A well-formed pair is copied as is; a lone surrogate is invalid text.
      const next = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      esc = '\\ufffd';
    }
    if (esc !== undefined) {
      out += s.slice(start, i) + esc;
      start = i + 1;
    }
  }
  return out + s.slice(start) + '"';
}

/** Standard padded base64 of the bytes, without quotes (Go's encoding of []byte). */
export function goBytesBase64(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
}

// ---------------------------------------------------------------------------
// Go names

/**
 * The Go identifier protoc-gen-gogo derives from a proto name: drop each
 * underscore that precedes a lowercase letter and upper-case that letter,
 * upper-case the first letter; a leading underscore becomes X.
 * target_union -> TargetUnion, response -> Response.
 */
export function goCamelCase(name: string): string {
  let out = '';
  let i = 0;
  if (name.startsWith('_')) {
    out += 'X';
    i = 1;
  }
  const isLower = (ch: string) => ch >= 'a' && ch <= 'z';
  const isDigit = (ch: string) => ch >= '0' && ch <= '9';
  for (; i < name.length; i++) {
    const ch = name[i];
    if (ch === '_' && i + 1 < name.length && isLower(name[i + 1])) continue;
    if (isDigit(ch)) {
      out += ch;
      continue;
    }
    out += isLower(ch) ? ch.toUpperCase() : ch;
    while (i + 1 < name.length && isLower(name[i + 1])) {
      i++;
      out += name[i];
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Values

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function asBytes(v: unknown, path: string): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (typeof v === 'string') return Buffer.from(v, 'utf8');
  throw new TypeError(`${path}: expected bytes, got ${describe(v)}`);
}

function int64Text(v: unknown, path: string): string {
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v).toString();
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return BigInt(v).toString();
  throw new TypeError(`${path}: expected a 64-bit integer, got ${describe(v)}`);
}

function enumNumber(v: unknown, f: FieldSchema, path: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string') {
    for (const [name, n] of getEnumSchema(f.type).values) {
      if (name === v) return n;
    }
  }
  throw new TypeError(`${path}: expected a value of ${f.type}, got ${describe(v)}`);
}

/** True when Go's omitempty would leave this (singular, non-message) value out. */
function isEmptyScalar(v: unknown, f: FieldSchema, path: string): boolean {
  if (v === undefined || v === null) return true;
  if (f.kind === 'enum') return enumNumber(v, f, path) === 0;
  if (isInt64Type(f.type)) return int64Text(v, path) === '0';
  switch (f.type) {
    case 'bool':
      return !v;
    case 'string':
      return v === '';
    case 'bytes':
      return asBytes(v, path).length === 0;
    default:
      return Number(v) === 0;
  }
}

/** JSON text of one scalar or enum value. */
function scalarJSON(v: unknown, f: FieldSchema, path: string): string {
  if (f.kind === 'enum') return String(enumNumber(v, f, path));
  if (isInt64Type(f.type)) return int64Text(v, path);
  switch (f.type) {
    case 'bool':
      return v ? 'true' : 'false';
    case 'string':
      if (typeof v !== 'string') throw new TypeError(`${path}: expected a string, got ${describe(v)}`);
      return goString(v);
    case 'bytes':
      return '"' + goBytesBase64(asBytes(v, path)) + '"';
    case 'float':
    case 'double': {
      // Not used by etcd's API. JavaScript's shortest form matches Go's
      // float64 output for ordinary values; Go refuses NaN and infinities.
      const n = Number(v);
      if (!Number.isFinite(n)) throw new RangeError(`${path}: unsupported value ${n}`);
      return String(n);
    }
    default:
      return String(Number(v));
  }
}

function fieldValueJSON(v: unknown, f: FieldSchema, path: string): string {
  if (f.kind === 'message') {
    if (v === undefined || v === null) return 'null';
    return messageJSON(getMessageSchema(f.type), v, path);
  }
  return scalarJSON(v, f, path);
}

function messageJSON(schema: MessageSchema, msg: unknown, path: string): string {
  if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) {
    throw new TypeError(`${path}: expected an object, got ${describe(msg)}`);
  }
  const obj = msg as Record<string, unknown>;
  const parts: string[] = [];
  const oneofsDone: string[] = [];

  for (const f of schema.fields) {
    const fpath = `${path}.${f.name}`;

    if (f.oneof !== undefined) {
      if (oneofsDone.includes(f.oneof)) continue;
      oneofsDone.push(f.oneof);
      parts.push(goString(goCamelCase(f.oneof)) + ':' + oneofJSON(schema, f.oneof, obj, path));
      continue;
    }

    const v = obj[f.name];
    if (f.repeated) {
      if (v === undefined || v === null) continue;
      if (!Array.isArray(v)) throw new TypeError(`${fpath}: expected an array, got ${describe(v)}`);
      if (v.length === 0) continue;
      const items = v.map((item, i) => fieldValueJSON(item, f, `${fpath}[${i}]`));
      parts.push(goString(f.name) + ':[' + items.join(',') + ']');
      continue;
    }

    if (f.kind === 'message') {
      if (v === undefined || v === null) continue;
    } else if (isEmptyScalar(v, f, fpath)) {
      continue;
    }
    parts.push(goString(f.name) + ':' + fieldValueJSON(v, f, fpath));
  }
  return '{' + parts.join(',') + '}';
}

/** The Go interface field of a oneof: null, or the wrapper struct of the set member. */
function oneofJSON(schema: MessageSchema, oneof: string, obj: Record<string, unknown>, path: string): string {
  for (const f of schema.fields) {
    if (f.oneof !== oneof) continue;
    const v = obj[f.name];
    if (v === undefined || v === null) continue;
    const fpath = `${path}.${f.name}`;
    if (f.kind !== 'message' && isEmptyScalar(v, f, fpath)) return '{}';
    return '{' + goString(f.name) + ':' + fieldValueJSON(v, f, fpath) + '}';
  }
  return 'null';
}

/**
 * What Go's json.Marshal prints for the gogo-generated struct of the message
 * typeName (e.g. 'etcdserverpb.RangeResponse'). msg has the shape codec.decode
 * returns; hand-built objects may leave fields out and may use numbers or
 * decimal strings for 64-bit fields and strings for bytes fields.
 */
export function goJSON(typeName: string, msg: any): string {
  return messageJSON(getMessageSchema(typeName), msg, typeName);
}
