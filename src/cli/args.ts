/**
 * Argument parsing with etcdctl's (cobra/pflag) rules on top of commander:
 * which command argv names, its flags and positional arguments, and the
 * global flags given. Errors are UsageError (reported with the command's
 * usage) and UnknownCommandError.
 */
import { Command, CommanderError, Option } from 'commander';
import { FlagValueError, parseFlagValue, parseGoBool, flagDisplayName, type FlagSpec, type FlagValue } from '../config/flags.js';
import { camel, envName } from '../config/globals.js';
import { programOf } from './program.js';
import type { CommandDef } from './types.js';
import { argText } from './rawargs.js';
import { goQuoteArg } from '../go/quote.js';

/** Stands in for `--` among the positional arguments; argv can never contain a NUL. */
const DASH_SENTINEL = '\u0000--';

const HELP_FLAG: FlagSpec = { name: 'help', short: 'h', type: 'bool', default: false, usage: 'help' };

/** A first word that names no command. */
export class UnknownCommandError extends Error {
  constructor(readonly word: string) {
    super(`unknown command ${word}`);
  }
}

/** Thrown by the parser for errors cobra reports with the command's usage. */
export class UsageError extends Error {
  constructor(message: string, readonly def: CommandDef) {
    super(message);
  }
}

export function linkParents(def: CommandDef): void {
  for (const sub of def.subcommands ?? []) {
    sub.parent = def;
    linkParents(sub);
  }
}

export function pathOf(def: CommandDef): CommandDef[] {
  const path: CommandDef[] = [];
  for (let cur = def.parent; cur; cur = cur.parent) path.unshift(cur);
  return path;
}

/** All flags a command accepts besides the globals: its own, its persistent ones and its ancestors'. */
export function flagsOf(def: CommandDef): FlagSpec[] {
  const inherited = pathOf(def).flatMap((d) => d.persistentFlags ?? []);
  return [...(def.flags ?? []), ...(def.persistentFlags ?? []), ...inherited];
}

/** Finds a subcommand by exact name or unique prefix (cobra's EnablePrefixMatching); a hidden one only by its name. */
export function findSub(def: CommandDef, token: string): CommandDef | undefined {
  const subs = def.subcommands ?? [];
  const exact = subs.find((s) => s.name === token);
  if (exact) return exact;
  const matches = subs.filter((s) => !s.hidden && s.name.startsWith(token));
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
function preprocess(root: CommandDef, argv: string[], globals: FlagSpec[] = programOf(root).globals): { argv: string[]; def: CommandDef } {
  const { def, used, stray } = findCommand(root, argv, globals);
  // cobra reports a word that names no command before it looks at any flag.
  if (def === root && stray !== undefined) throw new UnknownCommandError(stray);
  const path = [...pathOf(def).slice(1), ...(def === root ? [] : [def])].map((d) => d.name);
  // Flags are not parsed for it: every other word is an argument, as given.
  if (def.disableFlagParsing) return { argv: [...path, '--', ...argv.filter((_, i) => !used.has(i))], def };
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
  const own = parent || !withGlobals ? [...(def.flags ?? []), ...(def.persistentFlags ?? []), ...pathOf(def).slice(1).flatMap((d) => d.persistentFlags ?? [])] : programOf(def).globals;
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

/** What argv asks for: the command, its arguments and flags, and the global flags given. */
export interface ParsedArgs {
  def: CommandDef;
  /** Positional arguments, `--` removed; text unless the command takes raw bytes there. */
  args: string[];
  /** How many positional arguments came before `--`, or -1. */
  dashAt: number;
  flags: Record<string, FlagValue>;
  flagsGiven: Set<string>;
  /** Global flags given on the command line. */
  globalCli: Map<string, FlagValue>;
  /** -h/--help was given. */
  helpWanted: boolean;
}

/**
 * Parses argv against the command tree (parents linked). Undefined when
 * commander chose no command to run.
 */
export function parseArgs(root: CommandDef, rawArgv: string[], env: NodeJS.ProcessEnv): ParsedArgs | undefined {
  let target: CommandDef = root;
  let argv: string[];
  ({ argv, def: target } = preprocess(root, rawArgv));

  let invoked: Invoked | undefined;
  // Only the commands on the way to the one argv names are built: that is all
  // commander needs to dispatch, and it keeps start-up short.
  const program = buildCommander(root, undefined, true, (inv) => {
    invoked = inv;
  }, new Set([...pathOf(target), target]));

  try {
    program.parse(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof FlagValueError) throw new UsageError(err.message, target);
    if (err instanceof CommanderError) {
      if (err.code === 'commander.unknownCommand') throw new UnknownCommandError(/'([^']*)'/.exec(err.message)?.[1] ?? '');
      throw new UsageError(pflagMessage(err), target);
    }
    throw err;
  }
  if (!invoked) return undefined;
  const { def, cmd } = invoked;

  const dashIndex = invoked.args.indexOf(DASH_SENTINEL);
  const rawFrom = def.rawArgsFrom ?? Infinity;
  const args = invoked.args.filter((a) => a !== DASH_SENTINEL).map((a, i) => (i >= rawFrom && (dashIndex < 0 || i < dashIndex) ? a : argText(a)));
  const local = readFlags(cmd, flagsOf(def));
  // Flags a parent shares with its subcommands (endpoint's --cluster) are
  // inherited, and etcdctl reads inherited flags from ETCDCTL_* too.
  const readsEnv = programOf(root).readsEnv;
  for (const spec of pathOf(def).flatMap((d) => d.persistentFlags ?? [])) {
    if (!readsEnv) break;
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
  for (const spec of programOf(root).globals) {
    const key = camel(spec.name);
    if (program.getOptionValueSource(key) === 'cli') globalCli.set(spec.name, program.getOptionValue(key) as FlagValue);
  }
  return { def, args, dashAt: dashIndex, flags: local.values, flagsGiven: local.given, globalCli, helpWanted };
}
