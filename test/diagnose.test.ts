// The cause line printed after "Error: context deadline exceeded", for failures
// that a test cannot provoke on loopback alone (a real name look-up would go to
// the machine's resolver).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diagnose } from '../src/client/diagnose.js';
import { ConnectError, type ConnectOptions } from '../src/client/grpc.js';
import { parseEndpoint } from '../src/client/endpoints.js';
import { caBundleProblem, keyPairProblem } from '../src/client/tlsfiles.js';
import { makeCerts } from './harness/certs.js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const plain: ConnectOptions = { tls: null, dialTimeoutMs: 1000, keepaliveTimeMs: 2000, keepaliveTimeoutMs: 6000 };
const secure: ConnectOptions = { ...plain, tls: { insecureSkipVerify: false } };
const failure = (endpoint: string, code: string, message = code) =>
  new ConnectError(parseEndpoint(endpoint), 'failed', Object.assign(new Error(message), { code }));

test('names that do not resolve', async () => {
  assert.equal(
    await diagnose(failure('no-such-host.invalid:2379', 'ENOTFOUND', 'getaddrinfo ENOTFOUND no-such-host.invalid'), plain),
    'the host name "no-such-host.invalid" could not be resolved: check the host in --endpoints.',
  );
});

test('certificates: unknown CA, wrong name, expired', async () => {
  assert.match(await diagnose(failure('127.0.0.1:2379', 'SELF_SIGNED_CERT_IN_CHAIN'), secure), /not signed by a CA we trust: pass the cluster's CA with --cacert/);
  assert.match(await diagnose(failure('etcd.example:2379', 'ERR_TLS_CERT_ALTNAME_INVALID'), secure), /not valid for the name "etcd.example"/);
  assert.match(await diagnose(failure('127.0.0.1:2379', 'CERT_HAS_EXPIRED'), secure), /outside its validity period/);
});

test('timeouts name --dial-timeout', async () => {
  const err = new ConnectError(parseEndpoint('127.0.0.1:2379'), 'timeout', undefined);
  assert.equal(
    await diagnose(err, { ...plain, dialTimeoutMs: 1500 }),
    '127.0.0.1:2379 did not answer within --dial-timeout=1.5s: check the address and any firewall, or raise --dial-timeout.',
  );
});

test('certificate, key and CA files are judged as Go judges them (no server)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'etcdctl-ts-pki-'));
  try {
    const c = makeCerts(dir);
    const read = (p: string) => readFileSync(p);
    const pem = (type: string) => Buffer.from(`-----BEGIN ${type}-----\nAAAA\n-----END ${type}-----\n`);
    assert.equal(keyPairProblem(read(c.clientCert), read(c.clientKey)), undefined);
    assert.equal(keyPairProblem(Buffer.concat([read(c.clientCert), read(c.clientKey)]), read(c.clientKey)), undefined);
    assert.equal(keyPairProblem(read(c.clientCert), read(c.serverKey)), 'tls: private key does not match public key');
    assert.equal(keyPairProblem(read(c.clientKey), read(c.clientKey)), 'tls: failed to find certificate PEM data in certificate input, but did find a private key; PEM inputs may have been switched');
    assert.equal(keyPairProblem(Buffer.from('x'), read(c.clientKey)), 'tls: failed to find any PEM data in certificate input');
    assert.equal(keyPairProblem(pem('PUBLIC KEY'), read(c.clientKey)), 'tls: failed to find "CERTIFICATE" PEM block in certificate input after skipping PEM blocks of the following types: [PUBLIC KEY]');
    assert.equal(keyPairProblem(read(c.clientCert), Buffer.alloc(0)), 'tls: failed to find any PEM data in key input');
    assert.equal(keyPairProblem(read(c.clientCert), read(c.ca)), 'tls: found a certificate rather than a key in the PEM for the private key');
    assert.equal(keyPairProblem(read(c.clientCert), Buffer.concat([pem('X'), pem('Y')])), 'tls: failed to find PEM block with type ending in "PRIVATE KEY" in key input after skipping PEM blocks of the following types: [X Y]');
    assert.equal(keyPairProblem(read(c.clientCert), pem('EC PRIVATE KEY')), 'tls: failed to parse private key');
    assert.equal(keyPairProblem(pem('CERTIFICATE'), read(c.clientKey)), 'x509: malformed certificate');
    assert.equal(caBundleProblem(Buffer.concat([read(c.ca), read(c.otherCa)])), undefined);
    assert.equal(caBundleProblem(Buffer.from('no PEM here')), undefined);
    assert.equal(caBundleProblem(Buffer.concat([read(c.ca), read(c.caKey)])), 'x509: malformed tbs certificate');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a peer port's answer to GET /members: the client URLs of the member it belongs to", async () => {
  const { peerClientURLs } = await import('../src/client/diagnose.js');
  const body = JSON.stringify([
    { id: 1, name: 'a', peerURLs: ['https://10.0.0.1:2380'], clientURLs: ['https://10.0.0.1:2379'] },
    { id: 2, name: 'b', peerURLs: ['https://10.0.0.2:12380'], clientURLs: ['https://10.0.0.2:2379', 'https://b.example:2379'] },
  ]);
  const answer = (status: string, headers: string, text: string) => `HTTP/1.1 ${status}\r\n${headers}Content-Length: ${text.length}\r\n\r\n${text}`;
  const peer = answer('200 OK', 'Content-Type: application/json\r\nX-Etcd-Cluster-Id: 627f6a4ddf2510ad\r\n', body);
  assert.deepEqual(peerClientURLs(peer, { port: 12380 }), { urls: ['https://10.0.0.2:2379', 'https://b.example:2379'], own: true });
  // Behind a port mapping nothing matches: every member's client URLs.
  assert.deepEqual(peerClientURLs(peer, { port: 443 }), { urls: ['https://10.0.0.1:2379', 'https://10.0.0.2:2379', 'https://b.example:2379'], own: false });
  // A client port (404), any other server (no cluster header), a body that is not the members.
  assert.equal(peerClientURLs(answer('404 Not Found', 'Content-Type: text/plain\r\n', '404 page not found\n'), { port: 2379 }), undefined);
  assert.equal(peerClientURLs(answer('200 OK', 'Content-Type: application/json\r\n', body), { port: 12380 }), undefined);
  assert.deepEqual(peerClientURLs(answer('200 OK', 'X-Etcd-Cluster-Id: 1\r\n', 'not json'), { port: 2380 }), { urls: [], own: false });
  assert.equal(peerClientURLs('HTTP/1.1 200 OK\r\nX-Etcd-Cluster-Id: 1\r\n', { port: 2380 }), undefined, 'headers not complete');
});
