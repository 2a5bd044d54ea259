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

/** 1 MiB that `-w fields` and --hex must escape: bytes that are not UTF-8, controls, quotes, and runes of several lengths. */
function mixedValue(i: number): Buffer {
  const unit = Buffer.concat([
    Buffer.from(Array.from({ length: 256 }, (_, j) => ((j + i) * 131) & 255)),
    Buffer.from('é😀\u2028中文\t"\\\n plain text '),
  ]);
  const out = Buffer.alloc(1024 * 1024);
  for (let o = 0; o < out.length; o += unit.length) unit.copy(out, o);
  return out;
}

test('fields and --hex of large values: the same bytes as etcdctl', { timeout: 120_000 }, async () => {
  const c = directClient(srv.clientUrls[0]);
  try {
    for (let i = 0; i < 4; i++) await c.call('KV.Put', { key: Buffer.from(`/mixed/${i}`), value: mixedValue(i) });
  } finally {
    c.close();
  }
  const cases = [
    ['get', '--prefix', '/big/', '-w', 'fields'],
    ['get', '--prefix', '/mixed/', '-w', 'fields'],
    ['get', '--prefix', '/mixed/', '--hex'],
    ['get', '--prefix', '/big/0', '--hex'],
    ['get', '--prefix', '/mixed/', '--hex', '-w', 'fields'],
  ];
  for (const args of cases) {
    const all = [`--endpoints=${srv.endpoints[0]}`, ...args];
    const real = await runReal(all, { timeoutMs: 60_000 });
    const ours = await runOurs(all, { timeoutMs: 60_000 });
    assert.equal(real.code, 0, stripZapLines(real.stderr));
    assert.ok(real.stdout.length > 4 * 1024 * 1024, `${args.join(' ')}: ${real.stdout.length} bytes`);
    assert.deepEqual(digest(ours), digest(real), args.join(' '));
  }
});

test('requests over 2 MiB fail before they are sent, as etcdctl says; a txn of 1.2 MiB with escapes stores the same bytes', { timeout: 60_000 }, async () => {
  const ep = `--endpoints=${srv.endpoints[0]}`;
  // put: the value from stdin, 2 MiB.
  const big = Buffer.alloc(2 * 1024 * 1024, 66);
  const realPut = await runReal([ep, 'put', '/limit/put'], { stdin: big });
  const oursPut = await runOurs([ep, 'put', '/limit/put'], { stdin: big });
  assert.equal(realPut.code, 1);
  assert.match(stripZapLines(realPut.stderr), /trying to send message larger than max/);
  assert.deepEqual(digest(oursPut), digest(realPut));
  // txn: three puts of 700 KiB each.
  const v = 'x'.repeat(700 * 1024);
  const txn3 = `\nput /limit/1 "${v}"\nput /limit/2 "${v}"\nput /limit/3 "${v}"\n\n\n`;
  const realTxn = await runReal([ep, 'txn'], { stdin: txn3 });
  const oursTxn = await runOurs([ep, 'txn'], { stdin: txn3 });
  assert.equal(realTxn.code, 1);
  assert.deepEqual(digest(oursTxn), digest(realTxn));
  const c = directClient(srv.clientUrls[0]);
  try {
    const none = await c.call('KV.Range', { key: Buffer.from('/limit/'), range_end: Buffer.from('/limit0'), count_only: true });
    assert.equal(none.msg.count, 0n);
    // Under the limit: a value of about 1.2 MiB whose literal mixes text and Go escapes.
    const unit = 'text é 😀 \\x00\\xff\\\\\\"\\u2028\\101 ';
    const literal = unit.repeat(55_000);
    const txn = `\nput /limit/txn "${literal}"\nget /limit/txn --keys-only\n\n\n`;
    const stored: Buffer[] = [];
    const outs: RunResult[] = [];
    for (const run of [runReal, runOurs]) {
      await c.call('KV.DeleteRange', { key: Buffer.from('/limit/txn') });
      outs.push(await run([ep, 'txn'], { stdin: txn }));
      const got = await c.call('KV.Range', { key: Buffer.from('/limit/txn') });
      stored.push(got.msg.kvs[0]?.value ?? Buffer.alloc(0));
    }
    assert.equal(outs[0].code, 0, stripZapLines(outs[0].stderr));
    assert.deepEqual(digest(outs[1]), digest(outs[0]));
    assert.ok(stored[0].length > 1024 * 1024, `${stored[0].length} bytes`);
    assert.ok(stored[1].equals(stored[0]), 'the stored values differ');
  } finally {
    c.close();
  }
});
