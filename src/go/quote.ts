/**
 * Go's %q (strconv.Quote) applied to raw bytes, as etcdctl's fields output
 * prints keys and values: printable Unicode kept, invalid UTF-8 as \xNN.
 */
import { keyBytes } from '../keys.js';

// Built on first use: a Unicode property class costs about a millisecond to
// compile, which every start-up would pay otherwise.
let printable: RegExp | undefined;
function isPrintable(ch: string): boolean {
  printable ??= /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;
  return printable.test(ch);
}

/** Lowercase hex digits as bytes. */
const HEX_DIGITS = Buffer.from('0123456789abcdef', 'latin1');

/**
 * Printability of the code points below U+10000, filled in as they are met:
 * 0 not yet known, 1 printable, 2 not. Keys and values of many megabytes in
 * a non-Latin script would otherwise run the Unicode class once per rune.
 */
let bmpPrintable: Uint8Array | undefined;
function isPrintableRune(cp: number): boolean {
  if (cp >= 0x10000) return isPrintable(String.fromCodePoint(cp));
  bmpPrintable ??= new Uint8Array(0x10000);
  let known = bmpPrintable[cp];
  if (known === 0) {
    known = isPrintable(String.fromCharCode(cp)) ? 1 : 2;
    bmpPrintable[cp] = known;
  }
  return known === 1;
}

/** Writes `prefix` (a byte: x, u or U after the backslash) and `digits` hex digits of v at o. */
function putEscape(out: Buffer, o: number, prefix: number, v: number, digits: number): number {
  out[o++] = 0x5c;
  out[o++] = prefix;
  for (let shift = (digits - 1) * 4; shift >= 0; shift -= 4) out[o++] = HEX_DIGITS[(v >>> shift) & 15];
  return o;
}

/** The one-letter escapes of Go's strconv.Quote, by byte; 0 where there is none. */
const SHORT_ESCAPES = new Uint8Array(128);
SHORT_ESCAPES[0x07] = 0x61; // \a
SHORT_ESCAPES[0x08] = 0x62; // \b
SHORT_ESCAPES[0x0c] = 0x66; // \f
SHORT_ESCAPES[0x0a] = 0x6e; // \n
SHORT_ESCAPES[0x0d] = 0x72; // \r
SHORT_ESCAPES[0x09] = 0x74; // \t
SHORT_ESCAPES[0x0b] = 0x76; // \v
SHORT_ESCAPES[0x22] = 0x22; // \"
SHORT_ESCAPES[0x5c] = 0x5c; // \\

/**
 * Decodes one UTF-8 sequence at i. Returns the code point times 8 plus the
 * sequence's length (a number, not a pair: this runs once per rune of
 * values that may be megabytes long), or -1 when the byte at i does not start
 * a valid sequence.
 */
function decodeRune(b: Uint8Array, i: number): number {
  const c0 = b[i];
  const cont = (k: number) => i + k < b.length && (b[i + k] & 0xc0) === 0x80;
  if (c0 >= 0xc2 && c0 <= 0xdf && cont(1)) return ((((c0 & 0x1f) << 6) | (b[i + 1] & 0x3f)) * 8) + 2;
  if (c0 >= 0xe0 && c0 <= 0xef && cont(1) && cont(2)) {
    const cp = ((c0 & 0x0f) << 12) | ((b[i + 1] & 0x3f) << 6) | (b[i + 2] & 0x3f);
    if (cp >= 0x800 && (cp < 0xd800 || cp > 0xdfff)) return cp * 8 + 3;
    return -1;
  }
  if (c0 >= 0xf0 && c0 <= 0xf4 && cont(1) && cont(2) && cont(3)) {
    const cp = ((c0 & 0x07) << 18) | ((b[i + 1] & 0x3f) << 12) | ((b[i + 2] & 0x3f) << 6) | (b[i + 3] & 0x3f);
    if (cp >= 0x10000 && cp <= 0x10ffff) return cp * 8 + 4;
  }
  return -1;
}

/**
 * Go's strconv.Quote of a byte string. The result is built in one buffer of
 * bytes (no escape is longer than four times the bytes it stands for), so
 * quoting a value of megabytes takes time and memory in proportion to it.
 */
export function goQuote(input: Uint8Array | string): string {
  const b = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  const out = Buffer.allocUnsafe(b.length * 4 + 2);
  let o = 0;
  out[o++] = 0x22;
  for (let i = 0; i < b.length; ) {
    const c = b[i];
    if (c < 0x80) {
      const short = SHORT_ESCAPES[c];
      if (short !== 0) {
        out[o++] = 0x5c;
        out[o++] = short;
      } else if (c < 0x20 || c === 0x7f) {
        o = putEscape(out, o, 0x78, c, 2);
      } else {
        out[o++] = c;
      }
      i++;
      continue;
    }
    const r = decodeRune(b, i);
    if (r < 0) {
      o = putEscape(out, o, 0x78, c, 2);
      i++;
      continue;
    }
    const cp = Math.floor(r / 8);
    const len = r % 8;
    if (isPrintableRune(cp)) {
      for (let k = 0; k < len; k++) out[o++] = b[i + k];
    } else if (cp < 0x10000) {
      o = putEscape(out, o, 0x75, cp, 4);
    } else {
      o = putEscape(out, o, 0x55, cp, 8);
    }
    i += len;
  }
  out[o++] = 0x22;
  return out.toString('utf8', 0, o);
}

/** Go's %q of a command-line argument, of its raw bytes when it has them (src/cli/rawargs.ts). */
export function goQuoteArg(arg: string): string {
  return goQuote(keyBytes(arg));
}

/** etcdctl's --hex rendering: every byte as \xNN, lowercase. */
export function hexEscape(b: Uint8Array): string {
  const out = Buffer.allocUnsafe(b.length * 4);
  let o = 0;
  for (let i = 0; i < b.length; i++) o = putEscape(out, o, 0x78, b[i], 2);
  return out.toString('latin1', 0, o);
}
