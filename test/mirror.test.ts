// make-mirror: ours and the real etcdctl mirror the same source at once into two
// destinations; both must end up identical, and print the same count at 30 s.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startEtcd, type EtcdHandle } from './harness/etcd.js';
import { runOurs, runReal, stripZapLines } from './harness/run.js';
import { killAll, sleep, startLong } from './harness/process.js';
import { rewriteKey, txnsFor } from '../commands/mirror.js';

let src: EtcdHandle;
let destOurs: EtcdHandle;
let destReal: EtcdHandle;

before(async () => {
  [src, destOurs, destReal] = await Promise.all([startEtcd(), startEtcd(), startEtcd()]);
});

after(async () => {
  killAll();
  await Promise.all([src?.stop(), destOurs?.stop(), destReal?.stop()]);
});

async function dump(h: EtcdHandle): Promise<string> {
  const r = await runReal([...h.etcdctlArgs(), 'get', '', '--from-key']);
  return r.stdout.toString();
}

test('the key rewrite and the batching by revision', () => {
  assert.deepEqual(rewriteKey(Buffer.from('/mm/a/mm'), Buffer.from('/mm'), Buffer.from('/copy')), Buffer.from('/copy/a/mm'));
  assert.deepEqual(rewriteKey(Buffer.from('k'), Buffer.alloc(0), Buffer.from('/x/')), Buffer.from('/x/k'));
  const kv = (k: string, rev: bigint) => ({ key: Buffer.from(k), value: Buffer.from('v'), mod_revision: rev, create_revision: rev, version: 1n, lease: 0n });
  const events = [{ type: 0, kv: kv('a', 5n), prev_kv: null }, { type: 0, kv: kv('b', 5n), prev_kv: null }, { type: 1, kv: kv('c', 6n), prev_kv: null }, { type: 0, kv: kv('d', 6n), prev_kv: null }, { type: 0, kv: kv('e', 6n), prev_kv: null }];
  assert.equal(txnsFor(events, (k) => k, 128).map((t) => t.length).join(','), '2,3');
  assert.equal(txnsFor(events, (k) => k, 2).map((t) => t.length).join(','), '2,2,1');
});

test('argument errors match etcdctl', { timeout: 30000 }, async () => {
  for (const args of [['make-mirror'], ['make-mirror', 'a', 'b'], ['make-mirror', '--dest-prefix', '/x', '--no-dest-prefix', destOurs.endpoints[0]]]) {
    const real = await runReal([...src.etcdctlArgs(), ...args]);
    const ours = await runOurs([...src.etcdctlArgs(), ...args]);
    assert.deepEqual({ out: ours.stdout.toString(), err: stripZapLines(ours.stderr), code: ours.code }, { out: real.stdout.toString(), err: stripZapLines(real.stderr), code: real.code }, args.join(' '));
  }
});

test('initial copy, then every put and delete, the same as etcdctl makes; the count every 30 s', { timeout: 90000 }, async () => {
  const put = async (k: string, v: string) => assert.equal((await runReal([...src.etcdctlArgs(), 'put', k, v])).code, 0);
  for (let i = 0; i < 5; i++) await put(`/mm/k${i}`, `v${i}`);
  await put('/other', 'not mirrored');
  const args = ['--prefix', '/mm/', '--dest-prefix', '/copy/'];
  const ours = startLong('ours', [...src.etcdctlArgs(), 'make-mirror', ...args, destOurs.clientUrls[0]]);
  const real = startLong('real', [...src.etcdctlArgs(), 'make-mirror', ...args, destReal.clientUrls[0]]);
  await sleep(1500);
  await put('/mm/k9', 'new');
  await put('/mm/k1', 'changed');
  assert.equal((await runReal([...src.etcdctlArgs(), 'del', '/mm/k2'])).code, 0);
  assert.equal((await runReal([...src.etcdctlArgs(), 'txn'], { stdin: '\nput /mm/t1 a\nput /mm/t2 b\ndel /mm/k3\n\n\n' })).code, 0);
  await sleep(1500);
  const mine = await dump(destOurs);
  assert.equal(mine, await dump(destReal));
  assert.equal(mine, '/copy/k0\nv0\n/copy/k1\nchanged\n/copy/k4\nv4\n/copy/k9\nnew\n/copy/t1\na\n/copy/t2\nb\n');
  // 5 copied, then 2 puts, 1 delete and a txn of 3: 11 operations, printed at 30 s.
  const deadline = Date.now() + 40000;
  while (!(ours.out.stdout.includes('\n') && real.out.stdout.includes('\n')) && Date.now() < deadline) await sleep(200);
  assert.equal(ours.out.stdout, '11\n');
  assert.equal(ours.out.stdout, real.out.stdout);
  assert.equal(ours.out.stderr, '');
});

test('SIGINT and SIGTERM: make-mirror dies of the signal as etcdctl does (no handler), leaving no lease behind', { timeout: 60000 }, async () => {
  const leases = async (h: EtcdHandle) => (await runReal([...h.etcdctlArgs(), 'lease', 'list'])).stdout.toString();
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    const prefix = `/${sig}/`;
    const ours = startLong('ours', [...src.etcdctlArgs(), 'make-mirror', '--prefix', prefix, destOurs.clientUrls[0]]);
    const real = startLong('real', [...src.etcdctlArgs(), 'make-mirror', '--prefix', prefix, destReal.clientUrls[0]]);
    // Both are following the changes once a new key reaches both destinations.
    assert.equal((await runReal([...src.etcdctlArgs(), 'put', `${prefix}k`, 'v'])).code, 0);
    const deadline = Date.now() + 15000;
    const has = async (h: EtcdHandle) => (await runReal([...h.etcdctlArgs(), 'get', `${prefix}k`, '--print-value-only'])).stdout.toString() === 'v\n';
    while (!((await has(destOurs)) && (await has(destReal)))) {
      assert.ok(Date.now() < deadline, `the put under ${prefix} did not reach both destinations`);
      await sleep(100);
    }
    ours.child.kill(sig);
    real.child.kill(sig);
    const [oursCode, realCode] = await Promise.all([ours.exited, real.exited]);
    assert.deepEqual(
      { code: oursCode, signal: ours.child.signalCode, out: ours.out.stdout, err: ours.out.stderr },
      { code: realCode, signal: real.child.signalCode, out: real.out.stdout, err: real.out.stderr },
      sig,
    );
    assert.equal(ours.child.signalCode, sig);
    for (const h of [src, destOurs, destReal]) assert.equal(await leases(h), 'found 0 leases\n');
  }
});
