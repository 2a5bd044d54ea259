/** watch: prints events as they happen; optionally runs a command per event. */
import { spawn } from 'node:child_process';
import type { CommandDef, Context } from '../src/cli/types.js';
import { badArgs, EtcdctlError, ExitCode } from '../src/errors.js';
import { unsupported } from '../src/output/printer.js';
import { applyRangeFlags, keyBytes } from '../src/keys.js';
import { argify } from '../src/txn/grammar.js';
import { parseCommandLine } from '../src/cli/main.js';
import { LineReader } from '../src/stdin.js';
import { goQuote } from '../src/output/goquote.js';
import type { Reply } from '../src/client/client.js';
import type { WatchCreate, WatchSession } from '../src/client/watcher.js';
import type { WatchResponse } from '../src/proto/types.js';
import type { FlagValue } from '../src/config/flags.js';

export interface WatchArgs {
  /** [key] or [key, range_end] (more are ignored, as etcdctl ignores them). */
  watchArgs: string[];
  /** The command to run per event (after `--`), or empty. */
  exec: string[];
}

/**
 * Splits watch's arguments into what to watch and what to run, with
 * ETCDCTL_WATCH_KEY / ETCDCTL_WATCH_RANGE_END standing in for the key.
 */
export function parseWatchArgs(args: string[], dashAt: number, envKey: string, envRange: string): WatchArgs {
  const positional = dashAt >= 0 ? args.slice(0, dashAt) : args;
  const exec = dashAt >= 0 ? args.slice(dashAt) : [];
  if (dashAt >= 0 && exec.length === 0) throw badArgs('bad number of arguments (found separator --, but no commands)');
  if (envKey !== '' && positional.length > 0) throw badArgs('bad number of arguments (found conflicting environment key)');
  if (dashAt < 0 && positional.length === 0 && envKey === '') throw badArgs('bad number of arguments');
  const watchArgs = envKey !== '' ? (envRange !== '' ? [envKey, envRange] : [envKey]) : positional;
  return { watchArgs, exec };
}

/** The create request for one watch; errors as etcdctl's getWatchChan gives them. */
export function watchCreateRequest(watchArgs: string[], flags: Record<string, FlagValue>): WatchCreate {
  if (watchArgs.length < 1) throw badArgs('bad number of arguments');
  let key = keyBytes(watchArgs[0]);
  let rangeEnd: Buffer | undefined;
  const prefix = flags.prefix === true;
  if (watchArgs.length === 2) {
    if (prefix) throw badArgs('`range_end` and `--prefix` are mutually exclusive');
    rangeEnd = keyBytes(watchArgs[1]);
  }
  if (prefix) ({ key, rangeEnd } = applyRangeFlags(key, Buffer.alloc(0), true, false));
  return {
    key,
    range_end: rangeEnd,
    start_revision: flags.rev as bigint,
    prev_kv: flags['prev-kv'] === true,
    progress_notify: flags['progress-notify'] === true,
  };
}

/** Runs the exec command once per event, in order; a failure ends watch with exit 1. */
async function runForEvents(ctx: Context, exec: string[], reply: Reply<WatchResponse>): Promise<void> {
  for (const ev of reply.msg.events) {
    const env = {
      ...ctx.env,
      ETCD_WATCH_REVISION: String(reply.msg.header?.revision ?? 0n),
      ETCD_WATCH_EVENT_TYPE: ev.type === 1 ? '"DELETE"' : '"PUT"',
      ETCD_WATCH_KEY: goQuote(ev.kv?.key ?? Buffer.alloc(0)),
      ETCD_WATCH_VALUE: goQuote(ev.kv?.value ?? Buffer.alloc(0)),
    };
    const failure = await new Promise<string | undefined>((resolve) => {
      const child = spawn(exec[0], exec.slice(1), { env, stdio: 'inherit' });
      child.on('error', (err: NodeJS.ErrnoException) => {
        resolve(err.code === 'ENOENT' ? `exec: ${JSON.stringify(exec[0])}: executable file not found in $PATH` : err.message);
      });
      child.on('exit', (code, signal) => {
        if (signal) resolve(`signal: ${signalName(signal)}`);
        else resolve(code === 0 ? undefined : `exit status ${code}`);
      });
    });
    if (failure !== undefined) {
      ctx.text().watchCommandFailed(`[${exec.map((a) => goQuote(a)).join(' ')}]`, failure);
      throw new EtcdctlError('', ExitCode.Error, [], true);
    }
  }
}

function signalName(signal: NodeJS.Signals): string {
  const names: Record<string, string> = { SIGKILL: 'killed', SIGTERM: 'terminated', SIGINT: 'interrupt', SIGSEGV: 'segmentation fault', SIGABRT: 'aborted', SIGHUP: 'hangup', SIGPIPE: 'broken pipe' };
  return names[signal] ?? signal;
}

/**
 * Prints every response until the server cancels every watch; the session
 * underneath reopens broken streams without losing or repeating an event.
 * `execs[i]` is the command to run for watch i's events.
 */
async function watchLoop(ctx: Context, execs: string[][], onReady: (w: WatchSession) => void): Promise<void> {
  const { WatchSession, isProgressNotify, cancelReason } = await import('../src/client/watcher.js');
  const printer = ctx.printer();
  const text = ctx.text();
  const client = await ctx.client();
  const session = new WatchSession(client, client.config.log);
  await session.start();
  let chain = Promise.resolve();
  const done = new Promise<void>((resolve, reject) => {
    session.on('response', (reply: Reply<WatchResponse>, idx: number) => {
      chain = chain
        .then(async () => {
          if (reply.msg.canceled) text.watchCanceled(cancelReason(reply.msg));
          if (isProgressNotify(reply.msg)) text.progressNotify(reply.msg.header?.revision ?? 0n);
          printer.watch(reply);
          const exec = execs[idx] ?? [];
          if (exec.length > 0) await runForEvents(ctx, exec, reply);
        })
        .catch(reject);
    });
    session.on('end', (err) => {
      chain.then(() => (err ? reject(err) : resolve()), reject);
    });
  });
  onReady(session);
  try {
    await done;
  } finally {
    session.close();
  }
}

async function runWatch(ctx: Context): Promise<void> {
  const envKey = ctx.env.ETCDCTL_WATCH_KEY ?? '';
  const envRange = ctx.env.ETCDCTL_WATCH_RANGE_END ?? '';
  if (envKey === '' && envRange !== '') {
    throw badArgs(`ETCDCTL_WATCH_KEY is empty but got ETCDCTL_WATCH_RANGE_END=${JSON.stringify(envRange)}`);
  }
  if (ctx.flags.interactive === true) return runInteractive(ctx, envKey, envRange);
  const { watchArgs, exec } = parseWatchArgs(ctx.args, ctx.dashAt, envKey, envRange);
  const request = watchCreateRequest(watchArgs, ctx.flags);
  ctx.printer(); // validates --write-out before connecting
  // etcdctl only finds out that watch has no table at the first event, after
  // waiting for it; say so at once.
  if (ctx.globals.writeOut === 'table') throw unsupported('table');
  try {
    await watchLoop(ctx, [exec], (w) => w.add(request));
  } catch (err) {
    const { toEtcdctlError } = await import('../src/client/errors.js');
    throw toEtcdctlError(err);
  }
  throw new EtcdctlError('watch is canceled by the server', ExitCode.Interrupted);
}

/** watch -i: reads "watch ..." and "progress" lines from stdin. */
async function runInteractive(ctx: Context, envKey: string, envRange: string): Promise<void> {
  const text = ctx.text();
  const execs: string[][] = [];
  const reader = new LineReader(ctx.io.stdin);
  let readError: EtcdctlError | undefined;
  try {
    await watchLoop(ctx, execs, (watcher) => {
      void (async () => {
        for (;;) {
          const raw = await reader.next();
          if (raw === undefined || !raw.endsWith('\n')) {
            readError = new EtcdctlError('error reading watch request line: EOF', ExitCode.InvalidInput);
            watcher.close();
            return;
          }
          const line = raw.slice(0, -1);
          let args: string[];
          try {
            args = argify(line);
          } catch (err) {
            readError = err as EtcdctlError;
            watcher.close();
            return;
          }
          if (args.length < 1) {
            text.invalidWatchLine(`Invalid command: ${line} (watch and progress supported)`);
            continue;
          }
          if (args[0] === 'progress') {
            watcher.requestProgress();
            continue;
          }
          if (args[0] !== 'watch') {
            text.invalidWatchLine(`Invalid command ${line} (only support watch)`);
            continue;
          }
          if (args.length < 2 && envKey === '') {
            text.invalidWatchLine(`Invalid command ${line} (command type or key is not provided)`);
            continue;
          }
          const parsed = parseCommandLine([watchCommand], args);
          if (!parsed) {
            readError = badArgs(`invalid watch request: ${line}`);
            watcher.close();
            return;
          }
          const dash = args.indexOf('--');
          const dashAt = dash < 0 ? -1 : parsed.args.length - (args.length - dash - 1);
          let request: WatchCreate;
          let exec: string[];
          try {
            const w = parseWatchArgs(parsed.args, dashAt, envKey, envRange);
            exec = w.exec;
            request = watchCreateRequest(w.watchArgs, parsed.flags);
          } catch (err) {
            text.invalidWatchLine(`Invalid command ${line} (${(err as Error).message})`);
            continue;
          }
          execs.push(exec);
          watcher.add(request);
        }
      })();
    });
  } catch (err) {
    if (readError) throw readError;
    const { toEtcdctlError } = await import('../src/client/errors.js');
    throw toEtcdctlError(err);
  }
  if (readError) throw readError;
  throw new EtcdctlError('watch is canceled by the server', ExitCode.Interrupted);
}

export const watchCommand: CommandDef = {
  name: 'watch',
  use: 'watch [options] [key or prefix] [range_end] [--] [exec-command arg1 arg2 ...]',
  short: 'Watches events stream on keys or prefixes',
  flags: [
    { name: 'interactive', short: 'i', type: 'bool', default: false, usage: 'Interactive mode' },
    { name: 'prefix', type: 'bool', default: false, usage: 'Watch on a prefix if prefix is set' },
    { name: 'rev', type: 'int64', default: 0n, usage: 'Revision to start watching' },
    { name: 'prev-kv', type: 'bool', default: false, usage: 'get the previous key-value pair before the event happens' },
    { name: 'progress-notify', type: 'bool', default: false, usage: 'get periodic watch progress notification from server' },
  ],
  run: runWatch,
  rawArgsFrom: 0,
};
