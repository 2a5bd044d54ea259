// watch against the real etcdctl. Watching from a past revision replays a
// known history at once, so both clients print the same events without
// racing the writes; each is stopped after a while, as a user would stop it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startEtcd, type EtcdHandle } from './harness/etcd.js';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCommand, runReal, runOurs, stripZapLines, OUR_BIN, REAL_ETCDCTL, type RunOptions, type RunResult } from './harness/run.js';
import { helpPageAs35 } from './harness/help35.js';

let server: EtcdHandle;
let start = 0n; // revision of the first write of the history below

async function real(args: string[], opts: RunOptions = {}) {
  return runReal([...server.etcdctlArgs(), ...args], opts);
}

/** Both clients, same arguments; long-running ones are killed after `runMs`. */
async function both(args: string[], opts: RunOptions & { runMs?: number } = {}): Promise<{ real: RunResult; ours: RunResult }> {
  const o = { ...opts, timeoutMs: opts.runMs ?? 20000 };
  const [r, u] = await Promise.all([runReal([...server.etcdctlArgs(), ...args], o), runOurs([...server.etcdctlArgs(), ...args], o)]);
  // The harness notes on stderr that it killed a client; that line names the binary.
  const stderr = (x: RunResult) => stripZapLines(x.stderr).replace(/^\[harness\] .*\n?/gm, '');
  const view = (x: RunResult, stdout: Buffer) => ({ stdout: stdout.toString('hex'), text: stdout.toString(), stderr: stderr(x), code: x.code, signal: x.signal });
  // Flag errors print the usage: compared with 3.5's page (it has --progress-notify), from harness/help35.ts.
  const realStdout = r.stdout.subarray(0, 6).toString() === 'NAME:\n' ? Buffer.from(helpPageAs35(r.stdout.toString())) : r.stdout;
  assert.deepEqual(view(u, u.stdout), view(r, realStdout), `watch ${args.join(' ')}`);
  return { real: r, ours: u };
}

before(async () => {
  server = await startEtcd();
  const first = await real(['put', 'w/a', '1', '-w', 'json']);
  start = BigInt(/"revision":(\d+)/.exec(first.stdout.toString())![1]);
  for (const args of [
    ['put', 'w/a', 'two words'],
    ['put', 'w/b', 'line1\nline2'],
    ['del', 'w/a'],
    ['put', 'w/c', '\u00e9\u4e16'],
    ['put', 'wz', 'outside'],
  ]) assert.equal((await real(args)).code, 0);
});

after(async () => {
  await server?.stop();
});

test('replayed events in every format, with --prev-kv, --prefix, a range and --hex', { timeout: 120000 }, async () => {
  const rev = String(start);
  const variants = [
    ['w/a', '--rev', rev],
    ['w/a', '--rev', rev, '--prev-kv'],
    ['w/', '--prefix', '--rev', rev],
    ['w/a', 'w/c', '--rev', rev],
    ['w/', '--prefix', '--rev', rev, '--hex'],
  ];
  for (const v of variants) {
    for (const w of ['simple', 'json', 'fields', 'protobuf']) {
      const r = await both(['watch', ...v, '-w', w], { runMs: 1500 });
      assert.ok(r.ours.stdout.length > 0, `no output for watch ${v.join(' ')} -w ${w}`);
      assert.equal(r.ours.signal, 'SIGKILL');
    }
  }
});

test('exec mode runs the command per event with ETCD_WATCH_* set', { timeout: 30000 }, async () => {
  const r = await both(['watch', 'w/', '--prefix', '--rev', String(start), '--', 'sh', '-c', 'echo "[$ETCD_WATCH_REVISION $ETCD_WATCH_EVENT_TYPE $ETCD_WATCH_KEY $ETCD_WATCH_VALUE]"'], { runMs: 2000 });
  const text = r.ours.stdout.toString();
  // ETCD_WATCH_REVISION is the response's revision; values are Go-quoted (sh's echo then expands \n).
  assert.match(text, /\[\d+ "PUT" "w\/a" "two words"\]/);
  assert.ok(text.includes('"w/b" "line1\nline2"]'), text);
  assert.match(text, /\[\d+ "DELETE" "w\/a" ""\]/);
  // A failing command ends watch with exit 1 after reporting it.
  const fail = await both(['watch', 'w/a', '--rev', String(start), '--', 'sh', '-c', 'exit 3']);
  assert.equal(fail.ours.code, 1);
  assert.equal(stripZapLines(fail.ours.stderr), 'command ["sh" "-c" "exit 3"] error (exit status 3)\n');
});

test('ETCDCTL_WATCH_KEY and ETCDCTL_WATCH_RANGE_END stand in for the arguments', { timeout: 30000 }, async () => {
  await both(['watch', '--rev', String(start)], { env: { ETCDCTL_WATCH_KEY: 'w/a' }, runMs: 1500 });
  await both(['watch', '--rev', String(start)], { env: { ETCDCTL_WATCH_KEY: 'w/a', ETCDCTL_WATCH_RANGE_END: 'w/c' }, runMs: 1500 });
});

test('argument errors', { timeout: 30000 }, async () => {
  const cases: Array<[string[], Record<string, string>]> = [
    [['watch'], {}],
    [['watch', 'a', '--'], {}],
    [['watch', 'a', 'b', '--prefix'], {}],
    [['watch', 'y'], { ETCDCTL_WATCH_KEY: 'x' }],
    [['watch'], { ETCDCTL_WATCH_RANGE_END: 'z' }],
    [['watch', 'a', '--rev', 'x'], {}],
  ];
  for (const [args, env] of cases) {
    const r = await both(args, { env });
    assert.notEqual(r.ours.code, 0, args.join(' '));
  }
});

test('watch has no table format: ours says so at once (etcdctl waits for the first event)', { timeout: 30000 }, async () => {
  const u = await runOurs([...server.etcdctlArgs(), 'watch', 'w/a', '-w', 'table']);
  assert.equal(u.code, 4);
  assert.equal(u.stderr.toString(), 'Error: table not supported as output format\n');
});

test('a watch from a compacted revision is canceled by the server: exit 5', { timeout: 30000 }, async () => {
  const c = await real(['compaction', String(start + 2n)]);
  assert.equal(c.code, 0, c.stderr.toString());
  const r = await both(['watch', 'w/a', '--rev', String(start)]);
  assert.equal(r.ours.code, 5);
  assert.equal(stripZapLines(r.ours.stderr), 'watch was canceled (etcdserver: mvcc: required revision has been compacted)\nError: watch is canceled by the server\n');
  // The canceled response in JSON: its (empty) Events is [], as the Go client builds it.
  const j = await both(['watch', 'w/a', '--rev', String(start), '-w', 'json']);
  assert.equal(j.ours.code, 5);
  assert.match(j.ours.stdout.toString(), /^\{"Header":\{[^}]*\},"Events":\[\],"CompactRevision":\d+,"Canceled":true,"Created":false\}\n$/);
});

test('interactive: bad lines are reported, end of input is exit 3', { timeout: 30000 }, async () => {
  const opts = { stdin: 'bogus\nwatch\n' };
  const r = await runReal([...server.etcdctlArgs(), 'watch', '-i'], opts);
  const u = await runOurs([...server.etcdctlArgs(), 'watch', '-i'], opts);
  assert.equal(u.code, r.code);
  assert.equal(u.code, 3);
  assert.deepEqual(u.stdout, r.stdout);
  // etcdctl 3.5 writes the last message in lower case; 3.4 (the binary here) capitalised it.
  assert.equal(stripZapLines(r.stderr).replace('Error: Error reading', 'Error: error reading'), stripZapLines(u.stderr));
  assert.equal(stripZapLines(u.stderr), 'Invalid command bogus (only support watch)\nInvalid command watch (command type or key is not provided)\nError: error reading watch request line: EOF\n');
});

test('--progress-notify: the server\'s periodic notifications are printed as etcdctl 3.5 prints them', { timeout: 30000 }, async () => {
  // etcdctl 3.4 has no --progress-notify, so ours runs alone; the expected lines
  // are 3.5's: "progress notify: <revision>" and then the (empty) response itself.
  const fast = await startEtcd({ extraArgs: ['--experimental-watch-progress-notify-interval=200ms'] });
  try {
    const ep = fast.etcdctlArgs();
    const rev = /"revision":(\d+)/.exec((await runReal([...ep, 'put', 'p', '1', '-w', 'json'])).stdout.toString())![1];
    const simple = await runOurs([...ep, 'watch', 'nothing-here', '--progress-notify'], { timeoutMs: 1500 });
    const lines = simple.stdout.toString().split('\n').filter((l) => l !== '');
    assert.ok(lines.length >= 2, `expected several notifications, got ${JSON.stringify(simple.stdout.toString())}`);
    for (const l of lines) assert.equal(l, `progress notify: ${rev}`);
    const json = await runOurs([...ep, 'watch', 'nothing-here', '--progress-notify', '-w', 'json'], { timeoutMs: 1500 });
    const jl = json.stdout.toString().split('\n').filter((l) => l !== '');
    assert.ok(jl.length >= 4, json.stdout.toString());
    // 3.5's client builds Events with make(): an empty list is [] (3.4 prints the same for other responses).
    assert.equal(jl[0], `progress notify: ${rev}`);
    assert.match(jl[1], new RegExp(`^\\{"Header":\\{"cluster_id":\\d+,"member_id":\\d+,"revision":${rev},"raft_term":\\d+\\},"Events":\\[\\],"CompactRevision":0,"Canceled":false,"Created":false\\}$`));
  } finally {
    await fast.stop();
  }
});

/**
 * watch -i with its request lines written by `script` (a shell snippet, with
 * pauses) while it runs: etcdctl ends at the end of input, maybe before the
 * answers to the last requests are printed.
 */
function interactive(which: 'real' | 'ours', script: string, opts: RunOptions = {}): Promise<RunResult> {
  const bin = which === 'real' ? [REAL_ETCDCTL] : [process.execPath, OUR_BIN];
  return runCommand('/bin/sh', ['-c', `{ ${script}; } | exec "$@"`, 'sh', ...bin, ...server.etcdctlArgs(), 'watch', '-i', '-w', 'json'], opts);
}

/** stdout as sorted lines: the watches of watch -i print concurrently in etcdctl, in no fixed order. */
function sortedLines(b: Buffer): string[] {
  return b.toString().split('\n').filter((l) => l !== '').sort();
}

test('interactive "progress": one notification per open watch, none without one', { timeout: 60000 }, async () => {
  // Whatever ran before, start is below the compacted revision from here on.
  await real(['compaction', String(start + 2n)]);
  const cases = [
    // Two open watches: the reply to the stream reaches both.
    "printf 'watch w/a\\nwatch w/b\\n'; sleep 0.5; printf 'progress\\n'; sleep 1",
    // No watch open: nothing.
    "printf 'progress\\n'; sleep 1",
    // The only watch was canceled (compacted): nothing; a new watch opens a new stream, which answers.
    // The server cancels a compacted watch from its sync loop, a little after creating it: the
    // first pause leaves time to start, connect and be canceled before "progress" is read.
    `printf 'watch w/a --rev ${start}\\n'; sleep 1.5; printf 'progress\\n'; sleep 0.5; printf 'watch w/c\\n'; sleep 0.5; printf 'progress\\n'; sleep 1`,
  ];
  const expectedCounts = [2, 0, 1];
  for (const [i, script] of cases.entries()) {
    const [r, u] = await Promise.all([interactive('real', script), interactive('ours', script)]);
    assert.equal(u.code, 3, script);
    assert.equal(u.code, r.code, script);
    assert.deepEqual(sortedLines(u.stdout), sortedLines(r.stdout), script);
    assert.equal(stripZapLines(u.stderr), stripZapLines(r.stderr).replace('Error: Error reading', 'Error: error reading'), script);
    const progress = sortedLines(u.stdout).filter((l) => l.startsWith('progress notify: '));
    assert.equal(progress.length, expectedCounts[i], `${script}\n${u.stdout}`);
    for (const l of sortedLines(u.stdout).filter((x) => x.startsWith('{"Header"') && !x.includes('"Canceled":true'))) {
      assert.match(l, /"Events":\[\],"CompactRevision":0,"Canceled":false,"Created":false\}$/);
    }
  }
});

test('interactive: a request line with a bad flag or argument count ends watch -i with exit 128, as pflag words it', { timeout: 60000 }, async () => {
  const cases: Array<[string, Record<string, string>]> = [
    ['watch w/a --rev abc', {}],
    ['watch w/a --rev 99999999999999999999', {}],
    ['watch w/a --bogus', {}],
    ['watch w/a --', {}],
    ['watch --prefix', {}],
    ['watch w/a -x', {}],
    ['watch w/a -ix', {}],
    ['watch w/a --rev', {}],
    ['watch w/a --prefix=maybe', {}],
    ['watch w/a -i=2', {}],
    ['watch w/a ---x', {}],
    ['watch w/a --help', {}],
    ['watch w/b', { ETCDCTL_WATCH_KEY: 'w/a' }],
    ['watch --', { ETCDCTL_WATCH_KEY: 'w/a' }],
    // These only skip the line; the end of input then ends watch -i (exit 3).
    ['watch -- echo', {}],
    ['watch a b --prefix', {}],
  ];
  for (const [line, env] of cases) {
    const opts = { stdin: `${line}\n`, env };
    const [r, u] = await Promise.all([runReal([...server.etcdctlArgs(), 'watch', '-i'], opts), runOurs([...server.etcdctlArgs(), 'watch', '-i'], opts)]);
    assert.equal(u.code, r.code, line);
    assert.deepEqual(u.stdout, r.stdout, line);
    assert.equal(stripZapLines(u.stderr), stripZapLines(r.stderr).replace('Error: Error reading', 'Error: error reading'), line);
  }
  const u = await runOurs([...server.etcdctlArgs(), 'watch', '-i'], { stdin: 'watch w/a --rev abc\n' });
  assert.equal(u.code, 128);
  assert.equal(stripZapLines(u.stderr), 'Error: invalid argument "abc" for "--rev" flag: strconv.ParseInt: parsing "abc": invalid syntax\n');
});

test('exec mode: a command that cannot start is reported as Go\'s os/exec reports it, exit 1', { timeout: 60000 }, async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'watch-exec-'));
  try {
    // An executable text file without "#!": Go gets ENOEXEC; Node's spawn would hand it to sh.
    writeFileSync(path.join(dir, 'noshebang'), 'echo ran by sh\n', { mode: 0o755 });
    writeFileSync(path.join(dir, 'notexec'), 'echo x\n', { mode: 0o644 });
    writeFileSync(path.join(dir, 'badinterp'), '#!/nonexistent/interp\necho x\n', { mode: 0o755 });
    mkdirSync(path.join(dir, 'bin'));
    writeFileSync(path.join(dir, 'bin', 'inrel'), '#!/bin/sh\necho x\n', { mode: 0o755 });
    const events = ['watch', 'w/', '--prefix', '--rev', String(start + 3n), '--'];
    const cases: Array<[string, string]> = [
      ['/nonexistent/cmd', 'fork/exec /nonexistent/cmd: no such file or directory'],
      ['./', 'fork/exec ./: permission denied'],
      ['', 'exec: no command'],
      ['./noshebang', 'fork/exec ./noshebang: exec format error'],
      [path.join(dir, 'noshebang'), `fork/exec ${path.join(dir, 'noshebang')}: exec format error`],
      ['./notexec', 'fork/exec ./notexec: permission denied'],
      ['./badinterp', 'fork/exec ./badinterp: no such file or directory'],
      ['no-such-command-here', 'exec: "no-such-command-here": executable file not found in $PATH'],
      ['.', 'exec: ".": executable file not found in $PATH'],
      // Found through a relative PATH entry: Go refuses to run it.
      ['inrel', 'exec: "inrel": cannot run executable found relative to current directory'],
    ];
    for (const [cmd, why] of cases) {
      const r = await both([...events, cmd, 'a'], { cwd: dir, env: { PATH: `bin:${process.env.PATH}` } });
      assert.equal(r.ours.code, 1, cmd);
      assert.equal(stripZapLines(r.ours.stderr), `command [${JSON.stringify(cmd)} "a"] error (${why})\n`, cmd);
      assert.ok(!r.ours.stdout.toString().includes('ran by sh'), cmd);
    }
    // "/" is looked up (filepath.Base("/") is "/"); Go 1.19 (etcdctl 3.4 here) says
    // "permission denied", the Go that builds etcdctl 3.5 says EISDIR's text.
    const u = await runOurs([...server.etcdctlArgs(), ...events, '/', 'a']);
    assert.equal(u.code, 1);
    assert.equal(stripZapLines(u.stderr), 'command ["/" "a"] error (exec: "/": is a directory)\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
