/**
 * The practice folder: a sandbox set up for one drill, and DIR/practice.json
 * naming the drill and what its set-up chose. `start` replaces whatever drill
 * was there; `check` asks the drill; `reset` stops every process in the folder
 * and removes it.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SandboxError } from '../sandbox/errors.js';
import { down, isRunning, readState, up, writeState, type DownResult } from '../sandbox/sandbox.js';
import { etcdProcessesUnder } from '../io/procs.js';
import type { CheckItem, Drill, DrillContext, Params } from './drill.js';
import { DRILLS, findDrill } from './drills/index.js';

export const PRACTICE_FILE = 'practice.json';

interface PracticeFile {
  drill: string;
  startedAt: string;
  params: Params;
}

export { DRILLS, findDrill };

function readPractice(dir: string): PracticeFile | undefined {
  try {
    return JSON.parse(readFileSync(path.join(dir, PRACTICE_FILE), 'utf8')) as PracticeFile;
  } catch {
    return undefined;
  }
}

function writePractice(dir: string, p: PracticeFile): void {
  const file = path.join(dir, PRACTICE_FILE);
  writeFileSync(`${file}.tmp`, JSON.stringify(p, null, 2) + '\n');
  renameSync(`${file}.tmp`, file);
}

export interface Started {
  drill: Drill;
  ctx: DrillContext;
  /** The drill that was set up in the folder before, now stopped and removed. */
  replaced?: string;
}

/** Sets drill `drill` up in `dir`, replacing what was there. */
export async function start(opts: { dir: string; drill: Drill; env: NodeJS.ProcessEnv; log: (line: string) => void }): Promise<Started> {
  const dir = path.resolve(opts.dir);
  const before = readPractice(dir);
  let replaced: string | undefined;
  if (before || readState(dir) || etcdProcessesUnder(dir).length > 0) {
    if (!before && !readState(dir)) throw notPractice(dir);
    await down({ dir });
    replaced = before?.drill ?? 'sandbox';
  }
  const { drill } = opts;
  const r = await up({ dir, members: drill.members, tls: drill.tls, extraArgs: drill.extraArgs, env: opts.env, log: opts.log });
  const ctx: DrillContext = { dir, state: r.state, params: {}, env: opts.env };
  try {
    ctx.params = await drill.setup(ctx, opts.log);
    writeState(ctx.state);
    writePractice(dir, { drill: drill.name, startedAt: new Date().toISOString(), params: ctx.params });
  } catch (err) {
    await down({ dir }).catch(() => {});
    throw err;
  }
  return { drill, ctx, replaced };
}

function notPractice(dir: string): SandboxError {
  return new SandboxError(`${dir} holds no practice drill`, ['Name an empty or new folder with --dir.']);
}

/** The drill set up in `dir`; throws when there is none. */
export function current(dir: string, env: NodeJS.ProcessEnv, dirFlag: string): { drill: Drill; ctx: DrillContext } {
  const abs = path.resolve(dir);
  const p = readPractice(abs);
  const state = readState(abs);
  if (!p || !state) {
    throw new SandboxError(`no practice drill is set up in ${abs}`, [
      `Start one with: etcdctl-ts practice start NAME${dirFlag} (the names: ${DRILLS.map((d) => d.name).join(', ')})`,
    ]);
  }
  const drill = findDrill(p.drill);
  if (!drill) throw new SandboxError(`${path.join(abs, PRACTICE_FILE)} names an unknown drill, ${JSON.stringify(p.drill)}`, [`Start afresh with: etcdctl-ts practice reset${dirFlag}`]);
  return { drill, ctx: { dir: abs, state, params: p.params, env } };
}

export interface Checked {
  drill: Drill;
  ctx: DrillContext;
  items: CheckItem[];
  passed: boolean;
  /** Members of the drill's sandbox whose process is gone (a reboot, a kill). */
  stopped: string[];
}

/** Checks the drill set up in `dir`. */
export async function check(dir: string, env: NodeJS.ProcessEnv, dirFlag: string): Promise<Checked> {
  const { drill, ctx } = current(dir, env, dirFlag);
  const stopped = ctx.state.members.filter((m) => !isRunning(m)).map((m) => m.name);
  const items = await drill.check(ctx);
  return { drill, ctx, items, passed: items.length > 0 && items.every((i) => i.ok), stopped };
}

/** Stops every process of the drill in `dir` and removes the folder. */
export async function reset(dir: string): Promise<DownResult & { drill?: string }> {
  const abs = path.resolve(dir);
  const p = readPractice(abs);
  if (!p && !readState(abs) && etcdProcessesUnder(abs).length === 0) {
    throw new SandboxError(`no practice drill is set up in ${abs}`);
  }
  if (!p && !readState(abs)) throw notPractice(abs);
  return { ...(await down({ dir: abs })), drill: p?.drill };
}
