/**
 * Message and method definitions, from our proto/ files through
 * @grpc/proto-loader: JSON descriptors made at build time
 * (src/proto/descriptors.gen.ts) are turned into definitions the first time a
 * command needs them. A method comes from its own descriptor (the method and
 * the types it reaches), so a `get` builds the five types of Range, not the
 * Txn tree or the Auth and Lease types; a message type asked for by name
 * comes from its service's descriptor.
 *
 * Decoded messages have the shape described in types.gen.ts: the loader's
 * options below (field names as written, 64-bit integers as bigint, enums as
 * numbers, bytes as Buffer, every field present).
 */
import { fromJSON, type MessageTypeDefinition, type MethodDefinition, type PackageDefinition } from '@grpc/proto-loader';
import { DESCRIPTORS, METHOD_DESCRIPTORS, SERVICE_PATHS, TYPE_HOME, type ServiceName } from './descriptors.gen.js';
import { getMessageSchema, type FieldSchema } from './schema.js';

export type { ServiceName } from './descriptors.gen.js';

const LOADER_OPTIONS = {
  keepCase: true,
  longs: BigInt as unknown as typeof String,
  enums: Number,
  defaults: true,
  arrays: true,
  oneofs: false,
};

/** Definitions by descriptor: a service name, 'All', or Service.Method. */
const loaded = new Map<string, PackageDefinition>();

function definitions(which: string, json: string): PackageDefinition {
  let def = loaded.get(which);
  if (!def) {
    def = fromJSON(JSON.parse(json), LOADER_OPTIONS);
    loaded.set(which, def);
  }
  return def;
}

/** A method of a service, e.g. method('KV', 'Range'). */
export function method(service: ServiceName, name: string): MethodDefinition<object, object> {
  const key = `${service}.${name}`;
  const json = METHOD_DESCRIPTORS[key];
  if (json === undefined) throw new Error(`unknown gRPC method: ${key}`);
  const def = definitions(key, json)[SERVICE_PATHS[service]] as Record<string, MethodDefinition<object, object>>;
  return def[name]!;
}

/** A message type by its full name, e.g. message('etcdserverpb.RangeResponse'). */
export function message(typeName: string): MessageTypeDefinition<object, object> {
  const home = TYPE_HOME[typeName];
  if (home === undefined) throw new Error(`unknown protobuf message type: ${typeName}`);
  return definitions(home, DESCRIPTORS[home])[typeName] as MessageTypeDefinition<object, object>;
}

function isZero(v: unknown, f: FieldSchema): boolean {
  if (typeof v === 'boolean') return !v;
  if (typeof v === 'number' || typeof v === 'bigint') return v == 0;
  if (typeof v === 'string') return f.type === 'string' ? v === '' : v === '' || v === '0';
  return v instanceof Uint8Array && v.length === 0;
}

/**
 * The message as it goes to the encoder: without the fields Go's proto3
 * encoder leaves out, zero scalars and empty lists (a oneof member is kept
 * even when zero; it says which member is set) — protobufjs writes every
 * field it is given, and etcd reads an empty range_end that is there
 * differently from one that is not; and with text given for a bytes field
 * taken as its UTF-8 bytes (protobufjs would read it as base64).
 */
export function forWire(typeName: string, msg: object): object {
  const obj = msg as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const f of getMessageSchema(typeName).fields) {
    const v = obj[f.name];
    if (v === undefined || v === null) continue;
    if (f.repeated) {
      const list = v as unknown[];
      if (list.length === 0) continue;
      if (f.kind === 'message') out[f.name] = list.map((x) => forWire(f.type, x as object));
      else out[f.name] = f.type === 'bytes' ? list.map((x) => (typeof x === 'string' ? Buffer.from(x, 'utf8') : x)) : list;
    } else if (f.kind === 'message') {
      out[f.name] = forWire(f.type, v as object);
    } else if (f.oneof !== undefined || !isZero(v, f)) {
      out[f.name] = typeof v === 'string' && f.type === 'bytes' ? Buffer.from(v, 'utf8') : v;
    }
  }
  return out;
}

/** The wire bytes of a message given as an object of its type's shape, as Go would write them. */
export function encodeMessage(typeName: string, msg: object): Buffer {
  return message(typeName).serialize(forWire(typeName, msg));
}

/** A message decoded from its wire bytes. */
export function decodeMessage<T = any>(typeName: string, bytes: Uint8Array): T {
  return message(typeName).deserialize(Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)) as T;
}
