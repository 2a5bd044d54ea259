/**
 * cobra 1.8's default usage template, with pflag 1.0's flag listing: the
 * page etcdutl prints for --help, `help <command>` and after a usage error
 * (etcdutl sets its help template to the usage string, so the long
 * description is never shown).
 */
import { formatDuration } from './duration.js';
import { goQuote } from './quote.js';
import type { FlagSpec } from '../config/flags.js';
import type { CommandDef } from '../cli/types.js';

/** cobra's minimum width of the command-name column. */
const MIN_NAME_PADDING = 11;

/** pflag's name for a flag's value in the listing (UnquoteUsage without a back-quoted name). */
function valueName(spec: FlagSpec): string {
  switch (spec.type) {
    case 'bool': return '';
    case 'int64': return 'int';
    case 'uint64': return 'uint';
    case 'stringSlice': return 'strings';
    default: return spec.type;
  }
}

/** pflag's DefValue, or undefined when the default is the type's zero value (not shown). */
function shownDefault(spec: FlagSpec): string | undefined {
  const v = spec.default;
  switch (spec.type) {
    case 'bool': return v === true ? 'true' : undefined;
    case 'string': return v === '' ? undefined : goQuote(v as string);
    case 'duration': return v === 0 ? undefined : formatDuration(v as number);
    case 'stringSlice': return (v as string[]).length === 0 ? undefined : `[${(v as string[]).join(',')}]`;
    default: return String(v) === '0' ? undefined : String(v);
  }
}

/** pflag's FlagUsages (no wrapping): flags sorted by name, usages aligned one column after the longest flag. */
export function flagUsages(flags: FlagSpec[]): string {
  const rows: Array<{ lead: string; usage: string }> = [];
  for (const f of [...flags].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (f.hidden) continue;
    let lead = f.short ? `  -${f.short}, --${f.name}` : `      --${f.name}`;
    let usage = f.usage;
    let name = valueName(f);
    // A back-quoted word in the usage names the value (and loses its quotes).
    const open = usage.indexOf('`');
    const close = open >= 0 ? usage.indexOf('`', open + 1) : -1;
    if (close > open) {
      name = usage.slice(open + 1, close);
      usage = usage.slice(0, open) + name + usage.slice(close + 1);
    }
    if (name !== '') lead += ` ${name}`;
    const def = shownDefault(f);
    if (def !== undefined) usage += ` (default ${def})`;
    rows.push({ lead, usage });
  }
  // pflag measures each lead with one more character and pads to the longest, plus two spaces.
  const width = Math.max(0, ...rows.map((r) => r.lead.length + 1));
  return rows.map((r) => `${r.lead} ${' '.repeat(width - r.lead.length)} ${r.usage}\n`).join('');
}

const byName = (a: CommandDef, b: CommandDef) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** cobra's IsAvailableCommand: not hidden, and runnable or with available subcommands. */
function isAvailable(def: CommandDef): boolean {
  if (def.hidden) return false;
  return def.run !== undefined || (def.subcommands ?? []).some(isAvailable);
}

/**
 * The usage page of `def`, whose ancestors (root first) are `path`; `globals`
 * are the root's persistent flags. `helpFlag: false` leaves out -h (cobra
 * adds it only to the command being run: the root's page that `help
 * <unknown>` prints has none).
 */
export function cobraUsage(def: CommandDef, path: CommandDef[], globals: FlagSpec[], opts: { helpFlag?: boolean } = {}): string {
  const commandPath = [...path, def].map((d) => d.name).join(' ');
  const parentPath = path.map((d) => d.name).join(' ');
  const isRoot = path.length === 0;
  const subs = def.subcommands ?? [];
  const hasSubs = subs.some(isAvailable);
  const helpFlag: FlagSpec = { name: 'help', short: 'h', type: 'bool', default: false, usage: `help for ${def.name}` };

  let t = 'Usage:';
  if (def.run) {
    let useLine = isRoot ? def.use : `${parentPath} ${def.use}`;
    // Every command has at least its help flag.
    if (!def.disableFlagsInUseLine && !useLine.includes('[flags]')) useLine += ' [flags]';
    t += `\n  ${useLine}`;
  }
  if (hasSubs) {
    t += `\n  ${commandPath} [command]`;
    // The column is as wide as the longest name among all subcommands, hidden ones too.
    const pad = Math.max(MIN_NAME_PADDING, ...subs.map((s) => s.name.length));
    t += '\n\nAvailable Commands:';
    for (const s of [...subs].sort(byName)) {
      if (isAvailable(s) || s.name === 'help') t += `\n  ${s.name.padEnd(pad)} ${s.short}`;
    }
  }
  const local = [...(isRoot ? globals : []), ...(def.flags ?? []), ...(def.persistentFlags ?? []), ...(opts.helpFlag === false ? [] : [helpFlag])];
  if (local.some((f) => !f.hidden)) t += `\n\nFlags:\n${flagUsages(local).trimEnd()}`;
  const inherited = isRoot ? [] : [...globals, ...path.slice(1).flatMap((d) => d.persistentFlags ?? [])];
  if (inherited.some((f) => !f.hidden)) t += `\n\nGlobal Flags:\n${flagUsages(inherited).trimEnd()}`;
  if (hasSubs) t += `\n\nUse "${commandPath} [command] --help" for more information about a command.`;
  return `${t}\n`;
}
