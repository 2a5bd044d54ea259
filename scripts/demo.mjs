// The main job, end to end: make sure an etcd answers on 127.0.0.1:2379
// (starting a throw-away one when none does), then use etcdctl-ts against it.
import net from 'node:net';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(repo, 'bin', 'etcdctl-ts.js');

function answers(port) {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}

function which(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).stdout.trim();
}

function ours(args) {
  console.log(`$ etcdctl-ts ${args.join(' ')}`);
  const r = spawnSync(process.execPath, [cli, ...args], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`etcdctl-ts ${args.join(' ')} exited with ${r.status}`);
}

let etcd;
let dataDir;
async function startEtcd() {
  let bin = which('etcd');
  if (!bin) {
    if (process.getuid && process.getuid() === 0) {
      console.log('etcd is not installed; installing Debian\'s etcd-server package...');
      spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
      const r = spawnSync('apt-get', ['install', '-y', '-qq', 'etcd-server'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
      if (r.status !== 0) throw new Error('apt-get install etcd-server failed');
      bin = which('etcd');
    }
    if (!bin) {
      console.error('No etcd answers on 127.0.0.1:2379 and the etcd server is not installed.');
      console.error('Install it (on Debian: sudo apt-get install etcd-server) or start an etcd, then run this again.');
      process.exit(1);
    }
  }
  dataDir = mkdtempSync(join(tmpdir(), 'etcdctl-ts-demo-'));
  console.log(`starting a throw-away etcd on 127.0.0.1:2379 (data in ${dataDir})`);
  etcd = spawn(bin, [
    '--name', 'demo', '--data-dir', join(dataDir, 'data'),
    '--listen-client-urls', 'http://127.0.0.1:2379', '--advertise-client-urls', 'http://127.0.0.1:2379',
    '--listen-peer-urls', 'http://127.0.0.1:2380', '--initial-advertise-peer-urls', 'http://127.0.0.1:2380',
    '--initial-cluster', 'demo=http://127.0.0.1:2380',
  ], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    if (etcd.exitCode !== null) throw new Error('etcd exited at start (is port 2380 in use?)');
    if (spawnSync(process.execPath, [cli, 'get', 'greeting'], { stdio: 'ignore' }).status === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('etcd did not become ready within 10 s');
}

function cleanup() {
  if (etcd && etcd.exitCode === null) etcd.kill('SIGTERM');
  if (dataDir && existsSync(dataDir)) rmSync(dataDir, { recursive: true, force: true });
}

try {
  if (!(await answers(2379))) await startEtcd();
  else console.log('using the etcd that answers on 127.0.0.1:2379');
  ours(['member', 'list', '-w', 'table']);
  ours(['put', 'greeting', 'hello from etcdctl-ts']);
  ours(['get', 'greeting']);
} catch (err) {
  console.error(String(err.message ?? err));
  process.exitCode = 1;
} finally {
  cleanup();
}
