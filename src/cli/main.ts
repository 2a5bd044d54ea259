/**
 * Builds the commander program from the command tree, parses argv with
 * etcdctl's (cobra/pflag) rules, runs the chosen command and turns every
 * failure into etcdctl's `Error: ...` output and exit code.
 */
import { Command, CommanderError, Option } from 'commander';
import { EtcdctlError, ExitCode } from '../errors.js';
import { FlagValueError, parseFlagValue, parseGoBool, flagDisplayName, type FlagSpec, type FlagValue } from '../config/flags.js';
import { GLOBAL_FLAGS, resolveGlobals, camel, envName, type GlobalOptions } from '../config/globals.js';
import { renderHelp, sortedSubcommands } from './help.js';
import type { CommandDef, Context } from './types.js';
import type { IO } from '../io/types.js';
import { argText } from './rawargs.js';
import { goQuoteArg } from '../go/quote.js';
import { firstInterrupt } from '../io/interrupts.js';
import type { EtcdClient } from '../client/client.js';
import type { PrintOptions, Printer } from '../output/printer.js';

/** Stands in for `--` among the positional arguments; argv can never contain a NUL. */
const DASH_SENTINEL = '\u0000--';

const HELP_FLAG: FlagSpec = { name: 'help', short: 'h', type: 'bool', default: false, usage: 'help' };

/** Everything needed to run one invocation. */
export interface Invocation {
  root: CommandDef;
  argv: string[];
  env: NodeJS.ProcessEnv;
  io: IO;
}

/** A first word that names no command. */
class UnknownCommandError extends Error {
  constructor(readonly word: string) {
    super(`unknown command ${word}`);
  }
}

/** Thrown by the parser for errors cobra reports with the command's usage. */
class UsageError extends Error {
  constructor(message: string, readonly def: CommandDef) {
    super(message);
  }
}

function linkParents(def: CommandDef): void {
  for (const sub of def.subcommands ?? []) {
    sub.parent = def;
    linkParents(sub);
  }
}

function pathOf(def: CommandDef): CommandDef[] {
  const path: CommandDef[] = [];
  for (let cur = def.parent; cur; cur = cur.parent) path.unshift(cur);
  return path;
}

/** All flags a command accepts besides the globals: its own, its persistent ones and its ancestors'. */
function flagsOf(def: CommandDef): FlagSpec[] {
  const inherited = pathOf(def).flatMap((d) => d.persistentFlags ?? []);
  return [...(def.flags ?? []), ...(def.persistentFlags ?? []), ...inherited];
}

/** Finds a subcommand by exact name or unique prefix (cobra's EnablePrefixMatching). */
function findSub(def: CommandDef, token: string): CommandDef | undefined {
  const subs = def.subcommands ?? [];
  const exact = subs.find((s) => s.name === token);
  if (exact) return exact;
  const matches = subs.filter((s) => s.name.startsWith(token));
  return matches.length === 1 && token !== '' ? matches[0] : undefined;
}

/**
 * Finds the command argv names, as cobra does: flags are skipped (a flag that
 * is not a known boolean, even an unknown one, takes the next word as its
 * value unless written --flag=value), and the first other word names a
 * subcommand (exact name or unique prefix). Returns the command and the
 * indices of the words that named it.
 */
function findCommand(root: CommandDef, argv: string[], globals: FlagSpec[]): { def: CommandDef; used: Set<number>; stray?: string } {
  let def = root;
  const used = new Set<number>();
  for (;;) {
    const specs = [...globals, ...flagsOf(def), HELP_FLAG];
    const isBool = (name: string, short: boolean) => specs.some((f) => f.type === 'bool' && (short ? f.short === name : f.name === name));
    let next = -1;
    for (let i = 0; i < argv.length; i++) {
      if (used.has(i)) continue;
      const s = argv[i];
      if (s === '--') break;
      if (s.startsWith('--') && !s.includes('=') && !isBool(s.slice(2), false)) {
        i++;
        continue;
      }
      if (s.startsWith('-') && !s.includes('=') && s.length === 2 && !isBool(s.slice(1), true)) {
        i++;
        continue;
      }
      if (s !== '' && !s.startsWith('-')) {
        next = i;
        break;
      }
    }
    const sub = next >= 0 && def.subcommands?.length ? findSub(def, argv[next]) : undefined;
    if (!sub) return { def, used, stray: next >= 0 ? argv[next] : undefined };
    used.add(next);
    def = sub;
  }
}

/**
 * Rewrites argv so that commander parses it as pflag would: the command path
 * first (cobra accepts a command's flags before its name), then the rest with
 * `--bool=value` as `--bool`/`--no-bool`, `-w=json` as `-w json`, and the
 * place of `--` marked. pflag's own errors (bad boolean, unknown shorthand,
 * missing value) are raised here against the command argv names.
 */
function preprocess(root: CommandDef, argv: string[], globals: FlagSpec[] = GLOBAL_FLAGS): { argv: string[]; def: CommandDef } {
  const { def, used, stray } = findCommand(root, argv, globals);
  // cobra reports a word that names no command before it looks at any flag.
  if (def === root && stray !== undefined) throw new UnknownCommandError(stray);
  const path = [...pathOf(def).slice(1), ...(def === root ? [] : [def])].map((d) => d.name);
  const specs = [...globals, ...flagsOf(def), HELP_FLAG];
  const specFor = (name: string, short: boolean) => specs.find((f) => (short ? f.short === name : f.name === name));
  const boolToken = (spec: FlagSpec, value: string) => {
    try {
      return parseGoBool(value) ? `--${spec.name}` : `--no-${spec.name}`;
    } catch (err) {
      throw new UsageError(`invalid argument ${goQuoteArg(value)} for "${flagDisplayName(spec)}" flag: ${(err as Error).message}`, def);
    }
  };
  const out: string[] = [...path];
  for (let i = 0; i < argv.length; i++) {
    if (used.has(i)) continue;
    const t = argv[i];
    if (t === '--') {
      out.push('--', DASH_SENTINEL, ...argv.slice(i + 1));
      break;
    }
    if (t.startsWith('--') && t.length > 2) {
      const eq = t.indexOf('=');
      const name = t.slice(2, eq < 0 ? undefined : eq);
      const spec = specFor(name, false);
      if (spec?.type === 'bool' && eq >= 0) {
        out.push(boolToken(spec, t.slice(eq + 1)));
        continue;
      }
      out.push(t);
      if (spec && spec.type !== 'bool' && eq < 0) {
        if (i + 1 >= argv.length) throw new UsageError(`flag needs an argument: ${t}`, def);
        out.push(argv[++i]);
      }
      continue;
    }
    if (t.startsWith('-') && t.length > 1) {
      const spec = specFor(t[1], true);
      // pflag reads "-1" as a shorthand flag, not a negative number.
      if (!spec) throw new UsageError(`unknown shorthand flag: '${t[1]}' in ${t}`, def);
      if (spec.type === 'bool') {
        out.push(t[2] === '=' ? boolToken(spec, t.slice(3)) : t);
        continue;
      }
      if (t.length > 2) {
        // -wjson and -w=json both mean -w json.
        out.push(`-${t[1]}`, t.slice(t[2] === '=' ? 3 : 2));
        continue;
      }
      if (i + 1 >= argv.length) throw new UsageError(`flag needs an argument: '${t[1]}' in ${t}`, def);
      out.push(t, argv[++i]);
      continue;
    }
    out.push(t);
  }
  return { argv: out, def };
}

/** Cobra's suggestions: Levenshtein distance ≤ 2 (over UTF-8 bytes, as Go's strings) or a prefix match. */
function suggestions(def: CommandDef, typed: string): string[] {
  const lev = (x: string, y: string): number => {
    const a = Buffer.from(x, 'utf8');
    const b = Buffer.from(y, 'utf8');
    const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
    for (let j = 1; j <= b.length; j++) d[0][j] = j;
    for (let i = 1; i <= a.length; i++)
      for (let j = 1; j <= b.length; j++)
        d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    return d[a.length][b.length];
  };
  return sortedSubcommands(def)
    .filter((s) => lev(typed.toLowerCase(), s.name.toLowerCase()) <= 2 || s.name.toLowerCase().startsWith(typed.toLowerCase()))
    .map((s) => s.name);
}

function commanderOption(spec: FlagSpec): Option {
  const flags = `${spec.short ? `-${spec.short}, ` : ''}--${spec.name}${spec.type === 'bool' ? '' : ' <value>'}`;
  const opt = new Option(flags);
  // A flag whose own name starts with "no-" (user add --no-password) is not commander's negation of another.
  if (spec.name.startsWith('no-')) opt.negate = false;
  if (spec.type !== 'bool') {
    opt.argParser((value: string, previous: FlagValue | undefined) => parseFlagValue(spec, value, previous));
  }
  return opt;
}

function addFlags(cmd: Command, specs: FlagSpec[]): void {
  for (const spec of specs) {
    cmd.addOption(commanderOption(spec));
    if (spec.type === 'bool') cmd.addOption(new Option(`--no-${spec.name}`).hideHelp());
  }
}

/** Reads parsed values: name → value for the given flags, defaults filled in. */
function readFlags(cmd: Command, specs: FlagSpec[]): { values: Record<string, FlagValue>; given: Set<string> } {
  const values: Record<string, FlagValue> = {};
  const given = new Set<string>();
  for (const spec of specs) {
    const key = camel(spec.name);
    // A parent's shared flag may have been taken by the parent's own parser.
    let owner: Command | null = cmd;
    while (owner && owner.getOptionValueSource(key) !== 'cli') owner = owner.parent;
    const v = owner?.getOptionValue(key) as FlagValue | undefined;
    if (owner && v !== undefined) {
      values[spec.name] = v;
      given.add(spec.name);
    } else {
      values[spec.name] = Array.isArray(spec.default) ? [...spec.default] : spec.default;
    }
  }
  return { values, given };
}

function writeError(io: IO, err: EtcdctlError): void {
  io.stderr.write(`Error: ${err.message}\n`);
  for (const hint of err.hints) io.stderr.write(`${hint}\n`);
}

/** Maps commander's parse errors to pflag's wording. */
function pflagMessage(err: CommanderError): string {
  const m = /'([^']+)'/.exec(err.message);
  const token = m?.[1] ?? '';
  if (err.code === 'commander.unknownOption') {
    if (token.startsWith('--')) return `unknown flag: ${token.replace(/=.*$/, '')}`;
    return `unknown shorthand flag: '${token[1]}' in ${token}`;
  }
  if (err.code === 'commander.optionMissingArgument') {
    const long = /--([\w-]+)/.exec(err.message)?.[1];
    return `flag needs an argument: --${long}`;
  }
  return err.message.replace(/^error: /, '');
}

interface Invoked {
  def: CommandDef;
  cmd: Command;
  args: string[];
}

/** Mirrors the command tree into commander; `onInvoke` learns which command argv chose. */
function buildCommander(
  def: CommandDef,
  parent: Command | undefined,
  withGlobals: boolean,
  onInvoke: (inv: Invoked) => void,
  only?: Set<CommandDef>,
): Command {
  const cmd = parent ? parent.command(def.name) : new Command(def.name);
  cmd.exitOverride();
  cmd.configureOutput({ writeOut: () => {}, writeErr: () => {}, outputError: () => {} });
  cmd.helpOption(false);
  cmd.helpCommand(false);
  cmd.allowExcessArguments();
  cmd.argument('[args...]');
  const own = parent || !withGlobals ? [...(def.flags ?? []), ...(def.persistentFlags ?? []), ...pathOf(def).slice(1).flatMap((d) => d.persistentFlags ?? [])] : GLOBAL_FLAGS;
  addFlags(cmd, [...own, HELP_FLAG]);
  cmd.action((args: string[], _opts: unknown, self: Command) => onInvoke({ def, cmd: self, args }));
  for (const sub of def.subcommands ?? []) {
    if (!only || only.has(sub)) buildCommander(sub, cmd, withGlobals, onInvoke, only);
  }
  return cmd;
}

/**
 * Parses one line of arguments against a few commands (txn's put/get/del
 * request lines): no global flags, same flag rules. Returns undefined when the
 * line does not parse.
 */
export function parseCommandLine(
  commands: CommandDef[],
  tokens: string[],
): { def: CommandDef; args: string[]; flags: Record<string, FlagValue> } | undefined {
  const root: CommandDef = { name: 'txn-request', use: '', short: '', subcommands: commands.map((c) => ({ ...c, subcommands: undefined })) };
  linkParents(root);
  let found: Invoked | undefined;
  const program = buildCommander(root, undefined, false, (inv) => {
    found = inv;
  });
  let argv: string[];
  try {
    ({ argv } = preprocess(root, tokens, []));
    program.parse(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof UsageError || err instanceof UnknownCommandError || err instanceof FlagValueError || err instanceof CommanderError) return undefined;
    throw err;
  }
  if (!found || found.def === root) return undefined;
  const flags = readFlags(found.cmd, flagsOf(found.def)).values;
  return { def: found.def, args: found.args.filter((a) => a !== DASH_SENTINEL), flags };
}

export async function run(inv: Invocation): Promise<number> {
  const { root, io, env } = inv;
  linkParents(root);

  const apiVersion = env.ETCDCTL_API;
  if (apiVersion !== undefined && apiVersion !== '' && apiVersion !== '3') {
    if (apiVersion === '2') {
      io.stderr.write('Error: ETCDCTL_API=2 selects the legacy v2 API, which etcdctl-ts does not implement; unset it or set ETCDCTL_API=3\n');
    } else {
      io.stderr.write(`unsupported API version: ${apiVersion}\n`);
    }
    return ExitCode.Error;
  }

  let target: CommandDef = root;
  let argv: string[];
  try {
    ({ argv, def: target } = preprocess(root, inv.argv));
  } catch (err) {
    if (err instanceof UsageError) return usageFailure(io, err.def, err.message);
    if (err instanceof UnknownCommandError) return unknownCommand(io, root, err.word);
    throw err;
  }

  let invoked: Invoked | undefined;
  // Only the commands on the way to the one argv names are built: that is all
  // commander needs to dispatch, and it keeps start-up short.
  const program = buildCommander(root, undefined, true, (inv) => {
    invoked = inv;
  }, new Set([...pathOf(target), target]));

  try {
    program.parse(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof FlagValueError) return usageFailure(io, target, err.message);
    if (err instanceof CommanderError) {
      if (err.code === 'commander.unknownCommand') return unknownCommand(io, root, /'([^']*)'/.exec(err.message)?.[1] ?? '');
      return usageFailure(io, target, pflagMessage(err));
    }
    throw err;
  }
  if (!invoked) return ExitCode.Success;
  const { def, cmd } = invoked;

  const dashIndex = invoked.args.indexOf(DASH_SENTINEL);
  const rawFrom = def.rawArgsFrom ?? Infinity;
  const args = invoked.args.filter((a) => a !== DASH_SENTINEL).map((a, i) => (i >= rawFrom && (dashIndex < 0 || i < dashIndex) ? a : argText(a)));
  const local = readFlags(cmd, flagsOf(def));
  // Flags a parent shares with its subcommands (endpoint's --cluster) are
  // inherited, and etcdctl reads inherited flags from ETCDCTL_* too.
  for (const spec of pathOf(def).flatMap((d) => d.persistentFlags ?? [])) {
    const raw = env[envName(spec.name)];
    if (local.given.has(spec.name) || raw === undefined || raw === '') continue;
    try {
      local.values[spec.name] = parseFlagValue(spec, raw);
    } catch (err) {
      if (!(err instanceof FlagValueError)) throw err;
    }
  }
  const globalCli = new Map<string, FlagValue>();
  const helpWanted = cmd.getOptionValue('help') === true || program.getOptionValue('help') === true;
  for (const spec of GLOBAL_FLAGS) {
    const key = camel(spec.name);
    if (program.getOptionValueSource(key) === 'cli') globalCli.set(spec.name, program.getOptionValue(key) as FlagValue);
  }

  if (helpWanted || !def.run) {
    // A parent command alone (or with an unknown subcommand) shows its help, as etcdctl does.
    // (Words after `--` name no command: cobra shows the root's help for them.)
    if (def === root && args.length > 0 && dashIndex !== 0 && !helpWanted) return unknownCommand(io, root, args[0]);
    io.stdout.write(renderHelp(def, pathOf(def), GLOBAL_FLAGS));
    return ExitCode.Success;
  }

  const globals = resolveGlobals(globalCli, env);
  // A set variable of an inherited flag (ETCDCTL_CLUSTER for endpoint ...) is
  // not unknown here; for watch, neither are those that give its key (etcdctl
  // adds flags for them). An empty one sets nothing, and is warned of.
  const inheritedEnv = new Set(pathOf(def).flatMap((d) => d.persistentFlags ?? []).map((s) => envName(s.name)));
  if (def.name === 'watch' && def.parent === root) inheritedEnv.add('ETCDCTL_WATCH_KEY').add('ETCDCTL_WATCH_RANGE_END');
  globals.unknownEnv = globals.unknownEnv.filter((v) => {
    const eq = v.indexOf('=');
    return !(inheritedEnv.has(v.slice(0, eq)) && v.length > eq + 1);
  });
  // --debug's dump: the globals and the flags inherited from parents; none for
  // endpoint health, which etcdctl sets up without its usual client configuration.
  const inherited = pathOf(def).flatMap((d) => d.persistentFlags ?? []);
  globals.debugExtra = def.quietDebug ? undefined : inherited.map((spec) => `${envName(spec.name)}=${String(local.values[spec.name])}`);
  // etcdctl warns of them as it sets up its client and output format.
  let warned = def.offline === true;
  const warnOnce = () => {
    if (!warned) warnUnknownEnv(io, globals);
    warned = true;
  };
  let client: EtcdClient | undefined;
  let interrupted: Promise<NodeJS.Signals> | undefined;
  const extraClients: EtcdClient[] = [];
  // Resolved once (it may ask for a password), shared by every client of this run.
  let config: Promise<import('../client/client.js').ClientConfig> | undefined;
  const clientConfig = () => {
    warnOnce();
    config ??= import('../client/client.js').then((mod) => mod.resolveClientConfig(globals, io));
    return config;
  };
  const ctx: Context = {
    args,
    dashAt: dashIndex,
    flags: local.values,
    flagsGiven: local.given,
    globals,
    io,
    env,
    client: async () => {
      if (!client) {
        const mod = await import('../client/client.js');
        client = new mod.EtcdClient(await clientConfig());
      }
      return client;
    },
    clientWith: async (overrides: Partial<GlobalOptions>, passwordPrompt: string) => {
      const mod = await import('../client/client.js');
      const g: GlobalOptions = { ...globals, ...overrides, debug: false, discoverySrv: '', given: new Set<string>() };
      const other = new mod.EtcdClient(await mod.resolveClientConfig(g, io, passwordPrompt));
      extraClients.push(other);
      return other;
    },
    newClient: async () => {
      const mod = await import('../client/client.js');
      const fresh = new mod.EtcdClient(await clientConfig());
      extraClients.push(fresh);
      return fresh;
    },
    clientFor: async (endpoint: string) => {
      const mod = await import('../client/client.js');
      const one = new mod.EtcdClient({ ...(await clientConfig()), endpoints: [mod.parseEndpointArg(endpoint)] });
      extraClients.push(one);
      return one;
    },
    printer: (opts?: Partial<PrintOptions>): Printer => {
      warnOnce();
      return makePrinter(globals, io, opts);
    },
    text: () => new printerFactory!.TextPrinter(io.stdout, io.stderr),
    help: (path: string[]) => {
      // cobra's Find: the deepest command the words name; words after it are
      // ignored, except that a first word naming nothing is an unknown topic.
      let cur: CommandDef = root;
      for (const name of path) {
        const sub = findSub(cur, name);
        if (!sub) break;
        cur = sub;
      }
      if (cur === root && path.length > 0) {
        // cobra prints the topic with Go's %#q: [`a` `b`], then the root's usage, whose
        // help flag is not listed because the root is not the command being run.
        io.stderr.write(`Unknown help topic [${path.map((p) => '`' + p + '`').join(' ')}]\n`);
        io.stdout.write(renderHelp(root, [], GLOBAL_FLAGS, { helpFlag: false }));
        return;
      }
      io.stdout.write(renderHelp(cur, pathOf(cur), GLOBAL_FLAGS));
    },
    get interrupted() {
      // Listened for from the first time a command asks.
      interrupted ??= firstInterrupt().interrupted;
      return interrupted;
    },
  };
  try {
    await def.run(ctx);
    return ExitCode.Success;
  } catch (err) {
    return reportFailure(io, err);
  } finally {
    client?.close();
    for (const c of extraClients) c.close();
  }
}

let printerFactory: typeof import('../output/index.js') | undefined;
/** Printers are loaded with the command; creating one validates --write-out. */
function makePrinter(g: GlobalOptions, io: IO, opts?: Partial<PrintOptions>): Printer {
  if (!printerFactory) throw new Error('printers not loaded');
  return printerFactory.createPrinter(g.writeOut, io.stdout, { hex: g.hex, valueOnly: false, ...opts }, io.stderr);
}

/** Loads the output layer; called once before commands run. */
export async function loadPrinters(): Promise<void> {
  printerFactory = await import('../output/index.js');
}

function warnUnknownEnv(io: IO, g: GlobalOptions): void {
  for (const v of g.unknownEnv) {
    const line = { level: 'warn', ts: zapTime(), caller: 'flags/flag.go:93', msg: 'unrecognized environment variable', 'environment-variable': v };
    io.stderr.write(`${JSON.stringify(line)}\n`);
  }
}

/** The time as etcd's zap logger writes it: 2006-01-02T15:04:05.000000Z0700, local time. */
function zapTime(): string {
  const us = Math.floor((performance.timeOrigin + performance.now()) * 1000);
  const d = new Date(Math.floor(us / 1000));
  const two = (n: number) => String(n).padStart(2, '0');
  const off = -d.getTimezoneOffset();
  const zone = off === 0 ? 'Z' : `${off > 0 ? '+' : '-'}${two(Math.floor(Math.abs(off) / 60))}${two(Math.abs(off) % 60)}`;
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(us % 1000000).padStart(6, '0')}${zone}`;
}

/** Prints an error that ends the command and returns its exit code. */
export function reportFailure(io: IO, err: unknown): number {
  if (err instanceof EtcdctlError) {
    if (!err.silent) writeError(io, err);
    return err.code;
  }
  const e = err as Error;
  io.stderr.write(`Error: ${e?.message ?? String(err)}\n`);
  return ExitCode.Error;
}

/** A flag error: usage on stdout, the error twice on stderr (etcdctl 3.5's cobra does this), exit 1. */
function usageFailure(io: IO, def: CommandDef, message: string): number {
  io.stderr.write(`Error: ${message}\n`);
  io.stdout.write(renderHelp(def, pathOf(def), GLOBAL_FLAGS));
  io.stderr.write(`\nError: ${message}\n`);
  return ExitCode.Error;
}

function unknownCommand(io: IO, root: CommandDef, word: string): number {
  const typed = argText(word);
  const sugg = suggestions(root, typed);
  let msg = `unknown command ${goQuoteArg(word)} for "etcdctl"`;
  if (sugg.length) msg += `\n\nDid you mean this?\n${sugg.map((s) => `\t${s}\n`).join('')}`;
  io.stderr.write(`Error: ${msg}\nRun 'etcdctl --help' for usage.\nError: ${msg}\n`);
  return ExitCode.Error;
}
