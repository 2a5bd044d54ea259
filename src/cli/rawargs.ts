/**
 * Keys and values typed on the command line, byte for byte.
 *
 * Node decodes the command line as UTF-8 and turns bytes that are not UTF-8
 * into U+FFFD, while etcdctl takes its arguments as raw bytes (a key typed as
 * $'\xff' is the byte ff). On Linux the raw bytes are still readable in
 * /proc/self/cmdline, whose last entries are the arguments. An argument that
 * lost bytes is given back as a BINARY_MARK string (src/keys.ts), which
 * keyBytes turns into those bytes; argText turns it back into the text Node
 * gave, for every place that treats arguments as text.
 */
import { readFileSync } from 'node:fs';
import { BINARY_MARK } from '../keys.js';

function readCmdline(): Buffer | undefined {
  try {
    return readFileSync('/proc/self/cmdline');
  } catch {
    return undefined;
  }
}

/**
 * argv with every argument that is not valid UTF-8 replaced by its raw bytes
 * as a BINARY_MARK string; of `--flag=value`, the value. Arguments that
 * cannot be matched with the raw command line are left as Node decoded them.
 */
export function recoverRawArgs(argv: string[], cmdline: () => Buffer | undefined = readCmdline): string[] {
  if (!argv.some((a) => a.includes('\uFFFD'))) return argv;
  const all = cmdline();
  if (!all) return argv;
  const entries: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < all.length; i++) {
    if (all[i] === 0) {
      entries.push(all.subarray(start, i));
      start = i + 1;
    }
  }
  if (start < all.length) entries.push(all.subarray(start));
  if (entries.length < argv.length) return argv;
  const raws = entries.slice(entries.length - argv.length);
  return argv.map((arg, i) => {
    const raw = raws[i];
    // The entry must be this argument, and must have lost bytes in decoding.
    if (!arg.includes('\uFFFD') || raw.toString('utf8') !== arg || Buffer.from(arg, 'utf8').equals(raw)) return arg;
    if (!arg.startsWith('-')) return BINARY_MARK + raw.toString('latin1');
    // A flag keeps its name as text; the value of --flag=value gets its bytes.
    const eq = raw.indexOf(0x3d);
    const name = eq < 0 ? undefined : raw.toString('utf8', 0, eq + 1);
    if (name === undefined || name.includes('\uFFFD')) return arg;
    return name + BINARY_MARK + raw.toString('latin1', eq + 1);
  });
}

/** An argument as text: a BINARY_MARK string as Node decoded it, anything else as it is. */
export function argText(arg: string): string {
  if (!arg.startsWith(BINARY_MARK)) return arg;
  return Buffer.from(arg.slice(BINARY_MARK.length), 'latin1').toString('utf8');
}
