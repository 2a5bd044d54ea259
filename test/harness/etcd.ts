// Start real etcd 3.4 servers (single member, TLS, auth, or a static cluster) on loopback.
//
// Every server lives in a fresh temp dir (fs.mkdtemp under os.tmpdir()) holding its data dir(s),
// its log (etcd.log per member, etcd's zap JSON on stderr) and, for TLS, the certificates.
// Servers that a test forgets to stop are killed when this process exits (normally, through an
// uncaught exception, SIGINT or SIGTERM), and a tiny `sh` watchdog per etcd kills it even if this
// process dies by SIGKILL. Set ETCD_HARNESS_KEEP=1 to keep the temp dirs (logs) for debugging.

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { makeCerts, type Certs } from './certs.js';
import { getFreePorts, releasePorts } from './ports.js';
import { memberArgs, type ClusterFlags } from '../../src/sandbox/members.js';
import { runReal, stripZapLines } from './run.js';

export const ETCD_BIN = process.env.ETCD_BIN || '/usr/bin/etcd';
const HOST = '127.0.0.1';

export interface StartEtcdOptions {
  /** https client URLs with --cert-file/--key-file/--trusted-ca-file/--client-cert-auth. */
  tls?: boolean;
  /** Create root:rootpw (role root), alice:alicepw (role app: readwrite on prefix /app/), then auth enable. */
  auth?: boolean;
  /** --quota-backend-bytes */
  quotaBackendBytes?: number;
  /** Appended to etcd's command line (for every member). */
  extraArgs?: string[];
  /** Member name for a single server (default "default"); cluster members are infra0, infra1, ... */
  name?: string;
  /** --heartbeat-interval in ms (default 10 for a single member, 50 for a cluster). */
  heartbeatMs?: number;
  /** --election-timeout in ms (default 100 for a single member, 500 for a cluster). */
  electionMs?: number;
  /** --bcrypt-cost (default 4, the minimum: keeps user add / authenticate fast). */
  bcryptCost?: number;
  /** How long to wait for the server(s) to become healthy (default 10000 ms). */
  readyTimeoutMs?: number;
}

export interface EtcdHandle {
  /** Client endpoints as "127.0.0.1:PORT". */
  endpoints: string[];
  /** Client URLs with scheme (http:// or https://). */
  clientUrls: string[];
  peerUrls: string[];
  dataDirs: string[];
  logFiles: string[];
  memberNames: string[];
  /** The temp dir holding everything of this server/cluster (removed by stop()). */
  dir: string;
  certs?: Certs;
  auth?: { user: string; password: string };
  /** Global flags to talk to it with etcdctl: --endpoints, TLS files, --user when auth is on. */
  etcdctlArgs(): string[];
  /** Stops all members and removes the temp dir. Idempotent. */
  stop(): Promise<void>;
  /** Stops member i (SIGTERM, SIGKILL after 3 s); its data dir is kept. */
  stopMember(i: number): Promise<void>;
  /** Kills member i with SIGKILL (no clean shutdown, as in a crash); its data dir is kept. */
  killMember(i: number): Promise<void>;
  /** Restarts stopped member i with the same data dir and ports, and waits until it is healthy. */
  startMember(i: number): Promise<void>;
  isRunning(i: number): boolean;
  /** Index of the member that is the raft leader now (from /metrics etcd_server_is_leader), or -1. */
  leaderIndex(): Promise<number>;
  /** Last `lines` lines of member i's etcd log. */
  logTail(i: number, lines?: number): string;
}

// ---------------------------------------------------------------------------------------------
// Registry of running processes, cleaned up when this process goes away.

interface Running {
  child: ChildProcess;
  watchdog?: ChildProcess;
}
const running = new Set<Running>();
const liveDirs = new Set<string>();
let hooksInstalled = false;

function killAllSync(): void {
  for (const r of running) {
    try {
      if (r.child.pid !== undefined && r.child.exitCode === null && r.child.signalCode === null) {
        process.kill(r.child.pid, 'SIGKILL');
      }
    } catch {
      // already gone
    }
    try {
      r.watchdog?.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  running.clear();
  if (process.env.ETCD_HARNESS_KEEP) return; // keep data dirs and logs for a post-mortem
  for (const d of liveDirs) {
    try {
      fs.rmSync(d, { recursive: true, force: true });
    } catch {
      // best effort
    }
  }
  liveDirs.clear();
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', killAllSync);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const handler = () => {
      killAllSync();
      // If nobody else handles the signal, keep its default meaning: die by it.
      if (process.listenerCount(sig) === 1) {
        process.removeListener(sig, handler);
        process.kill(process.pid, sig);
      }
    };
    process.on(sig, handler);
  }
}

/** Kills the etcd with `pid` with SIGKILL once this process's end of the pipe closes (even on SIGKILL). */
function startWatchdog(pid: number): ChildProcess | undefined {
  try {
    const wd = spawn('/bin/sh', ['-c', 'read _ ; kill -KILL "$1" 2>/dev/null', 'etcd-watchdog', String(pid)], {
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    wd.on('error', () => {});
    wd.stdin?.on('error', () => {});
    wd.unref();
    (wd.stdin as unknown as net.Socket | null)?.unref();
    return wd;
  } catch {
    return undefined;
  }
}

/** Stops every server started by this module (for after() hooks of careless tests). */
export async function stopAll(): Promise<void> {
  const all = [...handles];
  await Promise.all(all.map((h) => h.stop()));
}

// ---------------------------------------------------------------------------------------------

interface Member {
  name: string;
  clientPort: number;
  peerPort: number;
  clientUrl: string;
  peerUrl: string;
  dataDir: string;
  logFile: string;
  args: string[];
  proc?: Running;
  exited?: Promise<void>;
}

const handles = new Set<EtcdHandle>();

function tail(file: string, lines = 30): string {
  try {
    const s = fs.readFileSync(file, 'utf8');
    return s.split('\n').slice(-lines - 1).join('\n');
  } catch {
    return '(no log)';
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function launch(m: Member): void {
  const fd = fs.openSync(m.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(ETCD_BIN, m.args, { stdio: ['ignore', fd, fd] });
  } finally {
    fs.closeSync(fd);
  }
  // Unref'd: a server a test forgot to stop does not keep the test process alive; the exit hook
  // kills it instead.
  child.unref();
  const r: Running = { child };
  r.watchdog = child.pid !== undefined ? startWatchdog(child.pid) : undefined;
  running.add(r);
  m.proc = r;
  m.exited = new Promise<void>((resolve) => {
    const done = () => {
      running.delete(r);
      try {
        r.watchdog?.kill('SIGKILL');
      } catch {
        // gone
      }
      resolve();
    };
    child.once('exit', done);
    child.once('error', (e) => {
      fs.appendFileSync(m.logFile, `\n[harness] cannot start ${ETCD_BIN}: ${e.message}\n`);
      done();
    });
  });
}

function isAlive(m: Member): boolean {
  const c = m.proc?.child;
  return !!c && c.exitCode === null && c.signalCode === null && running.has(m.proc!);
}

/**
 * Waits (up to 2 s) until member m's /metrics shows no more active peers than there are live
 * members among `others`. A leader sent SIGTERM hands leadership to its longest-connected peer;
 * if it has not yet noticed that peer died a moment ago it picks the dead one and hangs until
 * the SIGKILL, so let it notice first.
 */
async function waitPeersNoticed(m: Member, others: Member[], tls: TlsFiles | undefined): Promise<void> {
  const live = others.filter((o) => o !== m && isAlive(o)).length;
  if (live === others.filter((o) => o !== m).length) return; // nobody is down
  const deadline = Date.now() + 2000;
  while (Date.now() < deadline && isAlive(m)) {
    const r = await httpGet(m.clientUrl, '/metrics', tls, 1000);
    if (!r) return;
    let active = 0;
    for (const line of r.body.split('\n')) {
      const hit = /^etcd_network_active_peers\{[^}]*\} (\S+)$/.exec(line);
      if (hit) active += Number(hit[1]);
    }
    if (active <= live) return;
    await sleep(20);
  }
}

async function kill(m: Member, others: Member[] = [], tls?: TlsFiles, hard = false): Promise<void> {
  if (!m.proc || !m.exited) return;
  const child = m.proc.child;
  const exited = m.exited;
  // exit events of unref'd children do not keep the loop alive: hold it open while we wait
  const keepAlive = setInterval(() => {}, 1000);
  let timer: NodeJS.Timeout | undefined;
  try {
    if (hard && isAlive(m)) {
      fs.appendFileSync(m.logFile, `\n[harness] ${m.name} killed with SIGKILL\n`);
      child.kill('SIGKILL');
    } else if (isAlive(m)) {
      if (others.length > 1) await waitPeersNoticed(m, others, tls);
      child.kill('SIGTERM');
      const t = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), 3000);
      });
      if ((await Promise.race([exited.then(() => 'exited' as const), t])) === 'timeout') {
        fs.appendFileSync(m.logFile, `\n[harness] ${m.name} still running 3 s after SIGTERM: SIGKILL\n`);
        child.kill('SIGKILL');
      }
    }
    await exited;
  } finally {
    clearTimeout(timer);
    clearInterval(keepAlive);
    m.proc = undefined;
    m.exited = undefined;
  }
}

interface TlsFiles {
  ca: string;
  cert: string;
  key: string;
}

/** GET <clientUrl><path>; resolves with status and body, or undefined on any error/timeout. */
function httpGet(url: string, urlPath: string, tls: TlsFiles | undefined, timeoutMs: number): Promise<{ status: number; body: string } | undefined> {
  return new Promise((resolve) => {
    const u = new URL(urlPath, url);
    const mod = u.protocol === 'https:' ? https : http;
    const req = mod.request(
      u,
      {
        method: 'GET',
        timeout: timeoutMs,
        agent: false,
        ...(tls ? { ca: fs.readFileSync(tls.ca), cert: fs.readFileSync(tls.cert), key: fs.readFileSync(tls.key) } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', () => resolve(undefined));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

/** GET <clientUrl>/health; true when etcd answers {"health":"true"}. */
async function checkHealth(url: string, tls: TlsFiles | undefined, timeoutMs: number): Promise<boolean> {
  const r = await httpGet(url, '/health', tls, timeoutMs);
  if (!r || r.status !== 200) return false;
  try {
    const body = JSON.parse(r.body) as { health?: unknown };
    return body.health === 'true' || body.health === true;
  } catch {
    return false;
  }
}

class StartupError extends Error {
  constructor(message: string, readonly portInUse: boolean) {
    super(message);
  }
}

async function waitHealthy(members: Member[], tls: TlsFiles | undefined, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const pending = new Set(members);
  for (;;) {
    for (const m of pending) {
      if (!isAlive(m)) {
        const log = tail(m.logFile);
        throw new StartupError(
          `etcd member ${m.name} (${m.clientUrl}) exited during startup; log ${m.logFile}:\n${log}`,
          /address already in use/.test(log),
        );
      }
    }
    const results = await Promise.all([...pending].map(async (m) => [m, await checkHealth(m.clientUrl, tls, 1000)] as const));
    for (const [m, ok] of results) if (ok) pending.delete(m);
    if (pending.size === 0) return;
    if (Date.now() > deadline) {
      const m = [...pending][0];
      throw new StartupError(
        `etcd member ${m.name} (${m.clientUrl}) not healthy after ${timeoutMs} ms; log ${m.logFile}:\n${tail(m.logFile)}`,
        false,
      );
    }
    await sleep(50);
  }
}

async function runSetup(args: string[], what: string): Promise<void> {
  const r = await runReal(args, { timeoutMs: 15000 });
  if (r.code !== 0) {
    throw new Error(`auth setup (${what}) failed: etcdctl ${args.join(' ')} -> exit ${r.code}\n${stripZapLines(r.stderr)}${r.stdout}`);
  }
}

async function startMembers(n: number, opts: StartEtcdOptions): Promise<EtcdHandle> {
  // A port handed out by getFreePorts can in rare cases be grabbed by someone else before etcd
  // binds it: retry with fresh ports then.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startMembersOnce(n, opts);
    } catch (e) {
      if (e instanceof StartupError && e.portInUse && attempt < 3) continue;
      throw e;
    }
  }
}

async function startMembersOnce(n: number, opts: StartEtcdOptions): Promise<EtcdHandle> {
  installHooks();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'etcdctl-ts-etcd-'));
  liveDirs.add(dir);
  const ports = await getFreePorts(2 * n);
  const tls = !!opts.tls;
  const scheme = tls ? 'https' : 'http';
  const members: Member[] = [];
  for (let i = 0; i < n; i++) {
    const name = n === 1 ? (opts.name ?? 'default') : `infra${i}`;
    const clientPort = ports[2 * i];
    const peerPort = ports[2 * i + 1];
    const mdir = path.join(dir, name);
    fs.mkdirSync(mdir);
    members.push({
      name,
      clientPort,
      peerPort,
      clientUrl: `${scheme}://${HOST}:${clientPort}`,
      peerUrl: `http://${HOST}:${peerPort}`,
      dataDir: path.join(mdir, 'data'),
      logFile: path.join(mdir, 'etcd.log'),
      args: [],
    });
  }
  let certs: Certs | undefined;
  if (tls) certs = makeCerts(path.join(dir, 'certs'));
  const cluster: ClusterFlags = {
    members: members.map((m) => ({ name: m.name, dataDir: m.dataDir, clientURL: m.clientUrl, peerURL: m.peerUrl })),
    token: `etcdctl-ts-${path.basename(dir)}`,
    // A lone member has nobody to lose touch with, so short ticks only make its (randomised)
    // first self-election quicker; clusters use 50/500, fast but calm on a busy 2-core box.
    heartbeatMs: opts.heartbeatMs ?? (n === 1 ? 10 : 50),
    electionMs: opts.electionMs ?? (n === 1 ? 100 : 500),
    tls: certs ? { ca: certs.ca, cert: certs.serverCert, key: certs.serverKey } : undefined,
    extraArgs: [
      '--bcrypt-cost', String(opts.bcryptCost ?? 4),
      ...(opts.quotaBackendBytes !== undefined ? ['--quota-backend-bytes', String(opts.quotaBackendBytes)] : []),
      ...(opts.extraArgs ?? []),
    ],
  };
  members.forEach((m, i) => (m.args = memberArgs(cluster.members[i], cluster)));
  const tlsFiles: TlsFiles | undefined = certs ? { ca: certs.ca, cert: certs.clientCert, key: certs.clientKey } : undefined;
  const readyTimeoutMs = opts.readyTimeoutMs ?? 10000;

  let stopped = false;
  const baseArgs = (): string[] => [
    `--endpoints=${members.map((m) => m.clientUrl).join(',')}`,
    ...(certs ? [`--cacert=${certs.ca}`, `--cert=${certs.clientCert}`, `--key=${certs.clientKey}`] : []),
  ];
  const auth = opts.auth ? { user: 'root', password: 'rootpw' } : undefined;

  const handle: EtcdHandle = {
    endpoints: members.map((m) => `${HOST}:${m.clientPort}`),
    clientUrls: members.map((m) => m.clientUrl),
    peerUrls: members.map((m) => m.peerUrl),
    dataDirs: members.map((m) => m.dataDir),
    logFiles: members.map((m) => m.logFile),
    memberNames: members.map((m) => m.name),
    dir,
    certs,
    auth,
    etcdctlArgs: () => [...baseArgs(), ...(auth ? [`--user=${auth.user}:${auth.password}`] : [])],
    async stop() {
      if (stopped) return;
      stopped = true;
      handles.delete(handle);
      // One at a time: stopped all at once, a leader tries to hand leadership to a follower that
      // is itself shutting down and hangs until the SIGKILL; one by one takes a few ms.
      for (const m of members) await kill(m, members, tlsFiles);
      liveDirs.delete(dir);
      if (process.env.ETCD_HARNESS_KEEP) process.stderr.write(`[harness] kept ${dir}\n`);
      else fs.rmSync(dir, { recursive: true, force: true });
      releasePorts(ports);
    },
    async stopMember(i: number) {
      await kill(memberAt(i), members, tlsFiles);
    },
    async killMember(i: number) {
      await kill(memberAt(i), members, tlsFiles, true);
    },
    async startMember(i: number) {
      if (stopped) throw new Error('startMember: this server has been stopped');
      const m = memberAt(i);
      if (isAlive(m)) return;
      launch(m);
      await waitHealthy([m], tlsFiles, readyTimeoutMs);
    },
    isRunning: (i: number) => isAlive(memberAt(i)),
    async leaderIndex() {
      const flags = await Promise.all(
        members.map(async (m) => {
          if (!isAlive(m)) return false;
          const r = await httpGet(m.clientUrl, '/metrics', tlsFiles, 2000);
          return !!r && /^etcd_server_is_leader 1$/m.test(r.body);
        }),
      );
      return flags.indexOf(true);
    },
    logTail: (i: number, lines = 30) => tail(memberAt(i).logFile, lines),
  };
  function memberAt(i: number): Member {
    const m = members[i];
    if (!m) throw new RangeError(`no member ${i} (have ${members.length})`);
    return m;
  }
  handles.add(handle);

  try {
    for (const m of members) launch(m);
    await waitHealthy(members, tlsFiles, readyTimeoutMs);
    if (auth) {
      const steps: [string, string[]][] = [
        ['add root', ['user', 'add', `${auth.user}:${auth.password}`]],
        ['add role root', ['role', 'add', 'root']],
        ['grant root', ['user', 'grant-role', 'root', 'root']],
        ['add role app', ['role', 'add', 'app']],
        ['grant app /app/', ['role', 'grant-permission', 'app', 'readwrite', '/app/', '--prefix=true']],
        ['add alice', ['user', 'add', 'alice:alicepw']],
        ['grant alice app', ['user', 'grant-role', 'alice', 'app']],
        ['auth enable', ['auth', 'enable']],
      ];
      for (const [what, args] of steps) await runSetup([...baseArgs(), ...args], what);
    }
  } catch (e) {
    await handle.stop();
    throw e;
  }
  return handle;
}

/** Starts a single-member etcd and waits until it is healthy. */
export function startEtcd(opts: StartEtcdOptions = {}): Promise<EtcdHandle> {
  return startMembers(1, opts);
}

/** Starts an n-member cluster (static --initial-cluster) and waits until every member is healthy (has a leader). */
export async function startCluster(n = 3, opts: StartEtcdOptions = {}): Promise<EtcdHandle> {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`bad cluster size: ${n}`);
  return startMembers(n, opts);
}

/** An etcd started by hand (e.g. a member joining a cluster with `member add`'s ETCD_* values). */
export interface ExtraMember {
  clientUrl: string;
  peerUrl: string;
  /** Stops it (SIGTERM, SIGKILL after 3 s). Its data dir is under `dir` of the cluster it joined. */
  stop(): Promise<void>;
  logTail(lines?: number): string;
}

/**
 * Starts one more etcd on fresh loopback ports with the given name and
 * --initial-cluster, joining an existing cluster (`--initial-cluster-state
 * existing`). Its data lives under `parentDir`; it is killed with everything
 * else if the test process goes away.
 */
export async function startJoiningMember(
  parentDir: string,
  opts: { name: string; initialCluster: string; peerPort: number; readyTimeoutMs?: number; learner?: boolean },
): Promise<ExtraMember> {
  const [clientPort] = await getFreePorts(1);
  const dir = path.join(parentDir, opts.name);
  fs.mkdirSync(dir, { recursive: true });
  const m: Member = {
    name: opts.name,
    clientPort,
    peerPort: opts.peerPort,
    clientUrl: `http://127.0.0.1:${clientPort}`,
    peerUrl: `http://127.0.0.1:${opts.peerPort}`,
    dataDir: path.join(dir, 'data'),
    logFile: path.join(dir, 'etcd.log'),
    args: [],
  };
  m.args = [
    '--name', m.name, '--data-dir', m.dataDir,
    '--listen-client-urls', m.clientUrl, '--advertise-client-urls', m.clientUrl,
    '--listen-peer-urls', m.peerUrl, '--initial-advertise-peer-urls', m.peerUrl,
    '--initial-cluster', opts.initialCluster, '--initial-cluster-state', 'existing',
    '--heartbeat-interval', '50', '--election-timeout', '500', '--logger=zap', '--log-outputs=stderr',
  ];
  launch(m);
  // A learner does not answer /health until promoted: wait for its client port instead.
  const ready = opts.learner ? waitListening(m, opts.readyTimeoutMs ?? 15000) : waitHealthy([m], undefined, opts.readyTimeoutMs ?? 15000);
  await ready.catch(async (err) => {
    await kill(m);
    throw err;
  });
  return { clientUrl: m.clientUrl, peerUrl: m.peerUrl, stop: () => kill(m), logTail: (n) => tail(m.logFile, n) };
}

async function waitListening(m: Member, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(m)) throw new Error(`etcd member ${m.name} exited during startup:\n${tail(m.logFile)}`);
    const open = await new Promise<boolean>((resolve) => {
      const s = net.connect(m.clientPort, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (open) return;
    await sleep(50);
  }
  throw new Error(`etcd member ${m.name} not listening after ${timeoutMs} ms:\n${tail(m.logFile)}`);
}
