// Output through pipes: large values arrive whole, and a reader that stops
// early ends us quietly with the status of a SIGPIPE death (141), as etcdctl.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startEtcd, type EtcdHandle } from './harness/etcd.js';
import { runCommand, runOurs, runReal, OUR_BIN, REAL_ETCDCTL } from './harness/run.js';

let server: EtcdHandle;
const big = randomBytes(1_200_000); // binary, and far larger than a pipe's buffer

before(async () => {
  server = await startEtcd();
});

after(async () => {
  await server?.stop();
});

test('a 1.2 MB binary value goes in through stdin and comes out whole, like etcdctl', { timeout: 60000 }, async () => {
  const put = await runOurs([...server.etcdctlArgs(), 'put', 'big'], { stdin: big });
  assert.equal(put.code, 0, put.stderr.toString());
  const ours = await runOurs([...server.etcdctlArgs(), 'get', 'big', '--print-value-only']);
  const real = await runReal([...server.etcdctlArgs(), 'get', 'big', '--print-value-only']);
  assert.equal(ours.stdout.length, big.length + 1);
  assert.ok(ours.stdout.equals(real.stdout));
  assert.ok(ours.stdout.subarray(0, big.length).equals(big));
});

test('a reader that closes early: exit status 141 and nothing on stderr', { timeout: 60000 }, async () => {
  const ep = server.etcdctlArgs().join(' ');
  for (const bin of [`node ${OUR_BIN}`, REAL_ETCDCTL]) {
    const r = await runCommand('bash', ['-c', `${bin} ${ep} get big | head -c 10 >/dev/null; echo "status \${PIPESTATUS[0]}"`]);
    assert.equal(r.stdout.toString(), 'status 141\n', `${bin}: ${r.stderr}`);
    assert.equal(r.stderr.toString().split('\n').filter((l) => l && !l.startsWith('{"level"')).join('\n'), '');
  }
});
