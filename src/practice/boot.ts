/**
 * Reading what a data dir holds the way etcd would serve it: an etcd already
 * running on the dir is asked; otherwise a throw-away etcd is started on it
 * (free loopback ports, plaintext), asked, and stopped. The restore drill's
 * check boots the restored member this way.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { EtcdClient } from '../client/client.js';
import { etcdProcessesUnder, flagValue, stopProcess } from '../io/procs.js';
import { getFreePorts, releasePorts } from '../sandbox/ports.js';
import { loopbackURL } from '../sandbox/members.js';
import { sandboxClient } from '../sandbox/client.js';
import type { SandboxState } from '../sandbox/sandbox.js';

export interface Booted {
  client: EtcdClient;
  /** How the data was reached: a running etcd's pid, or the throw-away one's. */
  how: string;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A client of an etcd serving `dataDir` (started here when none runs); throws with etcd's last log lines when it does not come up. */
export async function bootDataDir(state: SandboxState, dataDir: string, timeoutMs = 15000): Promise<Booted> {
  const running = etcdProcessesUnder(dataDir).find((p) => path.resolve(p.dataDir) === path.resolve(dataDir));
  if (running) {
    const url = (flagValue(running.args, 'advertise-client-urls') ?? flagValue(running.args, 'listen-client-urls') ?? 'http://127.0.0.1:2379').split(',')[0];
    const client = await sandboxClient(state, { endpoints: [url] });
    return { client, how: `the etcd running on it (pid ${running.pid})`, stop: async () => client.close() };
  }
  const [clientPort, peerPort] = await getFreePorts(2);
  const clientURL = loopbackURL(clientPort, false);
  const peerURL = loopbackURL(peerPort, false);
  const child = spawn(state.etcdBin, [
    '--data-dir', dataDir,
    '--listen-client-urls', clientURL, '--advertise-client-urls', clientURL,
    '--listen-peer-urls', peerURL,
    '--logger=zap', '--log-outputs=stderr',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  releasePorts([clientPort, peerPort]);
  let log = '';
  let exited = false;
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (s: string) => {
    log = (log + s).slice(-20000);
  });
  child.on('error', (err) => {
    log += `\n${err.message}`;
    exited = true;
  });
  child.on('exit', () => {
    exited = true;
  });
  const stop = async () => {
    if (!exited && child.pid !== undefined) await stopProcess(child.pid, { graceMs: 5000 });
  };
  const plain = { ...state, tls: false };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) throw new Error(`etcd exited on it: ${lastMessage(log)}`);
    const client = await sandboxClient(plain, { endpoints: [clientURL], timeout: '1s' });
    try {
      await client.kv.range({ key: Buffer.from('health') });
      return { client, how: 'a throw-away etcd started on it', stop: async () => { client.close(); await stop(); } };
    } catch (err) {
      client.close();
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`etcd did not answer within ${timeoutMs / 1000} s: ${lastMessage(log) || (err as Error).message}`);
      }
    }
    await sleep(100);
  }
}

/** The last error (or, failing that, the last) message of etcd's JSON log. */
function lastMessage(log: string): string {
  const lines = log.trim().split('\n').filter((l) => l !== '');
  const parsed = lines.map((l) => {
    try {
      return JSON.parse(l) as { level?: string; msg?: string; error?: string };
    } catch {
      return { msg: l };
    }
  });
  const bad = parsed.filter((p) => p.level === 'fatal' || p.level === 'panic' || p.level === 'error');
  const p = bad[bad.length - 1] ?? parsed[parsed.length - 1];
  if (!p) return '';
  return p.error ? `${p.msg}: ${p.error}` : p.msg ?? '';
}
