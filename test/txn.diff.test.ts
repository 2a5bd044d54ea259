// txn against the real etcdctl. A txn changes the store, so the real etcdctl
// runs against one server and ours against a twin started the same way and
// fed the same commands: both see the same revisions, and only the cluster and
// member IDs differ (masked below).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startEtcd, type EtcdHandle } from './harness/etcd.js';
import { runReal, runOurs, stripZapLines, type RunResult } from './harness/run.js';
import { decode, encode } from '../src/proto/codec.js';

let realServer: EtcdHandle;
let ourServer: EtcdHandle;
const ids = new Map<EtcdHandle, { cluster: string; member: string }>();

async function headerIds(h: EtcdHandle) {
  const r = await runReal([...h.etcdctlArgs(), 'get', 'x', '-w', 'json']);
  const m = /"cluster_id":(\d+),"member_id":(\d+)/.exec(r.stdout.toString());
  assert.ok(m, r.stdout.toString());
  return { cluster: m[1], member: m[2] };
}

/** 3.5 names the txn JSON oneof members in snake_case; the 3.4 binary here uses Go names. */
function as35(text: string): string {
  return text
    .replace(/"ResponsePut":/g, '"response_put":')
    .replace(/"ResponseRange":/g, '"response_range":')
    .replace(/"ResponseDeleteRange":/g, '"response_delete_range":');
}

function masked(text: string, h: EtcdHandle): string {
  const { cluster, member } = ids.get(h)!;
  return text.split(cluster).join('<cluster>').split(member).join('<member>');
}

/** Protobuf output: compare the messages with the header IDs cleared. */
function maskedProtobuf(raw: Buffer): string {
  const msg = decode('etcdserverpb.TxnResponse', raw);
  if (msg.header) {
    msg.header.cluster_id = 0n;
    msg.header.member_id = 0n;
  }
  return encode('etcdserverpb.TxnResponse', msg).toString('hex');
}

interface Both {
  real: RunResult;
  ours: RunResult;
}

/** Runs `txn <args>` with `input` on both servers and checks stdout, stderr and exit code agree. */
async function both(args: string[], input: string, opts: { protobuf?: boolean } = {}): Promise<Both> {
  const real = await runReal([...realServer.etcdctlArgs(), 'txn', ...args], { stdin: input });
  const ours = await runOurs([...ourServer.etcdctlArgs(), 'txn', ...args], { stdin: input });
  const out = (r: RunResult, h: EtcdHandle) => (opts.protobuf && r.code === 0 ? maskedProtobuf(r.stdout) : as35(masked(r.stdout.toString('utf8'), h)));
  assert.deepEqual(
    { stdout: out(ours, ourServer), stderr: stripZapLines(ours.stderr), code: ours.code },
    { stdout: out(real, realServer), stderr: stripZapLines(real.stderr), code: real.code },
    `txn ${args.join(' ')} with input ${JSON.stringify(input)}`,
  );
  return { real, ours };
}

/** Runs a set-up command with the real etcdctl on both servers. */
async function setup(...args: string[]) {
  for (const h of [realServer, ourServer]) {
    const r = await runReal([...h.etcdctlArgs(), ...args]);
    assert.equal(r.code, 0, r.stderr.toString());
  }
}

before(async () => {
  [realServer, ourServer] = await Promise.all([startEtcd(), startEtcd()]);
  for (const h of [realServer, ourServer]) ids.set(h, await headerIds(h));
  await setup('put', 'key1', 'v1');
  await setup('put', 'key2', 'v2');
});

after(async () => {
  await Promise.all([realServer?.stop(), ourServer?.stop()]);
});

const FORMATS = ['simple', 'json', 'fields', 'protobuf'];

test('success branch with put, get and del in every format', { timeout: 60000 }, async () => {
  for (const w of FORMATS) {
    const input = 'mod("key1") > "0"\n\nput key1 "overwrote key1" --prev-kv\nget key --prefix\ndel key2 --prev-kv\n\nput key1 never\n\n';
    const r = await both(['-w', w], input, { protobuf: w === 'protobuf' });
    assert.equal(r.ours.code, 0, r.ours.stderr.toString());
    await setup('put', 'key2', 'v2');
  }
});

test('failure branch, empty txn, compares on every target', { timeout: 60000 }, async () => {
  const cases = [
    'value("key1") = "nomatch"\n\nput key1 x\n\nput key1 "created-key1"\nput key3 "some extra key"\nget key --prefix\n\n',
    '\n\n\n',
    'ver("key1") > "1"\nc("key1") != "0"\nmod("key1") < "999"\nval("key2") = "v2"\n\nget key1 --print-value-only\n\n\n',
    'version("missing") = "0"\ncreate("missing") = "0"\n\nput missing here\n\n\n',
    'value("key1") = `created-key1`\n\nget key1 key3\ndel key3\n\n\n',
  ];
  for (const input of cases) {
    for (const w of ['simple', 'json', 'fields']) {
      const r = await both(['-w', w], input);
      assert.equal(r.ours.code, 0, r.ours.stderr.toString());
      if (input.includes('put missing')) await setup('del', 'missing');
      if (input.includes('put key3')) await setup('del', 'key3');
    }
  }
});

test('interactive prompts', { timeout: 30000 }, async () => {
  const r = await both(['-i'], 'mod("key1") > "0"\n\nget key1\n\n\n');
  assert.ok(r.ours.stdout.toString().startsWith('compares:\nsuccess requests (get, put, del):\nfailure requests (get, put, del):\nSUCCESS\n'));
});

test('bad input: etcdctl messages and exit codes', { timeout: 60000 }, async () => {
  const cases: Array<[string, number]> = [
    ['mod key1 > "0"\n\n\n\n', 3],
    ['mod(key1) > "0"\n\n\n\n', 3],
    ['mod("key1") > 0\n\n\n\n', 3],
    ['bogus("key1") > "0"\n\n\n\n', 3],
    ['mod("key1") > "abc"\n\n\n\n', 3],
    ['mod("key1") > "0"\n\nput key1 v', 3], // no final blank line: EOF
    ['\n\nput\n\n\n', 3],
    ['\n\nbogus a b\n\n\n', 3],
    ['\n\nput onlykey\n\n\n', 128],
    ['\n\nget a b --prefix\n\n\n', 128],
    ['\n\nget a --consistency=x\n\n\n', 4],
    ['\n\nput k1 a\nput k1 b\n\n\n', 1], // duplicate key: the server refuses
  ];
  for (const [input, code] of cases) {
    const r = await both([], input);
    assert.equal(r.ours.code, code, `${JSON.stringify(input)}: ${r.ours.stderr}`);
  }
  const args = await both(['extra'], '\n\n\n');
  assert.equal(args.ours.code, 128);
  const table = await both(['-w', 'table'], '\n\n\n');
  assert.equal(table.ours.code, 4);
});

test('ours only: cases where etcdctl 3.4 crashes or has since been fixed', { timeout: 30000 }, async () => {
  const ours = (input: string) => runOurs([...ourServer.etcdctlArgs(), 'txn'], { stdin: input });
  // An unknown operator crashes etcdctl; here it is an input error.
  const op = await ours('mod("key1") >= "1"\n\n\n\n');
  assert.equal(op.code, 3);
  assert.equal(op.stderr.toString(), 'Error: malformed comparison: mod("key1") >= "1" (unknown operator >=; use =, !=, < or >)\n');
  // Single-quoted arguments keep their whole text (etcdctl 3.4 truncated them).
  const sq = await ours("\nput 'single q' 'a value'\nget 'single q'\n\n\n");
  assert.equal(sq.code, 0, sq.stderr.toString());
  assert.equal(sq.stdout.toString(), 'SUCCESS\n\nOK\n\nsingle q\na value\n');
  // lease("key") compares the key's lease, written in hex.
  const grant = await runReal([...ourServer.etcdctlArgs(), 'lease', 'grant', '100']);
  const id = /lease ([0-9a-f]{16}) granted/.exec(grant.stdout.toString())![1];
  assert.equal((await runReal([...ourServer.etcdctlArgs(), 'put', 'leased', 'v', `--lease=${id}`])).code, 0);
  const hit = await ours(`lease("leased") = "${id}"\n\nget leased\n\n\n`);
  assert.equal(hit.stdout.toString(), 'SUCCESS\n\nleased\nv\n');
  const miss = await ours(`lease("leased") = "1"\n\n\n\n`);
  assert.equal(miss.stdout.toString(), 'FAILURE\n');
  // Flags on one request line do not carry over to the next.
  for (const [k, v] of [['f1', 'a'], ['f2', 'b']]) assert.equal((await runReal([...ourServer.etcdctlArgs(), 'put', k, v])).code, 0);
  const flags = await ours('\nput f1 x --prev-kv\nput f2 y\n\n\n');
  assert.equal(flags.stdout.toString(), 'SUCCESS\n\nOK\nf1\na\n\nOK\n');
});
