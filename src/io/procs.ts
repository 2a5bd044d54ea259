/**
 * Other processes of this machine, as Linux's /proc shows them: whether a pid
 * is alive and what it runs, the etcd processes whose data dir lies under a
 * folder, and stopping one (SIGTERM, then SIGKILL). The sandbox and the
 * practice drills use these to stop exactly the processes they mean to.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';

/** The command line of `pid`, or undefined when there is no such process (or it is a zombie). */
export function commandLine(pid: number): string[] | undefined {
  try {
    const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (raw === '') return undefined; // a zombie or a kernel thread
    return raw.replace(/\0$/, '').split('\0');
  } catch {
    return undefined;
  }
}

/** Whether `pid` is a live process (not a zombie). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: alive, someone else's.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The state follows the command name in parentheses (which may hold spaces).
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc: kill(0) said it is there
  }
}

/** The value of `--name` or `--name=value` in an argument list. */
export function flagValue(args: string[], name: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i].replace(/^--?/, '-');
    if (a === `-${name}`) return args[i + 1];
    if (a.startsWith(`-${name}=`)) return a.slice(name.length + 2);
  }
  return undefined;
}

/** Whether `inner` is `outer` or lies inside it. */
export function isWithin(inner: string, outer: string): boolean {
  const rel = path.relative(path.resolve(outer), path.resolve(inner));
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

export interface EtcdProcess {
  pid: number;
  dataDir: string;
  args: string[];
}

/** The data dir of the etcd server `pid` runs with `args` (undefined when it is not an etcd). */
function etcdDataDir(pid: number, args: string[]): string | undefined {
  if (args.length === 0 || path.basename(args[0]) !== 'etcd') return undefined;
  // A server, not `etcd --version`; etcd's default data dir is "<name>.etcd".
  const dir = flagValue(args, 'data-dir') ?? `${flagValue(args, 'name') ?? 'default'}.etcd`;
  if (path.isAbsolute(dir)) return dir;
  try {
    return path.resolve(readlinkSync(`/proc/${pid}/cwd`), dir);
  } catch {
    return undefined;
  }
}


/** Every live etcd process whose data dir is `dir` or lies under it. */
export function etcdProcessesUnder(dir: string): EtcdProcess[] {
  let pids: number[];
  try {
    pids = readdirSync('/proc').filter((n) => /^\d+$/.test(n)).map(Number);
  } catch {
    return [];
  }
  const found: EtcdProcess[] = [];
  for (const pid of pids) {
    if (pid === process.pid) continue;
    const args = commandLine(pid);
    if (!args) continue;
    const dataDir = etcdDataDir(pid, args);
    if (dataDir !== undefined && isWithin(dataDir, dir) && isAlive(pid)) found.push({ pid, dataDir, args });
  }
  return found;
}

/** Whether `pid` is alive and is an etcd whose data dir is `dataDir` (a pid file can outlive its process, and pids are reused). */
export function isEtcdOf(pid: number, dataDir: string): boolean {
  const args = commandLine(pid);
  if (!args || !isAlive(pid)) return false;
  const dir = etcdDataDir(pid, args);
  return dir !== undefined && path.resolve(dir) === path.resolve(dataDir);
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Stops `pid`: SIGTERM (or `signal`), and SIGKILL when it is still there after
 * `graceMs`. Resolves once it is gone; 'killed' when SIGKILL was needed.
 */
export async function stopProcess(pid: number, opts: { signal?: NodeJS.Signals; graceMs?: number } = {}): Promise<'stopped' | 'killed' | 'gone'> {
  const signal = opts.signal ?? 'SIGTERM';
  try {
    process.kill(pid, signal);
  } catch {
    return 'gone';
  }
  const deadline = Date.now() + (opts.graceMs ?? 5000);
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return 'stopped';
    await sleep(25);
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return 'stopped';
  }
  for (let i = 0; i < 200 && isAlive(pid); i++) await sleep(25);
  return 'killed';
}
