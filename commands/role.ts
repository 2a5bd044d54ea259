/** role add, delete, get, list, grant-permission and revoke-permission. */
import type { CommandDef, Context } from '../src/cli/types.js';
import { badArgs } from '../src/errors.js';
import { FROM_KEY_END, keyBytes, prefixEnd } from '../src/keys.js';

// ---- permission ranges -------------------------------------------------------

const PERM_TYPES: Record<string, number> = { READ: 0, WRITE: 1, READWRITE: 2 };

/** read / write / readwrite in any case, as etcd's client parses it. */
export function permissionType(text: string): number {
  const t = PERM_TYPES[text.toUpperCase()];
  if (t === undefined) throw badArgs(`invalid permission type: ${text}`);
  return t;
}

/**
 * The key range of a permission from `<key> [endkey]` and --prefix /
 * --from-key, as etcdctl computes it. An empty key stands for the whole key
 * space: it is sent as "\0", with range end "\0" under either flag (any
 * endkey is then ignored). A range end "\0" means "every key from key on".
 */
export function permRange(args: string[], prefix: boolean, fromKey: boolean): { key: Buffer; rangeEnd: Buffer } {
  const key = args[0];
  if (key === '') {
    if (prefix && fromKey) throw badArgs('--from-key and --prefix flags are mutually exclusive');
    return { key: Buffer.from([0]), rangeEnd: prefix || fromKey ? FROM_KEY_END : Buffer.alloc(0) };
  }
  const k = keyBytes(key);
  if (args.length === 1) {
    if (prefix) {
      if (fromKey) throw badArgs('--from-key and --prefix flags are mutually exclusive');
      return { key: k, rangeEnd: prefixEnd(k) };
    }
    return { key: k, rangeEnd: fromKey ? FROM_KEY_END : Buffer.alloc(0) };
  }
  if (prefix) throw badArgs('unexpected endkey argument with --prefix flag');
  if (fromKey) throw badArgs('unexpected endkey argument with --from-key flag');
  return { key: k, rangeEnd: keyBytes(args[1]) };
}

export interface GrantPermission {
  name: string;
  perm: { permType: number; key: Buffer; range_end: Buffer };
}

/** `role grant-permission <role> <type> <key> [endkey]` → the AuthRoleGrantPermissionRequest. */
export function grantPermissionRequest(args: string[], flags: Record<string, unknown>): GrantPermission {
  if (args.length < 3) throw badArgs('role grant command requires role name, permission type, and key [endkey] as its argument');
  const permType = permissionType(args[1]);
  const { key, rangeEnd } = permRange(args.slice(2), flags.prefix === true, flags['from-key'] === true);
  return { name: args[0], perm: { permType, key, range_end: rangeEnd } };
}

export interface RevokePermission {
  role: string;
  key: Buffer;
  range_end: Buffer;
}

/** `role revoke-permission <role> <key> [endkey]` → the AuthRoleRevokePermissionRequest. */
export function revokePermissionRequest(args: string[], flags: Record<string, unknown>): RevokePermission {
  if (args.length < 2) throw badArgs('role revoke-permission command requires role name and key [endkey] as its argument');
  const { key, rangeEnd } = permRange(args.slice(1), flags.prefix === true, flags['from-key'] === true);
  return { role: args[0], key, range_end: rangeEnd };
}

// ---- the commands ------------------------------------------------------------

/** The role name of add / delete / get. */
function oneRole(ctx: Context, verb: string): string {
  if (ctx.args.length !== 1) throw badArgs(`role ${verb} command requires role name as its argument`);
  return ctx.args[0];
}

async function runRoleAdd(ctx: Context): Promise<void> {
  const role = oneRole(ctx, 'add');
  const printer = ctx.printer();
  const client = await ctx.client();
  const reply = await client.auth.roleAdd({ name: role });
  printer.roleAdd(role, reply);
}

async function runRoleDelete(ctx: Context): Promise<void> {
  const role = oneRole(ctx, 'delete');
  const printer = ctx.printer();
  const client = await ctx.client();
  const reply = await client.auth.roleDelete({ role });
  printer.roleDelete(role, reply);
}

async function runRoleGet(ctx: Context): Promise<void> {
  const role = oneRole(ctx, 'get');
  const printer = ctx.printer();
  const client = await ctx.client();
  const reply = await client.auth.roleGet({ role });
  printer.roleGet(role, reply);
}

async function runRoleList(ctx: Context): Promise<void> {
  if (ctx.args.length !== 0) throw badArgs('role list command requires no arguments');
  const printer = ctx.printer();
  const client = await ctx.client();
  const reply = await client.auth.roleList({});
  printer.roleList(reply);
}

async function runGrantPermission(ctx: Context): Promise<void> {
  const request = grantPermissionRequest(ctx.args, ctx.flags);
  const printer = ctx.printer();
  const client = await ctx.client();
  const reply = await client.auth.roleGrantPermission(request);
  printer.roleGrantPermission(request.name, reply);
}

async function runRevokePermission(ctx: Context): Promise<void> {
  const request = revokePermissionRequest(ctx.args, ctx.flags);
  const printer = ctx.printer();
  const client = await ctx.client();
  const reply = await client.auth.roleRevokePermission(request);
  // The message shows the key as typed (an empty key stays empty) and the range end sent.
  printer.roleRevokePermission(request.role, keyBytes(ctx.args[1]), request.range_end, reply);
}

export const roleCommand: CommandDef = {
  name: 'role',
  use: 'role <subcommand>',
  short: 'Role related commands',
  subcommands: [
    { name: 'add', use: 'add <role name>', short: 'Adds a new role', run: runRoleAdd },
    { name: 'delete', use: 'delete <role name>', short: 'Deletes a role', run: runRoleDelete },
    { name: 'get', use: 'get <role name>', short: 'Gets detailed information of a role', run: runRoleGet },
    { name: 'list', use: 'list', short: 'Lists all roles', run: runRoleList },
    {
      name: 'grant-permission',
      use: 'grant-permission [options] <role name> <permission type> <key> [endkey]',
      short: 'Grants a key to a role',
      flags: [
        { name: 'prefix', type: 'bool', default: false, usage: 'grant a prefix permission' },
        { name: 'from-key', type: 'bool', default: false, usage: 'grant a permission of keys that are greater than or equal to the given key using byte compare' },
      ],
      run: runGrantPermission,
      rawArgsFrom: 2,
    },
    {
      name: 'revoke-permission',
      use: 'revoke-permission <role name> <key> [endkey]',
      short: 'Revokes a key from a role',
      flags: [
        { name: 'prefix', type: 'bool', default: false, usage: 'revoke a prefix permission' },
        { name: 'from-key', type: 'bool', default: false, usage: 'revoke a permission of keys that are greater than or equal to the given key using byte compare' },
      ],
      run: runRevokePermission,
      rawArgsFrom: 1,
    },
  ],
};
