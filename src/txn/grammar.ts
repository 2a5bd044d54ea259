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
import { goQuote } from '../output/goquote.js';
import { FlagValueError } from '../config/flags.js';
import { parseDecInt64, parseHexInt64 } from '../ids.js';
import { BINARY_MARK, keyBytes } from '../keys.js';

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

// ---- a scanner for Go's fmt.Sscanf(s, "%q) %s %q", ...) --------------------

class ScanError extends Error {}

const isSpace = (c: string | undefined) => c === ' ' || c === '\t' || c === '\r';

class Scanner {
  pos = 0;
  constructor(private readonly s: string) {}

  skipSpace(): void {
    while (isSpace(this.s[this.pos])) this.pos++;
  }

  private notEOF(): void {
    if (this.pos >= this.s.length) throw new ScanError('unexpected EOF');
  }

  /** %q: a double-quoted Go string with escapes, or a back-quoted raw string. */
  quoted(): string {
    this.skipSpace();
    this.notEOF();
    const open = this.s[this.pos];
    if (open === '`') {
      const end = this.s.indexOf('`', this.pos + 1);
      if (end < 0) throw new ScanError('unexpected EOF');
      const out = this.s.slice(this.pos + 1, end);
      this.pos = end + 1;
      return out;
    }
    if (open !== '"') throw new ScanError('expected quoted string');
    let i = this.pos + 1;
    for (;;) {
      if (i >= this.s.length) throw new ScanError('unexpected EOF');
      const c = this.s[i];
      if (c === '\\') i += 2;
      else if (c === '"') break;
      else i++;
    }
    const literal = this.s.slice(this.pos, i + 1);
    this.pos = i + 1;
    return goUnquote(literal);
  }

  /** %s: the next run of non-space characters. */
  word(): string {
    this.skipSpace();
    this.notEOF();
    const start = this.pos;
    while (this.pos < this.s.length && !isSpace(this.s[this.pos])) this.pos++;
    return this.s.slice(start, this.pos);
  }

  literal(ch: string): void {
    this.notEOF();
    if (this.s[this.pos] !== ch) throw new ScanError('input does not match format');
    this.pos++;
  }
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
  const sc = new Scanner(line.slice(paren + 1));
  let key = '';
  let op = '';
  let val = '';
  let n = 0;
  let scanErr: ScanError | undefined;
  try {
    key = sc.quoted();
    n++;
    sc.literal(')');
    sc.skipSpace();
    op = sc.word();
    n++;
    sc.skipSpace();
    val = sc.quoted();
    n++;
  } catch (err) {
    if (!(err instanceof ScanError)) throw err;
    scanErr = err;
  }
  if (n !== 3) {
    throw invalidInput(`malformed comparison: ${line}; got ${target}(${goQuote(goStringBytes(key))}) ${op} ${goQuote(goStringBytes(val))}`);
  }
  if (scanErr) throw invalidInput(`malformed comparison: ${line} (${scanErr.message})`);

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

/** The three sections of a txn, each a list of trimmed, non-empty lines. */
export interface TxnText {
  compares: string[];
  success: string[];
  failure: string[];
}

/**
 * Reads one section: lines until a blank one. `next` yields raw lines with
 * their "\n"; a missing "\n" (end of input) is an error, as in etcdctl.
 */
export async function readSection(next: () => Promise<string | undefined>): Promise<string[]> {
  const lines: string[] = [];
  for (;;) {
    const raw = await next();
    if (raw === undefined || !raw.endsWith('\n')) throw invalidInput('EOF');
    const line = raw.trim();
    if (line === '') return lines;
    lines.push(line);
  }
}
