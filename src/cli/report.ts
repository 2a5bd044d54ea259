/**
 * What a run says on stderr about itself: the error that ended it (etcdctl's
 * `Error: ...` and exit code), usage failures, unknown commands with cobra's
 * suggestions, and the warnings of unknown ETCDCTL_* variables.
 */
import { EtcdctlError, ExitCode } from '../errors.js';
import type { GlobalOptions } from '../config/globals.js';
import { sortedSubcommands } from './help.js';
import { helpPage, programOf } from './program.js';
import type { CommandDef } from './types.js';
import type { IO } from '../io/types.js';
import { argText } from './rawargs.js';
import { goQuoteArg } from '../go/quote.js';
import { PLAIN, type Palette } from '../io/colour.js';

/** ETCDCTL_API other than 3 (or unset) is refused: the message and exit code, or undefined to go on. */
export function refuseApiVersion(io: IO, env: NodeJS.ProcessEnv): number | undefined {
  const apiVersion = env.ETCDCTL_API;
  if (apiVersion !== undefined && apiVersion !== '' && apiVersion !== '3') {
    if (apiVersion === '2') {
      io.stderr.write('Error: ETCDCTL_API=2 selects the legacy v2 API, which etcdctl-ts does not implement; unset it or set ETCDCTL_API=3\n');
    } else {
      io.stderr.write(`unsupported API version: ${apiVersion}\n`);
    }
    return ExitCode.Error;
  }
  return undefined;
}

/** `Error: message` (red on a terminal: each line, so that a pager keeps the colour), then the hints (yellow). */
function writeError(io: IO, message: string, hints: string[], p: Palette): void {
  io.stderr.write(`${paintLines(`Error: ${message}`, p.error)}\n`);
  for (const hint of hints) io.stderr.write(`${paintLines(hint, p.hint)}\n`);
}

function paintLines(text: string, paint: (t: string) => string): string {
  return text.split('\n').map((l) => (l === '' ? l : paint(l))).join('\n');
}

/** Prints an error that ends the command and returns its exit code. */
export function reportFailure(io: IO, err: unknown, p: Palette = PLAIN): number {
  if (err instanceof EtcdctlError) {
    if (!err.silent) writeError(io, err.message, err.hints, p);
    return err.code;
  }
  const e = err as Error;
  writeError(io, e?.message ?? String(err), [], p);
  return ExitCode.Error;
}

/**
 * A flag error: the error twice on stderr with the usage between (etcdctl
 * 3.5's cobra does this), exit 1. etcdctl's usage goes to stdout, followed by
 * an empty line on stderr; cobra's own (etcdutl's) goes to stderr, followed
 * by an empty line.
 */
export function usageFailure(io: IO, def: CommandDef, message: string, p: Palette = PLAIN): number {
  const error = paintLines(`Error: ${message}`, p.error);
  io.stderr.write(`${error}\n`);
  if (programOf(def).help === 'cobra') {
    io.stderr.write(`${helpPage(def)}\n${error}\n`);
  } else {
    io.stdout.write(helpPage(def));
    io.stderr.write(`\n${error}\n`);
  }
  return ExitCode.Error;
}

/** A word that names no command: cobra's message, with suggestions, exit 1. */
export function unknownCommand(io: IO, root: CommandDef, word: string, p: Palette = PLAIN): number {
  const typed = argText(word);
  const sugg = suggestions(root, typed);
  const name = programOf(root).name;
  let msg = `unknown command ${goQuoteArg(word)} for "${name}"`;
  if (sugg.length) msg += `\n\nDid you mean this?\n${sugg.map((s) => `\t${s}\n`).join('')}`;
  const error = paintLines(`Error: ${msg}`, p.error);
  io.stderr.write(`${error}\nRun '${name} --help' for usage.\n${error}\n`);
  return ExitCode.Error;
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

/** etcdctl's zap warnings of ETCDCTL_* variables it does not know. */
export function warnUnknownEnv(io: IO, g: GlobalOptions): void {
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
