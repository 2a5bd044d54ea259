/** Sizes and numbers printed the way etcdctl's Go libraries print them. */

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];

/** Go's %.0f: the nearest integer, ties to even (the value is exact in binary when it is a tie). */
function roundHalfEven(v: number): number {
  const floor = Math.floor(v);
  const diff = v - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** go-humanize's Bytes: SI units (base 1000), e.g. 24576 → "25 kB", 20480 → "20 kB". */
export function humanBytes(size: bigint | number): string {
  const s = Number(size);
  if (s < 10) return `${s} B`;
  const e = Math.floor(Math.log(s) / Math.log(1000));
  const val = Math.floor((s / 1000 ** e) * 10 + 0.5) / 10;
  return val < 10 ? `${val.toFixed(1)} ${UNITS[e]}` : `${roundHalfEven(val)} ${UNITS[e]}`;
}
