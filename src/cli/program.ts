/**
 * What differs between the programs built on this framework: etcdctl-ts
 * (etcdctl's global flags, ETCDCTL_* variables, etcdctl's help pages) and
 * etcdutl-ts (one global flag, no variables, cobra's default usage pages).
 * The root command names its program; every other part asks programOf().
 */
import { GLOBAL_FLAGS } from '../config/globals.js';
import type { FlagSpec } from '../config/flags.js';
import type { CommandDef } from './types.js';
import { renderHelp } from './help.js';
import { cobraUsage } from '../go/cobra.js';

export interface ProgramSpec {
  /** The name in usage lines and messages ("etcdctl", "etcdutl"). */
  name: string;
  /** The global flags (the root's persistent flags). */
  globals: FlagSpec[];
  /** Whether ETCDCTL_* variables set the global flags and ETCDCTL_API is checked (etcdctl's pkg/flags). */
  readsEnv: boolean;
  /**
   * How help pages look and where usage goes: etcdctl's own template (usage
   * after a flag error on stdout), or cobra's default usage template, which
   * etcdutl shows for help too (usage after an error on stderr).
   */
  help: 'etcdctl' | 'cobra';
}

export const ETCDCTL_PROGRAM: ProgramSpec = { name: 'etcdctl', globals: GLOBAL_FLAGS, readsEnv: true, help: 'etcdctl' };

/** The program of the tree `def` belongs to (parents linked). */
export function programOf(def: CommandDef): ProgramSpec {
  let root = def;
  while (root.parent) root = root.parent;
  return root.program ?? ETCDCTL_PROGRAM;
}

/** The ancestors of `def`, root first. */
function ancestors(def: CommandDef): CommandDef[] {
  const path: CommandDef[] = [];
  for (let cur = def.parent; cur; cur = cur.parent) path.unshift(cur);
  return path;
}

/** The help page of `def`; `helpFlag: false` leaves out its -h line (etcdctl's root after an unknown help topic). */
export function helpPage(def: CommandDef, opts: { helpFlag?: boolean } = {}): string {
  const program = programOf(def);
  const path = ancestors(def);
  if (program.help === 'cobra') return cobraUsage(def, path, program.globals, opts);
  return renderHelp(def, path, program.globals, opts);
}
