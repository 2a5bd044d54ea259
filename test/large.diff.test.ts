// Large answers: a range of 64 MiB (64 values of 1 MiB) read with `get --prefix` in several
// formats, against the real etcdctl on the same server. etcd sends such an answer as one gRPC
// message in thousands of HTTP/2 frames; both tools must print it whole, within the default
// --command-timeout.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import { startEtcd, type EtcdHandle } from './harness/etcd.js';
import { runOurs, runReal, stripZapLines, type RunResult } from './harness/run.js';
import { directClient, parallel } from './snapshot.fixtures.js';

let srv: EtcdHandle;

before(async () => {
  srv = await startEtcd({ quotaBackendBytes: 1024 ** 3 });
  const c = directClient(srv.clientUrls[0]);
  try {
    await parallel(Array.from({ length: 64 }, (_, i) => i), 4, (i) =>
      c.call('KV.Put', { key: Buffer.from(`/big/${String(i).padStart(2, '0')}`), value: Buffer.alloc(1024 * 1024, 65 + (i % 26)) }));
  } finally {
    c.close();
  }
});

after(async () => {
  await srv?.stop();
});

/** What to compare without printing 64 MiB when they differ. */
function digest(r: RunResult) {
  return { code: r.code, stdoutBytes: r.stdout.length, stdoutSha256: createHash('sha256').update(r.stdout).digest('hex'), stderr: stripZapLines(r.stderr) };
}

test('get --prefix of 64 MiB: the same bytes as etcdctl, in simple, json and protobuf', { timeout: 120_000 }, async () => {
  for (const w of ['simple', 'json', 'protobuf']) {
    const args = [`--endpoints=${srv.endpoints[0]}`, 'get', '--prefix', '/big/', '-w', w];
    const real = await runReal(args, { timeoutMs: 60_000 });
    const ours = await runOurs(args, { timeoutMs: 60_000 });
    assert.equal(real.code, 0, stripZapLines(real.stderr));
    assert.ok(real.stdout.length > 64 * 1024 * 1024, `${w}: ${real.stdout.length} bytes`);
    assert.deepEqual(digest(ours), digest(real), w);
  }
});
