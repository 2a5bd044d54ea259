/**
 * Flag declarations in the style of etcdctl's (Go pflag): every flag has a
 * type, a default and a usage line, and values are checked with the same
 * messages pflag prints ("invalid argument "abc" for "--limit" flag: ...").
 * The same declarations drive commander, the help text and ETCDCTL_* lookups.
 */
import { DurationError, formatDuration, parseDuration } from '../go/duration.js';
import { goQuoteArg } from '../go/quote.js';
import { argText } from '../cli/rawargs.js';

export type FlagType = 'bool' | 'string' | 'int' | 'int64' | 'uint64' | 'duration' | 'stringSlice';

export interface FlagSpec {
  name: string;
  short?: string;
  type: FlagType;
  /** Default value in its parsed form (see FlagValue). */
  default: FlagValue;
  usage: string;
  hidden?: boolean;
  /** A global flag of etcdctl-ts's own: etcdctl's --debug dump does not list it. */
  ours?: boolean;
  /** The command does not run without it (cobra's MarkFlagRequired): a usage error names it. */
  required?: boolean;
}

/** bool → boolean; string → string; int → number; int64/uint64 → bigint; duration → ns number; stringSlice → string[]. */
export type FlagValue = boolean | string | number | bigint | string[];

export class FlagValueError extends Error {}

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const UINT64_MAX = (1n << 64n) - 1n;

/** Go's strconv.ParseInt/ParseUint with base 0 (0x, 0o, 0b and _ separators). */
export function parseGoInt(text: string, kind: 'int' | 'int64' | 'uint64', fn = kind === 'uint64' ? 'ParseUint' : 'ParseInt'): bigint {
  const syntax = () => new FlagValueError(`strconv.${fn}: parsing ${goQuoteArg(text)}: invalid syntax`);
  const range = () => new FlagValueError(`strconv.${fn}: parsing ${goQuoteArg(text)}: value out of range`);
  let s = text;
  let negative = false;
  if (s.startsWith('+') || s.startsWith('-')) {
    if (kind === 'uint64') throw syntax();
    negative = s[0] === '-';
    s = s.slice(1);
  }
  let base = 10;
  let digits = s;
  if (/^0[xX]/.test(s)) { base = 16; digits = s.slice(2); }
  else if (/^0[bB]/.test(s)) { base = 2; digits = s.slice(2); }
  else if (/^0[oO]/.test(s)) { base = 8; digits = s.slice(2); }
  else if (/^0\d/.test(s)) { base = 8; digits = s.slice(1); }
  if (base !== 10 || digits.includes('_')) {
    // Underscores are only allowed between digits when a base prefix is used.
    if (digits.includes('_') && (base === 10 || /^_|__|_$/.test(digits))) throw syntax();
    digits = digits.replace(/_/g, '');
  }
  const valid = { 2: /^[01]+$/, 8: /^[0-7]+$/, 10: /^[0-9]+$/, 16: /^[0-9a-fA-F]+$/ }[base as 2 | 8 | 10 | 16];
  if (digits === '' || !valid.test(digits)) {
    if (base === 8 && s.length > 1 && /^0[0-9]+$/.test(s)) throw syntax();
    if (s === '0') return 0n;
    throw syntax();
  }
  let value = 0n;
  const b = BigInt(base);
  for (const ch of digits) value = value * b + BigInt(parseInt(ch, 16));
  if (negative) value = -value;
  if (kind === 'uint64' ? value > UINT64_MAX : value < INT64_MIN || value > INT64_MAX) throw range();
  if (kind === 'int' && (value < -(1n << 63n) || value > (1n << 63n) - 1n)) throw range();
  return value;
}

/** Go's strconv.ParseBool. */
export function parseGoBool(text: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false;
  throw new FlagValueError(`strconv.ParseBool: parsing ${goQuoteArg(text)}: invalid syntax`);
}

/** How pflag names a flag in its error messages. */
export function flagDisplayName(spec: FlagSpec): string {
  return spec.short ? `-${spec.short}, --${spec.name}` : `--${spec.name}`;
}

/** Parses one textual value of a flag; `previous` is used by slices, which append. */
export function parseFlagValue(spec: FlagSpec, text: string, previous?: FlagValue): FlagValue {
  try {
    switch (spec.type) {
      case 'bool':
        return parseGoBool(text);
      case 'string':
        return argText(text);
      case 'int':
        return Number(parseGoInt(text, 'int'));
      case 'int64':
      case 'uint64':
        return parseGoInt(text, spec.type);
      case 'duration':
        return parseDuration(text);
      case 'stringSlice': {
        const items = text === '' ? [] : splitCsv(argText(text));
        return Array.isArray(previous) ? [...previous, ...items] : items;
      }
    }
  } catch (err) {
    if (err instanceof FlagValueError || err instanceof DurationError) {
      throw new FlagValueError(`invalid argument ${goQuoteArg(text)} for "${flagDisplayName(spec)}" flag: ${err.message}`);
    }
    throw err;
  }
}

/** pflag reads string slices as one CSV record; items are trimmed of spaces. */
function splitCsv(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cur += '"'; i++; }
      else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"' && cur.trim() === '') {
      quoted = true;
      cur = '';
    } else if (ch === ',') {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  out.push(cur.trim());
  return out;
}

/** The default as Go prints it in help: strings quoted, slices as [a,b]. */
export function defaultText(spec: FlagSpec): string {
  const v = spec.default;
  switch (spec.type) {
    case 'string':
      return JSON.stringify(v);
    case 'stringSlice':
      return `[${(v as string[]).join(',')}]`;
    case 'duration':
      return formatDuration(v as number);
    default:
      return String(v);
  }
}
