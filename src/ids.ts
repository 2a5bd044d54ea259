/**
 * Parsing of IDs and numbers the way etcdctl's Go code does (strconv), so the
 * error messages match. IDs stay bigint: member and lease IDs exceed 2^53.
 */
import { FlagValueError, parseGoInt } from './config/flags.js';
import { goQuoteArg } from './go/quote.js';

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

/** strconv.ParseInt(s, 16, 64): hex without a 0x prefix, optional sign. */
export function parseHexInt64(s: string): bigint {
  const m = /^([+-]?)([0-9a-fA-F]+)$/.exec(s);
  if (!m) throw new FlagValueError(`strconv.ParseInt: parsing ${goQuoteArg(s)}: invalid syntax`);
  let v = BigInt('0x' + m[2]);
  if (m[1] === '-') v = -v;
  if (v < INT64_MIN || v > INT64_MAX) throw new FlagValueError(`strconv.ParseInt: parsing ${goQuoteArg(s)}: value out of range`);
  return v;
}

/** strconv.ParseInt(s, 10, 64). */
export function parseDecInt64(s: string): bigint {
  const m = /^[+-]?[0-9]+$/.exec(s);
  if (!m) throw new FlagValueError(`strconv.ParseInt: parsing ${goQuoteArg(s)}: invalid syntax`);
  const v = BigInt(s);
  if (v < INT64_MIN || v > INT64_MAX) throw new FlagValueError(`strconv.ParseInt: parsing ${goQuoteArg(s)}: value out of range`);
  return v;
}

export { parseGoInt };

/** A lease or member ID as etcdctl prints it in simple output: %016x of the unsigned value. */
export function hex16(id: bigint): string {
  return BigInt.asUintN(64, id).toString(16).padStart(16, '0');
}

/** strconv.ParseUint(s, 16, 64): hex without a prefix or sign. */
export function parseHexUint64(s: string): bigint {
  if (!/^[0-9a-fA-F]+$/.test(s)) throw new FlagValueError(`strconv.ParseUint: parsing ${goQuoteArg(s)}: invalid syntax`);
  const v = BigInt('0x' + s);
  if (v > (1n << 64n) - 1n) throw new FlagValueError(`strconv.ParseUint: parsing ${goQuoteArg(s)}: value out of range`);
  return v;
}

/**
 * Go's %016x of a signed int64 (a lease ID as etcdctl prints it): a negative
 * value keeps its sign, which takes one of the 16 columns (-1 → -000000000000001).
 */
export function goHex016(id: bigint): string {
  if (id >= 0n) return id.toString(16).padStart(16, '0');
  return '-' + (-id).toString(16).padStart(15, '0');
}
