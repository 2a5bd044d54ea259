/** snapshot save / status / restore: etcdctl 3.5's snapshot commands (the formats and the work are in src/snapshot/). */
import type { CommandDef, Context } from '../src/cli/types.js';
import { badArgs, EtcdctlError, ExitCode } from '../src/errors.js';
import { BoltError, IntegrityError } from '../src/snapshot/bbolt.js';
import { FileError, fileStatus, statFile, type DbStatus } from '../src/snapshot/status.js';
import {
  FileDestination, SaveError, StreamDestination, openSnapshotStream, receiveSnapshot, type Destination, type StreamSink,
} from '../src/snapshot/save.js';
import { SnapshotText } from '../src/output/snapshot.js';
import { RestoreError, restoreSnapshot } from '../src/snapshot/restore.js';
import { ClusterConfigError } from '../src/snapshot/cluster.js';
import { GrpcError, rpcErrorText } from '../src/client/status.js';

/** A failure of the snapshot code as etcdctl reports it: `Error: <message>`, exit 1. */
export function snapshotError(err: unknown, code: number = ExitCode.Error): unknown {
  if (err instanceof BoltError) return new EtcdctlError(err.message, code, err.hints);
  if (err instanceof IntegrityError || err instanceof FileError) return new EtcdctlError(err.message, code);
  return err;
}

/**
 * Failures of save exit as etcdctl's do: 5 (ExitInterrupted) for everything
 * from connecting on (dial, authentication, the stream, the file), 128 for a
 * bad client configuration (a certificate file that cannot be read).
 */
function saveError(err: unknown): unknown {
  if (err instanceof SaveError) return new EtcdctlError(err.message, err.code ?? ExitCode.Interrupted, err.hints);
  // A stream's error reaches etcdctl as the raw gRPC status text (no etcdserver translation).
  if (err instanceof GrpcError) return new EtcdctlError(rpcErrorText(err.status, err.details), ExitCode.Interrupted);
  if (err instanceof EtcdctlError && !err.silent && (err.code === ExitCode.Error || err.code === ExitCode.BadConnection)) {
    return new EtcdctlError(err.message, ExitCode.Interrupted, err.hints);
  }
  return err;
}

/** --verify: the status of the file just written, or exit 5 when it does not read back. */
async function readBack(tempPath: string): Promise<DbStatus> {
  try {
    return await fileStatus(tempPath);
  } catch (err) {
    // status's own account of what is wrong (hints included), under save's exit code.
    const e = snapshotError(err, ExitCode.Interrupted);
    throw e instanceof EtcdctlError ? new EtcdctlError(`the snapshot does not read back: ${e.message}`, e.code, e.hints) : e;
  }
}

/**
 * Streams the snapshot of the first endpoint that answers (etcdctl refuses
 * several endpoints) into FILE, or to stdout for `-`. No overall deadline; a
 * stream that sends nothing for --command-timeout fails.
 */
async function runSave(ctx: Context): Promise<void> {
  if (ctx.args.length !== 1) throw badArgs('snapshot save expects one argument');
  const target = ctx.args[0];
  const toStdout = target === '-';
  const stdout = ctx.io.stdout as StreamSink & { isTTY?: boolean };
  if (toStdout && stdout.isTTY) throw badArgs('snapshot save - writes the snapshot to stdout, which is a terminal: redirect it or give a file name');
  const keep = ctx.flags.keep as number;
  if (keep < 0) throw badArgs(`--keep takes the number of snapshots to keep, at least 1 (0 keeps all), not ${keep}`);
  if (keep > 0 && toStdout) throw badArgs('--keep needs a file name: there is nothing to rotate on stdout');
  const verify = ctx.flags.verify === true;
  if (verify && toStdout) throw badArgs('--verify needs a file name: a snapshot written to stdout cannot be read back');
  const interrupted = ctx.interrupted;
  const terminal = (ctx.io.stderr as { isTTY?: boolean }).isTTY === true;
  const text = new SnapshotText(ctx.io.stdout, ctx.io.stderr, terminal, ctx.paint.err.progress);
  const stallMs = ctx.globals.commandTimeout / 1e6;
  let dest: Destination | undefined;
  try {
    const client = await ctx.client();
    // After DNS discovery too: the endpoints the client will try.
    const endpointCount = client.config.endpoints.length;
    const { reader, endpoint } = await openSnapshotStream(client, endpointCount, {
      stallMs,
      interrupted,
      onSkip: (ep, reason) => text.skipped(ep, reason),
      // As etcdctl: the temporary file is created once connected, before any data.
      onOpen: async () => {
        dest ??= toStdout ? new StreamDestination(stdout) : await FileDestination.create(target);
      },
    });
    if (endpointCount > 1) text.source(endpoint, endpointCount);
    const started = Date.now();
    await receiveSnapshot(reader, dest!, {
      stallMs,
      endpoint,
      onProgress: (received, total, final) => text.progress(received, total, Date.now() - started, final),
    });
    text.done();
    await dest!.commit(verify ? async (tempPath) => text.verified(target, await readBack(tempPath)) : undefined);
  } catch (err) {
    text.done();
    await dest?.abort();
    throw saveError(err);
  }
  if (toStdout) return;
  text.saved(target);
  if (keep > 0) {
    const { rotateSnapshots } = await import('../src/snapshot/rotate.js');
    const { removed, failed } = rotateSnapshots(target, keep);
    for (const p of removed) text.removed(p);
    if (failed.length > 0) throw new EtcdctlError(`the snapshot is saved, but older ones could not be removed: ${failed.join('; ')}`, ExitCode.Error);
  }
}

/**
 * Reads the db file itself (no server). etcdctl 3.5 first prints a notice on
 * stderr that the command moved to etcdutl; here it has not moved, so there is
 * no notice.
 */
async function runStatus(ctx: Context): Promise<void> {
  if (ctx.args.length !== 1) throw badArgs('snapshot status requires exactly one argument');
  const path = ctx.args[0];
  try {
    statFile(path);
  } catch (err) {
    throw snapshotError(err);
  }
  const printer = ctx.printer();
  let status;
  try {
    status = await fileStatus(path);
  } catch (err) {
    throw snapshotError(err);
  }
  printer.snapshotStatus(status);
}

/**
 * Writes a new data dir for one member of a new cluster (etcdutl 3.5's
 * restore). Like etcdctl, nothing on stdout; unlike it, one line on stderr
 * says where the data dir went (a forgotten --data-dir is a classic mistake).
 */
async function runRestore(ctx: Context): Promise<void> {
  if (ctx.args.length !== 1) throw badArgs('snapshot restore requires exactly one argument');
  const bump = ctx.flags['bump-revision'] as bigint;
  const marked = ctx.flags['mark-compacted'] === true;
  if ((bump === 0n && marked) || (bump > 0n && !marked)) throw badArgs('--mark-compacted required if --revision-bump > 0');
  const name = ctx.flags.name as string;
  try {
    const r = await restoreSnapshot({
      snapshotPath: ctx.args[0],
      name,
      initialCluster: ctx.flags['initial-cluster'] as string,
      initialClusterToken: ctx.flags['initial-cluster-token'] as string,
      peerURLs: ctx.flags['initial-advertise-peer-urls'] as string,
      dataDir: ctx.flags['data-dir'] as string,
      walDir: ctx.flags['wal-dir'] as string,
      skipHashCheck: ctx.flags['skip-hash-check'] === true,
      bumpRevision: bump,
      markCompacted: marked,
    });
    new SnapshotText(ctx.io.stdout, ctx.io.stderr, false).restored({
      snapshot: ctx.args[0],
      dataDir: r.dataDir,
      walDir: r.walDir,
      defaultWal: ctx.flags['wal-dir'] === '',
      name,
      memberId: r.cluster.self.id,
      clusterId: r.cluster.clusterId,
      members: r.cluster.members.length,
    });
  } catch (err) {
    if (err instanceof RestoreError) throw new EtcdctlError(err.message, ExitCode.Error, err.hints);
    if (err instanceof ClusterConfigError) throw new EtcdctlError(err.message, ExitCode.Error);
    throw snapshotError(err);
  }
}

export const restoreCommand: CommandDef = {
  name: 'restore',
  use: 'restore <filename> [options]',
  short: 'Restores an etcd member snapshot to an etcd directory',
  flags: [
    { name: 'data-dir', type: 'string', default: '', usage: 'Path to the data directory' },
    { name: 'wal-dir', type: 'string', default: '', usage: 'Path to the WAL directory (use --data-dir if none given)' },
    { name: 'initial-cluster', type: 'string', default: 'default=http://localhost:2380', usage: 'Initial cluster configuration for restore bootstrap' },
    { name: 'initial-cluster-token', type: 'string', default: 'etcd-cluster', usage: 'Initial cluster token for the etcd cluster during restore bootstrap' },
    { name: 'initial-advertise-peer-urls', type: 'string', default: 'http://localhost:2380', usage: "List of this member's peer URLs to advertise to the rest of the cluster" },
    { name: 'name', type: 'string', default: 'default', usage: 'Human-readable name for this member' },
    { name: 'skip-hash-check', type: 'bool', default: false, usage: 'Ignore snapshot integrity hash value (required if copied from data directory)' },
    { name: 'bump-revision', type: 'uint64', default: 0n, usage: 'How much to increase the latest revision after restore' },
    {
      name: 'mark-compacted', type: 'bool', default: false,
      usage: 'Mark the latest revision after restore as the point of scheduled compaction (required if --bump-revision > 0, disallowed otherwise)',
    },
    {
      name: 'initial-memory-map-size', type: 'uint64', default: 0n,
      usage: 'Initial memory map size of the database in bytes. It uses the default value if not defined or defined to 0',
    },
  ],
  run: runRestore,
  offline: true,
};

export const snapshotCommand: CommandDef = {
  name: 'snapshot',
  use: 'snapshot <subcommand>',
  short: 'Manages etcd node snapshots',
  subcommands: [
    {
      name: 'save',
      use: 'save <filename>',
      short: 'Stores an etcd node backend snapshot to a given file',
      flags: [
        {
          name: 'verify', type: 'bool', default: false,
          usage: 'Before putting the file in place, read it back as snapshot status does and print what it holds on stderr (a file that does not read back is removed, exit 5)',
        },
        {
          name: 'keep', type: 'int', default: 0,
          usage: "After saving, keep this many of the newest snapshots whose names differ from the file's only in digits, and remove the older ones (0 keeps all)",
        },
      ],
      run: runSave,
    },
    restoreCommand,
    {
      name: 'status',
      use: 'status <filename>',
      short: 'Gets backend snapshot status of a given file',
      long: `When --write-out is set to simple, this command prints out comma-separated status lists for each endpoint.
The items in the lists are hash, revision, total keys, total size.
`,
      run: runStatus,
      offline: true,
    },
  ],
};
