/**
 * Durations written and printed the way Go's time package does it, because
 * etcdctl's flags take Go durations ("500ms", "2s", "1m30s") and it prints
 * latencies with time.Duration.String() ("1.536662ms", "752.793µs").
 * Values are nanoseconds held in a JS number (exact up to about 104 days).
 */
import { keyBytes } from '../keys.js';

const UNITS: Record<string, number> = {
  ns: 1,
  us: 1e3,
  'µs': 1e3, // U+00B5 micro sign
  'μs': 1e3, // U+03BC Greek mu
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

export class DurationError extends Error {}

/**
 * Go's time package quoting in its errors: bytes outside printable ASCII as
 * \xNN (of the raw bytes of an argument that has them, src/cli/rawargs.ts).
 */
function quote(s: string): string {
  let out = '"';
  for (const b of keyBytes(s)) {
    if (b < 0x20 || b >= 0x80) out += `\\x${b.toString(16).padStart(2, '0')}`;
    else out += (b === 0x22 || b === 0x5c ? '\\' : '') + String.fromCharCode(b);
  }
  return `${out}"`;
}

/** Parses a Go duration string into nanoseconds; throws DurationError with Go's message. */
export function parseDuration(input: string): number {
  let s = input;
  let negative = false;
  if (s.startsWith('-') || s.startsWith('+')) {
    negative = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') throw new DurationError(`time: invalid duration ${quote(input)}`);
  let total = 0;
  while (s !== '') {
    const num = /^([0-9]*)(\.([0-9]*))?/.exec(s)!;
    const whole = num[1];
    const frac = num[3] ?? '';
    if (whole === '' && frac === '') throw new DurationError(`time: invalid duration ${quote(input)}`);
    if (whole === '' && num[2] === undefined) throw new DurationError(`time: invalid duration ${quote(input)}`);
    s = s.slice(num[0].length);
    const unitMatch = /^[^0-9.]*/.exec(s)!;
    const unit = unitMatch[0];
    if (unit === '') throw new DurationError(`time: missing unit in duration ${quote(input)}`);
    const scale = UNITS[unit];
    if (scale === undefined) throw new DurationError(`time: unknown unit ${quote(unit)} in duration ${quote(input)}`);
    s = s.slice(unit.length);
    total += Number(`${whole || '0'}.${frac || '0'}`) * scale;
  }
  return Math.round(negative ? -total : total);
}

/** Formats nanoseconds like Go's time.Duration.String(). */
export function formatDuration(ns: number): string {
  ns = Math.round(ns);
  if (ns === 0) return '0s';
  const sign = ns < 0 ? '-' : '';
  let u = Math.abs(ns);
  if (u < 1e9) {
    if (u < 1e3) return `${sign}${u}ns`;
    if (u < 1e6) return `${sign}${fraction(u, 3)}µs`;
    return `${sign}${fraction(u, 6)}ms`;
  }
  const hours = Math.floor(u / 3600e9);
  u -= hours * 3600e9;
  const minutes = Math.floor(u / 60e9);
  u -= minutes * 60e9;
  let out = `${fraction(u, 9)}s`;
  if (hours > 0) out = `${hours}h${minutes}m${out}`;
  else if (minutes > 0) out = `${minutes}m${out}`;
  return sign + out;
}

/** v / 10^digits printed with the fraction's trailing zeros (and a bare dot) removed. */
function fraction(v: number, digits: number): string {
  const scale = 10 ** digits;
  const whole = Math.floor(v / scale);
  const rest = v - whole * scale;
  if (rest === 0) return String(whole);
  const frac = String(rest).padStart(digits, '0').replace(/0+$/, '');
  return `${whole}.${frac}`;
}
