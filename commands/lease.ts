/** lease grant | revoke | timetolive | list | keep-alive. */
import type { CommandDef, Context } from '../src/cli/types.js';
import { badArgs, EtcdctlError, ExitCode } from '../src/errors.js';
import { FlagValueError } from '../src/config/flags.js';
import { parseDecInt64, parseHexInt64 } from '../src/ids.js';
import type { Reply } from '../src/client/client.js';
import type { LeaseKeepAliveResponse } from '../src/proto/types.gen.js';

// ---- arguments -------------------------------------------------------------

/** A lease ID argument: hex int64, as etcdctl's leaseFromArgs reads it. */
export function leaseIdArg(arg: string): bigint {
  try {
    return parseHexInt64(arg);
  } catch (err) {
    if (err instanceof FlagValueError) throw badArgs(`bad lease ID arg (${err.message}), expecting ID in Hex`);
    throw err;
  }
}

/** grant's TTL: exactly one decimal int64 argument. */
export function grantTtlArg(args: string[]): bigint {
  if (args.length !== 1) throw badArgs('lease grant command needs TTL argument');
  try {
    return parseDecInt64(args[0]);
  } catch (err) {
    if (err instanceof FlagValueError) throw badArgs(`bad TTL (${err.message})`);
    throw err;
  }
}

/** revoke's lease ID: exactly one argument. */
export function revokeIdArg(args: string[]): bigint {
  if (args.length !== 1) throw badArgs('lease revoke command needs 1 argument');
  return leaseIdArg(args[0]);
}

/** The check timetolive makes before anything else (its ID is parsed later, after the output format). */
export function checkTimeToLiveArgs(args: string[]): void {
  if (args.length !== 1) throw badArgs('lease timetolive command needs lease ID as argument');
}

/** keep-alive's lease ID: exactly one argument. */
export function keepAliveIdArg(args: string[]): bigint {
  if (args.length !== 1) throw badArgs('lease keep-alive command needs lease ID as argument');
  return leaseIdArg(args[0]);
}

/**
 * The error a failed call ends the command with: `wrap` turns the reason into
 * etcdctl's message, `code` is the exit code etcdctl uses for this command.
 * A connection that could not be made counts as a failed call; failures that
 * come with their own code (authentication: 2) keep it.
 */
export function callFailure(err: unknown, code: number, wrap: (reason: string) => string = (r) => r): Error {
  if (err instanceof EtcdctlError && (err.code === code || err.code === ExitCode.Error)) {
    return new EtcdctlError(wrap(err.message), code, err.hints, err.silent);
  }
  return err as Error;
}

// ---- the commands ----------------------------------------------------------

async function runGrant(ctx: Context): Promise<void> {
  const ttl = grantTtlArg(ctx.args);
  const printer = ctx.printer();
  const client = await ctx.client();
  const reply = await client
    .lease.leaseGrant({ TTL: ttl })
    .catch((e) => { throw callFailure(e, ExitCode.Error, (r) => `failed to grant lease (${r})`); });
  printer.leaseGrant(reply);
}

async function runRevoke(ctx: Context): Promise<void> {
  const id = revokeIdArg(ctx.args);
  const printer = ctx.printer();
  const client = await ctx.client();
  const reply = await client
    .lease.leaseRevoke({ ID: id })
    .catch((e) => { throw callFailure(e, ExitCode.Error, (r) => `failed to revoke lease (${r})`); });
  printer.leaseRevoke(id, reply);
}

async function runTimeToLive(ctx: Context): Promise<void> {
  checkTimeToLiveArgs(ctx.args);
  // etcdctl sets up its client (and output format) before it reads the ID.
  const printer = ctx.printer();
  const client = await ctx.client();
  const id = leaseIdArg(ctx.args[0]);
  const keys = ctx.flags.keys === true;
  const reply = await client
    .lease.leaseTimeToLive({ ID: id, keys })
    .catch((e) => { throw callFailure(e, ExitCode.BadConnection); });
  printer.leaseTimeToLive(reply, keys);
}

async function runList(ctx: Context): Promise<void> {
  const printer = ctx.printer();
  const client = await ctx.client();
  const reply = await client
    .lease.leaseLeases({})
    .catch((e) => { throw callFailure(e, ExitCode.BadConnection); });
  printer.leaseList(reply);
}

async function runKeepAlive(ctx: Context): Promise<void> {
  const id = keepAliveIdArg(ctx.args);
  const printer = ctx.printer();
  const client = await ctx.client();
  const { keepAliveOnce, LeaseKeeper, GO_KEEPALIVE_TIMINGS } = await import('../src/client/keepalive.js');

  if (ctx.flags.once === true) {
    const reply = await keepAliveOnce(client, id, ctx.globals.commandTimeout / 1e6).catch((e) => {
      throw callFailure(e, ExitCode.BadConnection);
    });
    if (reply.msg.TTL <= 0n) throw new EtcdctlError('etcdserver: requested lease not found', ExitCode.BadConnection);
    printer.leaseKeepAlive(reply);
    return;
  }

  // Listening for SIGINT/SIGTERM from here on: they end keep-alive quietly, exit 0.
  const interrupted = ctx.interrupted;
  const dialMs = ctx.globals.dialTimeout / 1e6;
  const keeper = new LeaseKeeper(client, id, (r: Reply<LeaseKeepAliveResponse>) => printer.leaseKeepAlive(r), {
    ...GO_KEEPALIVE_TIMINGS,
    // Go's client: dial timeout + 1 s, or 5 s without a dial timeout.
    firstResponseMs: dialMs > 0 ? dialMs + 1000 : 5000,
  }).start();
  let end: string;
  try {
    end = await Promise.race([keeper.done, interrupted.then(() => 'interrupted')]);
  } catch (err) {
    throw callFailure(err, ExitCode.BadConnection);
  } finally {
    keeper.stop();
  }
  if (end === 'interrupted') return;
  if (ctx.globals.writeOut === 'simple') ctx.text().leaseExpired(id);
}

export const leaseCommand: CommandDef = {
  name: 'lease',
  use: 'lease <subcommand>',
  short: 'Lease related commands',
  subcommands: [
    { name: 'grant', use: 'grant <ttl>', short: 'Creates leases', run: runGrant },
    { name: 'revoke', use: 'revoke <leaseID>', short: 'Revokes leases', run: runRevoke },
    {
      name: 'timetolive',
      use: 'timetolive <leaseID> [options]',
      short: 'Get lease information',
      flags: [{ name: 'keys', type: 'bool', default: false, usage: 'Get keys attached to this lease' }],
      run: runTimeToLive,
    },
    { name: 'list', use: 'list', short: 'List all active leases', run: runList },
    {
      name: 'keep-alive',
      use: 'keep-alive [options] <leaseID>',
      short: 'Keeps leases alive (renew)',
      flags: [
        // etcdctl 3.5's text, mangled by a search-and-replace of exits → cobrautl.Exits.
        { name: 'once', type: 'bool', default: false, usage: 'Resets the keep-alive time to its original value and cobrautl.Exits immediately' },
      ],
      run: runKeepAlive,
    },
  ],
};
