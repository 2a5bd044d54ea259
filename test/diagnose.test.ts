// The cause line printed after "Error: context deadline exceeded", for failures
// that a test cannot provoke on loopback alone (a real name look-up would go to
// the machine's resolver).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diagnose } from '../src/client/diagnose.js';
import { ConnectError, type ConnectOptions } from '../src/client/grpc.js';
import { parseEndpoint } from '../src/client/endpoints.js';

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
