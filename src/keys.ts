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

/** Keys on the command line are taken byte for byte as UTF-8 text, like Go strings. */
export function keyBytes(s: string): Buffer {
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
