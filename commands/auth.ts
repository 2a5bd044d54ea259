/** auth enable, auth disable and (etcdctl 3.5) auth status. */
import type { CommandDef, Context } from '../src/cli/types.js';
import type { EtcdClient } from '../src/client/client.js';
import { badArgs } from '../src/errors.js';
import { GrpcError } from '../src/client/status.js';

/** The server's answer to AuthEnable when user root exists but lacks role root. */
export const ROOT_ROLE_MISSING = 'etcdserver: root user does not have root role';

function noArgs(ctx: Context, what: string): void {
  if (ctx.args.length !== 0) throw badArgs(`auth ${what} command does not accept any arguments`);
}

/**
 * Enables authentication as etcdctl does: when the server refuses because
 * user root lacks role root, creates role root, grants it to root and tries
 * again. Any other failure, of any of these calls, is the command's error.
 */
export async function enableAuth(client: EtcdClient): Promise<void> {
  // etcdctl loops until the server gives another answer; three rounds are plenty.
  for (let round = 1; ; round++) {
    try {
      await client.auth.authEnable({});
      return;
    } catch (err) {
      if (!(err instanceof GrpcError && err.details === ROOT_ROLE_MISSING) || round >= 3) throw err;
    }
    await client.auth.roleAdd({ name: 'root' });
    await client.auth.userGrantRole({ user: 'root', role: 'root' });
  }
}

async function runAuthEnable(ctx: Context): Promise<void> {
  noArgs(ctx, 'enable');
  ctx.printer(); // etcdctl checks --write-out while it makes its client, even for text output
  const client = await ctx.client();
  await enableAuth(client);
  ctx.text().authEnabled();
}

async function runAuthDisable(ctx: Context): Promise<void> {
  noArgs(ctx, 'disable');
  ctx.printer();
  const client = await ctx.client();
  await client.auth.authDisable({});
  ctx.text().authDisabled();
}

async function runAuthStatus(ctx: Context): Promise<void> {
  noArgs(ctx, 'status');
  const printer = ctx.printer();
  const client = await ctx.client();
  const reply = await client.auth.authStatus({});
  printer.authStatus(reply);
}

export const authCommand: CommandDef = {
  name: 'auth',
  use: 'auth <enable or disable>',
  short: 'Enable or disable authentication',
  subcommands: [
    { name: 'enable', use: 'enable', short: 'Enables authentication', run: runAuthEnable },
    { name: 'disable', use: 'disable', short: 'Disables authentication', run: runAuthDisable },
    { name: 'status', use: 'status', short: 'Returns authentication status', run: runAuthStatus },
  ],
};
