/**
 * What to offer for a command line being typed, from the command tree
 * itself: subcommands, flags (with their usage as the description), the
 * values of flags and arguments that have a fixed set, file names where a
 * file goes, and which values to ask the cluster for (member and lease IDs,
 * user and role names). The words are read with the parser's rules
 * (src/cli/args.ts): a flag that is not a boolean takes the next word as its
 * value unless written --flag=value, and the first other word names a
 * subcommand (its name or a unique prefix).
 */
import type { CommandDef } from '../cli/types.js';
import { FlagValueError, parseFlagValue, type FlagSpec, type FlagValue } from '../config/flags.js';
import { GLOBAL_FLAGS } from '../config/globals.js';
import { findSub, flagsOf, pathOf } from '../cli/args.js';
import { sortedSubcommands } from '../cli/help.js';
import { goHex016 } from '../ids.js';
import { hexId } from '../output/simple.js';

export interface Candidate {
  value: string;
  /** Shown beside the value by shells that show one (zsh, fish, PowerShell). */
  description?: string;
}

/** Values only the cluster knows. */
export type LiveKind = 'members' | 'leases' | 'users' | 'roles';

/** Where a value comes from: a fixed list, the cluster, or the file system. */
type Source = readonly string[] | LiveKind | 'files' | 'dirs';

export interface Offer {
  /** The word being completed, as the shell reads it. */
  word: string;
  /** The part of the word before the value being completed (`--write-out=`, `-w`), '' for a whole word. */
  prefix: string;
  /** Candidates that extend the word (each includes the prefix). */
  candidates: Candidate[];
  /** Values to ask the cluster for, offered as prefix + value (see matching). */
  live?: LiveKind;
  /** File or directory names are wanted instead (the shell completes them). */
  files?: 'files' | 'dirs';
  /** The global flags given before the word, parsed (for the client that fetches live values). */
  globals: Map<string, FlagValue>;
}

const PERMISSION_TYPES = ['read', 'write', 'readwrite'];

/** The arguments of commands, by command path, position by position. */
export const ARGUMENTS: Record<string, readonly Source[]> = {
  'member remove': ['members'],
  'member update': ['members'],
  'member promote': ['members'],
  'move-leader': ['members'],
  'lease revoke': ['leases'],
  'lease timetolive': ['leases'],
  'lease keep-alive': ['leases'],
  'user get': ['users'],
  'user delete': ['users'],
  'user passwd': ['users'],
  'user grant-role': ['users', 'roles'],
  'user revoke-role': ['users', 'roles'],
  'role get': ['roles'],
  'role delete': ['roles'],
  'role grant-permission': ['roles', PERMISSION_TYPES],
  'role revoke-permission': ['roles'],
  'snapshot save': ['files'],
  'snapshot status': ['files'],
  'snapshot restore': ['files'],
};

/** The values of flags, by flag name (the same name means the same thing in every command). */
export const FLAG_VALUES: Record<string, Source> = {
  'write-out': ['fields', 'json', 'protobuf', 'simple', 'table'],
  consistency: ['l', 's'],
  order: ['ASCEND', 'DESCEND'],
  'sort-by': ['CREATE', 'KEY', 'MODIFY', 'VALUE', 'VERSION'],
  load: ['s', 'm', 'l', 'xl'],
  lease: 'leases',
  cacert: 'files',
  cert: 'files',
  key: 'files',
  'dest-cacert': 'files',
  'dest-cert': 'files',
  'dest-key': 'files',
  'data-dir': 'dirs',
  'wal-dir': 'dirs',
};

/** The help flag every command has. */
function helpFlag(def: CommandDef): FlagSpec {
  return { name: 'help', short: 'h', type: 'bool', default: false, usage: `help for ${def.name}` };
}

/** Every flag `def` takes: its own and inherited ones, the globals, -h. */
function allFlags(def: CommandDef): FlagSpec[] {
  return [...flagsOf(def), ...GLOBAL_FLAGS, helpFlag(def)];
}

/** The command path as ARGUMENTS keys it: "member remove" (root not included). */
export function commandPath(def: CommandDef): string {
  return def.parent ? [...pathOf(def).slice(1), def].map((d) => d.name).join(' ') : '';
}

/** `values` that extend `word` once written after `prefix`. */
function matching(values: readonly Candidate[], prefix: string, word: string): Candidate[] {
  return values.map((c) => ({ ...c, value: prefix + c.value })).filter((c) => c.value.startsWith(word));
}

/** A member as offered: its ID as member list prints it (%x), its name (or that it has not started) beside. */
export function memberCandidate(id: bigint, name: string): Candidate {
  return { value: hexId(id), description: name || 'unstarted' };
}

/** A lease as offered: its ID as lease list prints it. */
export function leaseCandidate(id: bigint): Candidate {
  return { value: goHex016(id) };
}

/** Live values (fetched for `offer.live`) as candidates of the offer. */
export function liveCandidates(offer: Offer, values: Candidate[]): Candidate[] {
  return matching(values, offer.prefix, offer.word);
}

/** The offer for a value from `source`. */
function fromSource(source: Source | undefined, word: string, prefix: string, globals: Map<string, FlagValue>): Offer {
  const offer: Offer = { word, prefix, candidates: [], globals };
  if (source === undefined) return offer;
  if (source === 'files' || source === 'dirs') offer.files = source;
  else if (typeof source === 'string') offer.live = source;
  else offer.candidates = matching(source.map((value) => ({ value })), prefix, word);
  return offer;
}

/** The value of `spec` being typed: `word` is the whole word, `prefix` what comes before the value. */
function flagValue(spec: FlagSpec | undefined, word: string, prefix: string, globals: Map<string, FlagValue>): Offer {
  if (spec?.type === 'bool') return fromSource(['true', 'false'], word, prefix, globals);
  return fromSource(spec ? FLAG_VALUES[spec.name] : undefined, word, prefix, globals);
}

/** Flag names that extend `word`: --name for every flag, -x for those with a shorthand. */
function flagNames(def: CommandDef, word: string, given: Set<string>, globals: Map<string, FlagValue>): Offer {
  const flags = allFlags(def)
    .filter((f) => !f.hidden && (f.type === 'stringSlice' || !given.has(f.name)))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const names: Candidate[] = [];
  for (const f of flags) {
    names.push({ value: `--${f.name}`, description: f.usage });
    if (f.short && !word.startsWith('--')) names.push({ value: `-${f.short}`, description: f.usage });
  }
  return { word, prefix: '', candidates: matching(names, '', word), globals };
}

/** Subcommands of `def` whose names extend `word`, with their short descriptions. */
function subcommands(def: CommandDef, word: string, globals: Map<string, FlagValue>): Offer {
  const subs = sortedSubcommands(def).map((s) => ({ value: s.name, description: s.short }));
  return { word, prefix: '', candidates: matching(subs, '', word), globals };
}

/** The offer for positional argument `args.length` of `def`. */
function argument(root: CommandDef, def: CommandDef, args: string[], word: string, globals: Map<string, FlagValue>): Offer {
  if (args.length === 0 && sortedSubcommands(def).length > 0) return subcommands(def, word, globals);
  if (def.name === 'help' && def.parent === root) {
    // help's arguments name a command, word by word.
    let target = root;
    for (const a of args) {
      const sub = findSub(target, a);
      if (!sub) return { word, prefix: '', candidates: [], globals };
      target = sub;
    }
    return subcommands(target, word, globals);
  }
  if (def.validArgs && args.length === 0) return fromSource(def.validArgs, word, '', globals);
  return fromSource(ARGUMENTS[commandPath(def)]?.[args.length], word, '', globals);
}

/** Records a global flag's value (`spec` being a global), as the parser would; a value that does not parse is left out. */
function record(globals: Map<string, FlagValue>, spec: FlagSpec | undefined, text: string | true): void {
  if (!spec || !GLOBAL_FLAGS.includes(spec)) return;
  try {
    globals.set(spec.name, text === true ? true : parseFlagValue(spec, text, globals.get(spec.name)));
  } catch (err) {
    if (!(err instanceof FlagValueError)) throw err;
  }
}

/**
 * What to offer for `words`: the words after the program's name, the last
 * being the one at the cursor ('' for a new word). `root` is the command
 * tree with its parents linked.
 */
export function offer(root: CommandDef, words: string[]): Offer {
  const before = words.slice(0, -1);
  const word = words.length > 0 ? words[words.length - 1] : '';
  const globals = new Map<string, FlagValue>();
  const given = new Set<string>();
  let def = root;
  const args: string[] = [];
  let dashed = false;
  const spec = (name: string, short: boolean) => allFlags(def).find((f) => (short ? f.short === name : f.name === name));

  for (let i = 0; i < before.length; i++) {
    const t = before[i];
    if (dashed || t === '' || !t.startsWith('-') || t === '-') {
      if (!dashed && args.length === 0) {
        const sub = findSub(def, t);
        if (sub && t !== '') {
          def = sub;
          continue;
        }
      }
      args.push(t);
      continue;
    }
    if (t === '--') {
      dashed = true;
      continue;
    }
    const long = t.startsWith('--');
    const eq = t.indexOf('=');
    const name = long ? t.slice(2, eq < 0 ? undefined : eq) : t[1];
    const f = spec(name, !long);
    if (f) given.add(f.name);
    if (f?.type === 'bool') {
      record(globals, f, eq < 0 ? true : t.slice(eq + 1));
      continue;
    }
    // A value in the same word: --name=value, -wjson, -w=json.
    if (long ? eq >= 0 : t.length > 2) {
      record(globals, f, long ? t.slice(eq + 1) : t.slice(t[2] === '=' ? 3 : 2));
      continue;
    }
    // The value is the next word, or the word being completed.
    if (i + 1 === before.length) return flagValue(f, word, '', globals);
    record(globals, f, before[++i]);
  }

  if (!dashed && word.startsWith('-')) {
    const long = word.startsWith('--');
    const eq = word.indexOf('=');
    if (long && eq >= 0) return flagValue(spec(word.slice(2, eq), false), word, word.slice(0, eq + 1), globals);
    const short = !long && word.length >= 2 ? spec(word[1], true) : undefined;
    if (short && short.type !== 'bool' && word.length > 2) {
      const prefix = word.slice(0, word[2] === '=' ? 3 : 2);
      return flagValue(short, word, prefix, globals);
    }
    return flagNames(def, word, given, globals);
  }
  return argument(root, def, args, word, globals);
}
