/**
 * etcdutl-ts: etcdutl 3.6's command tree (defrag, hashkv, snapshot restore
 * and status, version, help) for the files of a stopped member, with its
 * one global flag (-w/--write-out), no ETCDCTL_* variables and cobra's
 * default usage pages. The work is shared with etcdctl-ts's commands.
 */
import type { CommandDef, Context } from '../src/cli/types.js';
import type { ProgramSpec } from '../src/cli/program.js';
import { GLOBAL_FLAGS } from '../src/config/globals.js';
import { badArgs, EtcdctlError, ExitCode } from '../src/errors.js';
import { fileStatus } from '../src/snapshot/status.js';
import { goSemver } from '../src/go/semver.js';
import { ETCDCTL_TS_VERSION } from '../src/cli/version.gen.js';
import { restoreCommand, snapshotError } from './snapshot.js';
import { defragOffline } from './maintenance.js';

/** The etcd release whose etcdutl this follows. */
export const ETCDUTL_VERSION = '3.6.0';
export const ETCDUTL_API_VERSION = '3.6';

export const ETCDUTL_PROGRAM: ProgramSpec = {
  name: 'etcdutl',
  globals: GLOBAL_FLAGS.filter((f) => f.name === 'write-out'),
  readsEnv: false,
  help: 'cobra',
};

async function runDefrag(ctx: Context): Promise<void> {
  const dataDir = ctx.flags['data-dir'] as string;
  await defragOffline(ctx, dataDir, 'To defrag a running etcd instance, use `etcdctl defrag` instead.',
    (message) => `Failed to defragment etcd data[${dataDir}] (${message})`);
}

/**
 * etcdutl 3.6's status: the storage version as a column, and as total keys
 * the user keys live at the last revision (3.5 counted every pair of every
 * bucket). Like `snapshot status` of etcdctl-ts, it reads a db in use.
 */
async function runStatus(ctx: Context): Promise<void> {
  if (ctx.args.length !== 1) throw badArgs('snapshot status requires exactly one argument');
  const printer = ctx.printer();
  const path = ctx.args[0];
  let s;
  try {
    s = await fileStatus(path, { liveKeys: true });
  } catch (err) {
    throw snapshotError(err);
  }
  const version = s.storageVersion === undefined ? '' : goSemver(s.storageVersion) ?? '';
  printer.snapshotStatus({ hash: s.hash, revision: s.revision, totalKey: s.liveKeys ?? 0, totalSize: s.totalSize, version });
}

/** hashkv <file>: the db file, a saved snapshot, or (ours) a data dir, whose member/snap/db is read. */
async function runHashKV(ctx: Context): Promise<void> {
  const printer = ctx.printer();
  const { HashKVError, fileHashKV } = await import('../src/snapshot/hashkv.js');
  let h;
  try {
    h = fileHashKV(ctx.args[0], ctx.flags.rev as bigint);
  } catch (err) {
    if (err instanceof HashKVError) throw new EtcdctlError(err.message, ExitCode.Error);
    throw snapshotError(err);
  }
  printer.dbHashKV(h);
}

const statusCommand: CommandDef = {
  name: 'status',
  use: 'status <filename>',
  short: 'Gets backend snapshot status of a given file',
  long: `When --write-out is set to simple, this command prints out comma-separated status lists for each endpoint.
The items in the lists are hash, revision, total keys, total size.
`,
  run: runStatus,
  offline: true,
};

/** etcdutl 3.6's restore: etcdctl-ts's, with 3.6's usage line, --data-dir text and memory map default. */
const utilRestoreCommand: CommandDef = {
  ...restoreCommand,
  use: 'restore <filename> --data-dir {output dir} [options]',
  flags: (restoreCommand.flags ?? []).map((f) => {
    if (f.name === 'data-dir') return { ...f, usage: 'Path to the output data directory' };
    if (f.name === 'initial-memory-map-size') return { ...f, default: 10n * 1024n * 1024n * 1024n };
    return { ...f };
  }),
};

export function etcdutlRoot(): CommandDef {
  return {
    name: 'etcdutl',
    use: 'etcdutl',
    short: 'An administrative command line tool for etcd3.',
    program: ETCDUTL_PROGRAM,
    subcommands: [
      {
        name: 'defrag',
        use: 'defrag',
        short: 'Defragments the storage of the etcd',
        flags: [{ name: 'data-dir', type: 'string', default: '', usage: 'Required. Defragments a data directory not in use by etcd.', required: true }],
        run: runDefrag,
        offline: true,
      },
      {
        name: 'snapshot',
        use: 'snapshot <subcommand>',
        short: 'Manages etcd node snapshots',
        subcommands: [utilRestoreCommand, { ...statusCommand }],
      },
      {
        name: 'hashkv',
        use: 'hashkv <filename>',
        short: 'Prints the KV history hash of a given file',
        flags: [{ name: 'rev', type: 'int64', default: 0n, usage: 'maximum revision to hash (default: latest revision)' }],
        checkArgs: (args) => (args.length === 1 ? undefined : `accepts 1 arg(s), received ${args.length}`),
        run: runHashKV,
        offline: true,
      },
      {
        name: 'version',
        use: 'version',
        short: 'Prints the version of etcdutl',
        run: (ctx) => ctx.text().version(ETCDUTL_VERSION, ETCDUTL_API_VERSION, ETCDCTL_TS_VERSION, 'etcdutl'),
        offline: true,
      },
      {
        name: 'help',
        use: 'help [command]',
        short: 'Help about any command',
        long: `Help provides help for any command in the application.
Simply type etcdutl help [path to command] for full details.`,
        run: (ctx) => ctx.help(ctx.args),
        offline: true,
      },
    ],
  };
}
