/** Go's idea of white space, where etcdctl's parsing depends on it. */

/**
 * unicode.IsSpace: the ASCII spaces plus U+0085, U+00A0 and the Unicode space
 * separators (all in the BMP, so one UTF-16 unit each). Unlike JavaScript's
 * \s, it does not count U+FEFF.
 */
export function isGoSpace(ch: string | undefined): boolean {
  return ch !== undefined && /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/.test(ch);
}

/** strings.TrimSpace (unlike String.prototype.trim, it keeps U+FEFF and removes U+0085). */
export function goTrimSpace(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isGoSpace(s[a])) a++;
  while (b > a && isGoSpace(s[b - 1])) b--;
  return s.slice(a, b);
}
