// The lease family against the real etcdctl, on a real server: stdout bytes,
// stderr (zap lines dropped) and exit codes for every command in every format.
// Only what legitimately differs between two runs is masked: the IDs of leases
// each client granted for itself, the remaining seconds of a TTL, and the order
// of a lease's keys (the server lists them from a Go map). The real etcdctl is
// 3.4.23; where 3.5 prints something else (help texts, revoke -w protobuf) the
// real output is turned into 3.5's before comparing, and the test says why.
//
// Then keep-alive as a long-running command (cadence, revoke, Ctrl-C), and a
// keep-alive that must survive losing the member it is connected to.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { startCluster, startEtcd, type EtcdHandle } from './harness/etcd.js';
import { helpPageAs35 } from './harness/help35.js';
import { cleanEnv, OUR_BIN, REAL_ETCDCTL, runOurs, runReal, stripZapLines, type RunResult } from './harness/run.js';

const T = { timeout: 120000 };
const FORMATS = ['simple', 'json', 'fields', 'protobuf', 'table'];
let server: EtcdHandle;

before(async () => {
  server = await startEtcd();
});

after(async () => {
  await server?.stop();
});

const G = () => server.etcdctlArgs();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs the real etcdctl against the server; it must succeed. */
async function realOk(args: string[]): Promise<string> {
  const r = await runReal([...G(), ...args]);
  assert.equal(r.code, 0, `etcdctl ${args.join(' ')}: ${stripZapLines(r.stderr)}`);
  return r.stdout.toString();
}

/** Grants a lease with the real etcdctl; returns its ID in hex. */
async function grant(ttl: number): Promise<string> {
  const m = /^lease ([0-9a-f]{16}) granted/.exec(await realOk(['lease', 'grant', String(ttl)]));
  assert.ok(m, 'lease grant output');
  return m[1];
}

async function revokeAll(): Promise<void> {
  const out = await realOk(['lease', 'list']);
  for (const id of out.split('\n').slice(1).filter(Boolean)) await runReal([...G(), 'lease', 'revoke', id]);
}

// ---- masks ----------------------------------------------------------------------

/** Lease IDs in every format (simple/fields/json). */
function maskIds(s: string): string {
  return s
    .replace(/lease -?[0-9a-f]{15,16}\b/g, 'lease <ID>')
    .replace(/"(ID|id)":-?\d+/g, '"$1":<ID>')
    .replace(/"ID" : -?\d+/g, '"ID" : <ID>');
}

/** The remaining seconds of a lease (timetolive). */
function maskRemaining(s: string): string {
  return s.replace(/remaining\(-?\d+s\)/g, 'remaining(Ns)').replace(/"ttl":-?\d+/g, '"ttl":N').replace(/"TTL" : -?\d+/g, '"TTL" : N');
}

/** The attached keys in a canonical order (the server's order is a Go map's). */
function sortKeys(s: string): string {
  return s
    .replace(/attached keys\(\[([^\]]*)\]\)/g, (_m, ks: string) => `attached keys([${ks.split(' ').sort().join(' ')}])`)
    .replace(/"keys":\[([^\]]*)\]/g, (_m, ks: string) => `"keys":[${ks.split(',').sort().join(',')}]`)
    .replace(/(?:"Key" : .*\n)+/g, (block) => block.split('\n').filter(Boolean).sort().map((l) => l + '\n').join(''));
}

// ---- comparing ------------------------------------------------------------------

interface View {
  stdout: string;
  stderr: string;
  code: number | null;
}

function view(r: RunResult, format: string, mask: (s: string) => string): View {
  // protobuf is binary: compared as hex, never masked.
  const stdout = format === 'protobuf' ? r.stdout.toString('hex') : mask(r.stdout.toString('utf8'));
  return { stdout, stderr: mask(stripZapLines(r.stderr)), code: r.code };
}

function formatOf(args: string[]): string {
  const i = args.findIndex((a) => a === '-w' || a === '--write-out');
  if (i >= 0) return args[i + 1];
  const eq = args.find((a) => a.startsWith('-w=') || a.startsWith('--write-out='));
  return eq ? eq.split('=')[1] : 'simple';
}

/**
 * Real (args `realArgs`) and ours (`oursArgs`, default the same) must print the
 * same, after `mask`. `as35` turns a real 3.4 result into what 3.5 prints.
 */
async function cmp(
  realArgs: string[],
  opts: { ours?: string[]; mask?: (s: string) => string; parallel?: boolean; as35?: (v: View) => View } = {},
): Promise<{ real: RunResult; ours: RunResult }> {
  const oursArgs = opts.ours ?? realArgs;
  const run = () => [runReal([...G(), ...realArgs]), runOurs([...G(), ...oursArgs])] as const;
  let real: RunResult;
  let ours: RunResult;
  if (opts.parallel) [real, ours] = await Promise.all(run());
  else {
    real = await runReal([...G(), ...realArgs]);
    ours = await runOurs([...G(), ...oursArgs]);
  }
  const mask = opts.mask ?? ((s: string) => s);
  const format = formatOf(realArgs);
  let want = view(real, format, mask);
  if (opts.as35) want = opts.as35(want);
  // A help page (asked for, or a usage error's): the page etcdctl-ts prints for that command.
  const helpPage = /^NAME:\n/.test(want.stdout);
  if (helpPage) want = { ...want, stdout: helpPageAs35(want.stdout) };
  assert.deepEqual(view(ours, format, mask), want, `lease: ${oursArgs.join(' ')} (actual = ours, expected = real)`);
  if (!opts.mask && format !== 'protobuf' && !opts.as35 && !helpPage) assert.ok(ours.stdout.equals(real.stdout), `stdout bytes of ${oursArgs.join(' ')}`);
  return { real, ours };
}

// ---- grant ----------------------------------------------------------------------

describe('lease grant', () => {
  test('every format (each client grants its own lease)', T, async () => {
    for (const w of FORMATS) {
      const { ours } = await cmp(['lease', 'grant', '100', '-w', w], { mask: maskIds });
      assert.equal(ours.code, w === 'table' ? 4 : 0, w);
    }
  });

  test('TTL 0 and a negative TTL (after --) get the server\'s minimum', T, async () => {
    await cmp(['lease', 'grant', '0'], { mask: maskIds });
    await cmp(['lease', 'grant', '--', '-5'], { mask: maskIds });
    await cmp(['lease', 'grant', '+7', '-w', 'json'], { mask: maskIds });
  });

  test('bad TTL, -5 taken as a flag, missing or extra argument, too large a TTL', T, async () => {
    for (const args of [['abc'], ['0x5'], ['1.5'], ['99999999999999999999'], ['-5'], [], ['1', '2']]) {
      const { ours } = await cmp(['lease', 'grant', ...args]);
      assert.notEqual(ours.code, 0, args.join(' '));
    }
    const { ours } = await cmp(['lease', 'grant', '9999999999999']);
    assert.equal(ours.stderr.toString(), 'Error: failed to grant lease (etcdserver: too large lease TTL)\n');
    assert.equal(ours.code, 1);
  });
});

// ---- revoke ---------------------------------------------------------------------

/**
 * etcdctl cannot marshal its LeaseRevokeResponse and prints the struct with %v:
 * 3.4's struct has only the header; 3.5's (regenerated protobuf code) has the
 * XXX_NoUnkeyedLiteral, XXX_unrecognized and XXX_sizecache fields after it.
 */
function revokePbAs35(v: View): View {
  return { ...v, stderr: v.stderr.replace(/(clientv3\.LeaseRevokeResponse \(\{.*) \}\)\n/, '$1  {} [] 0})\n') };
}

describe('lease revoke', () => {
  test('every format (each client revokes a lease of its own)', T, async () => {
    for (const w of FORMATS) {
      const a = await grant(100);
      const b = await grant(100);
      const { ours } = await cmp(['lease', 'revoke', a, '-w', w], {
        ours: ['lease', 'revoke', b, '-w', w],
        mask: maskIds,
        as35: w === 'protobuf' ? revokePbAs35 : undefined,
      });
      assert.equal(ours.code, w === 'table' || w === 'protobuf' ? 4 : 0, w);
      // The lease is gone even when the output format fails.
      assert.match(await realOk(['lease', 'timetolive', b]), /already expired/);
    }
  });

  test('a lease with keys: the keys go with it', T, async () => {
    const a = await grant(100);
    const b = await grant(100);
    await realOk(['put', '/lr/a', '1', `--lease=${a}`]);
    await realOk(['put', '/lr/b', '1', `--lease=${b}`]);
    await cmp(['lease', 'revoke', a], { ours: ['lease', 'revoke', b], mask: maskIds });
    assert.equal(await realOk(['get', '/lr/', '--prefix', '--keys-only']), '');
  });

  test('unknown lease, bad hex, wrong argument counts', T, async () => {
    const { ours } = await cmp(['lease', 'revoke', '1234']);
    assert.equal(ours.stderr.toString(), 'Error: failed to revoke lease (etcdserver: requested lease not found)\n');
    assert.equal(ours.code, 1);
    for (const args of [['zz'], ['0x10'], ['8000000000000000'], [], ['1', '2'], ['--', '-1'], ['zz', '-w', 'bogus']]) {
      await cmp(['lease', 'revoke', ...args]);
    }
  });
});

// ---- timetolive -------------------------------------------------------------------

describe('lease timetolive', () => {
  test('with and without --keys, several keys, every format', T, async () => {
    const id = await grant(600);
    for (const k of ['/ttl/a', '/ttl/b', '/ttl/c d', '/ttl/\u00e9']) await realOk(['put', k, 'v', `--lease=${id}`]);
    for (const w of FORMATS) {
      for (const keys of [[], ['--keys']]) {
        const { ours } = await cmp(['lease', 'timetolive', id, ...keys, '-w', w], { mask: (s) => sortKeys(maskRemaining(s)), parallel: true });
        assert.equal(ours.code, w === 'table' ? 4 : 0);
      }
    }
    // A lease without keys: --keys gives an empty list (simple) and null (json).
    const bare = await grant(600);
    for (const w of ['simple', 'json', 'fields']) await cmp(['lease', 'timetolive', bare, '--keys', '-w', w], { mask: maskRemaining, parallel: true });
  });

  test('expired and unknown leases', T, async () => {
    const short = await grant(1);
    await sleep(2500);
    for (const id of [short, '1234', '0', '7fffffffffffffff']) {
      for (const w of FORMATS) await cmp(['lease', 'timetolive', id, '--keys', '-w', w], { parallel: true });
    }
    await cmp(['lease', 'timetolive', '--', '-1'], { parallel: true });
  });

  test('bad arguments (the output format is checked before the ID, as etcdctl does)', T, async () => {
    for (const args of [['zz'], ['0x10'], ['8000000000000000'], [], ['1', '2'], ['zz', '-w', 'bogus'], ['1', '--keys=maybe']]) {
      const { ours } = await cmp(['lease', 'timetolive', ...args], { parallel: true });
      assert.notEqual(ours.code, 0);
    }
  });
});

// ---- list -----------------------------------------------------------------------------

describe('lease list', () => {
  test('no leases, then several, every format', T, async () => {
    await revokeAll();
    for (const w of FORMATS) await cmp(['lease', 'list', '-w', w], { parallel: true });
    // Distinct TTLs: the server lists leases by expiry.
    for (const ttl of [1000, 2000, 3000]) await grant(ttl);
    for (const w of FORMATS) {
      const { ours } = await cmp(['lease', 'list', '-w', w], { parallel: true });
      if (w === 'simple') assert.match(ours.stdout.toString(), /^found 3 leases\n([0-9a-f]{16}\n){3}$/);
    }
    await cmp(['lease', 'list', 'extra', 'args'], { parallel: true }); // etcdctl ignores them
  });
});

// ---- keep-alive --once ------------------------------------------------------------------

describe('lease keep-alive --once', () => {
  test('a live lease in every format', T, async () => {
    const id = await grant(100);
    for (const w of FORMATS) {
      const { ours } = await cmp(['lease', 'keep-alive', '--once', id, '-w', w], { parallel: true });
      assert.equal(ours.code, w === 'table' ? 4 : 0);
    }
  });

  test('unknown lease: exit 2; bad arguments', T, async () => {
    for (const w of ['simple', 'json']) {
      const { ours } = await cmp(['lease', 'keep-alive', '--once', '1234', '-w', w], { parallel: true });
      assert.equal(ours.stderr.toString(), 'Error: etcdserver: requested lease not found\n');
      assert.equal(ours.code, 2);
    }
    for (const args of [['zz'], [], ['1', '2'], ['--', '-1']]) await cmp(['lease', 'keep-alive', '--once', ...args], { parallel: true });
  });
});

// ---- keep-alive, running ----------------------------------------------------------------------

interface Proc {
  child: ChildProcess;
  out(): string;
  err(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts a client in the background (signals reach it, unlike a shell's `&`). */
function startProc(which: 'real' | 'ours', args: string[]): Proc {
  const [file, argv] = which === 'real' ? [REAL_ETCDCTL, args] : [process.execPath, [OUR_BIN, ...args]];
  const child = spawn(file, argv, { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout!.on('data', (b: Buffer) => out.push(b));
  child.stderr!.on('data', (b: Buffer) => err.push(b));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  return { child, out: () => Buffer.concat(out).toString(), err: () => stripZapLines(Buffer.concat(err)), exited };
}

async function waitExit(p: Proc, ms: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  const timer = setTimeout(() => p.child.kill('SIGKILL'), ms);
  try {
    return await p.exited;
  } finally {
    clearTimeout(timer);
  }
}

const renewalLine = (id: string, ttl: number) => `lease ${id} keepalived with TTL(${ttl})`;

describe('lease keep-alive', () => {
  test('renews every TTL/3 on the 500 ms tick, same lines as etcdctl (simple and json)', T, async () => {
    const id = await grant(3);
    const json = new RegExp(`^\\{"cluster_id":\\d+,"member_id":\\d+,"revision":\\d+,"raft_term":\\d+,"ID":${BigInt('0x' + id)},"TTL":3\\}$`);
    for (const [w, shape] of [['simple', (l: string) => l === renewalLine(id, 3)], ['json', (l: string) => json.test(l)]] as const) {
      const args = [...G(), 'lease', 'keep-alive', id, '-w', w];
      const [real, ours] = await Promise.all([runReal(args, { timeoutMs: 2500 }), runOurs(args, { timeoutMs: 2500 })]);
      const lines = (r: RunResult) => r.stdout.toString().split('\n').filter(Boolean);
      const [rl, ol] = [lines(real), lines(ours)];
      for (const l of [...rl, ...ol]) assert.ok(shape(l), `unexpected line ${JSON.stringify(l)} (-w ${w})`);
      // t=0 and t≈1.5 s (TTL 3: due after 1 s, sent on the next 500 ms tick).
      assert.ok(rl.length >= 2 && ol.length >= 2, `lines: real ${rl.length}, ours ${ol.length}`);
      assert.ok(Math.abs(rl.length - ol.length) <= 1, `lines: real ${rl.length}, ours ${ol.length}`);
      assert.ok(ol.length <= 3, `ours renewed too often: ${ol.length} lines in 2.5 s`);
      const harness = /^\[harness\] .*\n?/gm;
      assert.equal(stripZapLines(ours.stderr).replace(harness, '').trim(), '');
      assert.equal(ours.signal, 'SIGKILL');
    }
  });

  test('unknown lease: "expired or revoked." at once, exit 0 (nothing in other formats)', T, async () => {
    for (const w of ['simple', 'json', 'fields', 'protobuf']) await cmp(['lease', 'keep-alive', '1234', '-w', w], { parallel: true });
    await cmp(['lease', 'keep-alive', '--', '-10'], { parallel: true });
    for (const args of [['zz'], [], ['1', '2']]) await cmp(['lease', 'keep-alive', ...args], { parallel: true });
  });

  test('-w table: the first renewal is made, then the format error (exit 4)', T, async () => {
    const id = await grant(100);
    const { ours } = await cmp(['lease', 'keep-alive', id, '-w', 'table'], { parallel: true });
    assert.equal(ours.code, 4);
  });

  test('revoked while running: "expired or revoked.", exit 0', T, async () => {
    const id = await grant(3);
    const args = [...G(), 'lease', 'keep-alive', id];
    const procs = [startProc('real', args), startProc('ours', args)];
    await sleep(1200);
    await realOk(['lease', 'revoke', id]);
    for (const p of procs) {
      const { code, signal } = await waitExit(p, 10000);
      const lines = p.out().split('\n').filter(Boolean);
      assert.deepEqual({ code, signal, err: p.err() }, { code: 0, signal: null, err: '' });
      assert.equal(lines.at(-1), `lease ${id} expired or revoked.`);
      assert.ok(lines.length >= 2);
      for (const l of lines.slice(0, -1)) assert.equal(l, renewalLine(id, 3));
    }
  });

  test('-w json: revoked while running ends quietly (etcdctl prints the end line in simple only), exit 0', T, async () => {
    const id = await grant(3);
    const p = startProc('ours', [...G(), 'lease', 'keep-alive', id, '-w', 'json']);
    await sleep(800);
    await realOk(['lease', 'revoke', id]);
    const { code } = await waitExit(p, 10000);
    assert.equal(code, 0);
    const lines = p.out().split('\n').filter(Boolean);
    assert.ok(lines.length >= 1 && lines.every((l) => l.startsWith('{"cluster_id":')), p.out());
  });

  test('Ctrl-C (SIGINT) and SIGTERM: exit 0, nothing more printed', T, async () => {
    for (const sig of ['SIGINT', 'SIGTERM'] as const) {
      const id = await grant(3);
      const args = [...G(), 'lease', 'keep-alive', id];
      const ours = startProc('ours', args);
      const real = sig === 'SIGINT' ? startProc('real', args) : undefined;
      // Renewals at ≈0 s and ≈1.5 s; the signal comes well between two.
      await sleep(2200);
      const before = ours.out();
      ours.child.kill(sig);
      real?.child.kill(sig);
      const r = await waitExit(ours, 5000);
      assert.deepEqual(r, { code: 0, signal: null }, `ours after ${sig}`);
      assert.equal(ours.out(), before, `nothing printed after ${sig}`);
      assert.ok(before.split('\n').filter(Boolean).length >= 2);
      for (const l of before.split('\n').filter(Boolean)) assert.equal(l, renewalLine(id, 3));
      assert.equal(ours.err(), '');
      if (real) {
        // etcdctl has no handler: Go's runtime dies by the signal. Ours ends cleanly (see README).
        const rr = await waitExit(real, 5000);
        assert.equal(rr.signal, 'SIGINT');
        assert.equal(real.out().split('\n').filter(Boolean)[0], renewalLine(id, 3));
      }
      await runReal([...G(), 'lease', 'revoke', id]);
    }
  });
});

// ---- help -------------------------------------------------------------------------------

test('help pages of lease and its subcommands', T, async () => {
  for (const args of [['lease'], ['lease', '--help'], ['lease', 'bogus'], ...['grant', 'revoke', 'timetolive', 'list', 'keep-alive'].map((s) => ['lease', s, '--help'])]) {
    await cmp(args, { parallel: true });
  }
  // A flag error prints the subcommand's usage.
  await cmp(['lease', 'keep-alive', '--bogus', '1'], { parallel: true });
});

// ---- with authentication ------------------------------------------------------------------------

describe('lease commands with authentication on', () => {
  let authed: EtcdHandle;
  before(async () => {
    authed = await startEtcd({ auth: true });
  });
  after(async () => {
    await authed?.stop();
  });

  const ep = () => `--endpoints=${authed.endpoints[0]}`;
  const root = () => [ep(), '--user=root:rootpw'];
  const alice = () => [ep(), '--user=alice:alicepw'];
  async function same(args: string[], mask = (s: string) => s): Promise<RunResult> {
    const [real, ours] = await Promise.all([runReal(args), runOurs(args)]);
    const v = (r: RunResult) => ({ stdout: mask(r.stdout.toString()), stderr: mask(stripZapLines(r.stderr)), code: r.code });
    assert.deepEqual(v(ours), v(real), `etcdctl ${args.join(' ')}`);
    return ours;
  }
  async function grantAs(user: string[], ttl: number): Promise<string> {
    const r = await runReal([...user, 'lease', 'grant', String(ttl)]);
    const m = /^lease ([0-9a-f]{16})/.exec(r.stdout.toString());
    assert.ok(m, stripZapLines(r.stderr));
    return m[1];
  }

  test('a user with a role: grant, timetolive --keys, keep-alive --once, revoke; permission denied; bad password', T, async () => {
    await same([...alice(), 'lease', 'grant', '100', '-w', 'json'], maskIds);
    const id = await grantAs(alice(), 100);
    assert.equal((await runReal([...alice(), 'put', '/app/leased', 'v', `--lease=${id}`])).code, 0);
    await same([...alice(), 'lease', 'timetolive', id, '--keys'], maskRemaining);
    await same([...alice(), 'lease', 'keep-alive', '--once', id]);
    await same([...alice(), 'lease', 'list']);
    // A lease holding a key alice may not write: she cannot revoke it (the revoke of each client fails the same way).
    const rootLease = await grantAs(root(), 100);
    assert.equal((await runReal([...root(), 'put', '/outside', 'v', `--lease=${rootLease}`])).code, 0);
    const denied = await same([...alice(), 'lease', 'revoke', rootLease]);
    assert.equal(denied.stderr.toString(), 'Error: failed to revoke lease (etcdserver: permission denied)\n');
    const a = await grantAs(alice(), 100);
    const b = await grantAs(alice(), 100);
    const [real, ours] = await Promise.all([runReal([...alice(), 'lease', 'revoke', a]), runOurs([...alice(), 'lease', 'revoke', b])]);
    assert.equal(maskIds(ours.stdout.toString()), maskIds(real.stdout.toString()));
    assert.equal(ours.code, 0);
    // A wrong password fails while connecting: exit 2 for every lease command.
    for (const args of [['list'], ['grant', '5'], ['keep-alive', id]]) {
      const r = await same([ep(), '--user=alice:wrong', 'lease', ...args]);
      assert.equal(r.code, 2);
    }
  });

  test('keep-alive streams with the user\'s token', T, async () => {
    const id = await grantAs(alice(), 3);
    const r = await runOurs([...alice(), 'lease', 'keep-alive', id], { timeoutMs: 2000 });
    const lines = r.stdout.toString().split('\n').filter(Boolean);
    assert.ok(lines.length >= 2, r.stdout.toString() + stripZapLines(r.stderr));
    for (const l of lines) assert.equal(l, renewalLine(id, 3));
  });
});

// ---- keep-alive across a lost member ---------------------------------------------------------

describe('lease keep-alive on a 3-member cluster', () => {
  let cluster: EtcdHandle;
  before(async () => {
    cluster = await startCluster(3);
  });
  after(async () => {
    await cluster?.stop();
  });

  test('keeps the lease alive when the member it is connected to goes away', T, async (t) => {
    const TTL = 3;
    const all = `--endpoints=${cluster.endpoints.join(',')}`;
    const g = await runReal([all, 'lease', 'grant', String(TTL)]);
    const id = /^lease ([0-9a-f]{16})/.exec(g.stdout.toString())?.[1];
    assert.ok(id, stripZapLines(g.stderr));
    // --debug names the endpoint of each connection.
    const ours = startProc('ours', [all, '--debug', 'lease', 'keep-alive', id]);
    try {
      await sleep(1200);
      const first = /connected to (\S+)/.exec(ours.err())?.[1];
      assert.ok(first, ours.err());
      const idx = cluster.endpoints.findIndex((e) => first.endsWith(e));
      assert.ok(idx >= 0, `connected to ${first}`);
      const linesBefore = ours.out().split('\n').filter(Boolean).length;
      await cluster.stopMember(idx);
      const stoppedAt = Date.now();
      // Two TTLs after the member went away, the lease must still be alive...
      await sleep(2 * TTL * 1000);
      const others = cluster.endpoints.filter((_, i) => i !== idx).join(',');
      const ttl = await runReal([`--endpoints=${others}`, 'lease', 'timetolive', id]);
      assert.match(ttl.stdout.toString(), new RegExp(`^lease ${id} granted with TTL\\(${TTL}s\\), remaining\\(\\d+s\\)\\n$`), stripZapLines(ttl.stderr));
      // ...and ours still renewing it, on another member.
      const lines = ours.out().split('\n').filter(Boolean);
      const renewed = lines.length - linesBefore;
      assert.ok(renewed >= 3, `only ${renewed} renewals in ${Date.now() - stoppedAt} ms after the member stopped:\n${ours.out()}\n${ours.err()}`);
      for (const l of lines) assert.equal(l, renewalLine(id, TTL));
      assert.ok(ours.err().split('\n').some((l) => /connected to /.test(l) && !l.endsWith(first)), `no reconnection:\n${ours.err()}`);
      assert.equal(ours.child.exitCode, null, 'still running');
      ours.child.kill('SIGINT');
      assert.deepEqual(await waitExit(ours, 5000), { code: 0, signal: null });
    } finally {
      // What the client went through (--debug), for the record.
      for (const l of ours.err().split('\n')) if (l.startsWith('[etcdctl-ts]')) t.diagnostic(l);
      ours.child.kill('SIGKILL');
    }
  });
});
