/**
 * What a message type looks like, read from the same JSON descriptor the
 * gRPC definitions are made from (src/proto/descriptors.gen.ts): its fields in
 * declaration order, with their types resolved to full names. The JSON
 * printer (src/output/gojson.ts) walks messages with it. Parsed on first use.
 */
import { DESCRIPTORS } from './descriptors.gen.js';

export type FieldKind = 'scalar' | 'enum' | 'message';

export interface FieldSchema {
  /** Field name exactly as written in the .proto file. */
  readonly name: string;
  readonly kind: FieldKind;
  /** Scalar type name (int64, bytes, ...) or the full name of an enum or message. */
  readonly type: string;
  readonly repeated: boolean;
  /** The oneof this field belongs to, if any. */
  readonly oneof?: string;
}

export interface MessageSchema {
  /** Full name, e.g. etcdserverpb.RangeResponse. */
  readonly name: string;
  /** In declaration order. */
  readonly fields: readonly FieldSchema[];
}

export interface EnumSchema {
  readonly name: string;
  /** [value name, number] in declaration order. */
  readonly values: readonly (readonly [string, number])[];
}

interface JsonNode {
  nested?: Record<string, JsonNode>;
  fields?: Record<string, { type: string; id: number; rule?: string }>;
  oneofs?: Record<string, { oneof: string[] }>;
  values?: Record<string, number>;
}

const SCALARS = new Set(['double', 'float', 'int32', 'int64', 'uint32', 'uint64', 'sint32', 'sint64', 'fixed32', 'fixed64', 'sfixed32', 'sfixed64', 'bool', 'string', 'bytes']);
const INT64 = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);

let tree: JsonNode | undefined;
const messages = new Map<string, MessageSchema>();
const enums = new Map<string, EnumSchema>();

function node(fullName: string): JsonNode | undefined {
  tree ??= JSON.parse(DESCRIPTORS.All) as JsonNode;
  let n: JsonNode | undefined = tree;
  for (const part of fullName.split('.')) n = n?.nested?.[part];
  return n;
}

/** Resolves a type name as protobuf does: from the innermost scope outwards. */
function resolve(name: string, scope: string[]): { full: string; node: JsonNode } {
  for (let i = scope.length; i >= 0; i--) {
    const full = [...scope.slice(0, i), name].join('.');
    const n = node(full);
    if (n) return { full, node: n };
  }
  throw new Error(`cannot resolve protobuf type ${name} in ${scope.join('.')}`);
}

export function getMessageSchema(typeName: string): MessageSchema {
  const cached = messages.get(typeName);
  if (cached) return cached;
  const n = node(typeName);
  if (!n?.fields) throw new Error(`unknown protobuf message type: ${typeName}`);
  const oneofOf = new Map<string, string>();
  for (const [oneof, o] of Object.entries(n.oneofs ?? {})) for (const f of o.oneof) oneofOf.set(f, oneof);
  const scope = typeName.split('.');
  const fields = Object.entries(n.fields).map(([name, f]): FieldSchema => {
    const repeated = f.rule === 'repeated';
    if (SCALARS.has(f.type)) return { name, kind: 'scalar', type: f.type, repeated, oneof: oneofOf.get(name) };
    const r = resolve(f.type, scope);
    return { name, kind: r.node.values ? 'enum' : 'message', type: r.full, repeated, oneof: oneofOf.get(name) };
  });
  const schema = { name: typeName, fields };
  messages.set(typeName, schema);
  return schema;
}

export function getEnumSchema(typeName: string): EnumSchema {
  const cached = enums.get(typeName);
  if (cached) return cached;
  const n = node(typeName);
  if (!n?.values) throw new Error(`unknown protobuf enum type: ${typeName}`);
  const schema = { name: typeName, values: Object.entries(n.values) };
  enums.set(typeName, schema);
  return schema;
}

/** True when the scalar type is a 64-bit integer (a bigint when decoded). */
export function isInt64Type(scalarType: string): boolean {
  return INT64.has(scalarType);
}
