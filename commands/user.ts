/** user add, delete, get, list, passwd, grant-role and revoke-role. */
import type { CommandDef, Context } from '../src/cli/types.js';
import type { IO } from '../src/io/types.js';
import { badArgs } from '../src/errors.js';
import { askPassword, PromptInterrupted, readWord } from '../src/io/prompt.js';
import { goTrimSpace } from '../src/go/text.js';
import { passwordAgainPrompt, passwordPrompt } from '../src/output/text.js';

// ---- passwords ---------------------------------------------------------------

/** Where the new password of `user add` / `user passwd` comes from. */
export type PasswordSource =
  | { kind: 'given'; password: string }
  /** One word from stdin, as Go's fmt.Scanf("%s") reads it (--interactive=false). */
  | { kind: 'stdin' }
  /** Asked twice on the terminal (on stdin without one). */
  | { kind: 'prompt' };

export interface UserAddOptions {
  name: string;
  noPassword: boolean;
  password: PasswordSource;
}

/**
 * Validates `user add`'s argument and flags, in etcdctl's order: --no-password
 * (the argument is the name, colons and all), --new-user-password, then
 * NAME:PASSWORD split at the first colon, then stdin or the prompt.
 */
export function userAddOptions(args: string[], flags: Record<string, unknown>): UserAddOptions {
  if (args.length !== 1) throw badArgs('user add command requires user name as its argument');
  const arg = args[0];
  if (flags['no-password'] === true) return { name: arg, noPassword: true, password: { kind: 'given', password: '' } };
  const fromFlag = String(flags['new-user-password'] ?? '');
  if (fromFlag !== '') return { name: arg, noPassword: false, password: { kind: 'given', password: fromFlag } };
  const colon = arg.indexOf(':');
  if (colon < 0) return { name: arg, noPassword: false, password: flags.interactive === false ? { kind: 'stdin' } : { kind: 'prompt' } };
  const name = arg.slice(0, colon);
  if (name === '') throw badArgs('empty user name is not allowed');
  return { name, noPassword: false, password: { kind: 'given', password: arg.slice(colon + 1) } };
}


type Ask = (prompt: string, io: IO) => Promise<string>;

/** One answer to a password prompt, trimmed as etcdctl's prompt trims it. */
async function askOnce(prompt: string, io: IO, ask: Ask): Promise<string> {
  try {
    return goTrimSpace(await ask(prompt, io));
  } catch (err) {
    // etcdctl exits with status 255 (and no message) when interrupted at its prompt.
    if (err instanceof PromptInterrupted) throw err;
    throw badArgs(`failed to ask password: failed during password entry: ${(err as Error).message}`);
  }
}

/** The password typed twice at etcdctl's two prompts. */
export async function askNewPassword(name: string, io: IO, ask: Ask = askPassword): Promise<string> {
  const first = await askOnce(passwordPrompt(name), io, ask);
  if (first === '') throw badArgs('empty password');
  const again = await askOnce(passwordAgainPrompt(name), io, ask);
  if (first !== again) throw badArgs('given passwords are different');
  return first;
}

/** The password a source gives. A failed read from stdin gives "", as with etcdctl. */
export async function obtainPassword(name: string, source: PasswordSource, io: IO): Promise<string> {
  switch (source.kind) {
    case 'given': return source.password;
    case 'stdin': return readWord(io).catch(() => '');
    case 'prompt': return askNewPassword(name, io);
  }
}

// ---- the commands ------------------------------------------------------------

async function runUserAdd(ctx: Context): Promise<void> {
  const opts = userAddOptions(ctx.args, ctx.flags);
  const password = await obtainPassword(ctx.args[0], opts.password, ctx.io);
  const printer = ctx.printer();
  const client = await ctx.client();
  const reply = await client.auth.userAdd({ name: opts.name, password, options: { no_password: opts.noPassword } });
  printer.userAdd(opts.name, reply);
}

async function runUserDelete(ctx: Context): Promise<void> {
  if (ctx.args.length !== 1) throw badArgs('user delete command requires user name as its argument');
  const printer = ctx.printer();
  const client = await ctx.client();
  const reply = await client.auth.userDelete({ name: ctx.args[0] });
  printer.userDelete(ctx.args[0], reply);
}

async function runUserGet(ctx: Context): Promise<void> {
  if (ctx.args.length !== 1) throw badArgs('user get command requires user name as its argument');
  const name = ctx.args[0];
  const printer = ctx.printer();
  const client = await ctx.client();
  const reply = await client.auth.userGet({ name });
  if (ctx.flags.detail !== true) {
    printer.userGet(name, reply);
    return;
  }
  // --detail: a fixed first line, then each role as `role get` prints it.
  const text = ctx.text();
  text.userDetail(name);
  for (const role of reply.msg.roles as string[]) {
    text.userDetailRoleBreak();
    const roleReply = await client.auth.roleGet({ role });
    printer.roleGet(role, roleReply);
  }
}

async function runUserList(ctx: Context): Promise<void> {
  if (ctx.args.length !== 0) throw badArgs('user list command requires no arguments');
  const printer = ctx.printer();
  const client = await ctx.client();
  const reply = await client.auth.userList({});
  printer.userList(reply);
}

async function runUserPasswd(ctx: Context): Promise<void> {
  if (ctx.args.length !== 1) throw badArgs('user passwd command requires user name as its argument');
  const name = ctx.args[0];
  const password = await obtainPassword(name, ctx.flags.interactive === false ? { kind: 'stdin' } : { kind: 'prompt' }, ctx.io);
  const printer = ctx.printer();
  const client = await ctx.client();
  const reply = await client.auth.userChangePassword({ name, password });
  printer.userChangePassword(reply);
}

async function runUserGrantRole(ctx: Context): Promise<void> {
  if (ctx.args.length !== 2) throw badArgs('user grant command requires user name and role name as its argument');
  const [user, role] = ctx.args;
  const printer = ctx.printer();
  const client = await ctx.client();
  const reply = await client.auth.userGrantRole({ user, role });
  printer.userGrantRole(user, role, reply);
}

async function runUserRevokeRole(ctx: Context): Promise<void> {
  if (ctx.args.length !== 2) throw badArgs('user revoke-role requires user name and role name as its argument');
  const [name, role] = ctx.args;
  const printer = ctx.printer();
  const client = await ctx.client();
  const reply = await client.auth.userRevokeRole({ name, role });
  printer.userRevokeRole(name, role, reply);
}

export const userCommand: CommandDef = {
  name: 'user',
  use: 'user <subcommand>',
  short: 'User related commands',
  subcommands: [
    {
      name: 'add',
      use: 'add <user name or user:password> [options]',
      short: 'Adds a new user',
      flags: [
        { name: 'interactive', type: 'bool', default: true, usage: 'Read password from stdin instead of interactive terminal' },
        { name: 'new-user-password', type: 'string', default: '', usage: 'Supply password from the command line flag' },
        { name: 'no-password', type: 'bool', default: false, usage: 'Create a user without password (CN based auth only)' },
      ],
      run: runUserAdd,
    },
    { name: 'delete', use: 'delete <user name>', short: 'Deletes a user', run: runUserDelete },
    {
      name: 'get',
      use: 'get <user name> [options]',
      short: 'Gets detailed information of a user',
      flags: [{ name: 'detail', type: 'bool', default: false, usage: 'Show permissions of roles granted to the user' }],
      run: runUserGet,
    },
    { name: 'list', use: 'list', short: 'Lists all users', run: runUserList },
    {
      name: 'passwd',
      use: 'passwd <user name> [options]',
      short: 'Changes password of user',
      flags: [
        { name: 'interactive', type: 'bool', default: true, usage: 'If true, read password from stdin instead of interactive terminal' },
      ],
      run: runUserPasswd,
    },
    { name: 'grant-role', use: 'grant-role <user name> <role name>', short: 'Grants a role to a user', run: runUserGrantRole },
    { name: 'revoke-role', use: 'revoke-role <user name> <role name>', short: 'Revokes a role from a user', run: runUserRevokeRole },
  ],
};
