/** snapshot save / status: etcdctl 3.5's snapshot commands (the formats are in src/snapshot/). */
import type { CommandDef, Context } from '../src/cli/types.js';
import { badArgs, EtcdctlError, ExitCode } from '../src/errors.js';
import { BoltError, IntegrityError } from '../src/snapshot/bbolt.js';
import { FileError, fileStatus, statFile } from '../src/snapshot/status.js';
import {
  FileDestination, SaveError, StreamDestination, openSnapshotStream, receiveSnapshot, type Destination, type StreamSink,
} from '../src/snapshot/save.js';
import { SnapshotSaveText } from '../src/output/snapshot.js';
import { GRPC_CODE_NAMES, toEtcdctlError } from '../src/client/errors.js';
import { GrpcError } from '../src/client/status.js';

/** A failure of the snapshot code as etcdctl reports it: `Error: <message>`, exit 1. */
function snapshotError(err: unknown, code: number = ExitCode.Error): unknown {
  if (err instanceof BoltError) return new EtcdctlError(err.message, code, err.hints);
  if (err instanceof IntegrityError || err instanceof FileError) return new EtcdctlError(err.message, code);
  return err;
}

/** Every failure of save exits with etcdctl's code for it, 5 (ExitInterrupted), with our message and hints. */
function saveError(err: unknown): unknown {
  if (err instanceof SaveError) return new EtcdctlError(err.message, err.code ?? ExitCode.Interrupted, err.hints);
  // A stream's error reaches etcdctl as the raw gRPC status text (no etcdserver translation).
  if (err instanceof GrpcError) return new EtcdctlError(`rpc error: code = ${GRPC_CODE_NAMES[err.code] ?? `Code(${err.code})`} desc = ${err.details}`, ExitCode.Interrupted);
  const e = toEtcdctlError(err, ExitCode.Interrupted);
  if (e instanceof EtcdctlError && e.code !== ExitCode.Interrupted && !e.silent) return new EtcdctlError(e.message, ExitCode.Interrupted, e.hints);
  return e;
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
  const interrupted = ctx.interrupted;
  const terminal = (ctx.io.stderr as { isTTY?: boolean }).isTTY === true;
  const text = new SnapshotSaveText(ctx.io.stdout, ctx.io.stderr, terminal);
  const endpointCount = ctx.globals.endpoints.filter((e) => e.trim() !== '').length;
  const stallMs = ctx.globals.commandTimeout / 1e6;
  let dest: Destination | undefined;
  try {
    const client = await ctx.client();
    const { reader, endpoint } = await openSnapshotStream(client, Math.max(1, endpointCount), {
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
      onProgress: (received, total) => text.progress(received, total, Date.now() - started),
    });
    text.done();
    await dest!.commit();
  } catch (err) {
    text.done();
    await dest?.abort();
    throw saveError(err);
  }
  if (!toStdout) text.saved(target);
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
    status = fileStatus(path);
  } catch (err) {
    throw snapshotError(err);
  }
  printer.snapshotStatus(status);
}

export const snapshotCommand: CommandDef = {
  name: 'snapshot',
  use: 'snapshot <subcommand>',
  short: 'Manages etcd node snapshots',
  subcommands: [
    { name: 'save', use: 'save <filename>', short: 'Stores an etcd node backend snapshot to a given file', run: runSave },
    {
      name: 'status',
      use: 'status <filename>',
      short: 'Gets backend snapshot status of a given file',
      long: `When --write-out is set to simple, this command prints out comma-separated status lists for each endpoint.
The items in the lists are hash, revision, total keys, total size.
`,
      run: runStatus,
    },
  ],
};
