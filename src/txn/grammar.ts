/**
 * The txn input grammar, as etcdctl reads it from stdin:
 *
 *   compares            one per line: <target>("<key>") <op> "<value>"
 *   <blank line>
 *   success requests    one per line: put|get|del with the stand-alone command's arguments
 *   <blank line>
 *   failure requests
 *   <blank line>
 *
 * Pure functions over text; the command turns the pieces into a TxnRequest.
 */
import { EtcdctlError, ExitCode } from '../errors.js';
import { goQuote } from '../go/quote.js';
import { FlagValueError } from '../config/flags.js';
import { parseDecInt64, parseHexInt64 } from '../ids.js';
import { BINARY_MARK, keyBytes } from '../keys.js';
import { goTrimSpace, isGoSpace } from '../go/text.js';

export const CompareResult = { EQUAL: 0, GREATER: 1, LESS: 2, NOT_EQUAL: 3 } as const;
export const CompareTarget = { VERSION: 0, CREATE: 1, MOD: 2, VALUE: 3, LEASE: 4 } as const;

/** A Compare message, ready to encode. */
export interface Compare {
  result: number;
  target: number;
  key: Buffer;
  version?: bigint;
  create_revision?: bigint;
  mod_revision?: bigint;
  value?: Buffer;
  lease?: bigint;
}

function invalidInput(message: string): EtcdctlError {
  return new EtcdctlError(message, ExitCode.InvalidInput);
}

// ---- Go's fmt.Sscanf(s, "%q) %s %q", &key, &op, &val) ------------------------

/** Why a scan stopped. etcdctl never shows it for this format: only how far the scan got. */
class ScanError extends Error {}


/** What Sscanf stored before it stopped, and how many operands it filled (n). */
export interface CompareScan {
  n: number;
  key: string;
  op: string;
  val: string;
}

/**
 * fmt.Sscanf(s, "%q) %s %q", ...) as Go runs it: verbs skip leading spaces;
 * `)` must be the next character; each space in the format needs one or more
 * spaces in the input, or the end of it; %s takes a run of non-spaces; %q takes
 * a "Go string" or a `raw string`. Whatever follows the last %q is ignored.
 * An operand is stored only when its verb succeeds.
 */
export function scanCompare(s: string): CompareScan {
  const out: CompareScan = { n: 0, key: '', op: '', val: '' };
  let pos = 0;
  const stop = (why: string): never => {
    throw new ScanError(why);
  };
  // ss.SkipSpace; a newline (which a trimmed line never holds) ends the scan.
  const skipSpace = () => {
    while (pos < s.length && isGoSpace(s[pos])) {
      if (s[pos] === '\n') stop('unexpected newline');
      pos++;
    }
  };
  // A space in the format (ss.advance): one or more spaces in the input, or its end.
  const formatSpace = () => {
    if (pos >= s.length) return;
    const c = s[pos];
    if (!isGoSpace(c)) stop('expected space in input to match format');
    if (c === '\n') stop('newline in input does not match format');
    while (pos < s.length && isGoSpace(s[pos]) && s[pos] !== '\n') pos++;
  };
  // %q (ss.quotedString), after the verb's SkipSpace and notEOF.
  const quoted = (): string => {
    skipSpace();
    if (pos >= s.length) stop('EOF');
    const open = s[pos++];
    if (open === '`') {
      const end = s.indexOf('`', pos);
      if (end < 0) stop('unexpected EOF');
      const raw = s.slice(pos, end);
      pos = end + 1;
      return raw;
    }
    if (open !== '"') stop('expected quoted string');
    const start = pos - 1;
    for (;;) {
      if (pos >= s.length) stop('unexpected EOF');
      const c = s[pos++];
      if (c === '\\') {
        // Whatever follows a backslash is kept, even a quote; strconv.Unquote judges it.
        if (pos >= s.length) stop('unexpected EOF');
        pos++;
      } else if (c === '"') break;
    }
    return goUnquote(s.slice(start, pos));
  };
  try {
    out.key = quoted();
    out.n = 1;
    if (pos >= s.length) stop('unexpected EOF');
    if (s[pos] !== ')') stop('input does not match format');
    pos++;
    formatSpace();
    skipSpace();
    if (pos >= s.length) stop('EOF');
    const start = pos;
    while (pos < s.length && !isGoSpace(s[pos])) pos++;
    out.op = s.slice(start, pos);
    out.n = 2;
    formatSpace();
    out.val = quoted();
    out.n = 3;
  } catch (err) {
    if (!(err instanceof ScanError)) throw err;
  }
  return out;
}

/** strconv.Unquote of a double-quoted Go string literal; throws ScanError("invalid syntax"). */
export function goUnquote(literal: string): string {
  if (literal.length < 2 || literal[0] !== '"' || literal[literal.length - 1] !== '"') throw new ScanError('invalid syntax');
  const body = literal.slice(1, -1);
  // Text between escapes is taken a run at a time, and the bytes of escapes
  // a group at a time: a value of a megabyte is not handled char by char.
  const parts: Buffer[] = [];
  let escaped: number[] = [];
  let run = 0;
  const endRun = (end: number) => {
    if (end > run) parts.push(Buffer.from(body.slice(run, end), 'utf8'));
  };
  const endEscapes = () => {
    if (escaped.length) parts.push(Buffer.from(escaped));
    escaped = [];
  };
  const simple: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92, '"': 34 };
  for (let i = 0; i < body.length; ) {
    const c = body[i];
    if (c === '"' || c === '\n') throw new ScanError('invalid syntax');
    if (c !== '\\') {
      if (escaped.length) {
        endEscapes();
        run = i;
      }
      i++;
      continue;
    }
    endRun(i);
    const e = body[i + 1];
    const hexOf = (n: number) => {
      const h = body.slice(i + 2, i + 2 + n);
      if (h.length !== n || !/^[0-9a-fA-F]+$/.test(h)) throw new ScanError('invalid syntax');
      return parseInt(h, 16);
    };
    if (e !== undefined && Object.hasOwn(simple, e)) {
      escaped.push(simple[e]);
      i += 2;
    } else if (e === 'x') {
      escaped.push(hexOf(2));
      i += 4;
    } else if (e === 'u' || e === 'U') {
      const n = e === 'u' ? 4 : 8;
      const cp = hexOf(n);
      if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) throw new ScanError('invalid syntax');
      escaped.push(...Buffer.from(String.fromCodePoint(cp), 'utf8'));
      i += 2 + n;
    } else if (e !== undefined && e >= '0' && e <= '7') {
      const o = body.slice(i + 1, i + 4);
      if (!/^[0-7]{3}$/.test(o) || parseInt(o, 8) > 255) throw new ScanError('invalid syntax');
      escaped.push(parseInt(o, 8));
      i += 4;
    } else {
      throw new ScanError('invalid syntax');
    }
    run = i;
  }
  if (escaped.length) endEscapes();
  else endRun(body.length);
  // Go strings are bytes; \x escapes may produce invalid UTF-8 (see bytesToGoString).
  return bytesToGoString(Buffer.concat(parts));
}

/**
 * Go strings can hold any bytes. Where an unquoted string is not valid UTF-8,
 * it is carried as a "binary string": each byte one char (latin1), marked so
 * that keyBytes (src/keys.ts) turns it back into the same bytes.
 */
function bytesToGoString(b: Buffer): string {
  if (Buffer.from(b.toString('utf8'), 'utf8').equals(b)) return b.toString('utf8');
  return BINARY_MARK + b.toString('latin1');
}

/** The bytes of a string produced by goUnquote. */
export function goStringBytes(s: string): Buffer {
  return keyBytes(s);
}

// ---- compares ----------------------------------------------------------------

const OPERATORS: Record<string, number> = {
  '=': CompareResult.EQUAL,
  '!=': CompareResult.NOT_EQUAL,
  '<': CompareResult.LESS,
  '>': CompareResult.GREATER,
};

/** Parses one compare line (already trimmed). Errors exit 3, with etcdctl's messages. */
export function parseCompare(line: string): Compare {
  const paren = line.indexOf('(');
  if (paren < 0) throw invalidInput(`malformed comparison: ${line}`);
  const target = line.slice(0, paren);
  // When all three were scanned, Sscanf cannot have failed: there is no other error to report.
  const { n, key, op, val } = scanCompare(line.slice(paren + 1));
  if (n !== 3) {
    throw invalidInput(`malformed comparison: ${line}; got ${target}(${goQuote(goStringBytes(key))}) ${op} ${goQuote(goStringBytes(val))}`);
  }

  const cmp: Compare = { result: 0, target: 0, key: goStringBytes(key) };
  const int = (): bigint => {
    try {
      return parseDecInt64(val);
    } catch (err) {
      if (err instanceof FlagValueError) throw invalidInput(`invalid txn compare request: ${line}`);
      throw err;
    }
  };
  switch (target) {
    case 'ver':
    case 'version':
      cmp.target = CompareTarget.VERSION;
      cmp.version = int();
      break;
    case 'c':
    case 'create':
      cmp.target = CompareTarget.CREATE;
      cmp.create_revision = int();
      break;
    case 'm':
    case 'mod':
      cmp.target = CompareTarget.MOD;
      cmp.mod_revision = int();
      break;
    case 'val':
    case 'value':
      cmp.target = CompareTarget.VALUE;
      cmp.value = goStringBytes(val);
      break;
    case 'lease':
      // The lease ID is written in hex, as everywhere else in etcdctl.
      cmp.target = CompareTarget.LEASE;
      try {
        cmp.lease = parseHexInt64(val);
      } catch (err) {
        if (err instanceof FlagValueError) throw invalidInput(`invalid txn compare request: ${line}`);
        throw err;
      }
      break;
    default:
      throw invalidInput(`malformed comparison: ${line} (unknown target ${target})`);
  }
  const result = OPERATORS[op];
  if (result === undefined) throw invalidInput(`malformed comparison: ${line} (unknown operator ${op}; use =, !=, < or >)`);
  cmp.result = result;
  return cmp;
}

// ---- request lines -----------------------------------------------------------

const ARG_PATTERN = /"(?:[^"\\]|\\.)*"|'[^']*'|[^'"\t\n\f\r ][^\t\n\f\r ]*[^'"\t\n\f\r ]?/g;

/** Splits a request line into arguments: "double quoted" (Go escapes), 'single quoted' (literal) or bare words. */
export function argify(line: string): string[] {
  return (line.match(ARG_PATTERN) ?? []).map((a) => {
    if (a.startsWith("'")) return a.slice(1, -1);
    if (a.startsWith('"')) {
      try {
        return goUnquote(a);
      } catch (err) {
        if (err instanceof ScanError) throw invalidInput(err.message);
        throw err;
      }
    }
    return a;
  });
}

/**
 * Reads one section: lines until a blank one, each handed to `parse` as soon
 * as it is read (trimmed as Go's strings.TrimSpace does), so that a bad line
 * is reported before any more input is awaited, as etcdctl does. `next` yields
 * raw lines with their "\n"; a missing "\n" (end of input) is an error, as in
 * etcdctl (bufio.Reader.ReadString), even after text.
 */
export async function readSection<T>(next: () => Promise<string | undefined>, parse: (line: string) => T | Promise<T>): Promise<T[]> {
  const items: T[] = [];
  for (;;) {
    const raw = await next();
    if (raw === undefined || !raw.endsWith('\n')) throw invalidInput('EOF');
    const line = goTrimSpace(raw);
    if (line === '') return items;
    items.push(await parse(line));
  }
}
