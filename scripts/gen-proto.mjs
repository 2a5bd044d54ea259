#!/usr/bin/env node
// Build step: read proto/*.proto with protobufjs and write two files.
//
//  - src/proto/descriptors.gen.ts: for each gRPC method, the protobufjs JSON
//    descriptor of its service with that method alone and of the messages it
//    reaches; for each service, the same with all its methods (as JSON
//    text). @grpc/proto-loader's fromJSON turns them into method and message
//    definitions at run time. A command loads only the methods it calls
//    (a `get` builds five message types, not the thirty of KV), and nothing
//    parses .proto text when the CLI starts.
//  - src/proto/types.gen.ts: the TypeScript shape of every message as the
//    definitions decode it (see src/proto/registry.ts for the options), the
//    enums as constant objects, and one interface per service whose methods
//    the typed client (src/client/services.ts) offers.
//
// Usage (from the repository root): node scripts/gen-proto.mjs
// The output is deterministic: same .proto input, same bytes out.

import { readdirSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const protoDir = join(repoRoot, 'proto');
const outDir = join(repoRoot, 'src', 'proto');

function fail(message) {
  console.error(`gen-proto: ${message}`);
  process.exit(1);
}

const protoFiles = readdirSync(protoDir).filter((f) => f.endsWith('.proto')).sort();
if (protoFiles.length === 0) fail(`no .proto files in ${protoDir}`);

const root = new protobuf.Root();
// keepCase: field names stay exactly as written (cluster_id, peerURLs, ID).
root.loadSync(protoFiles.map((f) => join(protoDir, f)), { keepCase: true });
root.resolveAll();

const stripDot = (name) => (name.startsWith('.') ? name.slice(1) : name);

// ---------------------------------------------------------------------------
// Every message, enum and service, in a stable order.

const messages = [];
const enums = [];
const services = [];
function visit(ns) {
  for (const item of ns.nestedArray) {
    if (item instanceof protobuf.Type) {
      messages.push(item);
      visit(item);
    } else if (item instanceof protobuf.Enum) enums.push(item);
    else if (item instanceof protobuf.Service) services.push(item);
    else if (item instanceof protobuf.Namespace) visit(item);
  }
}
visit(root);

for (const t of messages) {
  for (const f of t.fieldsArray) {
    const where = `${stripDot(t.fullName)}.${f.name}`;
    if (f.map) fail(`${where}: map fields are not supported`);
    if (f.required) fail(`${where}: proto2 'required' is not supported`);
    if (f.options && f.options.proto3_optional) fail(`${where}: proto3 'optional' is not supported`);
  }
}

// ---------------------------------------------------------------------------
// One descriptor per service: the JSON of the whole tree, keeping only the
// service itself and the types it reaches (with their parents, which nest them).

function reachable(methods) {
  const keep = new Set();
  const add = (t) => {
    if (keep.has(t)) return;
    keep.add(t);
    if (t instanceof protobuf.Type) for (const f of t.fieldsArray) if (f.resolvedType) add(f.resolvedType);
    if (t.parent instanceof protobuf.Type) add(t.parent);
  };
  for (const m of methods) {
    add(m.resolvedRequestType);
    add(m.resolvedResponseType);
  }
  return keep;
}

/** The JSON tree kept to `keep`'s types and `service`, of whose methods only `only` (when given). */
function pruned(ns, json, keep, service, only) {
  const nested = {};
  for (const [name, childJson] of Object.entries(json.nested ?? {})) {
    const obj = ns.nested[name];
    if (obj instanceof protobuf.Service) {
      if (obj === service) nested[name] = only ? { ...childJson, methods: { [only]: childJson.methods[only] } } : childJson;
    } else if (obj instanceof protobuf.Type || obj instanceof protobuf.Enum) {
      if (!keep.has(obj)) continue;
      const copy = { ...childJson };
      delete copy.nested;
      if (obj instanceof protobuf.Type) {
        const inner = pruned(obj, childJson, keep, service, only);
        if (inner) copy.nested = inner;
      }
      nested[name] = copy;
    } else if (obj instanceof protobuf.Namespace) {
      const inner = pruned(obj, childJson, keep, service, only);
      if (inner) nested[name] = { ...childJson, nested: inner };
    }
  }
  return Object.keys(nested).length > 0 ? nested : undefined;
}

const rootJson = root.toJSON();
const descriptors = {};
const typeService = {};
const methodDescriptors = {};
for (const s of services) {
  for (const m of s.methodsArray) {
    methodDescriptors[`${s.name}.${m.name}`] = JSON.stringify({ nested: pruned(root, rootJson, reachable([m]), s, m.name) });
  }
  const keep = reachable(s.methodsArray);
  descriptors[s.name] = JSON.stringify({ nested: pruned(root, rootJson, keep, s) });
  for (const t of keep) {
    const name = stripDot(t.fullName);
    if (t instanceof protobuf.Type && !(name in typeService)) typeService[name] = s.name;
  }
}
// Messages no service uses (authpb.User, authpb.Role: what the server stores) are in a descriptor of everything.
descriptors.All = JSON.stringify({ nested: rootJson.nested });
for (const t of messages) {
  const name = stripDot(t.fullName);
  if (!(name in typeService)) typeService[name] = 'All';
}

const q = (s) => JSON.stringify(s);
const serviceNames = services.map((s) => s.name);
const header = ['// generated by scripts/gen-proto.mjs from ' + protoFiles.map((f) => 'proto/' + f).join(', ') + ', do not edit', ''];

const d = [...header];
d.push(`export type ServiceName = ${serviceNames.map(q).join(' | ')};`);
d.push('');
d.push('/** protobufjs JSON descriptors: one per service, of the service and the types it reaches; All has every type. */');
d.push('export const DESCRIPTORS: { readonly [S in ServiceName | \'All\']: string } = {');
for (const [name, text] of Object.entries(descriptors)) d.push(`  ${name}: ${q(text)},`);
d.push('};');
d.push('');
d.push('/** protobufjs JSON descriptors: one per method, of its service with that method alone and the types it reaches. */');
d.push('export const METHOD_DESCRIPTORS: { readonly [method: string]: string } = {');
for (const [name, text] of Object.entries(methodDescriptors)) d.push(`  ${q(name)}: ${q(text)},`);
d.push('};');
d.push('');
d.push('/** The descriptor each message type is found in. */');
d.push("export const TYPE_HOME: { readonly [typeName: string]: ServiceName | 'All' } = {");
for (const [name, s] of Object.entries(typeService)) d.push(`  ${q(name)}: ${q(s)},`);
d.push('};');
d.push('');
d.push('/** The full name of each method\'s request type, e.g. KV.Range: etcdserverpb.RangeRequest. */');
d.push('export const REQUEST_TYPES: { readonly [method: string]: string } = {');
for (const s of services) for (const m of s.methodsArray) d.push(`  ${q(s.name + '.' + m.name)}: ${q(stripDot(m.resolvedRequestType.fullName))},`);
d.push('};');
d.push('');
d.push('/** The full name of each method\'s response type, e.g. KV.Range: etcdserverpb.RangeResponse. */');
d.push('export const RESPONSE_TYPES: { readonly [method: string]: string } = {');
for (const s of services) for (const m of s.methodsArray) d.push(`  ${q(s.name + '.' + m.name)}: ${q(stripDot(m.resolvedResponseType.fullName))},`);
d.push('};');
d.push('');
d.push('/** Package-qualified service names, e.g. KV: etcdserverpb.KV. */');
d.push('export const SERVICE_PATHS: { readonly [S in ServiceName]: string } = {');
for (const s of services) d.push(`  ${s.name}: ${q(stripDot(s.fullName))},`);
d.push('};');
d.push('');

// ---------------------------------------------------------------------------
// TypeScript shapes. Names are the messages' own (unqualified); nested types
// are Parent_Child. Two messages of the same name would clash: refused.

const tsName = (t) => {
  const parts = [];
  for (let x = t; x && !(x instanceof protobuf.Root) && (x instanceof protobuf.Type || x instanceof protobuf.Enum); x = x.parent) parts.unshift(x.name);
  return parts.join('_');
};
const seenNames = new Map();
for (const t of [...messages, ...enums]) {
  const n = tsName(t);
  if (seenNames.has(n)) fail(`${t.fullName} and ${seenNames.get(n)} would both be called ${n}`);
  seenNames.set(n, t.fullName);
}

const INT64 = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);
const NUMBER = new Set(['int32', 'uint32', 'sint32', 'fixed32', 'sfixed32', 'float', 'double']);
function fieldType(f) {
  if (INT64.has(f.type)) return 'bigint';
  if (NUMBER.has(f.type)) return 'number';
  if (f.type === 'bool') return 'boolean';
  if (f.type === 'string') return 'string';
  if (f.type === 'bytes') return 'Buffer';
  if (f.resolvedType instanceof protobuf.Enum) return 'number';
  if (f.resolvedType instanceof protobuf.Type) return tsName(f.resolvedType);
  fail(`cannot type ${f.fullName}`);
}

const t = [...header];
t.push('/*');
t.push(' * Decoded messages: field names as in the .proto files; 64-bit integers are');
t.push(' * bigint, bytes are Buffer, enums are numbers; every scalar and list field is');
t.push(' * present with its zero value; a sub-message that was not sent is null; of a');
t.push(' * oneof only the member that was sent is there. Requests may leave any field');
t.push(' * out (see Input).');
t.push(' */');
t.push('');
for (const m of messages) {
  t.push(`/** ${stripDot(m.fullName)} */`);
  t.push(`export interface ${tsName(m)} {`);
  for (const f of m.fieldsArray) {
    const ty = fieldType(f);
    if (f.repeated) t.push(`  ${f.name}: ${ty}[];`);
    else if (f.partOf) t.push(`  ${f.name}?: ${ty};`);
    else if (f.resolvedType instanceof protobuf.Type) t.push(`  ${f.name}: ${ty} | null;`);
    else t.push(`  ${f.name}: ${ty};`);
  }
  t.push('}');
  t.push('');
}
for (const e of enums) {
  t.push(`/** ${stripDot(e.fullName)} */`);
  t.push(`export const ${tsName(e)} = {`);
  for (const [k, v] of Object.entries(e.values)) t.push(`  ${k}: ${v},`);
  t.push('} as const;');
  t.push('');
}
t.push('/** What a request may be given: any field left out, numbers or decimal text for 64-bit ones. */');
t.push('export type Input<T> = T extends Buffer ? Buffer | Uint8Array : T extends bigint ? bigint | number | string : T extends Array<infer U> ? Input<U>[] : T extends object ? { [K in keyof T]?: Input<T[K]> | null } : T;');
t.push('');
t.push('/** Each service\'s methods: the request and response types, and whether each side streams. */');
t.push('export interface Methods {');
for (const s of services) {
  t.push(`  ${s.name}: {`);
  for (const m of s.methodsArray) {
    t.push(`    ${m.name}: { request: ${tsName(m.resolvedRequestType)}; response: ${tsName(m.resolvedResponseType)}; requestStream: ${Boolean(m.requestStream)}; responseStream: ${Boolean(m.responseStream)}; type: ${q(stripDot(m.resolvedResponseType.fullName))} };`);
  }
  t.push('  };');
}
t.push('}');
t.push('');
t.push('/** The methods that stream (either way), as Service.Method. */');
t.push(`export const STREAMING: readonly string[] = [${services.flatMap((s) => s.methodsArray.filter((m) => m.requestStream || m.responseStream).map((m) => q(s.name + '.' + m.name))).join(', ')}];`);
t.push('');
t.push('/** The methods of each service, by name. */');
t.push('export const METHOD_NAMES: { readonly [S in keyof Methods]: readonly (keyof Methods[S] & string)[] } = {');
for (const s of services) t.push(`  ${s.name}: [${s.methodsArray.map((m) => q(m.name)).join(', ')}],`);
t.push('};');
t.push('');

mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'descriptors.gen.ts'), d.join('\n'));
writeFileSync(join(outDir, 'types.gen.ts'), t.join('\n'));
console.log(`gen-proto: ${messages.length} messages, ${enums.length} enums, ${services.length} services -> src/proto/descriptors.gen.ts, src/proto/types.gen.ts`);
