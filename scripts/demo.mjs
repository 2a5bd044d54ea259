// The main job, end to end: make sure an etcd answers on 127.0.0.1:2379
// (starting a throw-away one when none does), then use etcdctl-ts against it.
import net from 'node:net';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, existsSync } from 'node:fs';
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

function ours(args) {
  console.log(`$ etcdctl-ts ${args.join(' ')}`);
  const r = spawnSync(process.execPath, [cli, ...args], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`etcdctl-ts ${args.join(' ')} exited with ${r.status}`);
}

// The throw-away etcd is a sandbox (src/sandbox/sandbox.ts, as `etcdctl-ts sandbox up`
// starts them) on the default ports, so that etcdctl-ts needs no flags to reach it.
const sandbox = await import(join(repo, 'dist', 'src', 'sandbox', 'sandbox.js'));
let dataDir;
async function startEtcd() {
  dataDir = mkdtempSync(join(tmpdir(), 'etcdctl-ts-demo-'));
  console.log(`starting a throw-away etcd on 127.0.0.1:2379 (data in ${dataDir})`);
  await sandbox.up({
    dir: dataDir, members: 1, env: process.env, clientPorts: [2379], peerPorts: [2380],
    log: (line) => console.log(line),
  });
}

async function cleanup() {
  if (dataDir && existsSync(dataDir)) await sandbox.down({ dir: dataDir });
}

try {
  if (!(await answers(2379))) await startEtcd();
  else console.log('using the etcd that answers on 127.0.0.1:2379');
  ours(['member', 'list', '-w', 'table']);
  ours(['put', 'greeting', 'hello from etcdctl-ts']);
  ours(['get', 'greeting']);
} catch (err) {
  console.error(String(err.message ?? err));
  for (const hint of err.hints ?? []) console.error(hint);
  process.exitCode = 1;
} finally {
  await cleanup();
}
