// End-to-end tests of connections: TLS (server and client certificates), the connection failures
// users hit most (and the extra line ours prints to explain them), authentication, and failover
// in a 3-member cluster. The real etcdctl runs beside ours where the outputs are comparable.
//
// Known intended differences of ours (not flagged): after `Error: context deadline exceeded` for
// a connection failure ours prints ONE more stderr line naming the cause; ours fails fast on a
// refused connection instead of waiting for the 5 s command timeout. Failures are therefore
// checked as: first stderr line equal to etcdctl's, exit 1, the second line names the cause, and
// the whole run takes at most a couple of seconds with --dial-timeout=1s. The real etcdctl is run
// with --command-timeout=1s beside it to confirm its first line and exit code.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import { startCluster, startEtcd, type EtcdHandle } from './harness/etcd.js';
import { getFreePort } from './harness/ports.js';
import { runOurs, runReal, stripZapLines, type RunOptions, type RunResult } from './harness/run.js';

const T = { timeout: 60000 };
/** "A couple of seconds": the bound for any failure with --dial-timeout=1s. */
const FAIL_FAST_MS = 2500;

function show(r: RunResult): string {
  return `exit=${r.code}${r.timedOut ? ' TIMED OUT' : ''} (${r.durationMs} ms)\n--- stdout ---\n${r.stdout.toString('utf8')}\n--- stderr ---\n${r.stderr.toString('utf8')}`;
}

/** Real and ours with the same arguments: equal stdout bytes, zap-stripped stderr and exit code. */
async function cmp(t: TestContext, args: string[], opts: RunOptions & { parallel?: boolean } = {}): Promise<{ real: RunResult; ours: RunResult }> {
  const { parallel, ...runOpts } = opts;
  let real: RunResult;
  let ours: RunResult;
  if (parallel) [real, ours] = await Promise.all([runReal(args, runOpts), runOurs(args, runOpts)]);
  else {
    real = await runReal(args, runOpts);
    ours = await runOurs(args, runOpts);
  }
  const view = (r: RunResult) => ({ stdout: r.stdout.toString('utf8'), stderr: stripZapLines(r.stderr), code: r.code });
  const a = view(ours);
  const b = view(real);
  if (!(a.stdout === b.stdout && a.stderr === b.stderr && a.code === b.code)) {
    for (const line of [`args: ${JSON.stringify(args)}`, `=== real etcdctl: ${show(real)}`, `=== etcdctl-ts: ${show(ours)}`].join('\n').split('\n')) {
      t.diagnostic(line);
    }
  }
  assert.deepStrictEqual(a, b, `etcdctl-ts differs from etcdctl for ${JSON.stringify(args)} (actual = ours, expected = real)`);
  assert.ok(ours.stdout.equals(real.stdout), 'stdout bytes differ');
  return { real, ours };
}

/**
 * A connection failure: ours (with --dial-timeout=1s) must print `Error: context deadline
 * exceeded`, then one line matching `cause`, exit 1, quickly. The real etcdctl (with
 * --command-timeout=1s, it has no fast path) runs at the same time to confirm line 1 and exit 1.
 */
async function connectionFailure(t: TestContext, args: string[], cause: RegExp, notCause?: RegExp): Promise<RunResult> {
  const [real, ours] = await Promise.all([
    runReal(['--command-timeout=1s', ...args]),
    runOurs(['--dial-timeout=1s', ...args]),
  ]);
  const lines = ours.stderr.toString('utf8').split('\n');
  t.diagnostic(`ours: ${show(ours)}`);
  t.diagnostic(`real: ${show(real)}`);
  assert.equal(stripZapLines(real.stderr), 'Error: context deadline exceeded\n', 'the real etcdctl fails this way (test premise)');
  assert.equal(real.code, 1, 'the real etcdctl exits 1 (test premise)');
  assert.equal(ours.stdout.toString('utf8'), '');
  assert.equal(lines[0], 'Error: context deadline exceeded', 'first stderr line');
  assert.equal(lines.length, 3, `exactly one explanatory line after the error; stderr: ${JSON.stringify(ours.stderr.toString('utf8'))}`);
  assert.match(lines[1], cause, 'the second line names the cause');
  if (notCause) assert.doesNotMatch(lines[1], notCause, 'the second line names the wrong cause');
  assert.equal(ours.code, 1);
  assert.ok(ours.durationMs < FAIL_FAST_MS, `reported after ${ours.durationMs} ms (want < ${FAIL_FAST_MS} ms with --dial-timeout=1s)`);
  return ours;
}

// ---------------------------------------------------------------------------------------------

describe('TLS', () => {
  let tlsSrv: EtcdHandle;
  let plainSrv: EtcdHandle; // a plaintext server (TLS client -> plaintext server)
  let url = ''; // https://127.0.0.1:PORT
  let hostPort = ''; // 127.0.0.1:PORT
  let peerHostPort = '';
  let ca = '';
  let cert = '';
  let key = '';
  let otherCa = '';

  before(async () => {
    [tlsSrv, plainSrv] = await Promise.all([startEtcd({ tls: true }), startEtcd()]);
    url = tlsSrv.clientUrls[0];
    hostPort = tlsSrv.endpoints[0];
    peerHostPort = tlsSrv.peerUrls[0].replace(/^\w+:\/\//, '');
    const c = tlsSrv.certs!;
    ca = c.ca;
    cert = c.clientCert;
    key = c.clientKey;
    otherCa = c.otherCa;
  });

  after(async () => {
    await Promise.all([tlsSrv?.stop(), plainSrv?.stop()]);
  });

  const tlsFlags = () => [`--cacert=${ca}`, `--cert=${cert}`, `--key=${key}`];

  test('put/get with --cacert/--cert/--key and an https:// endpoint', T, async (t) => {
    await cmp(t, [`--endpoints=${url}`, ...tlsFlags(), 'put', 'tls/k', 'v1']);
    await cmp(t, [`--endpoints=${url}`, ...tlsFlags(), 'get', 'tls/k']);
    await cmp(t, [`--endpoints=${url}`, ...tlsFlags(), 'get', 'tls/k', '-w', 'json'], { parallel: true });
  });

  test('bare host:port with the certificate flags uses TLS', T, async (t) => {
    await cmp(t, [`--endpoints=${hostPort}`, ...tlsFlags(), 'put', 'tls/bare', 'v']);
    await cmp(t, [`--endpoints=${hostPort}`, ...tlsFlags(), 'get', 'tls/', '--prefix'], { parallel: true });
  });

  test('the server certificate also works as a client certificate', T, async (t) => {
    const c = tlsSrv.certs!;
    await cmp(t, [`--endpoints=${url}`, `--cacert=${ca}`, `--cert=${c.serverCert}`, `--key=${c.serverKey}`, 'get', 'tls/k'], { parallel: true });
  });

  test('--insecure-skip-tls-verify with --cert/--key and no --cacert', T, async (t) => {
    await cmp(t, [`--endpoints=${url}`, '--insecure-skip-tls-verify', `--cert=${cert}`, `--key=${key}`, 'get', 'tls/k'], { parallel: true });
    await cmp(t, [`--endpoints=${hostPort}`, '--insecure-skip-tls-verify', `--cert=${cert}`, `--key=${key}`, 'get', 'tls/k'], { parallel: true });
  });

  test('an http:// endpoint means plaintext even with certificate flags (client/v3 drops TLS for http://)', T, async (t) => {
    // etcd's client (3.4 and 3.5: credentialsForEndpoint / processCreds) uses no TLS for an
    // http:// endpoint whatever --cacert/--cert/--key say, so this works against a plaintext server.
    await cmp(t, [`--endpoints=${plainSrv.clientUrls[0]}`, ...tlsFlags(), 'put', 'plain/k', 'v']);
    await cmp(t, [`--endpoints=${plainSrv.clientUrls[0]}`, ...tlsFlags(), 'get', 'plain/k'], { parallel: true });
  });

  test('etcd also serves gRPC on its (plaintext) peer port: http://<peer> works', T, async (t) => {
    await cmp(t, [`--endpoints=${tlsSrv.peerUrls[0]}`, 'get', 'tls/k'], { parallel: true });
    await cmp(t, [`--endpoints=${tlsSrv.peerUrls[0]}`, ...tlsFlags(), 'get', 'tls/k'], { parallel: true });
  });

  // --- failures -----------------------------------------------------------------------------

  test('plaintext client -> TLS server: the hint says the server speaks TLS', T, async (t) => {
    await connectionFailure(t, [`--endpoints=${hostPort}`, 'get', 'tls/k'], /TLS|https:\/\//, /refused|resolve/i);
    await connectionFailure(t, [`--endpoints=http://${hostPort}`, 'get', 'tls/k'], /TLS|https:\/\//, /refused|resolve/i);
  });

  test('TLS client -> plaintext server: the hint says the server does not speak TLS', T, async (t) => {
    await connectionFailure(t, [`--endpoints=${plainSrv.endpoints[0]}`, ...tlsFlags(), 'get', 'k'],
      /(does not|doesn't) speak TLS|not (a )?TLS|plaintext|plain-text|http:\/\//i, /client certificate|peer port/i);
  });

  test('unknown CA: the hint names the CA / --cacert', T, async (t) => {
    await connectionFailure(t, [`--endpoints=${url}`, `--cacert=${otherCa}`, `--cert=${cert}`, `--key=${key}`, 'get', 'tls/k'],
      /CA|--cacert/, /client certificate/i);
  });

  test('https:// with no TLS flags: the server certificate is not trusted (system roots)', T, async (t) => {
    await connectionFailure(t, [`--endpoints=${url}`, 'get', 'tls/k'], /CA|--cacert|certificate/i);
  });

  test('no client certificate when the server requires one: the hint asks for --cert/--key', T, async (t) => {
    await connectionFailure(t, [`--endpoints=${url}`, `--cacert=${ca}`, 'get', 'tls/k'], /client certificate|--cert/i, /did not answer|timeout/i);
  });

  test('client certificate signed by another CA: the hint says it was rejected', T, async (t) => {
    const c = tlsSrv.certs!;
    await connectionFailure(t, [`--endpoints=${url}`, `--cacert=${ca}`, `--cert=${c.otherClientCert}`, `--key=${c.otherClientKey}`, 'get', 'tls/k'],
      /client certificate|--cert/i, /did not answer|timeout/i);
  });

  test('peer port instead of the client port (TLS flags, plaintext peer port): the hint names the peer port', T, async (t) => {
    await connectionFailure(t, [`--endpoints=${peerHostPort}`, ...tlsFlags(), 'get', 'tls/k'], /peer port|2380/i);
  });

  test("TLS peer port with client-cert auth (kubeadm's :2380), all three cert flags given: the hint names the peer port and the member's client URL", T, async (t) => {
    // A sandbox made as kubeadm makes a member: TLS on both ports, client certificates required on both.
    const { up, down } = await import('../src/sandbox/sandbox.js');
    const { pkiPaths } = await import('../src/sandbox/pki.js');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conn-kubeadm-'));
    t.after(() => down({ dir }).catch(() => fs.rmSync(dir, { recursive: true, force: true })));
    const { state } = await up({ dir, tls: true, env: process.env });
    const m = state.members[0];
    const pki = pkiPaths(dir);
    const flags = [`--cacert=${pki.ca}`, `--cert=${pki.client}`, `--key=${pki.clientKey}`];
    const cause = new RegExp(`^127\\.0\\.0\\.1:${m.peerPort} is etcd's peer port .*use a client URL in --endpoints; this member's: https://127\\.0\\.0\\.1:${m.clientPort}\\.$`);
    await connectionFailure(t, [`--endpoints=${m.peerURL}`, ...flags, 'get', 'k'], cause, /closed the TLS connection|pass --cert/);
    await connectionFailure(t, [`--endpoints=127.0.0.1:${m.peerPort}`, ...flags, 'get', 'k'], cause);
    // The same flags on the client URL work.
    const ok = await runOurs([`--endpoints=${m.clientURL}`, ...flags, 'get', 'k']);
    assert.equal(ok.code, 0, show(ok));
  });

  test('refused port: the hint says connection refused', T, async (t) => {
    const port = await getFreePort();
    const r = await connectionFailure(t, [`--endpoints=127.0.0.1:${port}`, 'get', 'k'], /refused/i);
    assert.ok(r.durationMs < 1500, `refused connections fail fast: ${r.durationMs} ms`);
  });

  test('--cacert naming a missing file: exit 128', T, async (t) => {
    const { ours } = await cmp(t, [`--endpoints=${url}`, '--cacert=/nonexistent', 'get', 'k'], { parallel: true });
    assert.equal(ours.stderr.toString('utf8'), 'Error: open /nonexistent: no such file or directory\n');
    assert.equal(ours.code, 128);
    await cmp(t, [`--endpoints=${url}`, `--cacert=${ca}`, '--cert=/nonexistent', `--key=${key}`, 'get', 'k'], { parallel: true });
  });

  test('certificate and key files etcdctl refuses before dialling: its words, exit 128', T, async (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'etcdctl-ts-tlsfiles-'));
    try {
      const file = (name: string, text: string) => {
        fs.writeFileSync(path.join(dir, name), text);
        return path.join(dir, name);
      };
      const junk = file('junk.txt', 'not PEM at all\n');
      const empty = file('empty.txt', '');
      const rsaKey = path.join(dir, 'rsa.key');
      execFileSync('openssl', ['genrsa', '-out', rsaKey, '2048'], { stdio: 'ignore' });
      const both = file('both.pem', fs.readFileSync(cert, 'utf8') + fs.readFileSync(key, 'utf8'));
      const cases: [string, string[]][] = [
        ['tls: private key does not match public key', [`--cert=${cert}`, `--key=${tlsSrv.certs!.serverKey}`]],
        ['tls: private key type does not match public key type', [`--cert=${cert}`, `--key=${rsaKey}`]],
        ['tls: failed to find certificate PEM data in certificate input, but did find a private key; PEM inputs may have been switched', [`--cert=${key}`, `--key=${key}`]],
        ['tls: failed to find any PEM data in certificate input', [`--cert=${junk}`, `--key=${key}`]],
        ['tls: failed to find any PEM data in certificate input', [`--cert=${empty}`, `--key=${key}`]],
        ['tls: failed to find any PEM data in key input', [`--cert=${cert}`, `--key=${junk}`]],
        ['tls: found a certificate rather than a key in the PEM for the private key', [`--cert=${cert}`, `--key=${cert}`]],
        ['x509: malformed tbs certificate', [`--cacert=${key}`]],
        [`read ${dir}: is a directory`, [`--cacert=${dir}`]],
        [`read ${dir}: is a directory`, [`--cert=${dir}`, `--key=${key}`]],
        // The pair is checked before the CA file is read.
        ['tls: failed to find any PEM data in key input', [`--cacert=/nonexistent`, `--cert=${cert}`, `--key=${junk}`]],
      ];
      for (const [message, flags] of cases) {
        const { ours } = await cmp(t, [`--endpoints=${url}`, ...flags, 'get', 'k'], { parallel: true });
        assert.equal(ours.stderr.toString('utf8'), `Error: ${message}\n`);
        assert.equal(ours.code, 128);
      }
      // A file with both in it serves as either; a CA file without PEM blocks trusts nothing.
      const ok = await runOurs([`--endpoints=${url}`, `--cacert=${ca}`, `--cert=${both}`, `--key=${both}`, 'get', 'k']);
      assert.equal(ok.code, 0, show(ok));
      await connectionFailure(t, [`--endpoints=${url}`, `--cacert=${junk}`, 'get', 'k'], /not signed by a CA we trust/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('empty --cert= / --key= / --cacert=: exit 128', T, async (t) => {
    const { ours } = await cmp(t, [`--endpoints=${url}`, '--cert=', 'get', 'k'], { parallel: true });
    assert.equal(ours.stderr.toString('utf8'), 'Error: empty string is passed to --cert option\n');
    assert.equal(ours.code, 128);
    await cmp(t, [`--endpoints=${url}`, '--key=', 'get', 'k'], { parallel: true });
    await cmp(t, [`--endpoints=${url}`, '--cacert=', 'get', 'k'], { parallel: true });
  });
});

// ---------------------------------------------------------------------------------------------

describe('endpoints and timeouts that etcdctl takes but cannot use', () => {
  let srv: EtcdHandle;
  before(async () => {
    srv = await startEtcd();
  });
  after(async () => {
    await srv?.stop();
  });

  test('--endpoints= (none at all): "etcdclient: no available endpoints", exit 2', T, async () => {
    const args = ['--endpoints=', 'get', 'k'];
    const [real, ours] = await Promise.all([runReal(args), runOurs(args)]);
    assert.equal(stripZapLines(real.stderr), 'Error: etcdclient: no available endpoints\n', 'test premise');
    const lines = ours.stderr.toString('utf8').split('\n');
    assert.equal(lines[0], 'Error: etcdclient: no available endpoints');
    assert.match(lines[1], /--endpoints is empty/);
    assert.equal(ours.code, real.code);
    assert.equal(ours.code, 2);
  });

  test('endpoints that name nothing to dial fail as a connection does, with the reason', T, async (t) => {
    await connectionFailure(t, ['--endpoints=,', 'get', 'k'], /endpoint is empty/);
    await connectionFailure(t, ['--endpoints=foo://127.0.0.1:2379', 'get', 'k'], /scheme "foo"/);
    await connectionFailure(t, ['--endpoints=http://', 'get', 'k'], /has no host/);
    await connectionFailure(t, ['--endpoints=127.0.0.1:99999', 'get', 'k'], /invalid port/);
    // unix:name is a socket in the current directory, as in etcd's client.
    await connectionFailure(t, ['--endpoints=unix:no-such-socket:0', 'get', 'k'], /^no-such-socket:0 refused the connection/);
    // Beside a usable endpoint, an unusable one is passed over.
    const r = await runOurs([`--endpoints=foo://x,${srv.endpoints[0]}`, 'get', 'k']);
    assert.equal(r.code, 0, show(r));
  });

  test('--command-timeout of 0 or less: the deadline is over before the call (etcdctl); --dial-timeout of 0 or less: none', T, async (t) => {
    const ep = `--endpoints=${srv.endpoints[0]}`;
    await cmp(t, [ep, 'put', 'k', 'v'], { parallel: true });
    for (const d of ['0s', '-1s']) {
      const { ours } = await cmp(t, [ep, `--command-timeout=${d}`, 'get', 'k'], { parallel: true });
      assert.equal(ours.stderr.toString('utf8'), 'Error: context deadline exceeded\n');
      assert.equal(ours.code, 1);
      const ok = await cmp(t, [ep, `--dial-timeout=${d}`, 'get', 'k'], { parallel: true });
      assert.equal(ok.ours.stdout.toString('utf8'), 'k\nv\n');
    }
  });
});

describe('an endpoint that is some other HTTP/2 server', () => {
  test("its answer is named as etcdctl 3.5's gRPC names it (3.5 wording; ours alone)", T, async () => {
    // Not a stand-in for etcd: the server a user reaches by mistake (a proxy's error page, another service).
    const { createServer } = await import('node:http2');
    const server = createServer((req, res) => {
      if (req.url.endsWith('/Range')) {
        res.writeHead(404);
        res.end();
      } else {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html></html>');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const ep = `--endpoints=127.0.0.1:${(server.address() as { port: number }).port}`;
      const notFound = await runOurs([ep, 'get', 'k']);
      assert.equal(notFound.stderr.toString('utf8'), 'Error: rpc error: code = Unimplemented desc = unexpected HTTP status code received from server: 404 (Not Found); malformed header: missing HTTP content-type\n');
      assert.equal(notFound.code, 1);
      const html = await runOurs([ep, 'put', 'k', 'v']);
      assert.equal(html.stderr.toString('utf8'), 'Error: rpc error: code = Unknown desc = transport: received unexpected content-type "text/html"\n');
      assert.equal(html.code, 1);
    } finally {
      server.close();
    }
  });
});

describe('authentication', () => {
  let srv: EtcdHandle;
  let ep = '';

  before(async () => {
    srv = await startEtcd({ auth: true });
    ep = `--endpoints=${srv.clientUrls[0]}`;
  });

  after(async () => {
    await srv?.stop();
  });

  test('--user root:rootpw', T, async (t) => {
    await cmp(t, [ep, '--user', 'root:rootpw', 'put', '/x', '1']);
    await cmp(t, [ep, '--user=root:rootpw', 'get', '/x'], { parallel: true });
    await cmp(t, [ep, '--user=root:rootpw', 'get', '/x', '-w', 'json'], { parallel: true });
  });

  test('--user root --password rootpw', T, async (t) => {
    await cmp(t, [ep, '--user', 'root', '--password', 'rootpw', 'get', '/x'], { parallel: true });
    await cmp(t, [ep, '--user=root', '--password=rootpw', 'put', '/y', '2']);
  });

  test('credentials from ETCDCTL_USER / ETCDCTL_PASSWORD', T, async (t) => {
    await cmp(t, [ep, 'get', '/x'], { parallel: true, env: { ETCDCTL_USER: 'root:rootpw' } });
    await cmp(t, [ep, 'get', '/x'], { parallel: true, env: { ETCDCTL_USER: 'root', ETCDCTL_PASSWORD: 'rootpw' } });
  });

  test('--user without a password asks for it (no terminal: one line from stdin)', T, async () => {
    // etcdctl needs a terminal here (without one it sends an empty password); ours reads the line.
    const ours = await runOurs([ep, '--user', 'root', 'get', '/x'], { stdin: 'rootpw\n' });
    assert.equal(ours.code, 0, ours.stderr.toString());
    assert.equal(ours.stdout.toString(), 'Password: \n/x\n1\n');
  });

  test('wrong password: exit 2', T, async (t) => {
    const { ours } = await cmp(t, [ep, '--user=root:wrong', 'get', '/x'], { parallel: true });
    assert.equal(ours.stderr.toString('utf8'), 'Error: etcdserver: authentication failed, invalid user ID or password\n');
    assert.equal(ours.code, 2);
    await cmp(t, [ep, '--user=nobody:pw', 'put', '/x', '2'], { parallel: true });
  });

  test('no user: "user name is empty", exit 1', T, async (t) => {
    const { ours } = await cmp(t, [ep, 'get', '/x'], { parallel: true });
    assert.equal(ours.stderr.toString('utf8'), 'Error: etcdserver: user name is empty\n');
    assert.equal(ours.code, 1);
    await cmp(t, [ep, 'put', '/x', '3'], { parallel: true });
  });

  test('alice: permission denied outside /app/, allowed inside', T, async (t) => {
    const { ours } = await cmp(t, [ep, '--user=alice:alicepw', 'get', '/x'], { parallel: true });
    assert.equal(ours.stderr.toString('utf8'), 'Error: etcdserver: permission denied\n');
    assert.equal(ours.code, 1);
    await cmp(t, [ep, '--user=alice:alicepw', 'put', '/x', '9'], { parallel: true });
    await cmp(t, [ep, '--user=alice:alicepw', 'del', '/x'], { parallel: true });
    await cmp(t, [ep, '--user=alice', '--password=alicepw', 'put', '/app/a', 'A']);
    await cmp(t, [ep, '--user=alice:alicepw', 'get', '/app/', '--prefix'], { parallel: true });
  });
});

// ---------------------------------------------------------------------------------------------

describe('3-member cluster', () => {
  let cl: EtcdHandle;

  before(async () => {
    cl = await startCluster(3);
  });

  after(async () => {
    await cl?.stop();
  });

  async function waitLeader(): Promise<void> {
    const deadline = Date.now() + 15000;
    while (Date.now() < deadline) {
      if ((await cl.leaderIndex()) >= 0) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('no leader within 15 s');
  }

  test('all three endpoints: put/get, real and ours', T, async (t) => {
    const ep = `--endpoints=${cl.clientUrls.join(',')}`;
    await cmp(t, [ep, 'put', 'cl/k', 'v1']);
    await cmp(t, [ep, 'get', 'cl/k'], { parallel: true });
  });

  test('member 0 stopped: put/get through all three endpoints still succeed (failover)', T, async (t) => {
    t.diagnostic(`leader before stopping member 0: ${await cl.leaderIndex()}`);
    await cl.stopMember(0);
    await waitLeader();
    t.diagnostic(`leader after: ${await cl.leaderIndex()}`);
    const ep = `--endpoints=${cl.clientUrls.join(',')}`;
    const put = await runOurs([ep, 'put', 'cl/failover', 'v2']);
    t.diagnostic(`put: ${show(put)}`);
    assert.equal(put.stdout.toString('utf8'), 'OK\n', `put after failover: ${show(put)}`);
    assert.equal(put.code, 0);
    assert.ok(put.durationMs < FAIL_FAST_MS, `failover took ${put.durationMs} ms`);
    const get = await runOurs([ep, 'get', 'cl/failover']);
    t.diagnostic(`get: ${show(get)}`);
    assert.equal(get.stdout.toString('utf8'), 'cl/failover\nv2\n', `get after failover: ${show(get)}`);
    assert.equal(get.code, 0);
    // the dead member in the middle and at the end of the list too
    for (const order of [[1, 0, 2], [1, 2, 0]]) {
      const e = `--endpoints=${order.map((i) => cl.clientUrls[i]).join(',')}`;
      const g = await runOurs([e, 'get', 'cl/failover', '--print-value-only']);
      assert.equal(g.stdout.toString('utf8'), 'v2\n', `members ${JSON.stringify(order)}: ${show(g)}`);
    }
    // and the real etcdctl agrees on the output
    await cmp(t, [ep, 'get', 'cl/', '--prefix'], { parallel: true });
  });

  test('only the dead member as endpoint: fails with exit 1, connection refused', T, async (t) => {
    await connectionFailure(t, [`--endpoints=${cl.clientUrls[0]}`, 'get', 'cl/k'], /refused/i);
  });

  test('member 0 restarted: reachable again', T, async (t) => {
    await cl.startMember(0);
    await cmp(t, [`--endpoints=${cl.clientUrls[0]}`, 'get', 'cl/failover'], { parallel: true });
  });
});
