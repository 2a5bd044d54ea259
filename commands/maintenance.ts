/** alarm list / disarm, defrag, move-leader. */
import type { CommandDef, Context } from '../src/cli/types.js';
import { badArgs, EtcdctlError, ExitCode } from '../src/errors.js';
import { FlagValueError } from '../src/config/flags.js';
import { parseHexUint64 } from '../src/ids.js';
import { goQuote } from '../src/go/quote.js';
import { failureText, loginFirst, targetEndpoints } from './endpoint.js';
import type { AlarmMember, AlarmResponse, StatusResponse } from '../src/proto/types.gen.js';
import { AlarmRequest_AlarmAction } from '../src/proto/types.gen.js';
import type { Reply } from '../src/client/client.js';

const { GET: ALARM_GET, DEACTIVATE: ALARM_DEACTIVATE } = AlarmRequest_AlarmAction;

async function runAlarmList(ctx: Context): Promise<void> {
  if (ctx.args.length !== 0) throw badArgs('alarm list command accepts no arguments');
  const printer = ctx.printer();
  const client = await ctx.client();
  const reply = await client.maintenance.alarm({ action: ALARM_GET });
  printer.alarm(reply);
}

/**
 * As etcd's Go client does it: list the alarms, deactivate each one, and
 * report the ones deactivated (a response of its own, without a header).
 */
async function runAlarmDisarm(ctx: Context): Promise<void> {
  if (ctx.args.length !== 0) throw badArgs('alarm disarm command accepts no arguments');
  const printer = ctx.printer();
  const client = await ctx.client();
  const listed = await client.maintenance.alarm({ action: ALARM_GET });
  const disarmed: AlarmMember[] = [];
  for (const a of listed.msg.alarms) {
    const r = await client.maintenance.alarm({ action: ALARM_DEACTIVATE, memberID: a.memberID, alarm: a.alarm });
    disarmed.push(...r.msg.alarms);
  }
  const msg = { header: null, alarms: disarmed };
  const { encodeMessage } = await import('../src/proto/registry.js');
  const reply: Reply<AlarmResponse> = { msg, raw: encodeMessage('etcdserverpb.AlarmResponse', msg), type: 'etcdserverpb.AlarmResponse' };
  printer.alarm(reply);
}

/**
 * defrag --data-dir (etcdutl's DefragData): the stopped member's db rewritten
 * compactly in place. `runningHint` ends the refusal of a db that etcd holds
 * (etcdctl 3.5's and etcdutl 3.6's wording differ); `wrap` shapes the error
 * line (etcdutl wraps it, etcdctl does not). Unlike etcdutl, which waits for
 * as long as etcd holds its lock, a held db is refused at once.
 */
export async function defragOffline(ctx: Context, dataDir: string, runningHint: string, wrap: (message: string) => string = (m) => m): Promise<void> {
  const { DefragError, defragDataDir } = await import('../src/snapshot/defrag.js');
  const { BoltError, IntegrityError } = await import('../src/snapshot/bbolt.js');
  let r;
  try {
    r = defragDataDir(dataDir);
  } catch (err) {
    if (err instanceof DefragError && err.locked) {
      const pids = err.locked.pids.filter((p) => p > 0);
      const by = pids.length > 0 ? ` (process ${pids.join(', ')})` : '';
      throw new EtcdctlError(wrap(`etcd holds its lock on ${goQuote(err.locked.db)}${by}. ${runningHint}`), ExitCode.Error, ['stop that etcd first to defragment its data dir offline']);
    }
    if (err instanceof DefragError || err instanceof BoltError) throw new EtcdctlError(wrap(err.message), ExitCode.Error, err.hints);
    if (err instanceof IntegrityError) throw new EtcdctlError(wrap(err.message), ExitCode.Error);
    throw err;
  }
  ctx.text().defragDataFinished(dataDir, r.db, r.sizeBefore, r.sizeAfter);
}

async function runDefrag(ctx: Context): Promise<void> {
  if (ctx.flags['data-dir'] !== '') {
    // etcdctl 3.5 first says on stderr that --data-dir moves to etcdutl; here it stays.
    return defragOffline(ctx, ctx.flags['data-dir'] as string, 'To defrag a running etcd instance, omit --data-dir.');
  }
  const text = ctx.text();
  await loginFirst(ctx);
  let failures = 0;
  for (const ep of await targetEndpoints(ctx)) {
    try {
      await (await ctx.clientFor(ep)).maintenance.defragment({});
      text.defragFinished(ep);
    } catch (err) {
      failures++;
      text.defragFailed(ep, failureText(err));
    }
  }
  // etcdctl exits 1 here without an "Error:" line.
  if (failures > 0) throw new EtcdctlError('', ExitCode.Error, [], true);
}

async function runMoveLeader(ctx: Context): Promise<void> {
  if (ctx.args.length !== 1) throw badArgs('move-leader command needs 1 argument');
  let target: bigint;
  try {
    target = parseHexUint64(ctx.args[0]);
  } catch (err) {
    if (err instanceof FlagValueError) throw badArgs(err.message);
    throw err;
  }
  const printer = ctx.printer();
  const eps = ctx.globals.endpoints.map((e) => e.trim());
  // The transfer must be asked of the leader: find it among the endpoints.
  for (const ep of eps) {
    const client = await ctx.clientFor(ep);
    const status: Reply<StatusResponse> = await client.maintenance.status({});
    const leader = status.msg.leader;
    if (status.msg.header?.member_id === leader) {
      const reply = await client.maintenance.moveLeader({ targetID: target });
      printer.moveLeader(leader, target, reply);
      return;
    }
  }
  throw badArgs(`no leader endpoint given at [${eps.join(' ')}]`);
}

export const alarmCommand: CommandDef = {
  name: 'alarm',
  use: 'alarm <subcommand>',
  short: 'Alarm related commands',
  subcommands: [
    { name: 'disarm', use: 'disarm', short: 'Disarms all alarms', run: runAlarmDisarm },
    { name: 'list', use: 'list', short: 'Lists all alarms', run: runAlarmList },
  ],
};

export const defragCommand: CommandDef = {
  name: 'defrag',
  use: 'defrag',
  short: 'Defragments the storage of the etcd members with given endpoints',
  flags: [{ name: 'data-dir', type: 'string', default: '', usage: 'Optional. If present, defragments a data directory not in use by etcd.' }],
  persistentFlags: [{ name: 'cluster', type: 'bool', default: false, usage: 'use all endpoints from the cluster member list' }],
  run: runDefrag,
};

export const moveLeaderCommand: CommandDef = {
  name: 'move-leader',
  use: 'move-leader <transferee-member-id>',
  short: 'Transfers leadership to another etcd cluster member.',
  run: runMoveLeader,
};
