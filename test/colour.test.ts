// Colours for people only: which streams get them (--color, FORCE_COLOR,
// NO_COLOR, a terminal), then the CLI driven in a real pseudo-terminal
// (script(1)) against a real etcd, and the same commands piped, where the
// output stays byte-identical to etcdctl's.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { colourMode, paintFor, PLAIN, wantsColour } from '../src/io/colour.js';
import { renderTable } from '../src/go/tablewriter.js';
import { OUR_BIN, runCommand, runOurs, runReal } from './harness/run.js';
import { startEtcd, type EtcdHandle } from './harness/etcd.js';

const ESC = '\x1b[';
const stripAnsi = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');
const shellQuote = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`;

describe('which output gets colours (unit)', () => {
  test('--color decides; with auto, FORCE_COLOR, then NO_COLOR, then whether it is a terminal', () => {
    const cases: [string, NodeJS.ProcessEnv, boolean, boolean][] = [
      ['auto', {}, true, true],
      ['auto', {}, false, false],
      ['auto', { TERM: 'dumb' }, true, false],
      ['auto', { NO_COLOR: '1' }, true, false],
      ['auto', { NO_COLOR: '' }, true, false],
      ['auto', { FORCE_COLOR: '1' }, false, true],
      ['auto', { FORCE_COLOR: '' }, false, true],
      ['auto', { FORCE_COLOR: '0' }, true, false],
      ['auto', { FORCE_COLOR: 'false' }, true, false],
      ['auto', { FORCE_COLOR: '1', NO_COLOR: '1' }, false, true],
      ['always', { NO_COLOR: '1' }, false, true],
      ['never', { FORCE_COLOR: '1' }, true, false],
    ];
    for (const [mode, env, terminal, want] of cases) {
      assert.equal(wantsColour(colourMode(mode), env, terminal), want, `${mode} ${JSON.stringify(env)} terminal=${terminal}`);
    }
    assert.throws(() => colourMode('blue'), { code: 128, message: 'invalid --color "blue": choose auto, always or never' });
  });

  test('stdout and stderr decide each for itself', async () => {
    const io = { stdout: { write() {}, isTTY: true }, stderr: { write() {} }, stdin: process.stdin };
    const p = await paintFor(io, {}, 'auto');
    assert.equal(p.err, PLAIN);
    assert.equal(p.out.good('ok'), `${ESC}32mok${ESC}39m`);
    assert.equal(p.out.strong('H'), `${ESC}1mH${ESC}22m`);
  });

  test('a table with bold headers has the widths of the plain one', () => {
    const rows = [['8e9e05c52164694d', 'started', 'a name that is long enough to be wrapped at thirty columns']];
    const plain = renderTable(['ID', 'Status', 'Name'], rows);
    const bold = renderTable(['ID', 'Status', 'Name'], rows, (t) => `${ESC}1m${t}${ESC}22m`);
    assert.notEqual(bold, plain);
    assert.equal(stripAnsi(bold), plain);
  });
});

describe('colours in a real terminal, none in pipes (real etcd)', () => {
  let etcd: EtcdHandle;
  let flags: string[];

  before(async () => {
    etcd = await startEtcd();
    flags = etcd.etcdctlArgs();
    for (const args of [['put', 'c/k', 'v1'], ['del', 'c/k']]) {
      const r = await runReal([...flags, ...args]);
      assert.equal(r.code, 0, r.stderr.toString());
    }
  });
  after(async () => {
    await etcd?.stop();
  });

  /** Runs our CLI in a pseudo-terminal (stdout and stderr both on it); what the terminal got, with \r\n as \n. */
  async function inTerminal(args: string[], env: Record<string, string | undefined> = {}): Promise<{ text: string; code: number | null }> {
    const command = [process.execPath, OUR_BIN, ...args].map(shellQuote).join(' ');
    const r = await runCommand('/usr/bin/script', ['-qec', command, '/dev/null'], { env: { TERM: 'xterm', ...env } });
    return { text: r.stdout.toString().replace(/\r\n/g, '\n'), code: r.code };
  }

  test('member list, endpoint health, a table and an error, coloured on a terminal', async () => {
    const list = await inTerminal([...flags, 'member', 'list']);
    assert.equal(list.code, 0);
    assert.match(list.text, /^[0-9a-f]+, \x1b\[32mstarted\x1b\[39m, default, /);
    const health = await inTerminal([...flags, 'endpoint', 'health']);
    assert.match(health.text, /^http:\/\/127\.0\.0\.1:\d+ \x1b\[32mis healthy\x1b\[39m: successfully committed proposal: took = /);
    const table = await inTerminal([...flags, '-w', 'table', 'endpoint', 'hashkv']);
    assert.match(table.text, /\| +\x1b\[1mENDPOINT\x1b\[22m +\| +\x1b\[1mHASH\x1b\[22m +\|/);
    const bad = await inTerminal(['--endpoints=127.0.0.1:1', '--dial-timeout=200ms', 'get', 'x']);
    assert.equal(bad.code, 1);
    assert.match(bad.text, /^\x1b\[31mError: context deadline exceeded\x1b\[39m\n\x1b\[33m127\.0\.0\.1:1 refused the connection/);
    const unknown = await inTerminal(['bogus']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.text, /^\x1b\[31mError: unknown command "bogus" for "etcdctl"\x1b\[39m\n/);
    const unhealthy = await inTerminal(['--endpoints=127.0.0.1:1', '--dial-timeout=200ms', 'endpoint', 'health']);
    assert.match(unhealthy.text, /^127\.0\.0\.1:1 \x1b\[31mis unhealthy\x1b\[39m: failed to commit proposal: /);
  });

  test('watch event types on a terminal', async () => {
    // watch runs until it is stopped: timeout(1) interrupts it once the history is printed.
    const r = await runCommand('/usr/bin/script', ['-qec', `timeout -s INT 2 ${[process.execPath, OUR_BIN, ...flags, 'watch', 'c/k', '--rev=1'].map(shellQuote).join(' ')}`, '/dev/null'], { env: { TERM: 'xterm' } });
    const text = r.stdout.toString().replace(/\r\n/g, '\n');
    assert.equal(text, `${ESC}32mPUT${ESC}39m\nc/k\nv1\n${ESC}31mDELETE${ESC}39m\nc/k\n\n`);
  });

  test('NO_COLOR, --color=never and TERM=dumb: no escape at all on a terminal', async () => {
    for (const [args, env] of [
      [['member', 'list'], { NO_COLOR: '1' }],
      [['--color=never', 'member', 'list'], { FORCE_COLOR: '1' }],
      [['-w', 'table', 'member', 'list'], { NO_COLOR: '' }],
      [['member', 'list'], { TERM: 'dumb' }],
      // A usage error after the flags parsed honours --color too.
      [['--color=never', 'completion', 'tcsh'], {}],
      [['--endpoints=127.0.0.1:1', '--dial-timeout=200ms', 'get', 'x'], { NO_COLOR: '1' }],
    ] as [string[], Record<string, string>][]) {
      const r = await inTerminal(args[0].startsWith('--endpoints=127.0.0.1:1') ? args : [...flags, ...args], env);
      assert.ok(r.text.length > 0, args.join(' '));
      assert.ok(!r.text.includes('\x1b'), `${args.join(' ')} ${JSON.stringify(env)}: ${JSON.stringify(r.text)}`);
    }
  });

  test("piped: byte-identical to etcdctl's; FORCE_COLOR or --color=always colour even a pipe", async () => {
    for (const args of [['member', 'list'], ['-w', 'table', 'member', 'list'], ['-w', 'table', 'endpoint', 'hashkv']]) {
      const real = await runReal([...flags, ...args]);
      const ours = await runOurs([...flags, ...args], { env: { TERM: 'xterm' } });
      assert.equal(real.code, 0);
      assert.equal(ours.stdout.toString(), real.stdout.toString(), args.join(' '));
    }
    const health = await runOurs([...flags, 'endpoint', 'health']);
    assert.match(health.stdout.toString(), /^http:\/\/127\.0\.0\.1:\d+ is healthy: successfully committed proposal: took = \S+\n$/);
    const forced = await runOurs([...flags, 'member', 'list'], { env: { FORCE_COLOR: '1' } });
    assert.match(forced.stdout.toString(), /\x1b\[32mstarted\x1b\[39m/);
    const always = await runOurs(['--color=always', '--endpoints=127.0.0.1:1', '--dial-timeout=200ms', 'get', 'x'], { env: { NO_COLOR: '1' } });
    assert.match(always.stderr.toString(), /^\x1b\[31mError: context deadline exceeded\x1b\[39m\n/);
    const bad = await runOurs([...flags, '--color=blue', 'member', 'list']);
    assert.deepEqual([bad.code, bad.stdout.toString(), bad.stderr.toString()], [128, '', 'Error: invalid --color "blue": choose auto, always or never\n']);
  });
});
