// Differential tests of the command line itself: flag parsing and flag errors, unknown commands,
// help pages, ETCDCTL_* environment variables, ETCDCTL_API and `version`.
//
// The real binary is etcdctl 3.4.23; the target is 3.5. Where the two legitimately differ the 3.5
// expectation is written out here:
//   * help pages (and the usage printed after a flag error) are compared with 3.5's, which
//     harness/help35.ts builds from facts transcribed from the v3.5 source (plus the additions of
//     ours the README documents); the page 3.4.23 printed only says which command's page it is.
//   * ETCDCTL_API=4: 3.5 says `unsupported API version: 4` (3.4: no colon).
//   * `version`: `etcdctl version: 3.5.0` / `API version: 3.5`, and our third line
//     `etcdctl-ts version: <package.json's version>`.
// Known intended differences of ours that are not flagged: a flag wins over its ETCDCTL_*
// variable (etcdctl exits with "conflicting environment variable"); connection failures get one
// extra explanatory stderr line; refused connections fail fast.

import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test, type TestContext } from 'node:test';
import { startEtcd, type EtcdHandle } from './harness/etcd.js';
import { PACKAGE_VERSION, runOurs, runReal, stripZapLines, type RunOptions, type RunResult } from './harness/run.js';
import { helpPageAs35 } from './harness/help35.js';

const T = { timeout: 60000 };

let srv: EtcdHandle;
let url = '';

before(async () => {
  srv = await startEtcd();
  url = srv.clientUrls[0];
  const put = async (k: string, v: string) => {
    const r = await runReal([`--endpoints=${url}`, 'put', k, v]);
    assert.equal(r.code, 0, stripZapLines(r.stderr));
  };
  await put('g/a', '1');
  await put('g/b', '2');
  await put('foo', 'bar');
});

after(async () => {
  await srv?.stop();
});

// ---------------------------------------------------------------------------------------------
// 3.4.23 -> 3.5

/**
 * A real 3.4.23 result as 3.5 would print it: a help page is replaced by the page etcdctl-ts must
 * print for the same command (harness/help35.ts: 3.5's, from its source); 3.4's capnslog warning
 * `<date> W | pkg/flags: unrecognized environment variable X=v` (also given for a known variable
 * set to "") is a zap JSON line in 3.5, which the comparison drops like every zap line.
 */
function realAs35(r: RunResult): RunResult {
  let out = r;
  if (r.stdout.subarray(0, 6).equals(Buffer.from('NAME:\n'))) {
    out = { ...out, stdout: Buffer.from(helpPageAs35(r.stdout.toString('utf8')), 'utf8') };
  }
  const err = r.stderr.toString('utf8');
  const capnslog = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ W \| pkg\/flags: unrecognized environment variable .*\n/gm;
  if (capnslog.test(err)) out = { ...out, stderr: Buffer.from(err.replace(capnslog, ''), 'utf8') };
  return out;
}

function show(r: RunResult): string {
  return `exit=${r.code}${r.signal ? ` signal=${r.signal}` : ''}${r.timedOut ? ' TIMED OUT' : ''}\n` +
    `--- stdout ---\n${r.stdout.toString('utf8')}\n--- stderr ---\n${r.stderr.toString('utf8')}`;
}

function report(t: TestContext, args: string[], real: RunResult, ours: RunResult): void {
  const lines = [`args: ${JSON.stringify(args)}`, `=== real etcdctl (as 3.5): ${show(real)}`, `=== etcdctl-ts: ${show(ours)}`]
    .join('\n')
    .split('\n');
  for (const line of lines) t.diagnostic(line);
}

/**
 * Runs real (3.4.23, help text turned into 3.5's) and ours with the same arguments and compares
 * stdout bytes, zap-stripped stderr and exit code. Only for commands that change nothing.
 */
async function cmp(t: TestContext, args: string[], opts: RunOptions = {}): Promise<{ real: RunResult; ours: RunResult }> {
  const [real34, ours] = await Promise.all([runReal(args, opts), runOurs(args, opts)]);
  const real = realAs35(real34);
  const view = (r: RunResult) => ({ stdout: r.stdout.toString('utf8'), stderr: stripZapLines(r.stderr), code: r.code });
  const a = view(ours);
  const b = view(real);
  if (!(a.stdout === b.stdout && a.stderr === b.stderr && a.code === b.code)) report(t, args, real, ours);
  assert.deepStrictEqual(a, b, `etcdctl-ts differs from etcdctl 3.5 for ${JSON.stringify(args)} (actual = ours, expected = real)`);
  assert.ok(ours.stdout.equals(real.stdout), `stdout bytes differ for ${JSON.stringify(args)}`);
  return { real, ours };
}

/** The help pages on stdout are the same bytes (real's being the 3.5 page, via realAs35). */
function assertSamePage(t: TestContext, args: string[], real: RunResult, ours: RunResult): void {
  if (!ours.stdout.equals(real.stdout)) report(t, args, real, ours);
  assert.equal(ours.stdout.toString('utf8'), real.stdout.toString('utf8'), `help page of ${JSON.stringify(args)}`);
  assert.ok(ours.stdout.equals(real.stdout), `stdout bytes differ for ${JSON.stringify(args)}`);
}

const E = () => `--endpoints=${url}`;

// ---------------------------------------------------------------------------------------------

describe('flag errors', () => {
  test('unknown flag: get --badflag foo', T, async (t) => {
    const { ours } = await cmp(t, [E(), 'get', '--badflag', 'foo']);
    assert.equal(ours.stderr.toString('utf8'), 'Error: unknown flag: --badflag\n\nError: unknown flag: --badflag\n');
    assert.match(ours.stdout.toString('utf8'), /^NAME:\n\tget - Gets the key or a range of keys\n/);
    assert.equal(ours.code, 1);
  });

  // The next tests use put (whose help is the same in 3.4 and 3.5) so that they test the parsing,
  // not the get help page. The key zz/k is never read: a wrongly accepted put does no harm.
  test('unknown flag with a value, unknown shorthand, --version', T, async (t) => {
    await cmp(t, [E(), 'put', 'zz/k', 'v', '--badflag=1']);
    await cmp(t, [E(), 'put', 'zz/k', 'v', '-x']);
    await cmp(t, [E(), 'put', 'zz/k', 'v', '-wjson', '-x']);
  });

  test('--version is not a v3 flag: unknown flag, root usage', T, async (t) => {
    const [real34, ours] = await Promise.all([runReal(['--version']), runOurs(['--version'])]);
    const real = realAs35(real34);
    if (ours.stderr.toString('utf8') !== real.stderr.toString('utf8') || ours.code !== real.code) report(t, ['--version'], real, ours);
    assert.equal(ours.stderr.toString('utf8'), 'Error: unknown flag: --version\n\nError: unknown flag: --version\n');
    assert.equal(ours.code, 1);
    assertSamePage(t, ['--version'], real, ours);
  });

  test('unknown flag before the command name (cobra quirk: it takes the next word as its value)', T, async (t) => {
    // cobra's command lookup assumes an unknown --flag without "=" has a value, so "put" is
    // swallowed and "zz/k" is looked up as the command: `unknown command "zz/k" for "etcdctl"`.
    await cmp(t, [E(), '--badglobal', 'put', 'zz/k', 'v']);
  });

  test('get takes etcdctl 3.6\'s revision filters (an addition to 3.5, see the README)', T, async () => {
    const all = await runOurs([E(), 'get', '', '--from-key', '--keys-only']);
    assert.equal(all.code, 0, all.stderr.toString());
    const none = await runOurs([E(), 'get', '', '--from-key', '--keys-only', '--max-create-rev=1']);
    assert.equal(none.code, 0, none.stderr.toString());
    assert.equal(none.stdout.toString(), '', 'no key was created at revision 1');
    const same = await runOurs([E(), 'get', '', '--from-key', '--keys-only', '--min-mod-rev=1']);
    assert.deepEqual(same.stdout, all.stdout);
    const bad = await runOurs([E(), 'get', 'foo', '--min-mod-rev=5', '--max-mod-rev=3']);
    assert.equal(bad.code, 4);
    assert.equal(bad.stderr.toString(), 'Error: getMinModRev(=5) > getMaxModRev(=3)\n');
  });

  test('bad value for a local flag: get --limit abc foo', T, async (t) => {
    await cmp(t, [E(), 'get', '--limit', 'abc', 'foo']);
  });

  test('bad bool value for a local flag: compaction --physical=maybe 1', T, async (t) => {
    await cmp(t, [E(), 'compaction', '--physical=maybe', '1']);
  });

  test('flag needs an argument: put zz/k v --lease / -w', T, async (t) => {
    await cmp(t, [E(), 'put', 'zz/k', 'v', '--lease']);
    await cmp(t, [E(), 'put', 'zz/k', 'v', '-w']);
  });

  test('bad durations: --dial-timeout=5 / abc / 5x, --command-timeout=-', T, async (t) => {
    await cmp(t, [E(), '--dial-timeout=5', 'put', 'zz/k', 'v']);
    await cmp(t, [E(), '--dial-timeout=abc', 'put', 'zz/k', 'v']);
    await cmp(t, [E(), '--dial-timeout=5x', 'put', 'zz/k', 'v']);
    await cmp(t, [E(), 'put', 'zz/k', 'v', '--command-timeout=-']);
  });

  test('bad bool value for a global flag given before the command: --hex=2 put zz/k v (usage is put\'s)', T, async (t) => {
    await cmp(t, [E(), '--hex=2', 'put', 'zz/k', 'v']);
  });

  test('bad bool values after the command: put zz/k v --prev-kv=maybe, --hex=yes', T, async (t) => {
    await cmp(t, [E(), 'put', 'zz/k', 'v', '--prev-kv=maybe']);
    await cmp(t, [E(), 'put', 'zz/k', 'v', '--hex=yes']);
  });

  test('-w bad / --write-out=bad: exit 4 (after argument checks)', T, async (t) => {
    const { ours } = await cmp(t, [E(), '-w', 'bad', 'get', 'foo']);
    assert.equal(ours.code, 4);
    assert.equal(ours.stderr.toString('utf8'), 'Error: unsupported output format\n');
    await cmp(t, [E(), 'get', 'foo', '--write-out=bad']);
    await cmp(t, [E(), 'get', '--write-out=bad']); // the missing key is reported first (128)
    await cmp(t, [E(), 'put', 'k', 'v', '-w', 'yaml']);
  });
});

describe('boolean flags', () => {
  test('--prefix=true / =false, --keys-only=1, --print-value-only=True, --hex=T / =false', T, async (t) => {
    await cmp(t, [E(), 'get', 'g/', '--prefix=true']);
    await cmp(t, [E(), 'get', 'g/', '--prefix=false']);
    await cmp(t, [E(), 'get', 'g/', '--prefix', '--keys-only=1']);
    await cmp(t, [E(), 'get', 'g/', '--prefix', '--print-value-only=True']);
    await cmp(t, [E(), '--hex=T', 'get', 'foo']);
    await cmp(t, [E(), '--hex=false', 'get', 'foo']);
    await cmp(t, [E(), 'get', 'foo', '--hex=true', '-w', 'fields']);
  });

  test('a bool flag does not take the next argument as its value', T, async (t) => {
    await cmp(t, [E(), 'get', '--prefix', 'true']); // key "true" with --prefix
    await cmp(t, [E(), 'get', '--hex', 'foo']);
  });

  test('shorthand forms: -wjson, -w=json, -w json', T, async (t) => {
    await cmp(t, [E(), 'get', 'foo', '-wjson']);
    await cmp(t, [E(), 'get', 'foo', '-w=json']);
    await cmp(t, [E(), '-w', 'json', 'get', 'foo']);
  });

  test('a local flag of the command given before the command name (cobra accepts it)', T, async (t) => {
    await cmp(t, [E(), '--limit=1', 'get', 'g/', '--prefix']);
  });
});

describe('commands', () => {
  test('unknown command: etcdctl bogus', T, async (t) => {
    const { ours } = await cmp(t, ['bogus']);
    assert.equal(ours.stderr.toString('utf8'),
      'Error: unknown command "bogus" for "etcdctl"\nRun \'etcdctl --help\' for usage.\nError: unknown command "bogus" for "etcdctl"\n');
    assert.equal(ours.code, 1);
  });

  test('words after -- name no command: the root help, exit 0 (cobra)', T, async (t) => {
    const { ours } = await cmp(t, ['--', 'get', 'foo']);
    assert.match(ours.stdout.toString('utf8'), /^NAME:\n\tetcdctl - /);
    assert.equal(ours.code, 0);
    await cmp(t, ['--', 'bogus']);
    await cmp(t, ['--']);
    await cmp(t, ['bogus', '--', 'x']);
  });

  test('typo with suggestion: etcdctl gett / gett foo', T, async (t) => {
    const { ours } = await cmp(t, ['gett']);
    assert.equal(ours.stderr.toString('utf8'),
      'Error: unknown command "gett" for "etcdctl"\n\nDid you mean this?\n\tget\n\nRun \'etcdctl --help\' for usage.\n' +
      'Error: unknown command "gett" for "etcdctl"\n\nDid you mean this?\n\tget\n\n');
    await cmp(t, ['gett', 'foo']);
    await cmp(t, ['pt', 'foo']);
  });

  test('command prefix matching: etcdctl ge foo, etcdctl g foo, etcdctl compa 1', T, async (t) => {
    await cmp(t, [E(), 'ge', 'foo']);
    await cmp(t, [E(), 'g', 'foo', '-w', 'json']);
    await cmp(t, [E(), 'compa']); // resolves to compaction: missing argument, 128
  });
});

// ---------------------------------------------------------------------------------------------

describe('help', () => {
  for (const cmd of ['get', 'put', 'del', 'compaction', 'version']) {
    for (const form of [[cmd, '--help'], [cmd, '-h'], ['help', cmd], [cmd, '--help=true'], [cmd, 'x', 'y', '--help']]) {
      test(`etcdctl ${form.join(' ')}`, T, async (t) => {
        const { ours } = await cmp(t, form);
        assert.equal(ours.code, 0);
      });
    }
  }

  test('help for a prefix-matched command: etcdctl pu --help, etcdctl compa -h', T, async (t) => {
    await cmp(t, ['pu', '--help']);
    await cmp(t, ['compa', '-h']);
  });

  test("help with words after a command: the page of the deepest command they name (cobra's Find)", T, async (t) => {
    await cmp(t, ['help', 'get', 'extra']);
    await cmp(t, ['help', 'put', 'get']);
    await cmp(t, ['help', 'compaction', 'x', 'y']);
  });

  test('help bogus: "Unknown help topic" then the root help', T, async (t) => {
    const [real34, ours] = await Promise.all([runReal(['help', 'bogus']), runOurs(['help', 'bogus'])]);
    const real = realAs35(real34);
    if (ours.stderr.toString('utf8') !== real.stderr.toString('utf8') || ours.code !== real.code) report(t, ['help', 'bogus'], real, ours);
    assert.equal(ours.stderr.toString('utf8'), 'Unknown help topic [`bogus`]\n');
    assert.equal(ours.code, 0);
    assertSamePage(t, ['help', 'bogus'], real, ours);
  });

  for (const form of [['--help'], ['-h'], ['help'], []]) {
    test(`root help: etcdctl ${form.join(' ') || '(no arguments)'}`, T, async (t) => {
      const [real34, ours] = await Promise.all([runReal(form), runOurs(form)]);
      const real = realAs35(real34);
      assert.equal(ours.code, 0, `exit code; stderr: ${ours.stderr}`);
      assert.equal(ours.stderr.toString('utf8'), '');
      assertSamePage(t, form, real, ours);
    });
  }
});

// ---------------------------------------------------------------------------------------------

describe('environment', () => {
  test('ETCDCTL_ENDPOINTS is used when --endpoints is not given', T, async (t) => {
    await cmp(t, ['get', 'foo'], { env: { ETCDCTL_ENDPOINTS: url } });
    await cmp(t, ['get', 'g/', '--prefix'], { env: { ETCDCTL_ENDPOINTS: `127.0.0.1:1, ${url}` } });
  });

  test('ETCDCTL_WRITE_OUT / ETCDCTL_HEX', T, async (t) => {
    await cmp(t, ['get', 'foo'], { env: { ETCDCTL_ENDPOINTS: url, ETCDCTL_WRITE_OUT: 'json' } });
    await cmp(t, ['get', 'foo'], { env: { ETCDCTL_ENDPOINTS: url, ETCDCTL_WRITE_OUT: 'fields' } });
    await cmp(t, ['get', 'foo'], { env: { ETCDCTL_ENDPOINTS: url, ETCDCTL_HEX: 'true' } });
    await cmp(t, ['get', 'foo'], { env: { ETCDCTL_ENDPOINTS: url, ETCDCTL_HEX: '1' } });
    await cmp(t, ['get', 'foo'], { env: { ETCDCTL_ENDPOINTS: url, ETCDCTL_WRITE_OUT: 'bad' } }); // a valid string: exit 4
  });

  test('invalid values in ETCDCTL_* are ignored', T, async (t) => {
    await cmp(t, ['get', 'foo'], { env: { ETCDCTL_ENDPOINTS: url, ETCDCTL_HEX: 'bogus' } });
    await cmp(t, ['get', 'foo'], { env: { ETCDCTL_ENDPOINTS: url, ETCDCTL_DIAL_TIMEOUT: 'abc' } });
    await cmp(t, ['get', 'foo'], { env: { ETCDCTL_ENDPOINTS: url, ETCDCTL_COMMAND_TIMEOUT: '5' } });
    await cmp(t, ['get', 'foo'], { env: { ETCDCTL_ENDPOINTS: url, ETCDCTL_WRITE_OUT: '' } }); // empty: ignored
  });

  test('ETCDCTL_* is read only for commands that build a client: argument errors come first', T, async (t) => {
    await cmp(t, ['get'], { env: { ETCDCTL_WRITE_OUT: 'bad' } });
    await cmp(t, ['put'], { env: { ETCDCTL_ENDPOINTS: url, ETCDCTL_WRITE_OUT: 'json' } });
  });

  test('ETCDCTL_DIAL_TIMEOUT is used (ours alone: a server that never answers)', T, async (t) => {
    // A TCP listener that accepts and stays silent: the dial (which waits for the server's HTTP/2
    // SETTINGS) times out after the dial timeout, and ours names that timeout in its hint line.
    // (The real etcdctl waits for the 5 s command timeout here instead: not compared.)
    const silent = net.createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as net.AddressInfo).port;
    try {
      const r = await runOurs(['get', 'foo'], { env: { ETCDCTL_ENDPOINTS: `127.0.0.1:${port}`, ETCDCTL_DIAL_TIMEOUT: '1s' } });
      const lines = r.stderr.toString('utf8').split('\n');
      t.diagnostic(`took ${r.durationMs} ms; stderr: ${r.stderr}`);
      assert.equal(lines[0], 'Error: context deadline exceeded');
      assert.match(lines[1] ?? '', /--dial-timeout=1s/);
      assert.equal(r.code, 1);
      assert.ok(r.durationMs >= 900 && r.durationMs < 3000, `took ${r.durationMs} ms with a 1 s dial timeout`);
      // and the flag wins over the variable (ours' intended behaviour)
      const f = await runOurs(['get', 'foo', '--dial-timeout=500ms'], { env: { ETCDCTL_ENDPOINTS: `127.0.0.1:${port}`, ETCDCTL_DIAL_TIMEOUT: '3s' } });
      assert.match(f.stderr.toString('utf8').split('\n')[1] ?? '', /--dial-timeout=500ms/);
      assert.ok(f.durationMs < 2500, `took ${f.durationMs} ms with --dial-timeout=500ms`);
    } finally {
      silent.close();
    }
  });

  test('a flag wins over its ETCDCTL_* variable (ours alone; etcdctl would exit with "conflicting environment variable")', T, async () => {
    const r = await runOurs([E(), 'get', 'foo'], { env: { ETCDCTL_ENDPOINTS: '127.0.0.1:1' } });
    assert.equal(r.stderr.toString('utf8'), '');
    assert.equal(r.stdout.toString('utf8'), 'foo\nbar\n');
    assert.equal(r.code, 0);
    const w = await runOurs([E(), 'get', 'foo', '-w', 'simple'], { env: { ETCDCTL_WRITE_OUT: 'json' } });
    assert.equal(w.stdout.toString('utf8'), 'foo\nbar\n');
    const h = await runOurs([E(), 'get', 'foo', '--hex=false'], { env: { ETCDCTL_HEX: 'true' } });
    assert.equal(h.stdout.toString('utf8'), 'foo\nbar\n');
  });

  test('unknown ETCDCTL_* variable: a warning, the command still runs (ours alone; 3.5 logs a zap JSON line)', T, async () => {
    const r = await runOurs([E(), 'get', 'foo'], { env: { ETCDCTL_FOO: 'bar' } });
    assert.equal(r.stdout.toString('utf8'), 'foo\nbar\n');
    assert.equal(r.code, 0);
    const line = r.stderr.toString('utf8').trim();
    const j = JSON.parse(line) as Record<string, unknown>;
    assert.equal(j.level, 'warn');
    assert.equal(j.msg, 'unrecognized environment variable');
    assert.equal(j['environment-variable'], 'ETCDCTL_FOO=bar');
  });

  test('which ETCDCTL_* variables are warned of, in what order and when: as etcdctl', T, async () => {
    // 3.4.23 writes capnslog lines, 3.5 (and ours) zap JSON: the variables named are compared.
    const warnedReal = (r: RunResult) => [...r.stderr.toString('utf8').matchAll(/ W \| pkg\/flags: unrecognized environment variable (.*)$/gm)].map((m) => m[1]);
    const warnedOurs = (r: RunResult) => r.stderr.toString('utf8').split('\n').filter((l) => l.startsWith('{')).map((l) => {
      assert.match(l, /^\{"level":"warn","ts":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}(Z|[+-]\d{4})","caller":"flags\/flag\.go:93","msg":"unrecognized environment variable","environment-variable":"[^"]*"\}$/);
      return (JSON.parse(l) as Record<string, string>)['environment-variable'];
    });
    const env = { ETCDCTL_ZZZ: '1', ETCDCTL_FOO: 'bar', ETCDCTL_CACERT: '', ETCDCTL_WATCH_KEY: 'x', ETCDCTL_DIAL_TIMEOUT: '3s' };
    for (const args of [[E(), 'get', 'foo'], [E(), 'get', 'foo', '-w', 'xx'], [E(), 'get'], [E(), 'version'], [E(), 'endpoint', 'health']]) {
      const [real, ours] = await Promise.all([runReal(args, { env }), runOurs(args, { env })]);
      assert.deepEqual(warnedOurs(ours), warnedReal(real), `${args.slice(1).join(' ')}: warned of`);
      assert.equal(ours.code, real.code);
    }
    const [real, ours] = await Promise.all([runReal([E(), 'get', 'foo'], { env }), runOurs([E(), 'get', 'foo'], { env })]);
    assert.deepEqual(warnedOurs(ours), ['ETCDCTL_ZZZ=1', 'ETCDCTL_FOO=bar', 'ETCDCTL_CACERT=', 'ETCDCTL_WATCH_KEY=x'], 'test premise: what etcdctl names');
    assert.equal(ours.stdout.toString(), real.stdout.toString());
  });

  test('ETCDCTL_API=3 and empty ETCDCTL_API select v3', T, async (t) => {
    await cmp(t, [E(), 'get', 'foo'], { env: { ETCDCTL_API: '3' } });
    await cmp(t, [E(), 'get', 'foo'], { env: { ETCDCTL_API: '' } });
    await cmp(t, [E(), 'get', 'foo'], { env: { ETCDCTL_API: undefined } });
  });

  test('ETCDCTL_API=4: "unsupported API version: 4" (3.5 wording), exit 1', T, async () => {
    for (const args of [['version'], [E(), 'get', 'foo'], []]) {
      const r = await runOurs(args, { env: { ETCDCTL_API: '4' } });
      assert.equal(r.stdout.toString('utf8'), '');
      assert.equal(r.stderr.toString('utf8'), 'unsupported API version: 4\n');
      assert.equal(r.code, 1);
    }
    // 3.4.23 says the same without the colon
    const real = await runReal(['version'], { env: { ETCDCTL_API: '4' } });
    assert.equal(real.stderr.toString('utf8'), 'unsupported API version 4\n');
  });
});

describe('--endpoints lists', () => {
  test('comma-separated with spaces, a dead endpoint first, repeated flags append', T, async (t) => {
    await cmp(t, [`--endpoints=127.0.0.1:1, ${url}`, 'get', 'foo']);
    await cmp(t, [`--endpoints= ${url} ,127.0.0.1:1`, 'get', 'foo']);
    await cmp(t, ['--endpoints', `${url},  127.0.0.1:1`, 'get', 'foo', '-w', 'json']);
    await cmp(t, ['--endpoints=127.0.0.1:1', `--endpoints=${url}`, 'get', 'foo']);
    await cmp(t, [`--endpoints=${srv.endpoints[0]}`, 'get', 'foo']); // bare host:port
  });
});

describe('version (ours alone: 3.5 text)', () => {
  const V = `etcdctl version: 3.5.0\nAPI version: 3.5\netcdctl-ts version: ${PACKAGE_VERSION}\n`;
  test("version prints the 3.5 version lines and then etcdctl-ts's own, contacts no server, ignores -w", T, async () => {
    for (const args of [['version'], ['version', '-w', 'json'], ['--endpoints=127.0.0.1:1', 'version'], ['vers'], ['version', 'extra']]) {
      const r = await runOurs(args);
      assert.equal(r.stdout.toString('utf8'), V, JSON.stringify(args));
      assert.equal(r.stderr.toString('utf8'), '', JSON.stringify(args));
      assert.equal(r.code, 0, JSON.stringify(args));
    }
  });
});

describe('--debug', () => {
  test('prints every global flag as ETCDCTL_<NAME>=<value> first, as etcdctl does', T, async () => {
    const args = [E(), '--debug', '--dial-timeout=3s', 'get', 'foo'];
    const real = await runReal(args);
    const ours = await runOurs(args);
    const flagLines = (r: RunResult) => r.stderr.toString().split('\n').filter((l) => l.startsWith('ETCDCTL_'));
    assert.deepEqual(flagLines(ours), flagLines(real));
    assert.equal(flagLines(ours).length, 18);
    assert.ok(flagLines(ours).includes('ETCDCTL_DIAL_TIMEOUT=3s'));
    assert.deepEqual(ours.stdout, real.stdout);
    // Then ours says where it connected (etcdctl prints gRPC's own log lines instead).
    assert.match(ours.stderr.toString(), /\[etcdctl-ts\] connected to /);
  });

  test('the flags a command inherits are dumped too (endpoint --cluster); endpoint health dumps none, as etcdctl', T, async () => {
    const flagLines = (r: RunResult) => r.stderr.toString().split('\n').filter((l) => l.startsWith('ETCDCTL_'));
    for (const c of [['endpoint', 'status'], ['endpoint', 'hashkv', '--cluster'], ['endpoint', 'health'], ['endpoint', 'health', '--cluster']]) {
      const args = [E(), '--debug', ...c];
      const [real, ours] = await Promise.all([runReal(args), runOurs(args)]);
      assert.deepEqual(flagLines(ours), flagLines(real), c.join(' '));
      assert.equal(ours.code, real.code);
    }
    const status = await runOurs([E(), '--debug', 'endpoint', 'status']);
    assert.ok(flagLines(status).includes('ETCDCTL_CLUSTER=false'), 'test premise: the inherited flag is there');
  });
});
