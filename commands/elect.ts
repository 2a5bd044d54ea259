/** elect: campaign for leadership and hold it, or (-l) watch who leads. */
import type { CommandDef, Context } from '../src/cli/types.js';
import { badArgs, EtcdctlError } from '../src/errors.js';
import { firstInterrupt } from '../src/io/interrupts.js';
import { GrpcError } from '../src/client/status.js';
import { keyBytes } from '../src/keys.js';

/** etcd's Go client: sessions for elections live 60 s unless renewed. */
const SESSION_TTL = 60;


async function runElect(ctx: Context): Promise<void> {
  if (ctx.args.length !== 1 && ctx.args.length !== 2) {
    throw badArgs('elect takes one election name argument and an optional proposal argument');
  }
  const listen = ctx.flags.listen === true;
  if (ctx.args.length === 1 && !listen) throw badArgs('no proposal argument but -l not set');
  if (ctx.args.length === 2 && listen) throw badArgs('proposal given but -l is set');
  const printer = ctx.printer();
  const client = await ctx.client();
  const { Session } = await import('../src/concurrency/session.js');
  const { Election } = await import('../src/concurrency/election.js');
  const { signal, interrupted } = firstInterrupt();
  let session;
  session = await Session.create(client, SESSION_TTL, ctx.globals.dialTimeout / 1e6 + 1000);
  const fail = (err: unknown) => (err instanceof GrpcError ? err : new EtcdctlError((err as Error).message));
  try {
    const election = new Election(client, session, ctx.args[0]);
    if (listen) {
      await election.observe(signal, (r) => printer.get(r)).catch((err) => {
        throw signal.aborted ? err : new EtcdctlError('elect: observer lost');
      });
      if (!signal.aborted) throw new EtcdctlError('elect: observer lost');
      return;
    }
    await election.campaign(keyBytes(ctx.args[1]), signal).catch((err) => { throw fail(err); });
    const held = await client.kv.range({ key: election.key });
    printer.get(held);
    const outcome = await Promise.race([interrupted.then(() => 'interrupted' as const), session.expired.then(() => 'expired' as const)]);
    if (outcome === 'expired') throw new EtcdctlError('elect: session expired');
    await election.resign();
  } finally {
    await session.close();
  }
}

export const electCommand: CommandDef = {
  name: 'elect',
  use: 'elect <election-name> [proposal]',
  short: 'Observes and participates in leader election',
  flags: [{ name: 'listen', short: 'l', type: 'bool', default: false, usage: 'observation mode' }],
  run: runElect,
  rawArgsFrom: 0,
};
