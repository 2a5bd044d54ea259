/** endpoint health / status / hashkv, for each of --endpoints or (--cluster) every member. */
import type { CommandDef, Context } from '../src/cli/types.js';
import { EtcdctlError, ExitCode } from '../src/errors.js';
import { formatDuration } from '../src/go/duration.js';
import { GrpcError } from '../src/client/status.js';
import type { EndpointHashKV, EndpointHealth, EndpointStatus } from '../src/output/printer.js';
import { alarmName } from '../src/output/printer.js';
import { AlarmType } from '../src/proto/types.gen.js';
import { AlarmRequest_AlarmAction } from '../src/proto/types.gen.js';

/** The text etcdctl shows for a failure inside a per-endpoint result. */
export function failureText(err: unknown): string {
  if (err instanceof GrpcError) return err.message;
  return err instanceof Error ? err.message : String(err);
}

/**
 * etcdctl's status, hashkv and defrag create their shared client before
 * anything else: with --user a failed login ends them there (exit 2), instead
 * of failing every endpoint.
 */
export async function loginFirst(ctx: Context): Promise<void> {
  await (await ctx.client()).login();
}

/** --endpoints as given, or with --cluster every member's client URLs (in member order). */
export async function targetEndpoints(ctx: Context): Promise<string[]> {
  if (ctx.flags.cluster !== true) return ctx.globals.endpoints;
  const client = await ctx.client();
  try {
    // The client for the member list logs in as it is made; that failure is not the list's.
    await client.login();
  } catch (err) {
    if (err instanceof EtcdctlError) throw new EtcdctlError(err.message, ExitCode.Error, err.hints);
    throw err;
  }
  try {
    const reply = await client.cluster.memberList({});
    return reply.msg.members.flatMap((m: { clientURLs: string[] }) => m.clientURLs);
  } catch (err) {
    throw new EtcdctlError(`failed to fetch endpoints from etcd cluster member list: ${failureText(err)}`, ExitCode.Error);
  }
}

/** etcdctl names the alarms it knows, and calls any other UNKNOWN. */
const alarmWord = (alarm: number) => `${alarm === AlarmType.NOSPACE || alarm === AlarmType.CORRUPT ? alarmName(alarm) : 'UNKNOWN'} `;

/** etcdctl's health check of one endpoint: a linearized read, then no active alarm. */
async function checkHealth(ctx: Context, ep: string): Promise<EndpointHealth> {
  const client = await ctx.clientFor(ep);
  const started = process.hrtime.bigint();
  let error = '';
  try {
    await client.kv.range({ key: Buffer.from('health') });
  } catch (err) {
    const text = failureText(err);
    // Without read permission on "health" the member still answered: healthy.
    if (text !== 'etcdserver: permission denied') error = text;
  }
  const took = formatDuration(Number(process.hrtime.bigint() - started));
  if (error === '') {
    try {
      const alarms = (await client.maintenance.alarm({ action: AlarmRequest_AlarmAction.GET })).msg.alarms;
      if (alarms.length > 0) error = 'Active Alarm(s): ' + alarms.map((a) => alarmWord(a.alarm)).join('');
    } catch {
      error = 'Unable to fetch the alarm list';
    }
  }
  return { ep, health: error === '', took, error };
}

async function runHealth(ctx: Context): Promise<void> {
  const printer = ctx.printer();
  const eps = await targetEndpoints(ctx);
  const results: EndpointHealth[] = [];
  // Concurrently; listed in the order the answers come, as etcdctl does.
  await Promise.all(eps.map(async (ep) => results.push(await checkHealth(ctx, ep))));
  printer.endpointHealth(results);
  if (results.some((h) => h.error !== '')) throw new EtcdctlError('unhealthy cluster', ExitCode.Error);
}

async function runStatus(ctx: Context): Promise<void> {
  const printer = ctx.printer();
  const text = ctx.text();
  await loginFirst(ctx);
  const eps = await targetEndpoints(ctx);
  const list: EndpointStatus[] = [];
  let failed = false;
  for (const ep of eps) {
    try {
      list.push({ ep, reply: await (await ctx.clientFor(ep)).maintenance.status({}) });
    } catch (err) {
      failed = true;
      text.statusFailed(ep, failureText(err));
    }
  }
  printer.endpointStatus(list);
  // etcdctl exits 1 here without an "Error:" line.
  if (failed) throw new EtcdctlError('', ExitCode.Error, [], true);
}

async function runHashKV(ctx: Context): Promise<void> {
  const printer = ctx.printer();
  const text = ctx.text();
  await loginFirst(ctx);
  const eps = await targetEndpoints(ctx);
  const list: EndpointHashKV[] = [];
  let lastError: unknown;
  for (const ep of eps) {
    try {
      list.push({ ep, reply: await (await ctx.clientFor(ep)).maintenance.hashKV({ revision: ctx.flags.rev as bigint }) });
    } catch (err) {
      lastError = err;
      text.hashFailed(ep, failureText(err));
    }
  }
  printer.endpointHashKV(list);
  if (lastError !== undefined) throw new EtcdctlError(failureText(lastError), ExitCode.Error);
}

export const endpointCommand: CommandDef = {
  name: 'endpoint',
  use: 'endpoint <subcommand>',
  short: 'Endpoint related commands',
  persistentFlags: [{ name: 'cluster', type: 'bool', default: false, usage: 'use all endpoints from the cluster member list' }],
  subcommands: [
    { name: 'health', use: 'health', short: 'Checks the healthiness of endpoints specified in `--endpoints` flag', run: runHealth, quietDebug: true },
    {
      name: 'status',
      use: 'status',
      short: 'Prints out the status of endpoints specified in `--endpoints` flag',
      long: `When --write-out is set to simple, this command prints out comma-separated status lists for each endpoint.
The items in the lists are endpoint, ID, version, db size, is leader, is learner, raft term, raft index, raft applied index, errors.
`,
      run: runStatus,
    },
    {
      name: 'hashkv',
      use: 'hashkv',
      short: 'Prints the KV history hash for each endpoint in --endpoints',
      persistentFlags: [{ name: 'rev', type: 'int64', default: 0n, usage: 'maximum revision to hash (default: all revisions)' }],
      run: runHashKV,
    },
  ],
};
