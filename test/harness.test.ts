// Exercises the test harness against real etcd servers with the real etcdctl.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, describe, test } from 'node:test';
import { startCluster, startEtcd, stopAll, type EtcdHandle } from './harness/etcd.js';
import { getFreePorts } from './harness/ports.js';
import { runReal, stripZapLines, type RunResult } from './harness/run.js';

after(stopAll);

const T = { timeout: 60000 };

function out(r: RunResult): string {
  return r.stdout.toString('utf8');
}

function ok(r: RunResult, what: string): void {
  assert.equal(r.code, 0, `${what} failed (exit ${r.code}):\n${r.stderr.toString('utf8')}`);
}

async function timed<T>(label: string, log: (s: string) => void, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  try {
    return await fn();
  } finally {
    log(`${label}: ${(performance.now() - t0).toFixed(0)} ms`);
  }
}

async function putGet(h: EtcdHandle, key: string, value: string): Promise<void> {
  const put = await runReal([...h.etcdctlArgs(), 'put', key, value]);
  ok(put, 'put');
  assert.equal(out(put), 'OK\n');
  const get = await runReal([...h.etcdctlArgs(), 'get', key]);
  ok(get, 'get');
  assert.equal(out(get), `${key}\n${value}\n`);
}

describe('harness', () => {
  test('ports are distinct', async () => {
    const ports = await getFreePorts(8);
    assert.equal(new Set(ports).size, 8);
    const more = await getFreePorts(4);
    for (const p of more) assert.ok(!ports.includes(p));
  });

  test('stripZapLines drops client JSON log lines only', () => {
    const s = '{"level":"warn","ts":"x","msg":"retrying"}\nError: etcdserver: user name is empty\n';
    assert.equal(stripZapLines(Buffer.from(s)), 'Error: etcdserver: user name is empty\n');
    assert.equal(stripZapLines('a\nb'), 'a\nb');
  });

  test('single member: put/get', T, async (t) => {
    const h = await timed('start single', (s) => t.diagnostic(s), () => startEtcd());
    try {
      assert.equal(h.endpoints.length, 1);
      assert.match(h.endpoints[0], /^127\.0\.0\.1:\d+$/);
      assert.match(h.clientUrls[0], /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.ok(fs.existsSync(h.dataDirs[0]));
      await putGet(h, 'foo', 'bar');
    } finally {
      await timed('stop single', (s) => t.diagnostic(s), () => h.stop());
    }
    assert.ok(!fs.existsSync(h.dir), 'temp dir removed');
  });

  test('TLS member: put/get with CA + client cert', T, async (t) => {
    const h = await timed('start tls', (s) => t.diagnostic(s), () => startEtcd({ tls: true }));
    try {
      assert.match(h.clientUrls[0], /^https:\/\//);
      assert.ok(h.certs);
      await putGet(h, 'tls-key', 'tls-value');
      // the server's own cert works as a client cert too (serverAuth+clientAuth)
      const viaServerCert = await runReal([
        `--endpoints=${h.clientUrls[0]}`, `--cacert=${h.certs.ca}`,
        `--cert=${h.certs.serverCert}`, `--key=${h.certs.serverKey}`, 'get', 'tls-key', '--print-value-only',
      ]);
      ok(viaServerCert, 'get with server cert');
      assert.equal(out(viaServerCert), 'tls-value\n');
      // trusting the other CA must fail
      const wrongCa = await runReal([
        `--endpoints=${h.clientUrls[0]}`, `--cacert=${h.certs.otherCa}`,
        `--cert=${h.certs.clientCert}`, `--key=${h.certs.clientKey}`, '--dial-timeout=500ms', '--command-timeout=1s', 'get', 'tls-key',
      ]);
      assert.notEqual(wrongCa.code, 0);
    } finally {
      await timed('stop tls', (s) => t.diagnostic(s), () => h.stop());
    }
  });

  test('auth member: root works, no user fails', T, async (t) => {
    const h = await timed('start auth', (s) => t.diagnostic(s), () => startEtcd({ auth: true }));
    try {
      assert.deepEqual(h.auth, { user: 'root', password: 'rootpw' });
      assert.ok(h.etcdctlArgs().includes('--user=root:rootpw'));
      await putGet(h, '/app/x', 'y');
      const noUser = await runReal([`--endpoints=${h.clientUrls[0]}`, 'get', '/app/x']);
      assert.equal(noUser.code, 1);
      assert.equal(stripZapLines(noUser.stderr), 'Error: etcdserver: user name is empty\n');
      assert.equal(out(noUser), '');
      // alice may read /app/ but not other keys
      const alice = await runReal([`--endpoints=${h.clientUrls[0]}`, '--user=alice:alicepw', 'get', '/app/x', '--print-value-only']);
      ok(alice, 'alice get /app/x');
      assert.equal(out(alice), 'y\n');
      const denied = await runReal([`--endpoints=${h.clientUrls[0]}`, '--user=alice:alicepw', 'put', '/other', 'v']);
      assert.equal(denied.code, 1);
      assert.equal(stripZapLines(denied.stderr), 'Error: etcdserver: permission denied\n');
    } finally {
      await timed('stop auth', (s) => t.diagnostic(s), () => h.stop());
    }
  });

  test('3-member cluster: member list, failover', T, async (t) => {
    const h = await timed('start cluster', (s) => t.diagnostic(s), () => startCluster(3));
    try {
      assert.equal(h.endpoints.length, 3);
      assert.deepEqual(h.memberNames, ['infra0', 'infra1', 'infra2']);
      const list = await runReal([...h.etcdctlArgs(), 'member', 'list']);
      ok(list, 'member list');
      const lines = out(list).split('\n').filter((l) => l !== '');
      assert.equal(lines.length, 3, out(list));
      for (const name of h.memberNames) assert.ok(lines.some((l) => l.includes(`, ${name}, `)), `${name} listed`);
      await putGet(h, 'c', '1');

      const leader = await h.leaderIndex();
      assert.ok(leader >= 0 && leader < 3, `leader index ${leader}`);
      t.diagnostic(`leader: ${h.memberNames[leader]}`);

      await timed('stop member 0', (s) => t.diagnostic(s), () => h.stopMember(0));
      assert.equal(h.isRunning(0), false);
      const put = await runReal([...h.etcdctlArgs(), 'put', 'c', '2']);
      ok(put, 'put with a member down');
      assert.equal(out(put), 'OK\n');
      const get = await runReal([`--endpoints=${h.clientUrls[1]}`, 'get', 'c', '--print-value-only']);
      ok(get, 'get from member 1');
      assert.equal(out(get), '2\n');

      await timed('restart member 0', (s) => t.diagnostic(s), () => h.startMember(0));
      assert.equal(h.isRunning(0), true);
      const get0 = await runReal([`--endpoints=${h.clientUrls[0]}`, 'get', 'c', '--print-value-only']);
      ok(get0, 'get from restarted member 0');
      assert.equal(out(get0), '2\n');
    } finally {
      await timed('stop cluster', (s) => t.diagnostic(s), () => h.stop());
    }
  });
});
