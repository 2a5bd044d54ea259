// `etcdctl-ts sandbox up / env / status / down` with real etcd 3.4.23 processes on loopback,
// checked with the real etcdctl 3.4.23 reading only the ETCDCTL_* lines that `up` printed:
//  - one member without TLS: up prints only export lines, etcdctl and etcdctl-ts reach it,
//    env prints the same lines, status names it, a second up is refused, a member killed
//    behind the sandbox's back (a stale pid) is started again on its data, down stops it
//    and removes the folder, and a second down says there is none;
//  - three members with kubeadm-layout TLS: the certificates are where kubeadm puts them, the
//    members are infra0..2 on https, a client without a certificate is refused, down --keep
//    stops them and keeps the folder, a later down removes it;
//  - bad input starts nothing: --members 2, a folder that holds something else, env and
//    status where there is no sandbox.
// Every test stops what it started: `sandbox down`, then SIGKILL for any etcd left under its
// folder (zombies, which this container's PID 1 may not reap, are not counted as alive).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { runOurs, runReal, stripZapLines, type RunResult } from './harness/run.js';
import { until } from './harness/process.js';
import { etcdProcessesUnder, isAlive } from '../src/io/procs.js';
import type { SandboxState } from '../src/sandbox/sandbox.js';

const T = { timeout: 90_000 };
const show = (r: RunResult) => `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${stripZapLines(r.stderr)}`;
const ok = (r: RunResult, what: string) => assert.equal(r.code, 0, `${what}: ${show(r)}`);
const fails = (r: RunResult, code: number, message: string, what: string) => {
  assert.equal(r.code, code, `${what}: ${show(r)}`);
  assert.ok(r.stderr.toString().includes(message), `${what}: stderr should say ${JSON.stringify(message)}: ${show(r)}`);
};

const sandbox = (sub: string, dir: string, ...more: string[]) => runOurs(['sandbox', sub, '--dir', dir, ...more], { timeoutMs: 40_000 });

/** A fresh empty folder for one test, and what stops everything started in it when the test ends. */
function tempDir(t: TestContext): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'etcdctl-ts-sandbox-test-'));
  t.after(async () => {
    try {
      if (fs.existsSync(dir)) await sandbox('down', dir);
    } finally {
      for (const p of etcdProcessesUnder(dir)) {
        try {
          process.kill(p.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
  return dir;
}

/** The variables of `export NAME=value` lines (values as shellQuote writes them); fails on any other line. */
function parseExports(stdout: string): Record<string, string> {
  const env: Record<string, string> = {};
  assert.ok(stdout.endsWith('\n'), `export lines end with a newline: ${JSON.stringify(stdout)}`);
  for (const line of stdout.slice(0, -1).split('\n')) {
    const m = /^export (ETCDCTL_[A-Z_]+)=(.+)$/.exec(line);
    assert.ok(m, `stdout holds only export lines: ${JSON.stringify(line)}`);
    let value = m[2];
    const quoted = /^'((?:[^']|'\\'')*)'$/.exec(value);
    if (quoted) value = quoted[1].replace(/'\\''/g, `'`);
    else assert.match(value, /^[A-Za-z0-9_@%+=:,./-]+$/, `an unquoted value is one shell word: ${line}`);
    env[m[1]] = value;
  }
  return env;
}

function readState(dir: string): SandboxState {
  return JSON.parse(fs.readFileSync(path.join(dir, 'sandbox.json'), 'utf8')) as SandboxState;
}

function assertNoEtcdUnder(dir: string, pids: number[]): void {
  assert.deepEqual(etcdProcessesUnder(dir).map((p) => p.pid), [], `no etcd left under ${dir}`);
  for (const pid of pids) assert.equal(isAlive(pid), false, `pid ${pid} is gone`);
}

test('one member: up prints export lines that etcdctl uses; env, status, a second up, a stale pid, down', T, async (t) => {
  const dir = tempDir(t);

  const up = await sandbox('up', dir);
  ok(up, 'sandbox up');
  const upOut = up.stdout.toString();
  const env = parseExports(upOut);
  assert.deepEqual(Object.keys(env), ['ETCDCTL_API', 'ETCDCTL_ENDPOINTS']);
  assert.equal(env.ETCDCTL_API, '3');
  assert.match(env.ETCDCTL_ENDPOINTS, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.ok(up.stderr.toString().includes(`Started a sandbox etcd: 1 member in ${dir}\n`), show(up));
  const state = readState(dir);
  assert.deepEqual(state.members.map((m) => [m.name, m.clientURL, m.dataDir, m.logFile]),
    [['default', env.ETCDCTL_ENDPOINTS, path.join(dir, 'default', 'data'), path.join(dir, 'default', 'etcd.log')]]);
  const pid = state.members[0].pid!;
  assert.ok(isAlive(pid), `member pid ${pid} runs`);

  // The real etcdctl, with these variables and no other ETCDCTL_* ones (runReal starts from a clean environment).
  const put = await runReal(['put', 'k', 'v'], { env });
  ok(put, 'etcdctl put');
  assert.equal(put.stdout.toString(), 'OK\n');
  const get = await runReal(['get', 'k'], { env });
  ok(get, 'etcdctl get');
  assert.equal(get.stdout.toString(), 'k\nv\n');
  const list = await runReal(['member', 'list'], { env });
  ok(list, 'etcdctl member list');
  assert.match(list.stdout.toString(), new RegExp(`^[0-9a-f]+, started, default, http://127\\.0\\.0\\.1:\\d+, ${env.ETCDCTL_ENDPOINTS}, false\\n$`));
  const ours = await runOurs(['get', 'k'], { env });
  ok(ours, 'etcdctl-ts get');
  assert.equal(ours.stdout.toString(), 'k\nv\n');

  const envCmd = await sandbox('env', dir);
  ok(envCmd, 'sandbox env');
  assert.equal(envCmd.stdout.toString(), upOut, 'env prints the lines up printed');
  assert.equal(envCmd.stderr.toString(), '', 'env of a running sandbox has nothing to add');

  const st = await sandbox('status', dir);
  ok(st, 'sandbox status');
  assert.match(st.stdout.toString(), new RegExp(`\\| default \\| ${pid} \\| ${env.ETCDCTL_ENDPOINTS} \\| .* \\| healthy \\|`));

  const again = await sandbox('up', dir);
  fails(again, 1, `a sandbox is already running in ${dir}`, 'a second up');
  assert.equal(again.stdout.toString(), '', 'a refused up prints no export lines');
  assert.equal(readState(dir).members[0].pid, pid, 'a refused up leaves the state alone');

  // A stale pid: the member dies behind the sandbox's back; up starts it again on its data.
  process.kill(pid, 'SIGKILL');
  await until(`pid ${pid} to die`, () => !isAlive(pid));
  const restart = await sandbox('up', dir);
  ok(restart, 'up over a stale pid');
  assert.ok(restart.stderr.toString().includes(`default: pid ${pid} is not running (a stale pid): starting it again on ${path.join(dir, 'default', 'data')}\n`), show(restart));
  assert.ok(restart.stderr.toString().includes(`Restarted a sandbox etcd: 1 member in ${dir}\n`), show(restart));
  assert.equal(restart.stdout.toString(), upOut, 'the restarted member has the same endpoint');
  const newPid = readState(dir).members[0].pid!;
  assert.notEqual(newPid, pid);
  assert.ok(isAlive(newPid), `restarted pid ${newPid} runs`);
  const kept = await runReal(['get', 'k'], { env });
  ok(kept, 'etcdctl get after the restart');
  assert.equal(kept.stdout.toString(), 'k\nv\n', 'the key written before the restart is still there');

  const down = await sandbox('down', dir);
  ok(down, 'sandbox down');
  assert.equal(down.stdout.toString(), '');
  assert.equal(down.stderr.toString(), `stopped default (pid ${newPid})\nremoved ${dir}\n`);
  assert.equal(fs.existsSync(dir), false, 'down removes the folder');
  assertNoEtcdUnder(dir, [pid, newPid]);

  fails(await sandbox('down', dir), 1, `no sandbox in ${dir}`, 'a second down');
});

test('three members with TLS: kubeadm-layout certificates, client certificates required, down --keep then down', T, async (t) => {
  const dir = tempDir(t);

  const up = await sandbox('up', dir, '--members', '3', '--tls');
  ok(up, 'sandbox up --members 3 --tls');
  const env = parseExports(up.stdout.toString());
  const pki = path.join(dir, 'pki', 'etcd');
  assert.deepEqual(env, {
    ETCDCTL_API: '3',
    ETCDCTL_ENDPOINTS: env.ETCDCTL_ENDPOINTS,
    ETCDCTL_CACERT: path.join(pki, 'ca.crt'),
    ETCDCTL_CERT: path.join(pki, 'healthcheck-client.crt'),
    ETCDCTL_KEY: path.join(pki, 'healthcheck-client.key'),
  });
  assert.deepEqual(Object.keys(env), ['ETCDCTL_API', 'ETCDCTL_ENDPOINTS', 'ETCDCTL_CACERT', 'ETCDCTL_CERT', 'ETCDCTL_KEY']);
  const endpoints = env.ETCDCTL_ENDPOINTS.split(',');
  assert.equal(endpoints.length, 3);
  for (const e of endpoints) assert.match(e, /^https:\/\/127\.0\.0\.1:\d+$/);
  for (const f of ['ca.crt', 'server.crt', 'server.key', 'peer.crt', 'peer.key', 'healthcheck-client.crt', 'healthcheck-client.key']) {
    assert.ok(fs.statSync(path.join(pki, f)).size > 0, `${f} is there`);
  }
  const state = readState(dir);
  assert.deepEqual(state.members.map((m) => m.name), ['infra0', 'infra1', 'infra2']);
  const pids = state.members.map((m) => m.pid!);

  const list = await runReal(['member', 'list'], { env });
  ok(list, 'etcdctl member list');
  const rows = list.stdout.toString().trimEnd().split('\n').map((l) => l.split(', ')).sort((a, b) => a[2].localeCompare(b[2]));
  assert.deepEqual(rows.map((r) => r[2]), ['infra0', 'infra1', 'infra2'], list.stdout.toString());
  rows.forEach((r, i) => {
    assert.equal(r[1], 'started');
    assert.match(r[3], /^https:\/\/127\.0\.0\.1:\d+$/, 'peer URL');
    assert.equal(r[4], endpoints[i], 'client URL');
  });

  const health = await runReal(['endpoint', 'health'], { env });
  ok(health, 'etcdctl endpoint health');
  for (const e of endpoints) assert.ok(`${health.stdout}${health.stderr}`.includes(`${e} is healthy`), show(health));

  // Only the CA: the members ask for a client certificate, and refuse a client without one.
  // The same command with the certificate answers, so the timeouts are not what fails it.
  const fast = ['--dial-timeout=1s', '--command-timeout=2s'];
  const withCert = await runReal(['get', 'k', ...fast], { env });
  ok(withCert, 'etcdctl get with the client certificate');
  const noCert = await runReal(['get', 'k', ...fast], {
    env: { ETCDCTL_API: '3', ETCDCTL_ENDPOINTS: env.ETCDCTL_ENDPOINTS, ETCDCTL_CACERT: env.ETCDCTL_CACERT },
  });
  assert.notEqual(noCert.code, 0, `etcdctl without a client certificate is refused: ${show(noCert)}`);
  assert.equal(noCert.stdout.toString(), '');
  const logs = state.members.map((m) => fs.readFileSync(m.logFile, 'utf8')).join('');
  assert.match(logs, /"msg":"rejected connection".*"error":"tls: client didn't provide a certificate"/, 'a member logs why it refused');

  const keep = await sandbox('down', dir, '--keep');
  ok(keep, 'sandbox down --keep');
  assert.equal(keep.stderr.toString(), `${state.members.map((m) => `stopped ${m.name} (pid ${m.pid})\n`).join('')}kept ${dir}\n`);
  assertNoEtcdUnder(dir, pids);
  for (const m of state.members) assert.ok(fs.existsSync(path.join(dir, m.name, 'data', 'member')), `${m.name}'s data dir is kept`);
  assert.ok(fs.existsSync(path.join(pki, 'ca.crt')), 'the certificates are kept');

  // A kept sandbox is still a sandbox: status reports its members stopped (exit 1), and down removes it.
  const st = await sandbox('status', dir);
  assert.equal(st.code, 1, show(st));
  assert.equal(st.stdout.toString().match(/\| not running \|/g)?.length, 3, show(st));
  const down = await sandbox('down', dir);
  ok(down, 'sandbox down of the kept folder');
  assert.equal(down.stderr.toString(), `no sandbox process was running\nremoved ${dir}\n`);
  assert.equal(fs.existsSync(dir), false, 'the kept folder is removed');
});

test('bad input starts nothing: --members 2, a folder that holds something else, env and status of no sandbox', T, async (t) => {
  const empty = tempDir(t);
  const r2 = await sandbox('up', empty, '--members', '2');
  fails(r2, 128, '--members takes 1 or 3, not 2', 'up --members 2');
  assert.equal(r2.stdout.toString(), '');
  assert.deepEqual(fs.readdirSync(empty), [], '--members 2 writes nothing');

  const busy = tempDir(t);
  fs.writeFileSync(path.join(busy, 'notes.txt'), 'mine\n');
  const rb = await sandbox('up', busy);
  fails(rb, 1, `${busy} is not empty and holds no sandbox`, 'up on a non-empty folder');
  assert.equal(rb.stdout.toString(), '');
  assert.deepEqual(fs.readdirSync(busy), ['notes.txt'], 'the folder is left as it was');
  assert.equal(fs.readFileSync(path.join(busy, 'notes.txt'), 'utf8'), 'mine\n');

  for (const sub of ['env', 'status']) {
    const r = await sandbox(sub, empty);
    fails(r, 1, `no sandbox in ${empty}`, `sandbox ${sub} of an empty folder`);
    assert.equal(r.stdout.toString(), '', `sandbox ${sub} prints nothing on stdout`);
  }
  assert.deepEqual(fs.readdirSync(empty), []);
  assertNoEtcdUnder(empty, []);
  assertNoEtcdUnder(busy, []);
});
