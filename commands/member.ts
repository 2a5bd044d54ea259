/** member add / remove / update / list / promote. */
import type { CommandDef, Context } from '../src/cli/types.js';
import { badArgs, EtcdctlError } from '../src/errors.js';
import { FlagValueError } from '../src/config/flags.js';
import { parseHexUint64 } from '../src/ids.js';
import { parsePeerURL, PeerURLError } from '../src/go/url.js';

/** A member ID argument: hex, as etcdctl prints them. */
export function memberIdArg(args: string[]): bigint {
  if (args.length !== 1) throw badArgs('member ID is not provided');
  try {
    return parseHexUint64(args[0]);
  } catch (err) {
    if (err instanceof FlagValueError) throw badArgs(`bad member ID arg (${err.message}), expecting ID in Hex`);
    throw err;
  }
}

/**
 * Peer URLs checked the way etcd's Go client checks them before sending
 * (types.NewURLs, "fail-fast before panic in rafthttp").
 */
export function validatePeerURLs(urls: string[]): void {
  for (const raw of urls) {
    try {
      parsePeerURL(raw);
    } catch (err) {
      if (err instanceof PeerURLError) throw new EtcdctlError(err.message);
      throw err;
    }
  }
}

/** --peer-urls as typed and split at commas, refused when empty. */
function peerUrlsFlag(ctx: Context): { text: string; urls: string[] } {
  const text = String(ctx.flags['peer-urls']);
  if (text === '') throw badArgs('member peer urls not provided');
  return { text, urls: text.split(',') };
}

async function runMemberAdd(ctx: Context): Promise<void> {
  if (ctx.args.length < 1) throw badArgs('member name not provided');
  if (ctx.args.length > 1) {
    let msg = 'too many arguments';
    for (const a of ctx.args) if (a.toLowerCase().startsWith('http')) msg += `, did you mean --peer-urls=${a}`;
    throw badArgs(msg);
  }
  const { text: peerURLs, urls } = peerUrlsFlag(ctx);
  const printer = ctx.printer();
  const client = await ctx.client();
  validatePeerURLs(urls);
  const reply = await client
    .cluster.memberAdd({ peerURLs: urls, isLearner: ctx.flags.learner === true });
  printer.memberAdd(reply, { name: ctx.args[0], peerURLs });
}

async function runMemberRemove(ctx: Context): Promise<void> {
  const id = memberIdArg(ctx.args);
  const printer = ctx.printer();
  const client = await ctx.client();
  const reply = await client.cluster.memberRemove({ ID: id });
  printer.memberRemove(id, reply);
}

async function runMemberUpdate(ctx: Context): Promise<void> {
  const id = memberIdArg(ctx.args);
  const { urls } = peerUrlsFlag(ctx);
  const printer = ctx.printer();
  const client = await ctx.client();
  validatePeerURLs(urls);
  const reply = await client.cluster.memberUpdate({ ID: id, peerURLs: urls });
  printer.memberUpdate(id, reply);
}

async function runMemberList(ctx: Context): Promise<void> {
  const printer = ctx.printer();
  const client = await ctx.client();
  const reply = await client.cluster.memberList({});
  printer.memberList(reply);
}

async function runMemberPromote(ctx: Context): Promise<void> {
  const id = memberIdArg(ctx.args);
  const printer = ctx.printer();
  const client = await ctx.client();
  const reply = await client.cluster.memberPromote({ ID: id });
  printer.memberPromote(id, reply);
}

export const memberCommand: CommandDef = {
  name: 'member',
  use: 'member <subcommand>',
  short: 'Membership related commands',
  subcommands: [
    {
      name: 'add',
      use: 'add <memberName> [options]',
      short: 'Adds a member into the cluster',
      flags: [
        { name: 'peer-urls', type: 'string', default: '', usage: 'comma separated peer URLs for the new member.' },
        { name: 'learner', type: 'bool', default: false, usage: 'indicates if the new member is raft learner' },
      ],
      run: runMemberAdd,
    },
    { name: 'remove', use: 'remove <memberID>', short: 'Removes a member from the cluster', run: runMemberRemove },
    {
      name: 'update',
      use: 'update <memberID> [options]',
      short: 'Updates a member in the cluster',
      flags: [{ name: 'peer-urls', type: 'string', default: '', usage: 'comma separated peer URLs for the updated member.' }],
      run: runMemberUpdate,
    },
    {
      name: 'list',
      use: 'list',
      short: 'Lists all members in the cluster',
      long: `When --write-out is set to simple, this command prints out comma-separated member lists for each endpoint.
The items in the lists are ID, Status, Name, Peer Addrs, Client Addrs, Is Learner.
`,
      run: runMemberList,
    },
    {
      name: 'promote',
      use: 'promote <memberID>',
      short: 'Promotes a non-voting member in the cluster',
      long: `Promotes a non-voting learner member to a voting one in the cluster.
`,
      run: runMemberPromote,
    },
  ],
};
