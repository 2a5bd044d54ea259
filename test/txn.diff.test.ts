// txn against the real etcdctl. A txn changes the store, so the real etcdctl
// runs against one server and ours against a twin started the same way and
// fed the same commands: both see the same revisions, and only the cluster and
// member IDs differ (masked below).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startEtcd, type EtcdHandle } from './harness/etcd.js';
import { spawn } from 'node:child_process';
import { runReal, runOurs, stripZapLines, cleanEnv, OUR_BIN, REAL_ETCDCTL, type RunResult } from './harness/run.js';
import { decodeMessage as decode, encodeMessage as encode } from '../src/proto/registry.js';

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

test('a bad line is reported as soon as it is read, without waiting for the section to end', { timeout: 60000 }, async () => {
  const cases: Array<[string[], string, number]> = [
    [[], 'garbage\n', 3],
    [[], '\nbadop x\n', 3],
    [[], 'mod("a") > "x"\n', 3],
    [[], 'mod("key1") > "0"\nvalue("key1")= "a b"\n', 3],
    [[], '\nput a\n', 128],
    [[], '\nget a b --prefix\n', 128],
    [[], '\n\nput\n', 3],
    [['-i'], 'garbage\n', 3],
    [['-i'], 'mod("key1") > "0"\n\nbadop x\n', 3],
    [['-i'], '\nget key1\n\nput a\n', 128],
  ];
  for (const [args, input, code] of cases) {
    // stdin closed after the input: etcdctl names the bad line, not the missing blank line (EOF).
    const r = await both(args, input);
    assert.equal(r.ours.code, code, `${JSON.stringify(input)}: ${r.ours.stderr}`);
  }
  // stdin left open: etcdctl exits at the bad line all the same.
  for (const [args, input] of [[['-i'], 'garbage\n'], [[], 'mod("key1") > "0"\n\nbadop x\n'], [['-i'], '\nput k "a\\q"\n']] as const) {
    const real = await held(REAL_ETCDCTL, [...realServer.etcdctlArgs(), 'txn', ...args], input);
    const ours = await held(process.execPath, [OUR_BIN, ...ourServer.etcdctlArgs(), 'txn', ...args], input);
    assert.equal(real.exitedBeforeEnd, true, `real etcdctl ${JSON.stringify(input)}`);
    assert.deepEqual(ours, real, JSON.stringify(input));
  }
});

test('put without a value: the value is the rest of stdin, read to its end', { timeout: 60000 }, async () => {
  // stdin open and nothing more comes: both wait; at its end, put's own error.
  const args = (h: EtcdHandle) => [...h.etcdctlArgs(), 'txn'];
  const real = await held(REAL_ETCDCTL, args(realServer), '\nput a\n', { holdMs: 1500 });
  const ours = await held(process.execPath, [OUR_BIN, ...args(ourServer)], '\nput a\n', { holdMs: 1500 });
  assert.equal(real.exitedBeforeEnd, false);
  assert.equal(real.code, 128);
  assert.deepEqual(ours, real);
  // More input after the sections were read: it is the value.
  const steps = { waitFor: 'success requests', then: 'hello', holdMs: 500 };
  const realI = await held(REAL_ETCDCTL, [...args(realServer), '-i'], '\nput heldkey\n\n\n', steps);
  const oursI = await held(process.execPath, [OUR_BIN, ...args(ourServer), '-i'], '\nput heldkey\n\n\n', steps);
  assert.equal(realI.code, 0, realI.stderr);
  assert.deepEqual(oursI, realI);
  for (const h of [realServer, ourServer]) {
    const r = await runReal([...h.etcdctlArgs(), 'get', 'heldkey', '--print-value-only']);
    assert.equal(r.stdout.toString(), 'hello\n');
  }
  // Input all there at once: bufio has read 4096 bytes of it, the value is what is left.
  const big = '\nput heldkey\n\n\n' + 'x'.repeat(5000);
  const r = await both([], big);
  assert.equal(r.ours.code, 0, r.ours.stderr.toString());
  for (const h of [realServer, ourServer]) {
    const g = await runReal([...h.etcdctlArgs(), 'get', 'heldkey', '--print-value-only']);
    assert.equal(g.stdout.length, big.length - 4096 + 1);
  }
  await setup('del', 'heldkey');
});

test('compare lines scan as Go\'s fmt.Sscanf("%q) %s %q") does', { timeout: 60000 }, async () => {
  const lines = [
    'value("key1")= "a b"',
    'value("key1")="v"',
    'value("key1") ="v"',
    'value("k") =',
    'value("k") = v',
    'value("k") = "v',
    'value("k")',
    'value("k"))',
    'value("k")x= "v"',
    'mod("key1"] > "0"',
    'value("\\q") = "v"',
    'value(`k) = "v"',
    'value("key1")  =  "v1"',
    'value("key1")\t=\t"v1"',
    'value("key1")\v=\v"v1"',
    'value("key1")\u00a0=\u00a0"v1"',
    'value("key1")\u2003=\u3000"v1"',
    'value(  "key1") = "v1"',
    'value("key1") = "v1" junk',
    'value("key1") = "v1"junk',
    'value("key1") != `v1` `',
    '\ufeffmod("key1") > "0"',
  ];
  for (const line of lines) await both([], `${line}\n\n\n\n`);
  // U+0085 is a space to Go's TrimSpace: the line is blank.
  const r = await both([], '\u0085\n\n\n');
  assert.equal(r.ours.stdout.toString(), 'SUCCESS\n');
});

test('the client is made before stdin is read: its configuration errors come first', { timeout: 60000 }, async () => {
  for (const flags of [['--cacert=/nonexistent'], ['--cert=/nonexistent'], ['--cert=/etc/hostname', '--key=/etc/hostname']]) {
    const r = await both(flags, 'garbage\n');
    assert.equal(r.ours.code, 128, r.ours.stderr.toString());
  }
  // No endpoints at all: etcdctl cannot make its client (the wording of any hint after the message may differ).
  const real = await runReal(['--endpoints=', 'txn'], { stdin: 'garbage\n' });
  const ours = await runOurs(['--endpoints=', 'txn'], { stdin: 'garbage\n' });
  const first = (b: Buffer) => stripZapLines(b).split('\n')[0];
  assert.deepEqual({ code: ours.code, line: first(ours.stderr) }, { code: real.code, line: first(real.stderr) });
  assert.equal(real.code, 2);
  // Without --user, making the client does not connect: a dead endpoint still lets the bad line be reported.
  const dead = await both(['--endpoints=127.0.0.1:1'], 'garbage\n');
  assert.equal(dead.ours.code, 3);
  // With --user it logs in first: a dead endpoint fails before stdin is read (exit 2).
  const loginArgs = ['--endpoints=127.0.0.1:1', '--dial-timeout=1s', '--user=root:x', 'txn'];
  const realLogin = await runReal(loginArgs, { stdin: 'garbage\n' });
  const oursLogin = await runOurs(loginArgs, { stdin: 'garbage\n' });
  assert.deepEqual({ code: oursLogin.code, line: first(oursLogin.stderr) }, { code: realLogin.code, line: first(realLogin.stderr) });
  assert.equal(realLogin.code, 2);
});

interface Held {
  stdout: string;
  stderr: string;
  code: number | null;
  /** Whether the command ended while its stdin was still open. */
  exitedBeforeEnd: boolean;
}

/**
 * Runs a command with `input` on a stdin that stays open: optionally waits for
 * `waitFor` on stdout and writes `then`; waits up to holdMs for the command to
 * end by itself, then closes stdin and waits for the end.
 */
function held(file: string, args: string[], input: string, opts: { waitFor?: string; then?: string; holdMs?: number } = {}): Promise<Held> {
  const holdMs = opts.holdMs ?? 10000;
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env: cleanEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let exited = false;
    let stdinEnded = false;
    let exitedBeforeEnd = false;
    const timers: NodeJS.Timeout[] = [];
    const endStdin = () => {
      if (exited || stdinEnded) return;
      stdinEnded = true;
      child.stdin.end();
      timers.push(setTimeout(() => child.kill('SIGKILL'), 10000));
    };
    const startHold = () => timers.push(setTimeout(endStdin, holdMs));
    let waiting = opts.waitFor;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (waiting !== undefined && stdout.includes(waiting)) {
        waiting = undefined;
        if (!exited) child.stdin.write(opts.then ?? '');
        startHold();
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdin.on('error', () => {});
    child.once('error', reject);
    child.once('exit', () => {
      exited = true;
      exitedBeforeEnd = !stdinEnded;
    });
    child.once('close', (code) => {
      for (const t of timers) clearTimeout(t);
      child.stdin.destroy();
      resolve({ stdout, stderr: stripZapLines(stderr), code, exitedBeforeEnd });
    });
    child.stdin.write(input);
    if (waiting === undefined) startHold();
    else timers.push(setTimeout(endStdin, 10000));
  });
}
