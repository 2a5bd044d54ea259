/**
 * What a value stored by Kubernetes holds, read without Kubernetes' schemas:
 *   - `k8s:enc:<provider>:<version>:<key>:` then ciphertext: encrypted at rest
 *     (k8s.io/apiserver's storage/value/encrypt transformers);
 *   - `k8s\0` then a runtime.Unknown message: the protobuf serializer's
 *     envelope {1 typeMeta {1 apiVersion, 2 kind}, 2 raw, 3 contentEncoding,
 *     4 contentType}; the raw object's field 1 is its ObjectMeta (field
 *     numbers from k8s.io/apimachinery pkg/apis/meta/v1/generated.proto), the
 *     rest are shown by number;
 *   - a JSON object or array (custom resources);
 *   - anything else: raw, printed as etcdctl prints it.
 * Bad protobuf never throws: what read is kept, and the rest is returned as
 * unparsed bytes with the reason.
 */
import { readFields, type WireField } from '../proto/wire.js';
import { jsonValue } from './json.js';
import { bool, int, list, map, str, type MapNode, type Node } from './tree.js';

export type Decoded =
  | {
      format: 'protobuf';
      apiVersion: string;
      kind: string;
      contentEncoding: string;
      contentType: string;
      /** The object's ObjectMeta, when its field 1 reads as one. */
      metadata?: MapNode;
      /** The object's other fields, by number. */
      fields: Array<[string, Node]>;
      /** Where reading stopped, if it did. */
      unparsed?: { bytes: Buffer; error: string };
    }
  | { format: 'json'; /** The value as compact JSON, numbers and strings as written. */ json: string }
  | { format: 'encrypted'; provider: string; version: string; key: string; payload: number }
  | { format: 'raw' };

const ENVELOPE = Buffer.from('k8s\0', 'latin1');
const ENCRYPTED = Buffer.from('k8s:enc:', 'latin1');
/** Nested messages are guessed at most this deep. */
const MAX_DEPTH = 32;

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function decodeValue(value: Uint8Array): Decoded {
  const v = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (v.subarray(0, ENCRYPTED.length).equals(ENCRYPTED)) return encrypted(v.subarray(ENCRYPTED.length));
  if (v.subarray(0, ENVELOPE.length).equals(ENVELOPE)) return envelope(v.subarray(ENVELOPE.length));
  const json = jsonValue(v);
  if (json !== undefined) return { format: 'json', json };
  return { format: 'raw' };
}

/** `<provider>:<version>:<key>:<payload>`; a part that is missing is left empty. */
function encrypted(rest: Buffer): Decoded {
  const parts: string[] = [];
  let pos = 0;
  while (parts.length < 3) {
    const colon = rest.indexOf(0x3a, pos);
    if (colon < 0) break;
    parts.push(rest.subarray(pos, colon).toString('utf8'));
    pos = colon + 1;
  }
  return { format: 'encrypted', provider: parts[0] ?? '', version: parts[1] ?? '', key: parts[2] ?? '', payload: rest.length - pos };
}

function envelope(body: Buffer): Decoded {
  const out: Decoded & { format: 'protobuf' } = { format: 'protobuf', apiVersion: '', kind: '', contentEncoding: '', contentType: '', fields: [] };
  const env = readFields(body);
  let raw: Buffer | undefined;
  for (const f of env.fields) {
    if (f.field === 1 && f.wire === 'bytes') {
      const tm = readFields(f.bytes);
      for (const t of tm.fields) {
        if (t.field === 1 && t.wire === 'bytes') out.apiVersion = t.bytes.toString('utf8');
        if (t.field === 2 && t.wire === 'bytes') out.kind = t.bytes.toString('utf8');
      }
    } else if (f.field === 2 && f.wire === 'bytes') raw = f.bytes;
    else if (f.field === 3 && f.wire === 'bytes') out.contentEncoding = f.bytes.toString('utf8');
    else if (f.field === 4 && f.wire === 'bytes') out.contentType = f.bytes.toString('utf8');
  }
  if (raw !== undefined) {
    const obj = readFields(raw);
    const rest = [...obj.fields];
    if (rest[0]?.field === 1 && rest[0].wire === 'bytes') {
      const meta = objectMeta(rest[0].bytes);
      if (meta !== undefined) {
        out.metadata = meta;
        rest.shift();
      }
    }
    out.fields = numbered(rest, 0);
    if (obj.rest) out.unparsed = { bytes: obj.rest.bytes, error: `object: ${obj.rest.error}` };
  }
  if (env.rest && out.unparsed === undefined) out.unparsed = { bytes: env.rest.bytes, error: `envelope: ${env.rest.error}` };
  return out;
}

// ---- fields without a schema ----------------------------------------------------

/** Fields keyed by number, in the order each number first appears; a repeated number becomes a list. */
function numbered(fields: WireField[], depth: number): Array<[string, Node]> {
  const byNumber = new Map<number, Node[]>();
  for (const f of fields) {
    const nodes = byNumber.get(f.field) ?? [];
    nodes.push(guess(f, depth));
    byNumber.set(f.field, nodes);
  }
  return [...byNumber].map(([n, nodes]) => [String(n), nodes.length === 1 ? nodes[0] : list(nodes)]);
}

function isPrintable(s: string): boolean {
  return !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s);
}

/** A field as the likeliest of its readings: number, text, nested message, or bytes. */
function guess(f: WireField, depth: number): Node {
  if (f.wire !== 'bytes') return int(BigInt(f.value));
  const b = f.bytes;
  if (b.length === 0) return str('');
  let text: string | undefined;
  try {
    text = utf8.decode(b);
  } catch {
    text = undefined;
  }
  if (text !== undefined && isPrintable(text)) return str(text);
  if (depth < MAX_DEPTH) {
    const nested = readFields(b);
    if (!nested.rest) return map(numbered(nested.fields, depth + 1));
  }
  if (text !== undefined) return str(text);
  return { t: 'bytes', value: b };
}

// ---- ObjectMeta and the messages in it ------------------------------------------

type Reader = (f: WireField) => Node | undefined;

const asString: Reader = (f) => (f.wire === 'bytes' ? str(f.bytes.toString('utf8')) : undefined);
const asInt64: Reader = (f) => (f.wire === 'varint' ? int(BigInt.asIntN(64, f.value)) : undefined);
const asBool: Reader = (f) => (f.wire === 'varint' ? bool(f.value !== 0n) : undefined);

function message(f: WireField): WireField[] | undefined {
  if (f.wire !== 'bytes') return undefined;
  const r = readFields(f.bytes);
  return r.rest ? undefined : r.fields;
}

/** metav1.Time {1 seconds, 2 nanos} as RFC 3339 in UTC (fractional seconds only when there are some); an empty one as {} (left out). */
const asTime: Reader = (f) => {
  const fields = message(f);
  if (fields === undefined) return undefined;
  if (fields.length === 0) return map([]);
  let seconds = 0n;
  let nanos = 0;
  for (const t of fields) {
    if (t.wire !== 'varint') return undefined;
    if (t.field === 1) seconds = BigInt.asIntN(64, t.value);
    else if (t.field === 2) nanos = Number(BigInt.asIntN(32, t.value));
  }
  return str(rfc3339(seconds, nanos));
};

/** Seconds outside the years 0000-9999 are shown as their number. */
export function rfc3339(seconds: bigint, nanos: number): string {
  if (seconds < -62167219200n || seconds > 253402300799n || nanos < 0 || nanos > 999999999) {
    return `${seconds}s${nanos !== 0 ? ` ${nanos}ns` : ''}`;
  }
  const iso = new Date(Number(seconds) * 1000).toISOString().replace(/\.000Z$/, '').replace(/^\+0*(?=\d{4})/, '');
  const frac = nanos === 0 ? '' : '.' + String(nanos).padStart(9, '0').replace(/0+$/, '');
  return `${iso}${frac}Z`;
}

/** A map<string,string> entry {1 key, 2 value}. */
function mapEntry(f: WireField): [string, string] | undefined {
  const fields = message(f);
  if (fields === undefined) return undefined;
  let key = '';
  let value = '';
  for (const e of fields) {
    if (e.wire !== 'bytes') return undefined;
    if (e.field === 1) key = e.bytes.toString('utf8');
    else if (e.field === 2) value = e.bytes.toString('utf8');
  }
  return [key, value];
}

interface Known {
  name: string;
  read: Reader;
  /** Repeated in the schema: collected into a list (or a map, for map fields). */
  repeated?: 'list' | 'map';
  /** Shown even when zero (pointer fields of Go structs, which are written only when set). */
  keepZero?: boolean;
}

/** A message whose field numbers we know, in the order `order` gives; unknown numbers follow. */
function known(fields: WireField[], table: Record<number, Known>, order: number[]): MapNode | undefined {
  const values = new Map<number, Node[]>();
  const entries = new Map<number, Array<[string, Node]>>();
  const unknown: WireField[] = [];
  for (const f of fields) {
    const k = table[f.field];
    if (k === undefined) {
      unknown.push(f);
      continue;
    }
    if (k.repeated === 'map') {
      const e = mapEntry(f);
      if (e === undefined) return undefined;
      entries.set(f.field, [...(entries.get(f.field) ?? []), [e[0], str(e[1])]]);
      continue;
    }
    const node = k.read(f);
    if (node === undefined) return undefined;
    if (k.repeated === 'list') values.set(f.field, [...(values.get(f.field) ?? []), node]);
    else values.set(f.field, [node]);
  }
  const out: Array<[string, Node]> = [];
  for (const n of order) {
    const k = table[n];
    if (k.repeated === 'map') {
      const e = entries.get(n);
      if (e !== undefined) out.push([k.name, map(e)]);
      continue;
    }
    const v = values.get(n);
    if (v === undefined) continue;
    if (k.repeated === 'list') out.push([k.name, list(v)]);
    else if (k.keepZero || !isZero(v[0])) out.push([k.name, v[0]]);
  }
  out.push(...numbered(unknown, 1));
  return map(out);
}

function isZero(n: Node): boolean {
  return (n.t === 'str' && n.value === '') || (n.t === 'int' && n.value === 0n) || (n.t === 'bool' && !n.value) ||
    (n.t === 'map' && n.entries.length === 0);
}

const OWNER_REFERENCE: Record<number, Known> = {
  5: { name: 'apiVersion', read: asString },
  1: { name: 'kind', read: asString },
  3: { name: 'name', read: asString },
  4: { name: 'uid', read: asString },
  6: { name: 'controller', read: asBool, keepZero: true },
  7: { name: 'blockOwnerDeletion', read: asBool, keepZero: true },
};

/** FieldsV1 {1 raw}: its raw bytes are JSON, shown as text. */
const asFieldsV1: Reader = (f) => {
  const fields = message(f);
  if (fields === undefined) return undefined;
  const raw = fields.find((x) => x.field === 1);
  return raw?.wire === 'bytes' ? str(raw.bytes.toString('utf8')) : str('');
};

const MANAGED_FIELDS_ENTRY: Record<number, Known> = {
  1: { name: 'manager', read: asString },
  2: { name: 'operation', read: asString },
  3: { name: 'apiVersion', read: asString },
  4: { name: 'time', read: asTime },
  6: { name: 'fieldsType', read: asString },
  7: { name: 'fieldsV1', read: asFieldsV1 },
  8: { name: 'subresource', read: asString },
};

const sub = (table: Record<number, Known>, order: number[]): Reader => (f) => {
  const fields = message(f);
  return fields === undefined ? undefined : known(fields, table, order);
};

const OBJECT_META: Record<number, Known> = {
  1: { name: 'name', read: asString },
  2: { name: 'generateName', read: asString },
  3: { name: 'namespace', read: asString },
  4: { name: 'selfLink', read: asString },
  5: { name: 'uid', read: asString },
  6: { name: 'resourceVersion', read: asString },
  7: { name: 'generation', read: asInt64 },
  8: { name: 'creationTimestamp', read: asTime },
  9: { name: 'deletionTimestamp', read: asTime },
  10: { name: 'deletionGracePeriodSeconds', read: asInt64, keepZero: true },
  11: { name: 'labels', read: asString, repeated: 'map' },
  12: { name: 'annotations', read: asString, repeated: 'map' },
  13: { name: 'ownerReferences', read: sub(OWNER_REFERENCE, [5, 1, 3, 4, 6, 7]), repeated: 'list' },
  14: { name: 'finalizers', read: asString, repeated: 'list' },
  17: { name: 'managedFields', read: sub(MANAGED_FIELDS_ENTRY, [1, 2, 3, 4, 6, 8, 7]), repeated: 'list' },
};

/** The ObjectMeta in these bytes, or undefined when they do not read as one. */
function objectMeta(b: Buffer): MapNode | undefined {
  const r = readFields(b);
  if (r.rest) return undefined;
  return known(r.fields, OBJECT_META, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 17]);
}
