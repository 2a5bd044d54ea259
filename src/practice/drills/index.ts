/** The drills, in the order `practice list` shows them. */
import type { Drill } from '../drill.js';
import { backup } from './backup.js';
import { restore } from './restore.js';
import { replaceMember } from './replace-member.js';
import { nospace } from './nospace.js';
import { auth } from './auth.js';

export const DRILLS: Drill[] = [backup, restore, replaceMember, nospace, auth];

export function findDrill(name: string): Drill | undefined {
  return DRILLS.find((d) => d.name === name);
}
