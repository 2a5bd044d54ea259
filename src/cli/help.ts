/**
 * etcdctl's help page (NAME / USAGE / DESCRIPTION / OPTIONS / GLOBAL OPTIONS),
 * which etcdctl also prints as the usage after a flag error.
 */
import { defaultText, type FlagSpec } from '../config/flags.js';
import { tabwrite } from '../go/tabwriter.js';
import type { CommandDef } from './types.js';
import { ETCDCTL_TS_VERSION } from './version.gen.js';

/** The etcdctl release whose commands, flags and output this one follows (what scripts read). */
export const ETCDCTL_VERSION = '3.5.0';
export const API_VERSION = '3.5';
export { ETCDCTL_TS_VERSION };

/** The root page's line under etcdctl's NAME: which tool answered, and which release it follows. */
export const rootNameLine = (program: string, follows: string) =>
  `(${program}-ts ${ETCDCTL_TS_VERSION}, following ${program} ${follows.replace(/^(\d+\.\d+)\..*$/, "$1")})`;

const HELP_FLAG: FlagSpec = { name: 'help', short: 'h', type: 'bool', default: false, usage: '' };

function flagLines(flags: FlagSpec[]): string {
  return [...flags]
    .filter((f) => !f.hidden)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((f) => {
      const lead = f.short ? `  -${f.short}, --${f.name}` : `      --${f.name}`;
      const value = f.type === 'bool' ? `[=${defaultText(f)}]` : `=${defaultText(f)}`;
      return `${lead}${value}\t${f.usage}\n`;
    })
    .join('');
}

/** Every command below `def`, depth first, as etcdctl lists them. */
function descendants(def: CommandDef): CommandDef[] {
  const out: CommandDef[] = [];
  for (const sub of sortedSubcommands(def)) {
    out.push(sub);
    out.push(...descendants(sub));
  }
  return out;
}

/** The subcommands help pages list (hidden ones are not), by name. */
export function sortedSubcommands(def: CommandDef): CommandDef[] {
  return (def.subcommands ?? []).filter((s) => !s.hidden).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The help text for `def`, whose ancestors (root first) are `path`. */
export function renderHelp(def: CommandDef, path: CommandDef[], globals: FlagSpec[], opts: { helpFlag?: boolean; version?: string } = {}): string {
  const isRoot = path.length === 0;
  const names = [...path.slice(1), def].map((d) => d.name);
  const fullName = isRoot ? def.name : names.join(' ');
  const hasSubs = (def.subcommands?.length ?? 0) > 0;
  const useLine = isRoot
    ? `${def.use} [flags]`
    : `${[path[0].name, ...names.slice(0, -1), def.use].join(' ')}${(hasSubs || def.run) && !def.disableFlagsInUseLine ? ' [flags]' : ''}`;
  const version = opts.version ?? ETCDCTL_VERSION;
  let t = `NAME:\n\t${fullName} - ${def.short}\n`;
  if (isRoot) t += `\t${rootNameLine(def.name, version)}\n`;
  t += `\nUSAGE:\n\t${useLine}\n`;
  if (isRoot) t += `\nVERSION:\n\t${version}\n`;
  if (hasSubs) t += `\nAPI VERSION:\n\t${API_VERSION}\n`;
  if (hasSubs) {
    t += '\n\nCOMMANDS:\n';
    for (const sub of descendants(def)) {
      if (!sub.run) continue;
      t += `\t${qualifiedName(sub, def)}\t${sub.short}\n`;
    }
  }
  if (def.long) {
    t += '\nDESCRIPTION:\n';
    for (const line of def.long.replace(/^[\n\t ]+|[\n\t ]+$/g, '').split('\n')) t += `\t${line}\n`;
  }
  const local = isRoot ? [...globals, HELP_FLAG] : [...(def.flags ?? []), ...(def.persistentFlags ?? []), HELP_FLAG];
  const helpFlag = { ...HELP_FLAG, usage: `help for ${def.name}` };
  const localFlags = local.filter((f) => f !== HELP_FLAG || opts.helpFlag !== false).map((f) => (f === HELP_FLAG ? helpFlag : f));
  t += `\nOPTIONS:\n${flagLines(localFlags)}`;
  if (!isRoot) t += `\nGLOBAL OPTIONS:\n${flagLines([...globals, ...inheritedFlags(path)])}`;
  t += '\n';
  return tabwrite(t);
}

/** Persistent flags of the ancestors (other than the root's globals). */
function inheritedFlags(path: CommandDef[]): FlagSpec[] {
  return path.slice(1).flatMap((d) => d.persistentFlags ?? []);
}

/** Name of `sub` relative to `ancestor`, e.g. "member add" from the root. */
function qualifiedName(sub: CommandDef, ancestor: CommandDef): string {
  const parts: string[] = [];
  let cur: CommandDef | undefined = sub;
  while (cur && cur !== ancestor) {
    parts.unshift(cur.name);
    cur = cur.parent;
  }
  return parts.join(' ');
}
