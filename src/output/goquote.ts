/**
 * Go's %q (strconv.Quote) applied to raw bytes, as etcdctl's fields output
 * prints keys and values: printable Unicode kept, invalid UTF-8 as \xNN.
 */

// Built on first use: a Unicode property class costs about a millisecond to
// compile, which every start-up would pay otherwise.
let printable: RegExp | undefined;
function isPrintable(ch: string): boolean {
  printable ??= /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;
  return printable.test(ch);
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

function escapeRune(cp: number): string {
  switch (cp) {
    case 0x07: return '\\a';
    case 0x08: return '\\b';
    case 0x0c: return '\\f';
    case 0x0a: return '\\n';
    case 0x0d: return '\\r';
    case 0x09: return '\\t';
    case 0x0b: return '\\v';
    case 0x22: return '\\"';
    case 0x5c: return '\\\\';
  }
  if (cp === 0x20) return ' ';
  if (cp < 0x20 || cp === 0x7f) return `\\x${hex(cp, 2)}`;
  const ch = String.fromCodePoint(cp);
  if (cp < 0x7f || isPrintable(ch)) return ch;
  if (cp < 0x10000) return `\\u${hex(cp, 4)}`;
  return `\\U${hex(cp, 8)}`;
}

/** Decodes one UTF-8 sequence at i; returns [codePoint, length] or [-1, 1] when invalid. */
function decodeRune(b: Uint8Array, i: number): [number, number] {
  const c0 = b[i];
  if (c0 < 0x80) return [c0, 1];
  const cont = (k: number) => i + k < b.length && (b[i + k] & 0xc0) === 0x80;
  if (c0 >= 0xc2 && c0 <= 0xdf && cont(1)) return [((c0 & 0x1f) << 6) | (b[i + 1] & 0x3f), 2];
  if (c0 >= 0xe0 && c0 <= 0xef && cont(1) && cont(2)) {
    const cp = ((c0 & 0x0f) << 12) | ((b[i + 1] & 0x3f) << 6) | (b[i + 2] & 0x3f);
    if (cp >= 0x800 && (cp < 0xd800 || cp > 0xdfff)) return [cp, 3];
    return [-1, 1];
  }
  if (c0 >= 0xf0 && c0 <= 0xf4 && cont(1) && cont(2) && cont(3)) {
    const cp = ((c0 & 0x07) << 18) | ((b[i + 1] & 0x3f) << 12) | ((b[i + 2] & 0x3f) << 6) | (b[i + 3] & 0x3f);
    if (cp >= 0x10000 && cp <= 0x10ffff) return [cp, 4];
  }
  return [-1, 1];
}

/** Go's strconv.Quote of a byte string. */
export function goQuote(input: Uint8Array | string): string {
  const b = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  let out = '"';
  for (let i = 0; i < b.length; ) {
    const [cp, len] = decodeRune(b, i);
    out += cp < 0 ? `\\x${hex(b[i], 2)}` : escapeRune(cp);
    i += len;
  }
  return out + '"';
}

/** etcdctl's --hex rendering: every byte as \xNN, lowercase. */
export function hexEscape(b: Uint8Array): string {
  let out = '';
  for (const byte of b) out += `\\x${hex(byte, 2)}`;
  return out;
}
