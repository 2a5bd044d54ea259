/**
 * A local etcd to practise on: real etcd processes on free loopback ports,
 * their data dirs, logs and (with TLS) kubeadm-layout certificates under one
 * folder, and a state file there that names every process started, so that a
 * later `sandbox down` stops exactly those.
 *
 *   DIR/sandbox.json          this file's SandboxState
 *   DIR/pki/etcd/...          certificates (--tls; see pki.ts)
 *   DIR/<member>/data         a member's data dir
 *   DIR/<member>/etcd.log     its log (etcd's JSON lines)
 *
 * The sandbox is detached: its members outlive the command that started them.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SandboxError } from './errors.js';
import { findEtcd } from './install.js';
import { makePki, pkiPaths } from './pki.js';
import { getFreePorts } from './ports.js';
import { loopbackURL, memberArgs, type ClusterFlags, type MemberSpec } from './members.js';
import { etcdProcessesUnder, isEtcdOf, stopProcess } from '../io/procs.js';
import { shellQuote } from '../io/shell.js';

export const STATE_FILE = 'sandbox.json';

export interface SandboxMember extends MemberSpec {
  clientPort: number;
  peerPort: number;
  logFile: string;
  /** etcd's arguments, as launched (a restart uses them again). */
  args: string[];
  /** The process last started for it. */
  pid?: number;
}

export interface SandboxState {
  dir: string;
  tls: boolean;
  etcdBin: string;
  token: string;
  members: SandboxMember[];
}

export interface UpOptions {
  dir: string;
  members?: number;
  tls?: boolean;
  env: NodeJS.ProcessEnv;
  /** Progress lines for a person (installing etcd, restarting a stale member). */
  log?: (line: string) => void;
  /** Client ports to use instead of free ones (the demo's 2379). */
  clientPorts?: number[];
  peerPorts?: number[];
  /** Appended to every member's command line (--quota-backend-bytes, ...). */
  extraArgs?: string[];
  /** How long the members have to become healthy (default 20 s). */
  readyTimeoutMs?: number;
}

export interface UpResult {
  state: SandboxState;
  /** 'started': a new sandbox; 'restarted': members of a stopped one (stale pids) started again on their data. */
  how: 'started' | 'restarted';
  /** The members started again, by name, when how is 'restarted'. */
  restarted: string[];
}

/** The default folder: $XDG_STATE_HOME/etcdctl-ts/sandbox, or ~/.local/state/etcdctl-ts/sandbox. */
export function defaultDir(env: NodeJS.ProcessEnv, what = 'sandbox'): string {
  const base = env.XDG_STATE_HOME && path.isAbsolute(env.XDG_STATE_HOME)
    ? env.XDG_STATE_HOME
    : path.join(env.HOME || os.homedir(), '.local', 'state');
  return path.join(base, 'etcdctl-ts', what);
}

/** The sandbox state in `dir`, or undefined when there is none. */
export function readState(dir: string): SandboxState | undefined {
  const file = path.join(dir, STATE_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const s = JSON.parse(text) as SandboxState;
    if (!Array.isArray(s.members)) throw new Error('no members');
    return s;
  } catch (err) {
    throw new SandboxError(`${file} is not a sandbox state file: ${(err as Error).message}`, [
      `Stop what runs there with "etcdctl-ts sandbox down --dir ${dir}", or remove the folder.`,
    ]);
  }
}

/** Writes the state file (a temporary file renamed over it: never half-written). */
export function writeState(state: SandboxState): void {
  const file = path.join(state.dir, STATE_FILE);
  writeFileSync(`${file}.tmp`, JSON.stringify(state, null, 2) + '\n');
  renameSync(`${file}.tmp`, file);
}

/** Whether member `m`'s recorded process is alive and is its etcd. */
export function isRunning(m: SandboxMember): boolean {
  return m.pid !== undefined && isEtcdOf(m.pid, m.dataDir);
}

/** The ETCDCTL_* variables that point etcdctl (ours or Go's) at the sandbox, in the order printed. */
export function sandboxEnv(state: Pick<SandboxState, 'dir' | 'tls' | 'members'>): [string, string][] {
  const vars: [string, string][] = [['ETCDCTL_API', '3'], ['ETCDCTL_ENDPOINTS', state.members.map((m) => m.clientURL).join(',')]];
  if (state.tls) {
    const pki = pkiPaths(state.dir);
    vars.push(['ETCDCTL_CACERT', pki.ca], ['ETCDCTL_CERT', pki.client], ['ETCDCTL_KEY', pki.clientKey]);
  }
  return vars;
}

/** `export NAME=value` lines for a POSIX shell, the values quoted where they need it. */
export function exportLines(vars: [string, string][]): string {
  return vars.map(([k, v]) => `export ${k}=${shellQuote(v)}\n`).join('');
}

/** The environment of a process that talks to the sandbox: `env` with the sandbox's variables. */
export function envFor(state: SandboxState, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  // Other ETCDCTL_* settings (a user, another timeout) would not fit the sandbox.
  for (const [k, v] of Object.entries(env)) if (!k.startsWith('ETCDCTL_')) out[k] = v;
  for (const [k, v] of sandboxEnv(state)) out[k] = v;
  return out;
}

function memberDir(dir: string, name: string): string {
  return path.join(dir, name);
}

/** Starts member `m` of `state` (detached; stdout and stderr to its log), records its pid. */
export function launchMember(state: SandboxState, m: SandboxMember): void {
  mkdirSync(path.dirname(m.logFile), { recursive: true });
  const fd = openSync(m.logFile, 'a');
  try {
    const child = spawn(state.etcdBin, m.args, { stdio: ['ignore', fd, fd], detached: true });
    child.on('error', () => {}); // reported by waitHealthy, from the log and the missing process
    child.unref();
    m.pid = child.pid;
  } finally {
    closeSync(fd);
  }
}

function logTail(file: string, lines = 12): string {
  try {
    const text = readFileSync(file, 'utf8').trimEnd().split('\n');
    return text.slice(-lines).map((l) => `  ${l}`).join('\n');
  } catch {
    return '  (no log)';
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Waits until each of `members` answers a linearized read (so the cluster has
 * a leader), through the client layer with the sandbox's own settings.
 */
export async function waitHealthy(state: SandboxState, members: SandboxMember[], timeoutMs = 20000): Promise<void> {
  const { sandboxClient } = await import('./client.js');
  const deadline = Date.now() + timeoutMs;
  const pending = new Set(members);
  while (pending.size > 0) {
    for (const m of pending) {
      if (!isRunning(m)) {
        const log = logTail(m.logFile);
        const hint = /address already in use/.test(log) ? [`Port ${m.clientPort} or ${m.peerPort} is taken by another program.`] : [];
        throw new SandboxError(`etcd member ${m.name} exited as it started; the end of ${m.logFile}:\n${log}`, hint);
      }
    }
    if (Date.now() > deadline) {
      const m = [...pending][0];
      throw new SandboxError(`etcd member ${m.name} (${m.clientURL}) is not healthy after ${timeoutMs / 1000} s; the end of ${m.logFile}:\n${logTail(m.logFile)}`);
    }
    await Promise.all([...pending].map(async (m) => {
      const client = await sandboxClient(state, { endpoints: [m.clientURL], timeout: '1s' });
      try {
        await client.kv.range({ key: Buffer.from('health') });
        pending.delete(m);
      } catch (err) {
        if (/permission denied|user name is empty/.test(String((err as Error).message))) pending.delete(m);
      } finally {
        client.close();
      }
    }));
    if (pending.size > 0) await sleep(100);
  }
}

/** Stops member `m`'s process when it is its etcd (SIGTERM, SIGKILL after 5 s). */
export async function stopMember(m: SandboxMember): Promise<boolean> {
  if (!isRunning(m)) return false;
  await stopProcess(m.pid!, { graceMs: 5000 });
  return true;
}

function isEmptyDir(dir: string): boolean {
  try {
    return readdirSync(dir).length === 0;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
    if ((err as NodeJS.ErrnoException).code === 'ENOTDIR') throw new SandboxError(`${dir} is a file, not a folder`, ['Name an empty or new folder with --dir.']);
    throw new SandboxError(`cannot read ${dir}: ${(err as Error).message}`);
  }
}

/** Starts a sandbox in opts.dir, or the stopped members of the one there. */
export async function up(opts: UpOptions): Promise<UpResult> {
  const dir = path.resolve(opts.dir);
  const log = opts.log ?? (() => {});
  const existing = readState(dir);
  if (existing) {
    const stopped = existing.members.filter((m) => !isRunning(m));
    if (stopped.length === 0) {
      throw new SandboxError(`a sandbox is already running in ${dir} (${existing.members.map((m) => `${m.name} pid ${m.pid}`).join(', ')})`, [
        `Its settings: etcdctl-ts sandbox env${dirFlag(dir, opts.env)}`,
        `To start afresh: etcdctl-ts sandbox down${dirFlag(dir, opts.env)}`,
      ]);
    }
    for (const m of stopped) {
      log(m.pid !== undefined ? `${m.name}: pid ${m.pid} is not running (a stale pid): starting it again on ${m.dataDir}` : `${m.name}: starting it on ${m.dataDir}`);
      launchMember(existing, m);
    }
    writeState(existing);
    try {
      await waitHealthy(existing, existing.members, opts.readyTimeoutMs);
    } catch (err) {
      // Leave nothing half-started behind: the members started here stop again.
      for (const m of stopped) await stopMember(m);
      writeState(existing);
      throw err;
    }
    return { state: existing, how: 'restarted', restarted: stopped.map((m) => m.name) };
  }
  if (!isEmptyDir(dir)) {
    throw new SandboxError(`${dir} is not empty and holds no sandbox`, ['Name an empty or new folder with --dir.']);
  }
  const n = opts.members ?? 1;
  const etcdBin = findEtcd(opts.env, log);
  const ports = opts.clientPorts && opts.peerPorts
    ? opts.clientPorts.flatMap((c, i) => [c, opts.peerPorts![i]])
    : await getFreePorts(2 * n);
  mkdirSync(dir, { recursive: true });
  const tls = !!opts.tls;
  const pki = tls ? makePki(dir) : undefined;
  const members: SandboxMember[] = [];
  for (let i = 0; i < n; i++) {
    const name = n === 1 ? 'default' : `infra${i}`;
    const mdir = memberDir(dir, name);
    const clientPort = ports[2 * i];
    const peerPort = ports[2 * i + 1];
    members.push({
      name,
      clientPort,
      peerPort,
      clientURL: loopbackURL(clientPort, tls),
      peerURL: loopbackURL(peerPort, tls),
      dataDir: path.join(mdir, 'data'),
      logFile: path.join(mdir, 'etcd.log'),
      args: [],
    });
  }
  const cluster: ClusterFlags = {
    members,
    token: `etcdctl-ts-sandbox-${process.pid}-${Date.now()}`,
    heartbeatMs: 50,
    electionMs: 500,
    tls: pki ? { ca: pki.ca, cert: pki.server, key: pki.serverKey, peerCert: pki.peer, peerKey: pki.peerKey } : undefined,
    extraArgs: opts.extraArgs,
  };
  for (const m of members) m.args = memberArgs(m, cluster);
  const state: SandboxState = { dir, tls, etcdBin, token: cluster.token, members };
  for (const m of members) launchMember(state, m);
  writeState(state);
  try {
    await waitHealthy(state, members, opts.readyTimeoutMs);
  } catch (err) {
    await down({ dir, keep: true });
    throw err;
  }
  return { state, how: 'started', restarted: [] };
}

function dirFlag(dir: string, env: NodeJS.ProcessEnv): string {
  return path.resolve(dir) === path.resolve(defaultDir(env)) ? '' : ` --dir ${shellQuote(dir)}`;
}

export interface DownResult {
  /** Processes stopped: the members' and any other etcd whose data dir lies in the folder. */
  stopped: { name: string; pid: number }[];
  removed: boolean;
}

/**
 * Stops every member of the sandbox in `dir` and every other etcd process
 * whose data dir lies inside it (one a drill or its candidate started there),
 * then removes the folder unless `keep`.
 */
export async function down(opts: { dir: string; keep?: boolean; env?: NodeJS.ProcessEnv }): Promise<DownResult> {
  const dir = path.resolve(opts.dir);
  const state = readState(dir);
  const stopped: { name: string; pid: number }[] = [];
  for (const m of state?.members ?? []) {
    const pid = m.pid;
    if (pid !== undefined && (await stopMember(m))) stopped.push({ name: m.name, pid });
  }
  for (const p of etcdProcessesUnder(dir)) {
    await stopProcess(p.pid, { graceMs: 5000 });
    stopped.push({ name: path.relative(dir, p.dataDir), pid: p.pid });
  }
  if (!state && stopped.length === 0) {
    throw new SandboxError(`no sandbox in ${dir}`, existsSync(dir) ? [] : [`Start one with: etcdctl-ts sandbox up${dirFlag(dir, opts.env ?? {})}`]);
  }
  let removed = false;
  if (!opts.keep) {
    rmSync(dir, { recursive: true, force: true });
    removed = true;
  } else if (state) {
    writeState(state);
  }
  return { stopped, removed };
}

export interface MemberStatus {
  member: SandboxMember;
  running: boolean;
  /** '' when healthy, else why not (not running, no answer, an alarm). */
  error: string;
}

/** Each member of the sandbox: whether its process runs and whether it answers. */
export async function status(dir: string, env: NodeJS.ProcessEnv = {}): Promise<{ state: SandboxState; members: MemberStatus[] }> {
  const state = readState(path.resolve(dir));
  if (!state) throw new SandboxError(`no sandbox in ${path.resolve(dir)}`, [`Start one with: etcdctl-ts sandbox up${dirFlag(dir, env)}`]);
  const members = await Promise.all(state.members.map(async (member): Promise<MemberStatus> => {
    if (!isRunning(member)) return { member, running: false, error: 'not running' };
    try {
      await waitHealthy(state, [member], 1500);
      return { member, running: true, error: '' };
    } catch {
      return { member, running: true, error: 'not answering' };
    }
  }));
  return { state, members };
}
