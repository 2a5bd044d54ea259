/** watch: prints events as they happen; optionally runs a command per event. */
import type { CommandDef, Context } from '../src/cli/types.js';
import { badArgs, EtcdctlError, ExitCode } from '../src/errors.js';
import { unsupported } from '../src/output/printer.js';
import { applyRangeFlags, keyBytes } from '../src/keys.js';
import { argify } from '../src/txn/grammar.js';
import { LineReader } from '../src/io/stdin.js';
import { goSignalName, startCommand } from '../src/go/exec.js';
import { goQuote } from '../src/go/quote.js';
import type { Reply } from '../src/client/client.js';
import type { WatchCreate, WatchSession } from '../src/client/watcher.js';
import type { WatchResponse } from '../src/proto/types.gen.js';
import { FlagValueError, parseFlagValue, type FlagSpec, type FlagValue } from '../src/config/flags.js';
import { Event_EventType } from '../src/proto/types.gen.js';

export interface WatchArgs {
  /** [key] or [key, range_end] (more are ignored, as etcdctl ignores them). */
  watchArgs: string[];
  /** The command to run per event (after `--`), or empty. */
  exec: string[];
}

/** etcdctl's argument errors of watch, on the command line and in -i request lines. */
const ERR_SEPARATOR = 'bad number of arguments (found separator --, but no commands)';
const ERR_CONFLICT_ENV = 'bad number of arguments (found conflicting environment key)';

/**
 * Splits watch's arguments into what to watch and what to run, with
 * ETCDCTL_WATCH_KEY / ETCDCTL_WATCH_RANGE_END standing in for the key.
 */
export function parseWatchArgs(args: string[], dashAt: number, envKey: string, envRange: string): WatchArgs {
  const positional = dashAt >= 0 ? args.slice(0, dashAt) : args;
  const exec = dashAt >= 0 ? args.slice(dashAt) : [];
  if (dashAt >= 0 && exec.length === 0) throw badArgs(ERR_SEPARATOR);
  if (envKey !== '' && positional.length > 0) throw badArgs(ERR_CONFLICT_ENV);
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


/**
 * Runs `exec` once, as Go's exec.Command(...).Run() does; resolves to Go's
 * error text for it, or undefined when it ran and exited 0.
 */
function runOnce(exec: string[], env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const started = startCommand(exec, env);
  if ('error' in started) return Promise.resolve(started.error);
  return new Promise((resolve) => {
    started.child.on('error', (err: NodeJS.ErrnoException) => resolve(started.failedToStart(err)));
    started.child.on('exit', (code, signal) => {
      if (signal) resolve(`signal: ${goSignalName(signal)}`);
      else resolve(code === 0 ? undefined : `exit status ${code}`);
    });
  });
}

/** Runs the exec command once per event, in order; a failure ends watch with exit 1. */
async function runForEvents(ctx: Context, exec: string[], reply: Reply<WatchResponse>): Promise<void> {
  for (const ev of reply.msg.events) {
    const env = {
      ...ctx.env,
      ETCD_WATCH_REVISION: String(reply.msg.header?.revision ?? 0n),
      ETCD_WATCH_EVENT_TYPE: ev.type === Event_EventType.DELETE ? '"DELETE"' : '"PUT"',
      ETCD_WATCH_KEY: goQuote(ev.kv?.key ?? Buffer.alloc(0)),
      ETCD_WATCH_VALUE: goQuote(ev.kv?.value ?? Buffer.alloc(0)),
    };
    const failure = await runOnce(exec, env);
    if (failure !== undefined) {
      ctx.text().watchCommandFailed(`[${exec.map((a) => goQuote(a)).join(' ')}]`, failure);
      throw new EtcdctlError('', ExitCode.Error, [], true);
    }
  }
}

type WatcherModule = typeof import('../src/client/watcher.js');

/** One watch stream and the watches on it. */
interface Stream {
  session: WatchSession;
  /** The command to run for each watch's events, by watch index. */
  execs: string[][];
  /** Watches the server has not canceled: the ones a progress reply for the whole stream reaches. */
  open: Set<number>;
}

/**
 * The watches of one watch command, each printed as etcdctl's printWatchCh
 * prints its channel, all in the order the server answered; the sessions
 * underneath reopen broken streams without losing or repeating an event.
 *
 * A progress reply for the whole stream (asked for by watch -i's "progress")
 * is printed once per open watch, as etcd's 3.5 client broadcasts it to
 * every watch; with none open, nothing is printed. Once the server has
 * canceled every watch the stream ends: `done` resolves, unless `keepGoing`
 * (watch -i, which carries on reading requests and opens a new stream for
 * the next watch).
 */
class Watches {
  private chain = Promise.resolve();
  private current: Stream | undefined;
  private settle!: { resolve: () => void; reject: (err: unknown) => void };
  private stopped = false;
  private failed = false;
  private printerCache: ReturnType<Context['printer']> | undefined;
  readonly done: Promise<void>;

  constructor(
    private readonly ctx: Context,
    private readonly mod: WatcherModule,
    private readonly keepGoing: boolean,
  ) {
    this.done = new Promise((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    // Settled before anyone awaits it (a failure while connecting) is not an unhandled rejection.
    this.done.catch(() => {});
  }

  /** Opens a stream (connecting first, when that has not happened yet). */
  async open(): Promise<Stream> {
    const client = await this.ctx.client();
    const session = new this.mod.WatchSession(client, client.config.log);
    await session.start();
    const stream: Stream = { session, execs: [], open: new Set() };
    session.on('response', (reply: Reply<WatchResponse>, idx: number) => this.onResponse(stream, reply, idx));
    session.on('end', (err?: unknown) => {
      if (this.current === stream) this.current = undefined;
      this.after(() => {
        if (err) this.abort(err);
        else if (!this.keepGoing || this.stopped) this.settle.resolve();
      });
    });
    if (this.stopped) session.close();
    else this.current = stream;
    return stream;
  }

  async add(request: WatchCreate, exec: string[]): Promise<void> {
    const stream = this.current ?? (await this.open());
    const idx = stream.session.add(request);
    stream.execs[idx] = exec;
    stream.open.add(idx);
  }

  /** watch -i's "progress": only a stream that is there has watches to answer for. */
  requestProgress(): void {
    this.current?.session.requestProgress();
  }

  /** Ends every stream; `done` resolves once what was received is printed. */
  stop(): void {
    this.stopped = true;
    const s = this.current;
    this.current = undefined;
    s?.session.close();
    this.after(() => this.settle.resolve());
  }

  /** Ends the command with `err` (a failed command, a broken stream); nothing more is printed. */
  abort(err: unknown): void {
    this.failed = true;
    this.settle.reject(err);
  }

  private after(step: () => void): void {
    this.chain = this.chain.then(step).catch((err) => this.abort(err));
  }

  private onResponse(stream: Stream, reply: Reply<WatchResponse>, idx: number): void {
    const m = reply.msg;
    const broadcast = idx === -1 && this.mod.isProgressNotify(m);
    // Who gets it is settled now, in the order the server answered.
    const targets = broadcast ? [...stream.open] : [idx];
    if (m.canceled) stream.open.delete(idx);
    const text = this.ctx.text();
    const printer = (this.printerCache ??= this.ctx.printer());
    this.chain = this.chain
      .then(async () => {
        if (this.failed) return;
        for (const t of targets) {
          if (m.canceled) text.watchCanceled(this.mod.cancelReason(m));
          if (this.mod.isProgressNotify(m)) text.progressNotify(m.header?.revision ?? 0n);
          printer.watch(reply);
          const exec = stream.execs[t] ?? [];
          if (exec.length > 0) await runForEvents(this.ctx, exec, reply);
        }
      })
      .catch((err) => this.abort(err));
  }

  /** Ends every stream at once (the command is over, whatever `done` says). */
  close(): void {
    this.stopped = true;
    this.current?.session.close();
    this.current = undefined;
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
  const watches = new Watches(ctx, await import('../src/client/watcher.js'), false);
  try {
    await watches.add(request, exec);
    await watches.done;
  } finally {
    watches.close();
  }
  throw new EtcdctlError('watch is canceled by the server', ExitCode.Interrupted);
}

/**
 * pflag's Parse of watch's flag set, as etcdctl 3.5 runs it on each watch -i
 * request: flags and arguments mixed, everything after "--" an argument.
 * Returns the arguments and the flag values (defaults for those not given);
 * a bad flag is a badArgs error worded as pflag words it.
 */
export function parseWatchFlags(tokens: string[]): { positional: string[]; flags: Record<string, FlagValue> } {
  const specs = watchCommand.flags ?? [];
  const flags: Record<string, FlagValue> = Object.fromEntries(specs.map((f) => [f.name, f.default]));
  const positional: string[] = [];
  const set = (spec: FlagSpec, value: string) => {
    try {
      flags[spec.name] = parseFlagValue(spec, value);
    } catch (err) {
      if (err instanceof FlagValueError) throw badArgs(err.message);
      throw err;
    }
  };
  for (let i = 0; i < tokens.length; i++) {
    const s = tokens[i];
    if (s.length < 2 || s[0] !== '-') {
      positional.push(s);
    } else if (s === '--') {
      positional.push(...tokens.slice(i + 1));
      break;
    } else if (s[1] === '-') {
      const body = s.slice(2);
      if (body[0] === '-' || body[0] === '=') throw badArgs(`bad flag syntax: ${s}`);
      const eq = body.indexOf('=');
      const name = eq < 0 ? body : body.slice(0, eq);
      const spec = specs.find((f) => f.name === name);
      // No help flag in this set: pflag's own answer to --help is an error.
      if (!spec) throw badArgs(name === 'help' ? 'pflag: help requested' : `unknown flag: --${name}`);
      if (eq >= 0) set(spec, body.slice(eq + 1));
      else if (spec.type === 'bool') set(spec, 'true');
      else if (i + 1 < tokens.length) set(spec, tokens[++i]);
      else throw badArgs(`flag needs an argument: ${s}`);
    } else {
      // Shorthands, byte by byte as pflag goes; "-test.*" is skipped (Go's testing flags).
      let rest = Buffer.from(s.slice(1));
      if (rest.toString('latin1').startsWith('test.')) continue;
      while (rest.length > 0) {
        const c = rest[0];
        const spec = c < 0x80 ? specs.find((f) => f.short === String.fromCharCode(c)) : undefined;
        if (!spec) throw badArgs(c === 0x68 ? 'pflag: help requested' : `unknown shorthand flag: ${goQuoteByte(c)} in -${rest.toString()}`);
        if (rest.length > 2 && rest[1] === 0x3d) {
          set(spec, rest.subarray(2).toString());
          rest = Buffer.alloc(0);
        } else if (spec.type === 'bool') {
          set(spec, 'true');
          rest = rest.subarray(1);
        } else if (rest.length > 1) {
          set(spec, rest.subarray(1).toString());
          rest = Buffer.alloc(0);
        } else if (i + 1 < tokens.length) {
          set(spec, tokens[++i]);
          rest = Buffer.alloc(0);
        } else {
          throw badArgs(`flag needs an argument: ${goQuoteByte(c)} in -${rest.toString()}`);
        }
      }
    }
  }
  return { positional, flags };
}

/** Go's %q of a byte: the rune literal of that code point. */
function goQuoteByte(c: number): string {
  const named: Record<number, string> = { 7: '\\a', 8: '\\b', 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r', 0x27: "\\'", 0x5c: '\\\\' };
  if (named[c]) return `'${named[c]}'`;
  if (c < 0x20 || c === 0x7f) return `'\\x${c.toString(16).padStart(2, '0')}'`;
  if (c < 0x7f || (c > 0xa0 && c !== 0xad)) return `'${String.fromCharCode(c)}'`;
  return `'\\u${c.toString(16).padStart(4, '0')}'`;
}


/**
 * One `watch ...` request of watch -i (`tokens`: the words after "watch"),
 * checked as etcdctl 3.5's parseWatchArgs checks it. Its errors end watch -i
 * with exit 128; what is wrong with the watch itself (no key, a range_end
 * with --prefix) comes later, from watchCreateRequest, and only skips the line.
 */
export function parseInteractiveWatch(tokens: string[], envKey: string, envRange: string): WatchArgs & { flags: Record<string, FlagValue> } {
  const dash = tokens.indexOf('--');
  if (dash >= 0 && dash === tokens.length - 1) throw badArgs(ERR_SEPARATOR);
  const { positional, flags } = parseWatchFlags(tokens);
  if (dash < 0 && envKey === '' && positional.length === 0) throw badArgs('bad number of arguments');
  if (dash < 0 && envKey !== '' && positional.length > 0) throw badArgs(ERR_CONFLICT_ENV);
  const exec = dash >= 0 ? tokens.slice(dash + 1) : [];
  // pflag leaves the words after "--" at the end of the arguments.
  const keys = positional.slice(0, positional.length - exec.length);
  const fromEnv = envKey === '' ? [] : envRange === '' ? [envKey] : [envKey, envRange];
  return { watchArgs: [...fromEnv, ...keys], exec, flags };
}

/** watch -i: reads "watch ..." and "progress" lines from stdin. */
async function runInteractive(ctx: Context, envKey: string, envRange: string): Promise<void> {
  const text = ctx.text();
  const reader = new LineReader(ctx.io.stdin);
  const watches = new Watches(ctx, await import('../src/client/watcher.js'), true);
  let readError: EtcdctlError | undefined;
  const fail = (err: EtcdctlError) => {
    readError = err;
    watches.stop();
  };
  const readLines = async () => {
    for (;;) {
      const raw = await reader.next();
      if (raw === undefined || !raw.endsWith('\n')) return fail(new EtcdctlError('error reading watch request line: EOF', ExitCode.InvalidInput));
      const line = raw.slice(0, -1);
      let args: string[];
      try {
        args = argify(line);
      } catch (err) {
        return fail(err as EtcdctlError);
      }
      if (args.length < 1) {
        text.invalidWatchLine(`Invalid command: ${line} (watch and progress supported)`);
        continue;
      }
      if (args[0] === 'progress') {
        watches.requestProgress();
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
      let parsed: ReturnType<typeof parseInteractiveWatch>;
      try {
        parsed = parseInteractiveWatch(args.slice(1), envKey, envRange);
      } catch (err) {
        return fail(err as EtcdctlError);
      }
      let request: WatchCreate;
      try {
        request = watchCreateRequest(parsed.watchArgs, parsed.flags);
      } catch (err) {
        text.invalidWatchLine(`Invalid command ${line} (${(err as Error).message})`);
        continue;
      }
      await watches.add(request, parsed.exec);
    }
  };
  try {
    // Connect before reading anything, as etcdctl does.
    await watches.open();
    readLines().catch((err) => (err instanceof EtcdctlError ? fail(err) : watches.abort(err)));
    await watches.done;
  } catch (err) {
    throw readError ?? err;
  } finally {
    watches.close();
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
