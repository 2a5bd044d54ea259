/** member list (the rest of the member family comes with cluster administration). */
import type { CommandDef, Context } from '../src/cli/types.js';
import { toEtcdctlError } from '../src/client/errors.js';

async function runMemberList(ctx: Context): Promise<void> {
  const printer = ctx.printer();
  const client = await ctx.client();
  const reply = await client.call('Cluster.MemberList', {}).catch((e) => { throw toEtcdctlError(e); });
  printer.memberList(reply);
}

export const memberCommand: CommandDef = {
  name: 'member',
  use: 'member <subcommand>',
  short: 'Membership related commands',
  subcommands: [
    {
      name: 'list',
      use: 'list',
      short: 'Lists all members in the cluster',
      long: `
When --write-out is set to simple, this command prints out comma-separated member lists for each endpoint.
The items in the lists are ID, Status, Name, Peer Addrs, Client Addrs, Is Learner.
`,
      run: runMemberList,
    },
  ],
};
