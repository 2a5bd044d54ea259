// Auth tokens that expire while a long-running command works (--auth-token-ttl
// on the server): calls re-authenticate and go on.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startEtcd, type EtcdHandle } from './harness/etcd.js';
import { runReal } from './harness/run.js';
import { killAll, sleep, startLong, until } from './harness/process.js';

let server: EtcdHandle;

before(async () => {
  server = await startEtcd({ auth: true, extraArgs: ['--auth-token-ttl', '1'] });
});

after(async () => {
  killAll();
  await server?.stop();
});

const startOurs = (args: string[]) => startLong('ours', [...server.etcdctlArgs(), ...args]);

test('a lock held past the token\'s life is released on Ctrl-C (the delete re-authenticates)', { timeout: 60000 }, async () => {
  const holder = startOurs(['lock', 'ttl-lock']);
  await until('the lock', () => holder.out.stdout.length > 0);
  await sleep(3500); // the token has expired by now
  holder.child.kill('SIGINT');
  assert.equal(await holder.exited, 0, holder.out.stderr);
  const left = await runReal([...server.etcdctlArgs(), 'get', 'ttl-lock/', '--prefix', '--keys-only']);
  assert.equal(left.stdout.toString(), '');
});

test('a watch goes on after its token expired and the server restarted', { timeout: 60000 }, async () => {
  const w = startOurs(['watch', '/app/ttl', '--prefix']);
  await sleep(1500);
  assert.equal((await runReal([...server.etcdctlArgs(), 'put', '/app/ttl/1', 'a'])).code, 0);
  await until('the first event', () => w.out.stdout.includes('/app/ttl/1'));
  await sleep(2500); // the token expires
  await server.stopMember(0);
  await server.startMember(0);
  await sleep(1500); // the watch comes back with a new token
  assert.equal((await runReal([...server.etcdctlArgs(), 'put', '/app/ttl/2', 'b'])).code, 0);
  await until('the event after the restart', () => w.out.stdout.includes('/app/ttl/2'), 20000);
  w.child.kill('SIGINT');
  await w.exited;
  assert.equal(w.out.stdout, 'PUT\n/app/ttl/1\na\nPUT\n/app/ttl/2\nb\n');
});

test('lease keep-alive goes on renewing after its token expired', { timeout: 60000 }, async () => {
  const grant = await runReal([...server.etcdctlArgs(), 'lease', 'grant', '3']);
  const id = /lease ([0-9a-f]+) granted/.exec(grant.stdout.toString())![1];
  const k = startOurs(['lease', 'keep-alive', id]);
  await until('the first renewal', () => k.out.stdout.includes('keepalived'));
  await sleep(6000); // the token (1 s) is long gone; the lease (3 s) lives only if renewals go on
  const ttl = await runReal([...server.etcdctlArgs(), 'lease', 'timetolive', id]);
  assert.match(ttl.stdout.toString(), new RegExp(`^lease ${id} granted with TTL\\(3s\\), remaining\\([123]s\\)\\n$`));
  k.child.kill('SIGINT');
  assert.equal(await k.exited, 0);
  assert.ok(k.out.stdout.split('\n').filter((l) => l.includes('keepalived')).length >= 4, k.out.stdout);
});
