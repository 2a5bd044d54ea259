// Every help page of etcdctl-ts, byte for byte against etcdctl 3.5's, with no server.
//
// 3.5's pages are test/fixtures/help35/*.txt, written by scripts/gen-help35.mjs from the facts
// harness/help35.ts transcribes from the etcd v3.5 source (command definitions, cobrautl's usage
// template, cobra's and pflag's rules). This file checks
//   * that the fixtures are the generator's pages (nobody edited one by hand, none is stale);
//   * that the generator reproduces the real etcdctl 3.4.23 byte for byte (tabs, alignment,
//     GLOBAL OPTIONS) once the few definitions that changed between v3.4.23 and v3.5 are undone;
//   * that etcdctl-ts prints 3.5's page for every command and subcommand, by `<cmd> --help`,
//     `<cmd> -h`, `help <cmd>` and, for a parent, `<cmd>` alone, except for the differences the
//     README documents, which are listed below line by line.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { REPO_ROOT, runOurs, runReal } from './harness/run.js';
import { runInProcess } from './harness/inprocess.js';
import {
  allPaths, expectedPage, find, fixturePages, link, nameOf, OUR_NAME_LINE, renderPage, tree35, treeOurs, type Cmd35, type Flag35, type RenderOptions,
} from './harness/help35.js';

const T = { timeout: 120000 };
const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'help35');

/** Runs `fn` over `items`, `n` at a time (the machine is shared: a few processes at once). */
async function pool<I>(items: I[], n: number, fn: (item: I) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

function fixture(name: string): string {
  return fs.readFileSync(path.join(FIXTURES, name), 'utf8');
}

/** A readable account of where two pages part (first differing line, both versions). */
function firstDifference(want: string, got: string): string {
  const w = want.split('\n');
  const g = got.split('\n');
  for (let i = 0; i < Math.max(w.length, g.length); i++) {
    if (w[i] !== g[i]) return `line ${i + 1}:\n  want ${JSON.stringify(w[i])}\n  got  ${JSON.stringify(g[i])}`;
  }
  return 'same lines';
}

function assertPage(t: TestContext, what: string, want: string, got: string): void {
  if (got !== want) t.diagnostic(`${what}: ${firstDifference(want, got)}`);
  assert.equal(got, want, what);
}

// ---------------------------------------------------------------------------------------------

describe('the 3.5 fixtures', () => {
  test('test/fixtures/help35 holds exactly the generator\'s pages (node scripts/gen-help35.mjs)', () => {
    const pages = fixturePages();
    const files = fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.txt')).sort();
    assert.deepEqual(files, pages.map((p) => p.name).sort(), 'fixture file names');
    for (const p of pages) assert.equal(fixture(p.name), p.text, `${p.name} is not what the generator writes`);
  });

  test('every command of the 3.5 tree has a page, the root two (with and without its help flag)', () => {
    const paths = allPaths(tree35());
    assert.equal(paths.length, 59);
    assert.equal(fixturePages().length, 60);
  });
});

// ---------------------------------------------------------------------------------------------
// The generator against the real etcdctl 3.4.23

/**
 * etcdctl 3.4.23's tree, for checking the generator: 3.5's with what changed between the v3.4.23
 * and v3.5.33 sources of etcdctl/ctlv3 undone (each change below names its file), plus the
 * `completion` command that Debian's build of 3.4.23 gets from its newer cobra.
 */
function tree34(): Cmd35 {
  const root = tree35();
  const dropFlag = (p: string[], name: string) => {
    const c = find(root, p);
    const before = c.flags.length;
    c.flags = c.flags.filter((f) => f.name !== name);
    assert.equal(c.flags.length, before - 1, `${p.join(' ')} --${name}`);
  };
  const flag = (name: string, usage: string, kind: Flag35['kind'] = 'string', def = kind === 'bool' ? 'false' : ''): Flag35 => ({ name, kind, def, usage });
  // auth_command.go: `auth status` is new in 3.5.
  const auth = find(root, ['auth']);
  auth.subs = auth.subs.filter((s) => nameOf(s) !== 'status');
  // get_command.go: --count-only; del_command.go: --range (3.5.6); watch_command.go: --progress-notify.
  dropFlag(['get'], 'count-only');
  dropFlag(['del'], 'range');
  dropFlag(['watch'], 'progress-notify');
  // lease_command.go: 3.4's --once text, before 3.5's rename of exits to cobrautl.Exits.
  find(root, ['lease', 'keep-alive']).flags[0].usage = 'Resets the keep-alive time to its original value and exits immediately';
  // make_mirror_command.go: --dest-user and --dest-password are new in 3.5.
  dropFlag(['make-mirror'], 'dest-user');
  dropFlag(['make-mirror'], 'dest-password');
  // snapshot_command.go: 3.5 deprecated status and restore (for etcdutl) and gave restore three flags.
  const status = find(root, ['snapshot', 'status']);
  status.short = 'Gets backend snapshot status of a given file';
  status.long = `When --write-out is set to simple, this command prints out comma-separated status lists for each endpoint.
The items in the lists are hash, revision, total keys, total size.
`;
  find(root, ['snapshot', 'restore']).long = undefined;
  for (const f of ['bump-revision', 'mark-compacted', 'initial-memory-map-size']) dropFlag(['snapshot', 'restore'], f);
  // migrate_command.go, removed in 3.5.
  root.subs.push({
    use: 'migrate', short: 'Migrates keys in a v2 store to a mvcc store', runnable: true, subs: [],
    flags: [
      flag('no-ttl', 'Do not convert TTL keys', 'bool'),
      flag('data-dir', 'Path to the data directory'),
      flag('wal-dir', 'Path to the WAL directory'),
      flag('transformer', 'Path to the user-provided transformer program'),
    ],
  });
  // cobra >= 1.2's default completion command (its pages are not checked: only its COMMANDS lines).
  const shell = (s: string): Cmd35 => ({ use: s, short: `Generate the autocompletion script for ${s}`, runnable: true, flags: [], subs: [] });
  root.subs.push({
    use: 'completion', short: 'Generate the autocompletion script for the specified shell', runnable: false, flags: [],
    subs: ['bash', 'zsh', 'fish', 'powershell'].map(shell),
  });
  link(root);
  return root;
}

const AS_34: RenderOptions = { version: '3.4.23', apiVersion: '3.4' };

describe('the generator reproduces the real etcdctl 3.4.23', () => {
  test('every page 3.4.23 has (but completion\'s), from the 3.4.23 definitions, byte for byte', T, async (t) => {
    const root = tree34();
    const paths = allPaths(root).filter((p) => p[0] !== 'completion');
    assert.ok(paths.length > 55);
    await pool(paths, 3, async (p) => {
      const real = await runReal([...p, '--help']);
      assert.equal(real.code, 0, `etcdctl ${p.join(' ')} --help: ${real.stderr}`);
      assertPage(t, `etcdctl ${p.join(' ')} --help`, renderPage(root, p, AS_34), real.stdout.toString('utf8'));
    });
  });

  test('the root page of `help <unknown topic>` (no help flag) and of `help <cmd>`', T, async (t) => {
    const root = tree34();
    const bogus = await runReal(['help', 'bogus']);
    assert.equal(bogus.stderr.toString(), 'Unknown help topic [`bogus`]\n');
    assertPage(t, 'etcdctl help bogus', renderPage(root, [], { ...AS_34, helpFlag: false }), bogus.stdout.toString('utf8'));
    const member = await runReal(['help', 'member', 'add']);
    assertPage(t, 'etcdctl help member add', renderPage(root, ['member', 'add'], AS_34), member.stdout.toString('utf8'));
  });

  test('where 3.4.23 and 3.5 agree, the 3.5 fixture is 3.4.23\'s page itself', T, async (t) => {
    // The pages that no v3.4.23 -> v3.5 change touches (all but the ones tree34 edits, their
    // parents' COMMANDS lists and the VERSION / API VERSION lines of the root and the parents).
    const same = [
      ['put'], ['txn'], ['compaction'], ['defrag'], ['endpoint', 'status'], ['endpoint', 'hashkv'], ['move-leader'], ['version'],
      ['lease', 'timetolive'], ['member', 'add'], ['member', 'list'], ['snapshot', 'save'], ['lock'], ['elect'],
      ['user', 'add'], ['user', 'passwd'], ['role', 'grant-permission'], ['check', 'perf'], ['check', 'datascale'], ['help'],
    ];
    await pool(same, 3, async (p) => {
      const real = await runReal([...p, '--help']);
      assertPage(t, `etcdctl ${p.join(' ')} --help`, fixture(`${p.join('_')}.txt`), real.stdout.toString('utf8'));
    });
  });
});

// ---------------------------------------------------------------------------------------------
// etcdctl-ts against the 3.5 pages

/**
 * Where etcdctl-ts's pages differ from 3.5's, and how: every line only ours has ("+") or only
 * 3.5 has ("-"), tabs shown as "|". These are the README's documented differences
 * (harness/help35.ts treeOurs builds the expected pages from them):
 *   * get: etcdctl 3.6's revision filters (v3.6.0 get_command.go);
 *   * make-mirror: etcdctl 3.6's --max-txn-ops and --rev (v3.6.0 make_mirror_command.go);
 *   * snapshot status / restore: not marked deprecated (no "[deprecated] ", no "Moved to etcdutl");
 *   * snapshot save: our --keep (backup rotation) and --verify;
 *   * completion: etcdctl 3.6's command (its own page is checked below with the other commands');
 *   * sandbox and practice: our own commands (their pages likewise);
 *   * the root page names etcdctl-ts and its version under etcdctl's NAME line.
 */
const OUR_DIFFERENCES: Record<string, string[]> = {
  'etcdctl.txt': [
    `+|${OUR_NAME_LINE}`,
    '+|completion||Generate completion script',
    '+|practice check||Checks the drill: what passed, what is missing, and the commands a candidate would type',
    '+|practice list||Lists the drills',
    '+|practice reset||Stops the drill\'s etcd processes and removes its folder',
    '+|practice show||Prints the task of the drill set up again',
    '+|practice start||Sets a drill up on a fresh sandbox and prints its task',
    '+|sandbox down||Stops every process the sandbox started and removes its folder',
    '+|sandbox env||Prints the export lines of the running sandbox again',
    '+|sandbox status||Shows the members, their pids and health',
    '+|sandbox up||Starts etcd members on free loopback ports and prints the ETCDCTL_* settings that reach them',
    '-|snapshot status||[deprecated] Gets backend snapshot status of a given file',
    '+|snapshot status||Gets backend snapshot status of a given file',
  ],
  'etcdctl.no-help-flag.txt': [
    `+|${OUR_NAME_LINE}`,
    '+|completion||Generate completion script',
    '+|practice check||Checks the drill: what passed, what is missing, and the commands a candidate would type',
    '+|practice list||Lists the drills',
    '+|practice reset||Stops the drill\'s etcd processes and removes its folder',
    '+|practice show||Prints the task of the drill set up again',
    '+|practice start||Sets a drill up on a fresh sandbox and prints its task',
    '+|sandbox down||Stops every process the sandbox started and removes its folder',
    '+|sandbox env||Prints the export lines of the running sandbox again',
    '+|sandbox status||Shows the members, their pids and health',
    '+|sandbox up||Starts etcd members on free loopback ports and prints the ETCDCTL_* settings that reach them',
    '-|snapshot status||[deprecated] Gets backend snapshot status of a given file',
    '+|snapshot status||Gets backend snapshot status of a given file',
  ],
  'get.txt': [
    '+      --decode[=false]|||Show values readably: Kubernetes objects as YAML-like text (or JSON with -w json), JSON pretty-printed, encrypted values named',
    '+      --max-create-rev=0||Maximum create revision',
    '+      --max-mod-rev=0|||Maximum modification revision',
    '+      --min-create-rev=0||Minimum create revision',
    '+      --min-mod-rev=0|||Minimum modification revision',
  ],
  'make-mirror.txt': [
    '+      --max-txn-ops=128|||Maximum number of operations permitted in a transaction during syncing updates.',
    '+      --rev=0||||Specify the kv revision to start to mirror',
  ],
  'snapshot_save.txt': [
    "+      --keep=0||After saving, keep this many of the newest snapshots whose names differ from the file's only in digits, and remove the older ones (0 keeps all)",
    '+      --verify[=false]|Before putting the file in place, read it back as snapshot status does and print what it holds on stderr (a file that does not read back is removed, exit 5)',
  ],
  'snapshot.txt': [
    '-|status|[deprecated] Gets backend snapshot status of a given file',
    '+|status|Gets backend snapshot status of a given file',
  ],
  'snapshot_status.txt': [
    '-|snapshot status - [deprecated] Gets backend snapshot status of a given file',
    '+|snapshot status - Gets backend snapshot status of a given file',
    '-|',
    "-|Moved to 'etcdutl snapshot status ...'",
  ],
  'snapshot_restore.txt': [
    '-DESCRIPTION:',
    '-|Moved to `etcdutl snapshot restore ...`',
    '-',
  ],
};

/** The line of one of our global flags on a page (tabs align it differently on each page). */
const OUR_GLOBAL_FLAG = /^\+ {6}--(color|jq)="[a-z]*"\|+(?:colour the output for a terminal: auto, always or never \(auto honours NO_COLOR and FORCE_COLOR\)|filter the JSON output with a jq expression and print its results \(implies --write-out=json\))$/;

/** Lines only in `ours` (+) or only in `base` (-), in page order, tabs as "|" (a line diff by LCS). */
function lineDiff(base: string, ours: string): string[] {
  const a = base.split('\n');
  const b = ours.split('\n');
  const lcs = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  }
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      i++;
      j++;
    } else if (i < a.length && (j === b.length || lcs[i + 1][j] >= lcs[i][j + 1])) out.push(`-${a[i++]}`);
    else out.push(`+${b[j++]}`);
  }
  return out.map((l) => l.replace(/\t/g, '|'));
}

describe("etcdctl-ts's help pages are 3.5's", () => {
  test('the expected pages differ from the 3.5 fixtures only by the documented differences', () => {
    for (const p of fixturePages()) {
      const diff = lineDiff(fixture(p.name), expectedPage(p.path, p.opts));
      // Every page lists our two global flags (--jq, --color) among its global options.
      const ourGlobals = diff.filter((l) => OUR_GLOBAL_FLAG.test(l));
      assert.deepEqual(ourGlobals.map((l) => OUR_GLOBAL_FLAG.exec(l)![1]), ['color', 'jq'], p.name);
      assert.deepEqual(diff.filter((l) => !OUR_GLOBAL_FLAG.test(l)), OUR_DIFFERENCES[p.name] ?? [], p.name);
    }
  });

  // Every command of ours: 3.5's and those treeOurs adds (completion).
  const paths = allPaths(treeOurs());

  test('<command> --help, for every command and subcommand', T, async (t) => {
    await pool(paths, 3, async (p) => {
      const r = await runOurs([...p, '--help']);
      assert.equal(r.code, 0, `${p.join(' ')} --help`);
      assert.equal(r.stderr.toString(), '', `${p.join(' ')} --help: stderr`);
      assertPage(t, `etcdctl ${p.join(' ')} --help`, expectedPage(p), r.stdout.toString('utf8'));
    });
  });

  // The two other ways to a page go through the same run() in this process (the process
  // around it is the one the sweep above starts for every page).
  test('help <command>, for every command and subcommand', T, async (t) => {
    await pool(paths, 3, async (p) => {
      const r = await runInProcess(['help', ...p]);
      assert.equal(r.code, 0, `help ${p.join(' ')}`);
      assert.equal(r.stderr.toString(), '', `help ${p.join(' ')}: stderr`);
      assertPage(t, `etcdctl help ${p.join(' ')}`, expectedPage(p), r.stdout.toString('utf8'));
    });
  });

  test('<command> -h, and a parent command alone, for every command', T, async (t) => {
    const root = treeOurs();
    const parents = paths.filter((p) => find(root, p).subs.length > 0);
    const cases = [...paths.map((p) => [...p, '-h']), ...parents];
    await pool(cases, 3, async (args) => {
      const p = args.filter((a) => a !== '-h');
      const r = await runInProcess(args);
      assert.equal(r.code, 0, args.join(' '));
      assertPage(t, `etcdctl ${args.join(' ')}`, expectedPage(p), r.stdout.toString('utf8'));
    });
  });

  test('help <unknown topic>: the root page without its help flag', T, async (t) => {
    const r = await runOurs(['help', 'bogus']);
    assert.equal(r.code, 0);
    assert.equal(r.stderr.toString(), 'Unknown help topic [`bogus`]\n');
    assertPage(t, 'etcdctl help bogus', expectedPage([], { helpFlag: false }), r.stdout.toString('utf8'));
  });
});
