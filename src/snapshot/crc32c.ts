/**
 * CRC-32C (Castagnoli): reflected polynomial 0x82F63B78, initial value and
 * final xor 0xFFFFFFFF. `snapshot status` hashes the db with it, and the WAL
 * and .snap files carry it.
 *
 * Like Go's crc32.Update, `crc32c(data, prev)` takes the finished CRC of what
 * came before and returns the finished CRC of (before ‖ data), so a running
 * CRC is just the value kept between calls (start with 0).
 *
 * Computed by @node-rs/crc32 (native, with the CPU's CRC instructions) when it
 * loads, which is an optional dependency: it is not there on every platform,
 * and is not bundled (scripts/bundle.mjs keeps it external, so the bundle
 * requires it from node_modules at run time). When it cannot be loaded,
 * slicing-by-16 tables in JavaScript do the same, about three times slower.
 * Either is chosen on first use, so commands that need no CRC never load it.
 */
import { createRequire } from 'node:module';

/** The CRC of data[start, end) following `prev`. */
export type Crc32c = (data: Uint8Array, prev?: number, start?: number, end?: number) => number;

/** @node-rs/crc32's function: `initialState` is a finished CRC, as `prev` is here. */
type NativeCrc32c = (input: Uint8Array, initialState?: number) => number;

let native: { crc32c: Crc32c; path: string } | null | undefined;

/**
 * Loads @node-rs/crc32 (once): its crc32c with this module's signature, and
 * the file it was loaded from (for a worker thread to require); null when the
 * package, or its binary for this platform, cannot be loaded. It resolves
 * from this module's place: in the bundle through the bundle's `require`
 * (node_modules above dist/bundle), compiled as an ES module from beside it.
 */
function loadNative(): { crc32c: Crc32c; path: string } | null {
  if (native !== undefined) return native;
  native = null;
  try {
    const req = typeof require === 'function' ? require : createRequire(import.meta.url);
    const path = req.resolve('@node-rs/crc32');
    const fn = (req(path) as { crc32c?: unknown }).crc32c;
    if (typeof fn === 'function') {
      const n = fn as NativeCrc32c;
      // A range is hashed through a view of it.
      const crc: Crc32c = (data, prev = 0, start = 0, end = data.length) =>
        n(start === 0 && end === data.length ? data : data.subarray(start, end), prev);
      native = { crc32c: crc, path };
    }
  } catch {
    // Not installed, or no binary for this platform: the JavaScript CRC does.
  }
  return native;
}

/** The native CRC-32C, or undefined when @node-rs/crc32 cannot be loaded here. */
export function nativeCrc32c(): Crc32c | undefined {
  return loadNative()?.crc32c;
}

/** The file a worker thread can require to get the native CRC-32C (as @node-rs/crc32's `crc32c`), if it loads. */
export function nativeCrc32cModule(): string | undefined {
  return loadNative()?.path;
}

/**
 * Builds the JavaScript CRC-32C: slicing-by-16 tables, 32-bit word loads,
 * about 1 GB/s in V8 (the native one: 3.3). Self-contained (no reference to anything outside its
 * body), so that its source text can also run in a worker thread.
 */
export function makeJsCrc32c(): Crc32c {
  const POLY = 0x82f63b78;
  const TABLE = new Uint32Array(256 * 16);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    TABLE[i] = c >>> 0;
  }
  for (let i = 0; i < 256; i++) {
    for (let t = 1; t < 16; t++) {
      const prev = TABLE[(t - 1) * 256 + i];
      TABLE[t * 256 + i] = (prev >>> 8) ^ TABLE[prev & 0xff];
    }
  }

  /** Word loads read bytes in the host's order; the table walk assumes little-endian. */
  const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

  // A word view of the last memory hashed: a call over another part of the same memory reuses it.
  let viewOf: ArrayBufferLike | undefined;
  let view: Uint32Array<ArrayBufferLike> = new Uint32Array(0);

  /** The CRC of data[start, end) following `prev`. */
  return function crc32c(data: Uint8Array, prev = 0, start = 0, end = data.length): number {
    const T = TABLE;
    let c = ~prev;
    let i = start;
    const n = end;
    if (n - i >= 64 && LITTLE_ENDIAN) {
      // Align, then read 16 bytes as four 32-bit words (about 20% faster than byte loads).
      while ((data.byteOffset + i) & 3) c = T[(c ^ data[i++]) & 0xff] ^ (c >>> 8);
      if (viewOf !== data.buffer) {
        viewOf = data.buffer;
        view = new Uint32Array(data.buffer, 0, data.buffer.byteLength >>> 2);
      }
      const u = view;
      const first = (data.byteOffset + i) >>> 2;
      const words = ((n - i) >>> 4) << 2;
      for (let w = first; w < first + words; w += 4) {
        const a = u[w] ^ c;
        const b = u[w + 1];
        const d = u[w + 2];
        const e = u[w + 3];
        c =
          T[3840 + (a & 0xff)] ^ T[3584 + ((a >>> 8) & 0xff)] ^ T[3328 + ((a >>> 16) & 0xff)] ^ T[3072 + (a >>> 24)] ^
          T[2816 + (b & 0xff)] ^ T[2560 + ((b >>> 8) & 0xff)] ^ T[2304 + ((b >>> 16) & 0xff)] ^ T[2048 + (b >>> 24)] ^
          T[1792 + (d & 0xff)] ^ T[1536 + ((d >>> 8) & 0xff)] ^ T[1280 + ((d >>> 16) & 0xff)] ^ T[1024 + (d >>> 24)] ^
          T[768 + (e & 0xff)] ^ T[512 + ((e >>> 8) & 0xff)] ^ T[256 + ((e >>> 16) & 0xff)] ^ T[e >>> 24];
      }
      i += words * 4;
    }
    for (; i < n; i++) c = T[(c ^ data[i]) & 0xff] ^ (c >>> 8);
    return ~c >>> 0;
  };
}

let js: Crc32c | undefined;

/** The JavaScript CRC-32C (its tables are built on first use, not at every start of the CLI). */
export function jsCrc32c(): Crc32c {
  return (js ??= makeJsCrc32c());
}

let chosen: Crc32c | undefined;

/** CRC-32C of data[start, end) following `prev`: native when it loads, else JavaScript (chosen on first call). */
export function crc32c(data: Uint8Array, prev = 0, start = 0, end = data.length): number {
  chosen ??= nativeCrc32c() ?? jsCrc32c();
  return chosen(data, prev, start, end);
}

const POLY = 0x82f63b78;

/** a·b modulo the polynomial, in the reflected bit order the CRC uses (bit 31 is x^0). */
function mulModP(a: number, b: number): number {
  let p = 0;
  for (let m = 0x80000000; m !== 0; m >>>= 1) {
    if (a & m) p ^= b;
    b = b & 1 ? (b >>> 1) ^ POLY : b >>> 1;
  }
  return p >>> 0;
}

/** X2[k] = x^(2^k) modulo the polynomial (filled on first use). */
const X2: number[] = [];

/**
 * The CRC of A‖B from crc1 = CRC(A), crc2 = CRC(B) and B's length: CRC(A)
 * carried through len2 bytes (a multiplication by x^(8·len2)), then xored with
 * CRC(B). The pre- and post-inversions of the two CRCs cancel out.
 */
export function crc32cCombine(crc1: number, crc2: number, len2: number): number {
  if (X2.length === 0) {
    X2.push(0x40000000);
    for (let k = 1; k < 64; k++) X2.push(mulModP(X2[k - 1], X2[k - 1]));
  }
  let shift = 0x80000000; // x^0
  let n = len2;
  for (let k = 3; n > 0; k++, n = Math.floor(n / 2)) {
    if (n % 2 === 1) shift = mulModP(X2[k], shift);
  }
  return (mulModP(shift, crc1) ^ crc2) >>> 0;
}
