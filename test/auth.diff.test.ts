// Differential tests of auth, user and role: the real etcdctl (3.4.23) against ours.
//
// These commands change the auth store, so the real etcdctl and ours run against TWIN servers:
// two single members with the same cluster and member IDs (same advertised peer URL and cluster
// token), set up identically with the real etcdctl. Every case runs real-on-twin-A and
// ours-on-twin-B with the same arguments, so headers and protobuf bytes must match byte for byte
// without any masking; after each test the auth stores of the twins are compared (users, roles,
// permissions, read with the real etcdctl) to show that ours changed the same things.
//
// 3.4 vs 3.5: the user, role and auth enable/disable commands and their printers are the same in
// 3.4.23 and 3.5 (checked against the v3.5 sources), so real 3.4.23 output is the 3.5 expectation,
// except:
//   * `auth status` is 3.5 only (and the 3.4.23 server has no AuthStatus call): tested against
//     ours alone: its 3.5 renderings through the printers, its argument check and the 3.4 server's answer.
//   * help pages (and the usage after a flag error) are compared with 3.5's, built from its source
//     by harness/help35.ts (so the `auth` page lists 3.5's `status`).
//   * with stdin not a terminal, etcdctl's password prompt runs `stty`, which complains on stderr
//     ("stty: 'standard input': Inappropriate ioctl for device"); ours runs no stty, so those
//     lines are dropped from the real stderr before comparing.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, test, type TestContext } from 'node:test';
import { startEtcd, type EtcdHandle } from './harness/etcd.js';
import { cleanEnv, OUR_BIN, REAL_ETCDCTL, runBytes, runCommand, runOurs, runReal, stripZapLines, type RunOptions, type RunResult } from './harness/run.js';
import { helpPageAs35 } from './harness/help35.js';
import { decodeMessage as decode, encodeMessage as encode } from '../src/proto/registry.js';
import { createPrinter } from '../src/output/index.js';

const T = { timeout: 120000 };
const FORMATS = ['simple', 'json', 'fields', 'protobuf', 'table'] as const;

const twinArgs = (token: string) => [
  '--initial-advertise-peer-urls', 'http://127.0.0.1:1',
  '--initial-cluster', 'default=http://127.0.0.1:1',
  '--initial-cluster-token', token,
];

interface Pair {
  name: string;
  real: EtcdHandle; // twin A: the real etcdctl talks to it
  ours: EtcdHandle; // twin B: our CLI talks to it
}

/** Twins with auth on (root:rootpw, role app readwrite /app/, alice:alicepw in app). */
let authed: Pair;
/** Twins without auth, for role ranges, password input and (last) the enable/disable cycle. */
let plain: Pair;

before(async () => {
  const [a, b, c, d] = await Promise.all([
    startEtcd({ auth: true, extraArgs: twinArgs('etcdctl-ts-auth-twin-a') }),
    startEtcd({ auth: true, extraArgs: twinArgs('etcdctl-ts-auth-twin-a') }),
    startEtcd({ extraArgs: twinArgs('etcdctl-ts-auth-twin-p') }),
    startEtcd({ extraArgs: twinArgs('etcdctl-ts-auth-twin-p') }),
  ]);
  authed = { name: 'auth', real: a, ours: b };
  plain = { name: 'plain', real: c, ours: d };
});

after(async () => {
  await Promise.all([authed?.real.stop(), authed?.ours.stop(), plain?.real.stop(), plain?.ours.stop()]);
});

const ep = (h: EtcdHandle) => `--endpoints=${h.clientUrls[0]}`;
const ROOT = '--user=root:rootpw';

/** stty's complaint when etcdctl's password prompt has no terminal (see the top of this file). */
function dropStty(s: string): string {
  return s.replace(/^stty: .*\n/gm, '');
}

function show(r: RunResult): string {
  return `exit=${r.code}${r.signal ? ` signal=${r.signal}` : ''}${r.timedOut ? ' TIMED OUT' : ''}\n` +
    `--- stdout (hex ${r.stdout.toString('hex').slice(0, 400)}) ---\n${r.stdout.toString('utf8')}\n--- stderr ---\n${r.stderr.toString('utf8')}`;
}

interface BothOptions extends RunOptions {
  /** --user=...; default root on the auth twins, nobody on the plain ones; null for none. */
  user?: string | null;
}

/** Compares two results: stdout bytes, stderr without zap and stty lines, exit code. */
function assertSame(t: TestContext, args: string[], real: RunResult, ours: RunResult): void {
  if (real.stdout.subarray(0, 6).equals(Buffer.from('NAME:\n'))) {
    // The page etcdctl-ts must print: 3.5's, from its source (harness/help35.ts).
    real = { ...real, stdout: Buffer.from(helpPageAs35(real.stdout.toString('utf8')), 'utf8') };
  }
  const view = (r: RunResult) => ({ stdout: r.stdout.toString('utf8'), stderr: dropStty(stripZapLines(r.stderr)), code: r.code });
  const a = view(ours);
  const b = view(real);
  const same = a.stdout === b.stdout && a.stderr === b.stderr && a.code === b.code && ours.stdout.equals(real.stdout);
  if (!same) {
    const lines = [`args: ${JSON.stringify(args)}`, `=== real etcdctl: ${show(real)}`, `=== etcdctl-ts: ${show(ours)}`].join('\n').split('\n');
    for (const line of lines) t.diagnostic(line);
  }
  assert.deepStrictEqual(a, b, `etcdctl-ts differs from etcdctl for ${JSON.stringify(args)} (actual = ours, expected = real)`);
  assert.ok(ours.stdout.equals(real.stdout), `stdout bytes differ for ${JSON.stringify(args)}:\nours: ${ours.stdout.toString('hex')}\nreal: ${real.stdout.toString('hex')}`);
}

/** Runs real on twin A and ours on twin B with the same arguments and compares. */
async function both(t: TestContext, pair: Pair, args: string[], opts: BothOptions = {}): Promise<{ real: RunResult; ours: RunResult }> {
  const { user, ...runOpts } = opts;
  const who = user === undefined ? (pair === authed ? ROOT : undefined) : user === null ? undefined : `--user=${user}`;
  const full = (h: EtcdHandle) => [ep(h), ...(who ? [who] : []), ...args];
  const [real, ours] = await Promise.all([runReal(full(pair.real), runOpts), runOurs(full(pair.ours), runOpts)]);
  assertSame(t, args, real, ours);
  return { real, ours };
}

/** Runs a set-up step with the real etcdctl on both twins. */
async function setup(pair: Pair, args: string[], opts: BothOptions = {}): Promise<void> {
  const who = opts.user === undefined ? (pair === authed ? ROOT : undefined) : opts.user === null ? undefined : `--user=${opts.user}`;
  for (const h of [pair.real, pair.ours]) {
    const r = await runReal([ep(h), ...(who ? [who] : []), ...args]);
    assert.equal(r.code, 0, `setup ${JSON.stringify(args)} failed: ${stripZapLines(r.stderr)}`);
  }
}

/** Everything in a server's auth store, as the real etcdctl shows it (users with roles, roles with permissions). */
async function authStore(h: EtcdHandle, user: string | undefined): Promise<string> {
  const base = [ep(h), ...(user ? [`--user=${user}`] : [])];
  const run = async (...args: string[]) => {
    const r = await runReal([...base, ...args]);
    assert.equal(r.code, 0, `${args.join(' ')}: ${stripZapLines(r.stderr)}`);
    return r.stdout.toString('latin1');
  };
  let out = '';
  const users = (await run('user', 'list')).split('\n').filter(Boolean);
  for (const u of users) out += await run('user', 'get', '--', u);
  const roles = (await run('role', 'list')).split('\n').filter(Boolean);
  for (const r of roles) out += await run('role', 'get', '--', r);
  return out;
}

/** The twins' auth stores are the same: ours did what the real etcdctl did. */
async function assertSameStore(pair: Pair, user?: string): Promise<void> {
  const u = user ?? (pair === authed ? 'root:rootpw' : undefined);
  const [a, b] = await Promise.all([authStore(pair.real, u), authStore(pair.ours, u)]);
  assert.equal(b, a, 'the auth store ours changed differs from the one the real etcdctl changed');
}

// ---------------------------------------------------------------------------------------------

describe('help pages', () => {
  const pages = [
    ['auth'], ['auth', 'enable'], ['auth', 'disable'],
    ['user'], ['user', 'add'], ['user', 'delete'], ['user', 'get'], ['user', 'list'], ['user', 'passwd'], ['user', 'grant-role'], ['user', 'revoke-role'],
    ['role'], ['role', 'add'], ['role', 'delete'], ['role', 'get'], ['role', 'list'], ['role', 'grant-permission'], ['role', 'revoke-permission'],
  ];
  test('every auth, user and role page, and the parents without a subcommand', T, async (t) => {
    for (const p of pages) {
      const [real, ours] = await Promise.all([runReal([...p, '--help']), runOurs([...p, '--help'])]);
      assertSame(t, [...p, '--help'], real, ours);
    }
    for (const p of [['auth'], ['user'], ['role']]) {
      const [real, ours] = await Promise.all([runReal(p), runOurs(p)]);
      assertSame(t, p, real, ours);
    }
  });
});

describe('users and roles, every format (auth enabled, as root)', () => {
  test('add, grant, get, list, passwd, revoke, delete in every --write-out', T, async (t) => {
    for (const w of FORMATS) {
      const u = `u-${w}`;
      const r = `r-${w}`;
      const steps: string[][] = [
        ['role', 'add', r],
        ['role', 'grant-permission', r, 'readwrite', `/${w}/`, '--prefix'],
        ['role', 'grant-permission', r, 'read', `/${w}-only`],
        ['user', 'add', `${u}:pw-${w}`],
        ['user', 'grant-role', u, r],
        ['user', 'grant-role', u, 'app'],
        ['user', 'get', u],
        ['user', 'get', u, '--detail'],
        ['user', 'list'],
        ['role', 'list'],
        ['role', 'get', r],
        ['role', 'get', 'root'],
        ['role', 'revoke-permission', r, `/${w}-only`],
        ['role', 'revoke-permission', r, `/${w}/`, '--prefix'],
        ['user', 'revoke-role', u, r],
        ['user', 'get', u, '--detail'],
        ['user', 'delete', u],
        ['role', 'delete', r],
      ];
      for (const s of steps) await both(t, authed, [...s, '-w', w]);
      await both(t, authed, ['user', 'add', `${u}2`, '--new-user-password=first', '-w', w]);
      await both(t, authed, ['user', 'passwd', `${u}2`, '--interactive=false', '-w', w], { stdin: 'second\n' });
      // the new password works, the old one does not
      await both(t, authed, ['user', 'get', `${u}2`], { user: `${u}2:second` });
      await both(t, authed, ['user', 'get', `${u}2`], { user: `${u}2:first` });
      await both(t, authed, ['user', 'delete', `${u}2`, '-w', w]);
      await assertSameStore(authed);
    }
  });

  test('a user with no roles; user get --detail with no roles; --hex changes nothing', T, async (t) => {
    await both(t, authed, ['user', 'add', 'lonely:pw']);
    for (const w of FORMATS) {
      await both(t, authed, ['user', 'get', 'lonely', '-w', w]);
      await both(t, authed, ['user', 'get', 'lonely', '--detail', '-w', w]);
    }
    await both(t, authed, ['user', 'get', 'alice', '--detail', '--hex']);
    await both(t, authed, ['role', 'get', 'app', '--hex', '-w', 'fields']);
    await both(t, authed, ['user', 'delete', 'lonely']);
    await assertSameStore(authed);
  });

  test("--user without a password: the new user's prompts come first, then --user's, all from stdin", T, async (t) => {
    await both(t, authed, ['user', 'add', 'combo'], { user: 'root', stdin: 'combo-pw\ncombo-pw\nrootpw\n' });
    await both(t, authed, ['user', 'add', 'combo2', '--interactive=false'], { user: 'root', stdin: 'combo2-pw\nrootpw\n' });
    await both(t, authed, ['user', 'passwd', 'combo'], { user: 'root', stdin: 'x1\nx2\nrootpw\n' });
    await both(t, authed, ['user', 'get', 'combo'], { user: 'combo:combo-pw' });
    await both(t, authed, ['user', 'delete', 'combo']);
    await both(t, authed, ['user', 'delete', 'combo2']);
    await assertSameStore(authed);
  });
});

describe('server errors (auth enabled)', () => {
  test('not found, already exists, not granted, invalid auth management', T, async (t) => {
    const cases: string[][] = [
      ['user', 'add', 'alice:again'],
      ['role', 'add', 'app'],
      ['user', 'get', 'nobody'],
      ['user', 'delete', 'nobody'],
      ['user', 'passwd', 'nobody', '--interactive=false'],
      ['user', 'grant-role', 'nobody', 'app'],
      ['user', 'grant-role', 'alice', 'norole'],
      ['user', 'revoke-role', 'alice', 'root'],
      ['user', 'revoke-role', 'nobody', 'app'],
      ['role', 'get', 'norole'],
      ['role', 'delete', 'norole'],
      ['role', 'grant-permission', 'norole', 'read', '/x'],
      ['role', 'revoke-permission', 'app', '/not-granted'],
      ['role', 'revoke-permission', 'app', '/app/'],
      ['role', 'revoke-permission', 'norole', '/x'],
      ['user', 'delete', 'root'],
      ['user', 'revoke-role', 'root', 'root'],
      ['role', 'delete', 'root'],
      ['user', 'add', ''],
      ['role', 'add', ''],
    ];
    for (const c of cases) {
      for (const w of ['simple', 'json', 'table']) await both(t, authed, [...c, '-w', w], { stdin: 'pw\n' });
    }
    await assertSameStore(authed);
  });

  test('permission denied for alice outside /app/ and for user and role calls; no user; wrong password', T, async (t) => {
    const asAlice = { user: 'alice:alicepw' };
    await both(t, authed, ['put', '/app/x', 'from-alice'], asAlice);
    await both(t, authed, ['get', '/app/x'], asAlice);
    await both(t, authed, ['put', '/other', 'x'], asAlice);
    await both(t, authed, ['get', '/other'], asAlice);
    for (const c of [
      ['user', 'list'], ['user', 'get', 'alice'], ['user', 'get', 'alice', '--detail'], ['user', 'add', 'mallory:pw'],
      ['user', 'grant-role', 'alice', 'root'], ['user', 'delete', 'root'],
      ['role', 'list'], ['role', 'get', 'app'], ['role', 'add', 'evil'], ['role', 'grant-permission', 'app', 'readwrite', '', '--from-key'],
      ['role', 'revoke-permission', 'app', '/app/', '--prefix'], ['auth', 'disable'], ['auth', 'enable'],
      ['user', 'passwd', 'alice', '--interactive=false'],
    ]) {
      await both(t, authed, c, { ...asAlice, stdin: 'newpw\n' });
    }
    for (const c of [['user', 'list'], ['role', 'get', 'app'], ['auth', 'disable'], ['user', 'add', 'x:y']]) {
      await both(t, authed, c, { user: null });
      await both(t, authed, c, { user: 'root:wrong' });
      await both(t, authed, c, { user: 'nobody:pw' });
    }
    await assertSameStore(authed);
  });
});

describe('logging in (auth enabled)', () => {
  /** Runs both with their own endpoint written as EP in the output, for commands that name it. */
  async function bothAtEP(t: TestContext, args: string[], user: string | null): Promise<void> {
    const who = user === null ? [] : [`--user=${user}`];
    const run = async (h: EtcdHandle, runner: typeof runReal) => {
      const r = await runner([ep(h), ...who, ...args]);
      const host = h.clientUrls[0].replace(/^http:\/\//, '');
      const norm = (b: Buffer) => Buffer.from(b.toString('utf8').split(h.clientUrls[0]).join('EP').split(host).join('EP'));
      return { ...r, stdout: norm(r.stdout), stderr: norm(r.stderr) };
    };
    const [real, ours] = await Promise.all([run(authed.real, runReal), run(authed.ours, runOurs)]);
    assertSame(t, [...who, ...args], real, ours);
  }

  test('an empty name or password in --user logs nobody in, as the Go client', T, async (t) => {
    await both(t, authed, ['user', 'list'], { user: 'root:' });
    await both(t, authed, ['user', 'list'], { user: ':rootpw' });
    await bothAtEP(t, ['member', 'list', '-w', 'json'], ':rootpw');
    await both(t, authed, ['get', 'k'], { user: 'root:' });
  });

  test('status, hashkv and defrag log in before anything else: a wrong password ends them with exit 2', T, async (t) => {
    for (const c of [['endpoint', 'status'], ['endpoint', 'hashkv'], ['defrag']]) {
      await bothAtEP(t, c, 'root:wrong');
      await bothAtEP(t, [...c, '--cluster'], 'root:wrong');
    }
    await bothAtEP(t, ['endpoint', 'health'], 'root:wrong');
    await bothAtEP(t, ['endpoint', 'hashkv', '--cluster', '-w', 'json'], 'root:rootpw');
    await bothAtEP(t, ['defrag'], 'root:rootpw');
  });

  test('endpoint health --cluster with a wrong password: the login error itself (3.5; ours alone)', T, async () => {
    // 3.4.23 reports each member unhealthy; 3.5 fails creating the client that reads the member list.
    const r = await runOurs([ep(authed.ours), '--user=root:wrong', 'endpoint', 'health', '--cluster']);
    assert.equal(r.stderr.toString(), 'Error: etcdserver: authentication failed, invalid user ID or password\n');
    assert.equal(r.stdout.toString(), '');
    assert.equal(r.code, 1);
  });

  test('hashkv and defrag refused by the server keep the gRPC prefix of an error that is not etcdserver\'s', T, async (t) => {
    for (const c of [['endpoint', 'hashkv'], ['defrag']]) {
      await bothAtEP(t, c, null);
      await bothAtEP(t, c, 'alice:alicepw');
    }
  });

  test('no endpoint answers the login: exit 2, as etcdctl, which cannot create its client', T, async () => {
    for (const c of [['get', 'k'], ['endpoint', 'status']]) {
      const args = ['--endpoints=127.0.0.1:1', '--dial-timeout=500ms', '--user=root:rootpw', ...c];
      const [real, ours] = await Promise.all([runReal(args), runOurs(args)]);
      assert.equal(ours.code, real.code, `${c.join(' ')}: exit ${ours.code}, etcdctl ${real.code}`);
      assert.equal(ours.code, 2);
      // The first line is etcdctl's; ours adds one saying why.
      assert.equal(ours.stderr.toString().split('\n')[0], stripZapLines(real.stderr).split('\n')[0]);
      assert.equal(ours.stderr.toString().split('\n')[0], 'Error: context deadline exceeded');
    }
  });
});

describe('argument errors (no server contact)', () => {
  const cases: string[][] = [
    ['auth', 'enable', 'x'], ['auth', 'disable', 'x', 'y'],
    ['user', 'add'], ['user', 'add', 'a', 'b'], ['user', 'add', ':pw'], ['user', 'add', ':'],
    ['user', 'delete'], ['user', 'delete', 'a', 'b'], ['user', 'get'], ['user', 'get', 'a', 'b', '--detail'],
    ['user', 'list', 'x'], ['user', 'passwd'], ['user', 'passwd', 'a', 'b'],
    ['user', 'grant-role', 'a'], ['user', 'grant-role', 'a', 'b', 'c'], ['user', 'revoke-role', 'a'], ['user', 'revoke-role'],
    ['role', 'add'], ['role', 'add', 'a', 'b'], ['role', 'delete'], ['role', 'get'], ['role', 'get', 'a', 'b'], ['role', 'list', 'x'],
    ['role', 'grant-permission'], ['role', 'grant-permission', 'r', 'read'], ['role', 'grant-permission', 'r', 'bogus', '/k'],
    ['role', 'grant-permission', 'r', 'read', '/k', '--prefix', '--from-key'],
    ['role', 'grant-permission', 'r', 'read', '', '--prefix', '--from-key'],
    ['role', 'grant-permission', 'r', 'read', '/a', '/b', '--prefix'],
    ['role', 'grant-permission', 'r', 'read', '/a', '/b', '--from-key'],
    ['role', 'grant-permission', 'r', 'read', '/a', '/b', '--prefix', '--from-key'],
    ['role', 'revoke-permission'], ['role', 'revoke-permission', 'r'],
    ['role', 'revoke-permission', 'r', '/k', '--prefix', '--from-key'],
    ['role', 'revoke-permission', 'r', '', '--prefix', '--from-key'],
    ['role', 'revoke-permission', 'r', '/a', '/b', '--prefix'],
    ['role', 'revoke-permission', 'r', '/a', '/b', '--from-key'],
    ['user', 'get', 'alice', '-w', 'bogus'], ['role', 'list', '-w', 'bogus'], ['auth', 'enable', '-w', 'bogus'], ['auth', 'disable', '-w', 'bogus'],
    ['user', 'add', 'x:y', '-w', 'bogus'], ['role', 'grant-permission', 'r', 'READ', '/k', '-w', 'bogus'],
    ['user', 'add', '--no-such-flag', 'x'], ['role', 'grant-permission', '--prefix=maybe', 'r', 'read', '/k'],
  ];
  test('etcdctl messages and exit codes', T, async (t) => {
    for (const c of cases) await both(t, plain, c);
    await assertSameStore(plain);
  });
});

describe('user add and user passwd: where the password comes from', () => {
  after(async () => {
    // leave the plain twins without users for the tests after these
    for (const h of [plain.real, plain.ours]) {
      const r = await runReal([ep(h), 'user', 'list']);
      for (const u of r.stdout.toString('utf8').split('\n').filter(Boolean)) await runReal([ep(h), 'user', 'delete', '--', u]);
    }
  });

  test('NAME:PASSWORD, --new-user-password, --no-password (name with colons kept whole)', T, async (t) => {
    await both(t, plain, ['user', 'add', 'p1:secret:with:colons']);
    await both(t, plain, ['user', 'add', 'p2:']);
    await both(t, plain, ['user', 'add', 'p3', '--new-user-password=fromflag']);
    await both(t, plain, ['user', 'add', 'p4:ignored', '--new-user-password=wins']);
    await both(t, plain, ['user', 'add', 'p5:x', '--no-password']);
    await both(t, plain, ['user', 'add', 'p6', '--no-password', '--new-user-password=ignored']);
    await both(t, plain, ['user', 'list']);
    await assertSameStore(plain);
  });

  test('--interactive=false reads one word from stdin (like fmt.Scanf("%s"))', T, async (t) => {
    const inputs = ['word\n', '  padded  word2\n', 'noeol', '', '\nsecond-line\n', '\r\nx\n', '\ttab\n'];
    for (const [i, input] of inputs.entries()) {
      await both(t, plain, ['user', 'add', `s${i}`, '--interactive=false'], { stdin: input });
    }
    await both(t, plain, ['user', 'passwd', 's0', '--interactive=false'], { stdin: 'changed\n' });
    await both(t, plain, ['user', 'passwd', 's0', '--interactive=false', '-w', 'json'], { stdin: '' });
    await assertSameStore(plain);
  });

  test('the prompts with stdin not a terminal: matching, different, empty, at end of input', T, async (t) => {
    const cases: Array<[string, string]> = [
      ['i1', 'pw1\npw1\n'],
      ['i2', 'pw1\npw2\n'],
      ['i3', '\n\n'],
      ['i4', ''],
      ['i5', 'only-once\n'],
      ['i6', '  spaced  \nspaced\n'],
      ['i7', 'crlf\r\ncrlf\r\n'],
    ];
    for (const [name, input] of cases) await both(t, plain, ['user', 'add', name], { stdin: input });
    await both(t, plain, ['user', 'add', 'i8', '--interactive=true', '-w', 'json'], { stdin: 'a\na\n' });
    await both(t, plain, ['user', 'passwd', 'i1'], { stdin: 'new\nnew\n' });
    await both(t, plain, ['user', 'passwd', 'i1'], { stdin: 'new\nold\n' });
    await both(t, plain, ['user', 'passwd', 'i1', '-w', 'fields'], { stdin: '\n' });
    await assertSameStore(plain);
  });

  test('stdin that cannot be read: "failed to ask password" (128); --interactive=false sends ""', T, async (t) => {
    // stdin is a directory: the read fails
    const withDirStdin = (file: string, pre: string[], args: string[]) =>
      runCommand('/bin/sh', ['-c', 'exec "$@" < /', 'sh', file, ...pre, ep(plain.real), ...args]);
    for (const args of [['user', 'add', 'd1'], ['user', 'passwd', 'd1'], ['user', 'add', 'd2', '--interactive=false']]) {
      const real = await withDirStdin(REAL_ETCDCTL, [], args);
      const ours = await runCommand('/bin/sh', ['-c', 'exec "$@" < /', 'sh', process.execPath, OUR_BIN, ep(plain.ours), ...args]);
      assertSame(t, args, real, ours);
    }
    await assertSameStore(plain);
  });

  test('the prompts on a terminal (script(1)): no echo, confirmation, mismatch, backspace, Ctrl-C', T, async (t) => {
    const cases: Array<[string[], string[]]> = [
      [['user', 'add', 't1'], ['sekrit-1\n', 'sekrit-1\n']],
      [['user', 'add', 't2'], ['sekrit-1\n', 'sekrit-2\n']],
      [['user', 'add', 't3'], ['\n']],
      [['user', 'passwd', 't1'], ['sekrit-3\n', 'sekrit-3\n']],
      [['user', 'passwd', 't1'], ['sekrit-4\n', 'sekrit-5\n']],
      // Backspace edits the answer; Ctrl-C ends etcdctl at once with status 255
      [['user', 'add', 't4'], ['sekrit-6x\x7f\n', 'sekrit-6\n']],
      [['user', 'add', 't5'], ['\x03']],
      [['user', 'add', 't6'], ['sekrit-7\n', '\x03']],
      // Ctrl-U erases the line typed so far, as the terminal does it
      [['user', 'add', 't7'], ['wrong\x15sekrit-8\n', 'sekrit-8\n']],
      // the --user prompt; Ctrl-C there too
      [['user', 'get', 'root', '--user', 'root'], ['\x03']],
    ];
    // Ctrl-C is a SIGINT to the terminal's whole foreground process group, as etcdctl leaves it:
    // under bash, which execs the command, the exit status is etcdctl's 255; dash stays in
    // between, gets the SIGINT too and dies of it, so script(1) reports 130. A shell script
    // that runs the prompt stops there.
    const shells = (typed: string[]) => (typed.includes('\x03') ? ['/bin/bash', '/bin/dash'] : ['/bin/bash']);
    for (const [args, typed] of cases) {
      for (const shell of shells(typed)) {
        // One at a time: under load the answer could come before the prompt has turned echo off.
        const real = await onTerminal([REAL_ETCDCTL, ep(plain.real), ...args], typed, shell);
        const ours = await onTerminal([process.execPath, OUR_BIN, ep(plain.ours), ...args], typed, shell);
        assertSame(t, [...args, `(on ${shell})`], real, ours);
        if (typed.includes('\x03')) assert.equal(ours.code, shell === '/bin/bash' ? 255 : 130, show(ours));
        for (const pw of typed.map((p) => p.trim()).filter(Boolean)) {
          assert.ok(!ours.stdout.includes(pw), `the terminal showed the password ${pw}: ${JSON.stringify(ours.stdout.toString())}`);
        }
      }
    }
    await assertSameStore(plain);
  });
});

/** Shell-quotes one word. */
function sq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * Runs argv on a pseudo-terminal (script -qec, through `shell`) and types each of `typed` once the next prompt
 * ("...: ") has shown and the prompt had time to turn echo off. Returns what the terminal showed.
 */
function onTerminal(argv: string[], typed: string[], shell: string): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    // script(1) runs the command with $SHELL -c. (NO_COLOR: etcdctl-ts colours its Error line
    // on a terminal, which is not what this compares; test/colour.test.ts checks that.)
    const child = spawn('script', ['-qec', argv.map(sq).join(' '), '/dev/null'], { env: cleanEnv({ SHELL: shell, NO_COLOR: '1' }), stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let next = 0;
    let timedOut = false;
    child.stdin.on('error', () => {});
    child.stdout.on('data', (b: Buffer) => {
      out.push(b);
      const text = Buffer.concat(out).toString('utf8');
      // Each prompt ends the output with ": "; type the next answer once per prompt.
      const prompts = (text.match(/(Password of [^\r\n]*|Type password of [^\r\n]*|Password): /g) ?? []).length;
      if (text.endsWith(': ') && prompts > next && next < typed.length) {
        const input = typed[next++];
        setTimeout(() => child.stdin.write(input), 500);
      }
    });
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, 20000);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ stdout: Buffer.concat(out), stderr: Buffer.concat(err), code, signal, timedOut, durationMs: Date.now() - started });
    });
  });
}

describe('role permissions on keys typed as bytes that are not UTF-8', () => {
  test('grant, get and revoke print and store the bytes as etcdctl does', T, async (t) => {
    await both(t, plain, ['role', 'add', 'rawkeys']);
    const run = async (args: (string | Buffer)[]) => {
      const [real, ours] = await Promise.all([
        runBytes(REAL_ETCDCTL, [ep(plain.real), ...args]),
        runBytes(process.execPath, [OUR_BIN, ep(plain.ours), ...args]),
      ]);
      assertSame(t, args.map((a) => a.toString()), real, ours);
    };
    const ff = Buffer.from([0xff]);
    const fe = Buffer.from([0x2f, 0xfe]);
    await run(['role', 'grant-permission', 'rawkeys', 'read', ff, '--prefix']);
    await run(['role', 'grant-permission', 'rawkeys', 'write', fe, Buffer.from([0x2f, 0xff])]);
    await run(['role', 'grant-permission', 'rawkeys', 'readwrite', fe]);
    await both(t, plain, ['role', 'get', 'rawkeys']);
    await both(t, plain, ['role', 'get', 'rawkeys', '-w', 'json']);
    await assertSameStore(plain);
    await run(['role', 'revoke-permission', 'rawkeys', ff, '--prefix']);
    await run(['role', 'revoke-permission', 'rawkeys', fe, Buffer.from([0x2f, 0xff])]);
    await run(['role', 'revoke-permission', 'rawkeys', fe]);
    await assertSameStore(plain);
    await both(t, plain, ['role', 'delete', 'rawkeys']);
  });
});

describe('role get and revoke-permission: every kind of range', () => {
  test('grant single keys, ranges, prefixes, from-key, the empty key, raw bytes; get in every format; revoke each', T, async (t) => {
    await both(t, plain, ['role', 'add', 'ranges']);
    await both(t, plain, ['role', 'get', 'ranges']);
    const grants: string[][] = [
      ['read', '', '--prefix'],
      ['read', '/a'],
      ['readwrite', '/c', '--prefix'],
      ['READ', '/e', '--from-key'],
      ['Write', '/x', '/z'],
      ['write', ''],
      ['read', '', '/ignored-endkey'],
      ['readwrite', '/ÿ', '--prefix'],
      ['read', '/p', '/q'],
      ['write', '/m', '/m0'],
      ['readWrite', 'tab\there'],
      ['write', '/from', '--from-key'],
    ];
    for (const g of grants) await both(t, plain, ['role', 'grant-permission', 'ranges', ...g]);
    for (const w of FORMATS) await both(t, plain, ['role', 'get', 'ranges', '-w', w]);
    // the same permission again replaces it; write on top of read
    await both(t, plain, ['role', 'grant-permission', '--prefix', 'ranges', 'write', '/c']);
    await both(t, plain, ['role', 'grant-permission', 'ranges', 'write', '', '--from-key']);
    await both(t, plain, ['role', 'get', 'ranges']);
    await assertSameStore(plain);
    const revokes: string[][] = [
      ['/a'],
      ['/x', '/z'],
      ['/c', '--prefix'],
      ['/e', '--from-key'],
      ['', '--prefix'],
      [''],
      ['/ÿ', '--prefix'],
      ['/p', '/q'],
      ['/a'], // no longer granted
      ['', '--from-key'], // no longer granted
      ['/m', '/m0', '-w', 'json'],
      ['tab\there', '-w', 'fields'],
      ['/from', '--from-key', '-w', 'protobuf'],
    ];
    for (const r of revokes) await both(t, plain, ['role', 'revoke-permission', 'ranges', ...r]);
    await both(t, plain, ['role', 'get', 'ranges']);
    // revoke in table format: the revocation happens, then etcdctl fails
    await both(t, plain, ['role', 'grant-permission', 'ranges', 'read', '/t']);
    await both(t, plain, ['role', 'revoke-permission', 'ranges', '/t', '-w', 'table']);
    await both(t, plain, ['role', 'get', 'ranges', '-w', 'json']);
    await both(t, plain, ['role', 'delete', 'ranges']);
    await assertSameStore(plain);
  });
});

describe('auth enable / disable (last: changes the plain twins)', () => {
  test('enable without user root; the root role created by enable; enable twice; disable twice; errors', T, async (t) => {
    await both(t, plain, ['auth', 'enable']);
    await both(t, plain, ['role', 'list']);
    await setup(plain, ['user', 'add', 'root:rootpw']);
    // root has no role root: etcdctl creates it, grants it and enables
    await both(t, plain, ['auth', 'enable', '-w', 'json']);
    await assertSameStore(plain, 'root:rootpw');
    await both(t, plain, ['auth', 'enable'], { user: 'root:rootpw' });
    await both(t, plain, ['auth', 'disable']);
    await both(t, plain, ['auth', 'disable'], { user: 'root:wrong' });
    await both(t, plain, ['user', 'list']);
    await both(t, plain, ['auth', 'disable', '-w', 'fields'], { user: 'root:rootpw' });
    await both(t, plain, ['auth', 'disable', '-w', 'table']);
    await both(t, plain, ['auth', 'disable'], { user: 'root:rootpw' });
    // root role exists but is not root's: RoleAdd fails
    await setup(plain, ['user', 'revoke-role', 'root', 'root']);
    await both(t, plain, ['auth', 'enable']);
    await setup(plain, ['user', 'grant-role', 'root', 'root']);
    for (const w of FORMATS) {
      await both(t, plain, ['auth', 'enable', '-w', w]);
      await both(t, plain, ['auth', 'disable', '-w', w], { user: 'root:rootpw' });
    }
    await assertSameStore(plain);
  });
});

// ---------------------------------------------------------------------------------------------
// auth status (etcdctl 3.5): ours alone.

/** Prints an AuthStatusResponse with the printer of `format` (etcd 3.4.23 has no AuthStatus RPC to ask). */
function printAuthStatus(format: string, msg: object): { out: Buffer; error?: string } {
  const raw = encode('etcdserverpb.AuthStatusResponse', msg);
  const reply = { msg: decode('etcdserverpb.AuthStatusResponse', raw), raw, type: 'etcdserverpb.AuthStatusResponse' };
  const chunks: Buffer[] = [];
  const sink = { write: (b: string | Uint8Array) => void chunks.push(Buffer.from(b)) };
  try {
    createPrinter(format, sink, { hex: false, valueOnly: false }).authStatus(reply);
    return { out: Buffer.concat(chunks) };
  } catch (err) {
    return { out: Buffer.concat(chunks), error: (err as Error).message };
  }
}

describe('auth status (3.5; ours alone)', () => {
  const header = { cluster_id: 13372511425055127929n, member_id: 9522282460842048857n, revision: 7n, raft_term: 2n };
  const H = '{"cluster_id":13372511425055127929,"member_id":9522282460842048857,"revision":7,"raft_term":2}';

  test('enabled, revision 5: simple, json, protobuf; fields and table not supported', () => {
    const msg = { header, enabled: true, authRevision: 5n };
    assert.equal(printAuthStatus('simple', msg).out.toString(), 'Authentication Status: true\nAuthRevision: 5\n');
    assert.equal(printAuthStatus('json', msg).out.toString(), `{"header":${H},"enabled":true,"authRevision":5}\n`);
    assert.equal(printAuthStatus('protobuf', msg).out.toString('hex'), encode('etcdserverpb.AuthStatusResponse', msg).toString('hex'));
    for (const w of ['fields', 'table']) assert.equal(printAuthStatus(w, msg).error, `${w} not supported as output format`);
  });

  test('disabled, revision 0: zero values left out of json', () => {
    const msg = { header, enabled: false, authRevision: 0n };
    assert.equal(printAuthStatus('simple', msg).out.toString(), 'Authentication Status: false\nAuthRevision: 0\n');
    assert.equal(printAuthStatus('json', msg).out.toString(), `{"header":${H}}\n`);
  });

  test('an argument is refused before anything is sent (exit 128)', T, async () => {
    const r = await runOurs([ep(authed.ours), ROOT, 'auth', 'status', 'extra']);
    assert.deepEqual([r.stdout.toString(), r.stderr.toString(), r.code], ['', 'Error: auth status command does not accept any arguments\n', 128]);
  });

  test('against the etcd 3.4.23 server, which has no AuthStatus: the gRPC error, as etcdctl 3.5 prints it', T, async () => {
    const r = await runOurs([ep(authed.ours), ROOT, 'auth', 'status']);
    assert.deepEqual(
      [r.stdout.toString(), r.stderr.toString(), r.code],
      ['', 'Error: rpc error: code = Unimplemented desc = unknown method AuthStatus for service etcdserverpb.Auth\n', 1],
    );
  });
});

// ---------------------------------------------------------------------------------------------

describe('passwords stay secret', () => {
  test('--debug shows neither the --user password nor the new user\'s password', T, async () => {
    const r = await runOurs([ep(authed.ours), '--debug', '--user=root:rootpw', 'user', 'add', 'dbg', '--new-user-password=s3cr3t-new']);
    const all = r.stdout.toString() + r.stderr.toString();
    assert.equal(r.code, 0, all);
    assert.ok(all.includes('ETCDCTL_USER=root:***\n'), all);
    assert.ok(!all.includes('rootpw') && !all.includes('s3cr3t-new'), all);
    const p = await runOurs([ep(authed.ours), '--debug', '--user=root', '--password=rootpw', 'user', 'passwd', 'dbg', '--interactive=false'], { stdin: 'n3w-s3cr3t\n' });
    const all2 = p.stdout.toString() + p.stderr.toString();
    assert.equal(p.code, 0, all2);
    assert.ok(all2.includes('ETCDCTL_PASSWORD=***\n'), all2);
    assert.ok(!all2.includes('rootpw') && !all2.includes('n3w-s3cr3t'), all2);
    const d = await runOurs([ep(authed.ours), ROOT, 'user', 'delete', 'dbg']);
    assert.equal(d.code, 0);
    await runReal([ep(authed.real), ROOT, 'user', 'add', 'dbg:x']).then(() => runReal([ep(authed.real), ROOT, 'user', 'delete', 'dbg']));
  });
});
