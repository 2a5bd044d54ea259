/** Key ranges as etcd's Go client builds them (WithPrefix, WithFromKey). */

/** The end of the range holding every key that starts with `prefix`. */
export function prefixEnd(prefix: Buffer): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i] < 0xff) {
      end[i]++;
      return end.subarray(0, i + 1);
    }
  }
  // Every byte is 0xff: no upper bound, so read to the end of the key space.
  return Buffer.from([0]);
}

/** The range_end meaning "every key from `key` on". */
export const FROM_KEY_END = Buffer.from([0]);

/**
 * Marks a string that carries bytes which are not valid UTF-8, one char per
 * byte (latin1): what a txn line's "\xff" escapes unquote to. A command line
 * argument cannot start with it (it holds a NUL).
 */
export const BINARY_MARK = '\u0000\u0001bin:';

/**
 * Keys and values on the command line are taken byte for byte as UTF-8 text,
 * like Go strings; a BINARY_MARK string gives back its bytes.
 */
export function keyBytes(s: string): Buffer {
  if (s.startsWith(BINARY_MARK)) return Buffer.from(s.slice(BINARY_MARK.length), 'latin1');
  return Buffer.from(s, 'utf8');
}

/**
 * Applies --prefix / --from-key to a key, as etcd's Go client does: an empty
 * key with either means the whole key space (from "\0" on).
 */
export function applyRangeFlags(key: Buffer, rangeEnd: Buffer, prefix: boolean, fromKey: boolean): { key: Buffer; rangeEnd: Buffer } {
  if (prefix) {
    if (key.length === 0) return { key: Buffer.from([0]), rangeEnd: FROM_KEY_END };
    return { key, rangeEnd: prefixEnd(key) };
  }
  if (fromKey) return { key: key.length === 0 ? Buffer.from([0]) : key, rangeEnd: FROM_KEY_END };
  return { key, rangeEnd };
}
