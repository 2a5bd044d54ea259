#!/usr/bin/env node
// Build step: read proto/*.proto with protobufjs and write
// src/proto/schema.gen.ts, a plain-data description of every message, enum
// and service method. The runtime codec (src/proto/codec.ts) works from that
// file only, so nothing parses .proto text when the CLI starts.
//
// Usage (from the repository root): node scripts/gen-proto.mjs
//
// The output is deterministic: same .proto input, same bytes out.

import { readdirSync, mkdirSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const protoDir = join(repoRoot, 'proto');
const outFile = join(repoRoot, 'src', 'proto', 'schema.gen.ts');

const SCALAR_TYPES = new Set([
  'double', 'float',
  'int32', 'int64', 'uint32', 'uint64', 'sint32', 'sint64',
  'fixed32', 'fixed64', 'sfixed32', 'sfixed64',
  'bool', 'string', 'bytes',
]);

// Types that may be sent packed when repeated (everything but string/bytes).
const PACKABLE = new Set([...SCALAR_TYPES].filter((t) => t !== 'string' && t !== 'bytes'));

function stripDot(name) {
  return name.startsWith('.') ? name.slice(1) : name;
}

function fail(message) {
  console.error(`gen-proto: ${message}`);
  process.exit(1);
}

// ---------------------------------------------------------------------------
// Load

const protoFiles = readdirSync(protoDir)
  .filter((f) => f.endsWith('.proto'))
  .sort();
if (protoFiles.length === 0) fail(`no .proto files in ${protoDir}`);

const root = new protobuf.Root();
// keepCase: field names must stay exactly as written (cluster_id, peerURLs, ID).
root.loadSync(protoFiles.map((f) => join(protoDir, f)), { keepCase: true });
root.resolveAll();

// ---------------------------------------------------------------------------
// Collect messages, enums and services in a stable order: namespaces by name,
// then declaration order inside each namespace, nested types after their parent.

const messages = [];
const enums = [];
const services = [];

function visit(ns) {
  for (const item of ns.nestedArray) {
    if (item instanceof protobuf.Type) {
      messages.push(item);
      visit(item);
    } else if (item instanceof protobuf.Enum) {
      enums.push(item);
    } else if (item instanceof protobuf.Service) {
      services.push(item);
    } else if (item instanceof protobuf.Namespace) {
      visit(item);
    }
  }
}

const topLevel = [...root.nestedArray].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
for (const ns of topLevel) {
  if (ns instanceof protobuf.Namespace && !(ns instanceof protobuf.Type) && !(ns instanceof protobuf.Service)) {
    visit(ns);
  } else {
    fail(`top-level ${ns.name} is not inside a package; every .proto here must declare a package`);
  }
}

// ---------------------------------------------------------------------------
// Describe

function describeField(type, field) {
  const where = `${stripDot(type.fullName)}.${field.name}`;
  if (field.map) fail(`${where}: map fields are not supported by the codec`);
  if (field.options && field.options.proto3_optional) fail(`${where}: proto3 'optional' is not supported by the codec`);
  if (field.required) fail(`${where}: proto2 'required' is not supported by the codec`);

  let kind;
  let typeName;
  if (SCALAR_TYPES.has(field.type)) {
    kind = 'scalar';
    typeName = field.type;
  } else if (field.resolvedType instanceof protobuf.Enum) {
    kind = 'enum';
    typeName = stripDot(field.resolvedType.fullName);
  } else if (field.resolvedType instanceof protobuf.Type) {
    if (field.resolvedType.group) fail(`${where}: groups are not supported by the codec`);
    kind = 'message';
    typeName = stripDot(field.resolvedType.fullName);
  } else {
    fail(`${where}: cannot resolve type ${field.type}`);
  }

  if (field.repeated && (kind === 'enum' || PACKABLE.has(typeName)) && !field.packed) {
    fail(`${where}: [packed = false] is not supported by the codec`);
  }
  if (field.repeated && field.partOf) fail(`${where}: repeated field inside a oneof`);

  return {
    name: field.name,
    no: field.id,
    kind,
    type: typeName,
    repeated: field.repeated,
    oneof: field.partOf ? field.partOf.name : undefined,
  };
}

function describeMessage(type) {
  const fields = type.fieldsArray.map((f) => describeField(type, f));
  const seen = new Set();
  for (const f of fields) {
    if (seen.has(f.no)) fail(`${stripDot(type.fullName)}: field number ${f.no} used twice`);
    seen.add(f.no);
  }
  const oneofs = [];
  for (const f of fields) {
    if (f.oneof !== undefined && !oneofs.includes(f.oneof)) oneofs.push(f.oneof);
  }
  return { name: stripDot(type.fullName), fields, oneofs };
}

function describeEnum(en) {
  return {
    name: stripDot(en.fullName),
    values: Object.keys(en.values).map((k) => [k, en.values[k]]),
  };
}

function describeMethods(service) {
  const serviceName = stripDot(service.fullName);
  return service.methodsArray.map((m) => {
    if (!(m.resolvedRequestType instanceof protobuf.Type) || !(m.resolvedResponseType instanceof protobuf.Type)) {
      fail(`${serviceName}.${m.name}: request or response type not resolved`);
    }
    return {
      path: `/${serviceName}/${m.name}`,
      service: serviceName,
      name: m.name,
      requestType: stripDot(m.resolvedRequestType.fullName),
      responseType: stripDot(m.resolvedResponseType.fullName),
      requestStream: Boolean(m.requestStream),
      responseStream: Boolean(m.responseStream),
    };
  });
}

// ---------------------------------------------------------------------------
// Emit TypeScript

const q = (s) => JSON.stringify(s);

function emitField(f) {
  let s = `{ name: ${q(f.name)}, no: ${f.no}, kind: ${q(f.kind)}, type: ${q(f.type)}`;
  if (f.repeated) s += ', repeated: true';
  if (f.oneof !== undefined) s += `, oneof: ${q(f.oneof)}`;
  return s + ' }';
}

const out = [];
out.push('// generated by scripts/gen-proto.mjs, do not edit');
out.push(`// Source: ${protoFiles.map((f) => 'proto/' + f).join(', ')}`);
out.push('');
out.push('/* eslint-disable */');
out.push('');
out.push("export type FieldKind = 'scalar' | 'enum' | 'message';");
out.push('');
out.push('export interface FieldSchema {');
out.push('  /** Field name exactly as written in the .proto file. */');
out.push('  readonly name: string;');
out.push('  /** Field number (wire tag). */');
out.push('  readonly no: number;');
out.push('  readonly kind: FieldKind;');
out.push('  /** Scalar type name (int64, bytes, ...) or fully qualified enum / message name. */');
out.push('  readonly type: string;');
out.push('  readonly repeated?: boolean;');
out.push('  /** Name of the oneof this field belongs to, if any. */');
out.push('  readonly oneof?: string;');
out.push('}');
out.push('');
out.push('export interface MessageSchema {');
out.push('  /** Fully qualified name without leading dot, e.g. etcdserverpb.RangeResponse. */');
out.push('  readonly name: string;');
out.push('  /** Fields in declaration order. */');
out.push('  readonly fields: readonly FieldSchema[];');
out.push('  /** Oneof names in declaration order (of their first member). */');
out.push('  readonly oneofs: readonly string[];');
out.push('}');
out.push('');
out.push('export interface EnumSchema {');
out.push('  readonly name: string;');
out.push('  /** [value name, number] in declaration order. */');
out.push('  readonly values: readonly (readonly [string, number])[];');
out.push('}');
out.push('');
out.push('export interface MethodSchema {');
out.push('  /** gRPC path, e.g. /etcdserverpb.KV/Range. */');
out.push('  readonly path: string;');
out.push('  /** Fully qualified service name, e.g. etcdserverpb.KV. */');
out.push('  readonly service: string;');
out.push('  /** Method name, e.g. Range. */');
out.push('  readonly name: string;');
out.push('  readonly requestType: string;');
out.push('  readonly responseType: string;');
out.push('  readonly requestStream: boolean;');
out.push('  readonly responseStream: boolean;');
out.push('}');
out.push('');

// The message table is emitted as JSON text: V8 parses JSON much faster than
// an object literal of the same size, and this table is loaded on every run.
const messageTable = {};
for (const type of messages) {
  const m = describeMessage(type);
  messageTable[m.name] = {
    name: m.name,
    fields: m.fields.map((f) => ({
      name: f.name,
      no: f.no,
      kind: f.kind,
      type: f.type,
      ...(f.repeated ? { repeated: true } : {}),
      ...(f.oneof !== undefined ? { oneof: f.oneof } : {}),
    })),
    oneofs: m.oneofs,
  };
}
out.push('export const MESSAGES: { readonly [typeName: string]: MessageSchema } = JSON.parse(');
out.push(`  ${q(JSON.stringify(messageTable))},`);
out.push(');');
out.push('');

out.push('export const ENUMS: { readonly [typeName: string]: EnumSchema } = {');
for (const en of enums) {
  const e = describeEnum(en);
  const vals = e.values.map(([k, v]) => `[${q(k)}, ${v}]`).join(', ');
  out.push(`  ${q(e.name)}: { name: ${q(e.name)}, values: [${vals}] },`);
}
out.push('};');
out.push('');

out.push('export const METHODS: { readonly [path: string]: MethodSchema } = {');
for (const service of services) {
  for (const m of describeMethods(service)) {
    out.push(`  ${q(m.path)}: {`);
    out.push(`    path: ${q(m.path)}, service: ${q(m.service)}, name: ${q(m.name)},`);
    out.push(`    requestType: ${q(m.requestType)}, responseType: ${q(m.responseType)},`);
    out.push(`    requestStream: ${m.requestStream}, responseStream: ${m.responseStream},`);
    out.push('  },');
  }
}
out.push('};');
out.push('');

const text = out.join('\n');
mkdirSync(dirname(outFile), { recursive: true });
// Leave the file untouched when nothing changed, so tsc incremental builds stay quiet.
if (!existsSync(outFile) || readFileSync(outFile, 'utf8') !== text) {
  writeFileSync(outFile, text);
}
console.log(
  `gen-proto: ${messages.length} messages, ${enums.length} enums, ` +
    `${services.reduce((n, s) => n + s.methodsArray.length, 0)} methods -> ${outFile.slice(repoRoot.length + 1)}`,
);
