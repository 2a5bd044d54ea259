/**
 * coreos/go-semver's NewVersion and Version.String: how etcdutl 3.6 reads
 * and prints a db's storage version ("3.6.0"). Undefined when NewVersion
 * would fail (etcdutl then prints an empty version).
 */
const IDENTIFIER = /^[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*$/;

/** strconv.ParseInt(s, 10, 64), or undefined. */
function parseInt64(s: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const v = BigInt(s);
  return v >= -(1n << 63n) && v < 1n << 63n ? v : undefined;
}

export function goSemver(text: string): string | undefined {
  let rest = text;
  let metadata = '';
  let pre = '';
  const plus = rest.indexOf('+');
  if (plus >= 0) {
    metadata = rest.slice(plus + 1);
    rest = rest.slice(0, plus);
  }
  const dash = rest.indexOf('-');
  if (dash >= 0) {
    pre = rest.slice(dash + 1);
    rest = rest.slice(0, dash);
  }
  // strings.SplitN(rest, ".", 3): the third part keeps any further dots.
  const first = rest.indexOf('.');
  const second = first < 0 ? -1 : rest.indexOf('.', first + 1);
  if (second < 0) return undefined;
  const parts = [rest.slice(0, first), rest.slice(first + 1, second), rest.slice(second + 1)];
  if ((pre !== '' && !IDENTIFIER.test(pre)) || (metadata !== '' && !IDENTIFIER.test(metadata))) return undefined;
  const nums = parts.map(parseInt64);
  if (nums.some((n) => n === undefined)) return undefined;
  return `${nums.join('.')}${pre !== '' ? `-${pre}` : ''}${metadata !== '' ? `+${metadata}` : ''}`;
}
