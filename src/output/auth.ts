/**
 * How etcdctl renders the results of auth, user and role commands, as pure
 * functions over the decoded replies. The printers of each format (simple.ts,
 * fields.ts, ...) call these; the formats without a rendering fail there.
 */
import type { Permission } from '../proto/types.gen.js';
import { prefixEnd } from '../keys.js';
import { goQuote } from '../go/quote.js';

const NUL = Buffer.from([0]);

/** authpb.Permission.Type as Go's String() gives it (unknown values as their number). */
export function permTypeName(t: number): string {
  return ['READ', 'WRITE', 'READWRITE'][t] ?? String(t);
}

function isRead(p: Permission): boolean {
  return p.permType === 0 || p.permType === 2;
}

function isWrite(p: Permission): boolean {
  return p.permType === 1 || p.permType === 2;
}

/**
 * One permission of `role get`, TAB-indented: a single key as it is; a range
 * as `[key, end)`, or `[key, <open ended>` when end is "\0" (no closing
 * bracket, as etcdctl prints it); ` (prefix key)` is added whenever end is
 * the prefix end of key. Keys are raw bytes.
 */
export function permissionLine(p: Permission): Buffer {
  const key = Buffer.from(p.key ?? []);
  const end = Buffer.from(p.range_end ?? []);
  if (end.length === 0) return Buffer.concat([Buffer.from('\t'), key, Buffer.from('\n')]);
  const parts: Buffer[] = [Buffer.from('\t['), key, Buffer.from(', ')];
  if (end.equals(NUL)) parts.push(Buffer.from('<open ended>'));
  else parts.push(end, Buffer.from(')'));
  if (prefixEnd(key).equals(end)) parts.push(Buffer.from(' (prefix '), key, Buffer.from(')'));
  parts.push(Buffer.from('\n'));
  return Buffer.concat(parts);
}

/** `role get` (simple): the role, then its readable and its writable keys, in server order. */
export function roleGetSimple(role: string, perms: Permission[]): Buffer {
  return Buffer.concat([
    Buffer.from(`Role ${role}\nKV Read:\n`),
    ...perms.filter(isRead).map(permissionLine),
    Buffer.from('KV Write:\n'),
    ...perms.filter(isWrite).map(permissionLine),
  ]);
}

/**
 * `role revoke-permission` (simple). `k` is the key as typed (so an empty
 * key prints as empty although "\0" was sent), `end` the range end sent.
 */
export function roleRevokeSimple(role: string, k: Buffer, end: Buffer): Buffer {
  if (end.length === 0) {
    return Buffer.concat([Buffer.from('Permission of key '), k, Buffer.from(` is revoked from role ${role}\n`)]);
  }
  if (end.equals(NUL)) {
    return Buffer.concat([Buffer.from('Permission of range ['), k, Buffer.from(`, <open ended> is revoked from role ${role}\n`)]);
  }
  return Buffer.concat([Buffer.from('Permission of range ['), k, Buffer.from(', '), end, Buffer.from(`) is revoked from role ${role}\n`)]);
}

/** `user get` (simple): `Roles:` then each role after a space (just `Roles:` when there are none). */
export function userGetSimple(name: string, roles: string[]): string {
  return `User: ${name}\nRoles:${roles.map((r) => ` ${r}`).join('')}\n`;
}

/** Names one per line (user list, role list). */
export function nameLines(names: string[]): string {
  return names.map((n) => `${n}\n`).join('');
}

/** `auth status` (simple, etcdctl 3.5). */
export function authStatusSimple(enabled: boolean, authRevision: bigint): string {
  return `Authentication Status: ${enabled}\nAuthRevision: ${authRevision}\n`;
}

/** `role get` (fields), after the header: three lines per permission (`"PermType" : ` has two spaces before the name). */
export function roleGetFields(perms: Permission[]): string {
  return perms
    .map((p) => `"PermType" :  ${permTypeName(p.permType)}\n"Key" : ${goQuote(p.key ?? Buffer.alloc(0))}\n"RangeEnd" : ${goQuote(p.range_end ?? Buffer.alloc(0))}\n`)
    .join('');
}

/** `role list` (fields), after the header: one line with every role quoted. */
export function roleListFields(roles: string[]): string {
  return `"Roles" :${roles.map((r) => ` ${goQuote(r)}`).join('')}\n`;
}
