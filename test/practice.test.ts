// `etcdctl-ts practice list / start / show / check / reset` with real etcd 3.4.23 processes on
// loopback. Each drill is set up, checked unsolved (exit 1, "not passed yet" and a missing
// line that says what is missing), brought to a partly solved state where that is cheap,
// then solved as a candidate would: a `sh -ec` script that uses only the real etcdctl
// (/usr/bin/etcdctl), etcd and standard tools (grep, sed, cut, awk), with the addresses and paths
// taken from the task text that `start` printed (or from the files a candidate would read,
// such as the manifest and `member list`), never from the check's suggested commands. Then
// the check passes (exit 0, "passed", no missing line).
//  - backup: a snapshot over TLS with the kubeadm certificates; a file that is not a snapshot;
//  - restore: snapshot restore alone (the manifest still names the old data dir), then the
//    manifest's etcd-data hostPath edited;
//  - replace-member: the dead member's ID found with member list, removed, infra3 added (not
//    started yet: missing), then started in the background; reset stops that etcd too;
//  - nospace: alarm disarm alone leaves it unsolved (and the check does not raise the alarm
//    again); compaction at the current revision, defrag and disarm solve it;
//  - auth: everything but `auth enable` is still missing; auth enable passes;
//  - the folder: list marks the drill set up, show prints the task again, a second start
//    replaces the first (its etcd stopped), reset removes the folder and every etcd in it,
//    and the errors: reset or check with no drill, an unknown drill name.
// Every test stops what it started: `practice reset`, then SIGKILL for any etcd left under its
// folder (zombies, which this container's PID 1 may not reap, are not counted as alive).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { REAL_ETCDCTL, runCommand, runOurs, stripZapLines, type RunResult } from './harness/run.js';
import { etcdProcessesUnder, isAlive } from '../src/io/procs.js';
import type { SandboxState } from '../src/sandbox/sandbox.js';

const T = { timeout: 90_000 };
const NAMES = ['backup', 'restore', 'replace-member', 'nospace', 'auth'];

const show = (r: RunResult) => `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${stripZapLines(r.stderr)}`;
const ok = (r: RunResult, what: string) => assert.equal(r.code, 0, `${what}: ${show(r)}`);
const fails = (r: RunResult, code: number, message: string, what: string) => {
  assert.equal(r.code, code, `${what}: ${show(r)}`);
  assert.ok(r.stderr.toString().includes(message), `${what}: stderr should say ${JSON.stringify(message)}: ${show(r)}`);
};

const practice = (sub: string, dir: string, ...args: string[]) => runOurs(['practice', sub, ...args, '--dir', dir], { timeoutMs: 60_000 });

/** Runs a candidate's shell script: `sh -ec SCRIPT`, with `vars` in its environment and the real etcdctl as $ETCDCTL. */
async function candidate(script: string, vars: Record<string, string>, what: string): Promise<RunResult> {
  const r = await runCommand('/bin/sh', ['-ec', script], { env: { ETCDCTL: REAL_ETCDCTL, ...vars }, timeoutMs: 30_000 });
  ok(r, what);
  return r;
}

/** A fresh empty folder for one test, and what stops everything started in it when the test ends. */
function tempDir(t: TestContext): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'etcdctl-ts-practice-test-'));
  t.after(async () => {
    try {
      if (fs.existsSync(dir)) await practice('reset', dir);
    } finally {
      for (const p of etcdProcessesUnder(dir)) {
        try {
          process.kill(p.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
  return dir;
}

function readState(dir: string): SandboxState {
  return JSON.parse(fs.readFileSync(path.join(dir, 'sandbox.json'), 'utf8')) as SandboxState;
}

function readParams(dir: string): Record<string, string> {
  return (JSON.parse(fs.readFileSync(path.join(dir, 'practice.json'), 'utf8')) as { params: Record<string, string> }).params;
}

/** The value a task text gives after `re` (its first group); fails when the task does not say. */
function fromTask(task: string, re: RegExp): string {
  const m = re.exec(task);
  assert.ok(m, `the task names ${re}: ${task}`);
  return m[1];
}

interface Checked {
  verdict: string;
  missing: string[];
  passed: string[];
  solution: string[];
}

/** A check's stdout: the verdict line, its passed and missing items, the commands it suggests. */
function parseCheck(stdout: string): Checked {
  const lines = stdout.split('\n');
  const verdict = lines[0];
  const items: string[] = [];
  let i = 1;
  for (; i < lines.length && lines[i] !== ''; i++) items.push(lines[i]);
  assert.match(lines[i + 1] ?? '', /^What a candidate would (have )?typed?:$/, `check output: ${stdout}`);
  for (const l of items) assert.match(l, /^ {2}(passed {3}|missing {2})\S/, `an item line: ${JSON.stringify(l)}`);
  return {
    verdict,
    missing: items.filter((l) => l.startsWith('  missing  ')).map((l) => l.slice(11)),
    passed: items.filter((l) => l.startsWith('  passed   ')).map((l) => l.slice(11)),
    solution: lines.slice(i + 2).filter((l) => l !== '').map((l) => l.slice(2)),
  };
}

/** `practice check` when the drill is not solved: exit 1, each of `want` among the missing lines. */
async function notPassed(dir: string, drill: string, want: string[], what: string): Promise<Checked> {
  const r = await practice('check', dir);
  fails(r, 1, `Error: drill ${drill} not passed yet`, what);
  const c = parseCheck(r.stdout.toString());
  assert.equal(c.verdict, `Drill ${drill}: not passed yet`, `${what}: ${show(r)}`);
  assert.ok(c.missing.length > 0, `${what}: at least one missing line: ${show(r)}`);
  for (const w of want) assert.ok(c.missing.includes(w), `${what}: a missing line ${JSON.stringify(w)}: ${show(r)}`);
  assert.ok(c.solution.length > 0, `${what}: the commands a candidate would type: ${show(r)}`);
  return c;
}

/** `practice check` when the drill is solved: exit 0, "passed", no missing line. */
async function passes(dir: string, drill: string, what: string): Promise<Checked> {
  const r = await practice('check', dir);
  ok(r, what);
  const c = parseCheck(r.stdout.toString());
  assert.equal(c.verdict, `Drill ${drill}: passed`, `${what}: ${show(r)}`);
  assert.deepEqual(c.missing, [], `${what}: no missing line: ${show(r)}`);
  assert.ok(c.passed.length > 0, `${what}: ${show(r)}`);
  assert.equal(r.stderr.toString(), '', `${what}: nothing on stderr`);
  return c;
}

/** `practice start NAME`: exit 0, its task on stdout (returned), `practice show` prints the same. */
async function start(dir: string, drill: string): Promise<string> {
  const r = await practice('start', dir, drill);
  ok(r, `practice start ${drill}`);
  const task = r.stdout.toString();
  assert.ok(task.startsWith(`Drill ${drill}:\n\n`), show(r));
  assert.ok(r.stderr.toString().includes(`When you are done: etcdctl-ts practice check --dir ${dir}\n`), show(r));
  const again = await practice('show', dir);
  ok(again, `practice show (${drill})`);
  assert.equal(again.stdout.toString(), task, 'show prints the task start printed');
  return task;
}

/** `practice reset`: exit 0, the folder gone, no etcd left under it, none of `pids` alive. */
async function reset(dir: string, drill: string, pids: number[]): Promise<RunResult> {
  const r = await practice('reset', dir);
  ok(r, 'practice reset');
  assert.ok(r.stderr.toString().endsWith(`removed ${dir} (drill ${drill})\n`), show(r));
  assert.equal(fs.existsSync(dir), false, 'reset removes the folder');
  assert.deepEqual(etcdProcessesUnder(dir).map((p) => p.pid), [], `no etcd left under ${dir}`);
  for (const pid of pids) assert.equal(isAlive(pid), false, `pid ${pid} is gone`);
  return r;
}

const memberPids = (dir: string) => readState(dir).members.map((m) => m.pid!);

test('backup: a snapshot over TLS with the kubeadm certificates', T, async (t) => {
  const dir = tempDir(t);
  const task = await start(dir, 'backup');
  const pki = path.join(dir, 'pki', 'etcd');
  const target = path.join(dir, 'backup', 'etcd-snapshot.db');
  assert.ok(task.includes(`    ${target}\n`), task);
  assert.ok(task.includes(`CA certificate:      ${path.join(pki, 'ca.crt')}\n`), task);
  assert.ok(task.includes(`Client certificate:  ${path.join(pki, 'healthcheck-client.crt')}\n`), task);
  assert.ok(task.includes(`Client key:          ${path.join(pki, 'healthcheck-client.key')}\n`), task);
  const endpoint = fromTask(task, /running at (https:\/\/127\.0\.0\.1:\d+),/);
  assert.equal(endpoint, readState(dir).members[0].clientURL);
  const pids = memberPids(dir);

  await notPassed(dir, 'backup', [`${target} does not exist`], 'check before the snapshot');

  // A file at the place that is not a snapshot.
  fs.writeFileSync(target, 'not a snapshot\n');
  const junk = await notPassed(dir, 'backup', [], 'check of a file that is not a snapshot');
  assert.ok(junk.passed.includes(`${target} exists`), JSON.stringify(junk));
  assert.ok(junk.missing.some((l) => l.startsWith('it is not a snapshot etcd can restore: ')), JSON.stringify(junk));
  fs.rmSync(target);

  const vars = {
    EP: endpoint,
    CA: fromTask(task, /CA certificate: +(\S+)/),
    CERT: fromTask(task, /Client certificate: +(\S+)/),
    KEY: fromTask(task, /Client key: +(\S+)/),
    TARGET: fromTask(task, /saving the snapshot to\n +(\S+)/),
  };
  const saved = await candidate('"$ETCDCTL" --endpoints="$EP" --cacert="$CA" --cert="$CERT" --key="$KEY" snapshot save "$TARGET"', vars, 'etcdctl snapshot save');
  assert.ok(saved.stdout.toString().includes(`Snapshot saved at ${target}`), show(saved));

  const c = await passes(dir, 'backup', 'check after the snapshot');
  assert.ok(c.passed.includes(`${target} exists`), JSON.stringify(c));
  assert.ok(c.passed.includes("it holds this cluster's data (/practice/backup/marker)"), JSON.stringify(c));
  await reset(dir, 'backup', pids);
});

test('restore: snapshot restore, then the manifest pointed at the restored data dir', T, async (t) => {
  const dir = tempDir(t);
  const task = await start(dir, 'restore');
  const snapshot = path.join(dir, 'backup', 'etcd-snapshot-previous.db');
  const restored = path.join(dir, 'restore', 'etcd-from-backup');
  const manifest = path.join(dir, 'manifests', 'etcd.yaml');
  for (const p of [snapshot, restored, manifest]) assert.ok(task.includes(`    ${p}\n`), `the task names ${p} on a line of its own: ${task}`);
  assert.ok(fs.statSync(snapshot).size > 0, 'the snapshot is there');
  const oldData = readState(dir).members[0].dataDir;
  const pids = memberPids(dir);

  await notPassed(dir, 'restore', [
    `${restored} holds no restored member (no member/snap/db in it)`,
    `the manifest keeps the member's data in ${oldData}, not in ${restored}`,
  ], 'check before the restore');

  const vars = {
    SNAP: fromTask(task, /was saved,\n.*to\n +(\S+)/),
    NEW: fromTask(task, /into the new data dir\n +(\S+)/),
    MANIFEST: fromTask(task, /static pod manifest,\n +(\S+)/),
  };
  await candidate('"$ETCDCTL" snapshot restore "$SNAP" --data-dir "$NEW"', vars, 'etcdctl snapshot restore');

  // Restored, but the member still runs on its old data.
  const half = await notPassed(dir, 'restore', [`the manifest keeps the member's data in ${oldData}, not in ${restored}`], 'check before the manifest is edited');
  assert.ok(half.passed.includes(`${restored} holds a restored member`), JSON.stringify(half));

  // As on a kubeadm node: the data dir named by --data-dir is the etcd-data volume's hostPath; only
  // the hostPath's `path:` line changes (the mountPath line, "mountPath:", stays).
  await candidate([
    'OLD=$(grep -e "--data-dir=" "$MANIFEST" | sed "s/.*--data-dir=//")',
    'test -n "$OLD"',
    'sed -i "s|^\\( *\\)path: $OLD\\$|\\1path: $NEW|" "$MANIFEST"',
    'grep -q "path: $NEW\\$" "$MANIFEST"',
  ].join('\n'), vars, 'editing the manifest');
  const text = fs.readFileSync(manifest, 'utf8');
  assert.ok(text.includes(`    - mountPath: ${oldData}\n`), 'the mountPath is left');
  assert.ok(text.includes(`  - hostPath:\n      path: ${restored}\n      type: DirectoryOrCreate\n    name: etcd-data\n`), text);

  const c = await passes(dir, 'restore', 'check after the restore and the manifest');
  assert.ok(c.passed.some((l) => l.endsWith("serves the snapshot's data: /registry/configmaps/default/app-config is version=1")), JSON.stringify(c));
  assert.ok(c.passed.includes('the changes made after the snapshot are gone'), JSON.stringify(c));
  // The throw-away etcd the check booted is stopped.
  assert.deepEqual(etcdProcessesUnder(restored).map((p) => p.pid), [], 'no etcd runs on the restored data dir after the check');
  await reset(dir, 'restore', pids);
});

test('replace-member: remove the dead member, add infra3, start it; reset stops it', T, async (t) => {
  const dir = tempDir(t);
  const task = await start(dir, 'replace-member');
  const params = readParams(dir);
  const state = readState(dir);
  assert.deepEqual(state.members.map((m) => m.name), ['infra0', 'infra1'], 'the sandbox keeps the two survivors');
  const newData = path.join(dir, 'infra3', 'data');
  const newLog = path.join(dir, 'infra3', 'etcd.log');
  assert.ok(task.includes(`The etcd cluster at ${state.members.map((m) => m.clientURL).join(',')} has lost\n`), task);
  assert.ok(task.includes('member infra2: its machine failed and its data is gone.'), task);
  assert.ok(task.includes(`add infra3 with the peer URL ${params.peerURL};`), task);
  assert.ok(task.includes(`data dir    ${newData}\n`), task);
  assert.ok(task.includes(`client URL  ${params.clientURL} (listen and advertise)\n`), task);
  assert.ok(task.includes(`log         ${newLog}\n`), task);
  const pids = memberPids(dir);

  await notPassed(dir, 'replace-member', [
    `infra2 (${params.failedID}) is still a member`,
    `no member has the peer URL ${params.peerURL}`,
  ], 'check before anything');

  const vars = {
    EPS: fromTask(task, /The etcd cluster at (\S+) has lost/),
    PEER: fromTask(task, /add infra3 with the peer URL (\S+);/),
    CLIENT: fromTask(task, /client URL +(\S+) \(listen and advertise\)/),
    DATA: fromTask(task, /data dir +(\S+)/),
    LOG: fromTask(task, /\blog +(\S+)/),
    WORK: fs.mkdtempSync(path.join(dir, 'candidate-')),
  };
  // The dead member's ID from member list, then remove and add, each typed once: start has let
  // the cluster settle (etcd refuses member add as "unhealthy cluster" until its members have
  // been connected for 5 s) and moved the leadership off infra2, so neither needs a retry.
  const added = await candidate([
    'E="$ETCDCTL --endpoints=$EPS"',
    'ID=$($E member list | grep ", infra2, " | cut -d, -f1)',
    'test -n "$ID"',
    'echo "removing $ID"',
    '$E member remove "$ID" > /dev/null',
    '$E member add infra3 --peer-urls="$PEER" > /dev/null',
  ].join('\n'), vars, 'member remove and member add');
  assert.equal(added.stdout.toString(), `removing ${params.failedID}\n`, 'the script found the ID of infra2 in member list');

  // Added, not started yet.
  const half = await notPassed(dir, 'replace-member', [`the new member has not started: no etcd has joined as ${params.peerURL} yet`], 'check before infra3 is started');
  assert.ok(half.passed.includes(`infra2 (${params.failedID}) is no longer a member`), JSON.stringify(half));

  await candidate([
    // --initial-cluster: the started members' name=peer URL, and infra3's.
    'CLUSTER="$("$ETCDCTL" --endpoints="$EPS" member list | awk -F", " \'$2 == "started" { printf "%s=%s,", $3, $4 }\')infra3=$PEER"',
    'echo "$CLUSTER" | grep -q "^infra[01]=http://127.0.0.1:[0-9]*,infra[01]=http://127.0.0.1:[0-9]*,infra3="',
    'etcd --name infra3 --data-dir "$DATA" \\',
    '  --listen-client-urls "$CLIENT" --advertise-client-urls "$CLIENT" \\',
    '  --listen-peer-urls "$PEER" --initial-advertise-peer-urls "$PEER" \\',
    '  --initial-cluster "$CLUSTER" --initial-cluster-state existing \\',
    '  < /dev/null > "$LOG" 2>&1 &',
    // Until it has joined and published its name.
    'i=0',
    'until "$ETCDCTL" --endpoints="$EPS" member list | grep -q ", started, infra3, $PEER, $CLIENT,"; do',
    '  i=$((i + 1)); [ $i -lt 150 ] || { tail -5 "$LOG"; exit 1; }; sleep 0.1',
    'done',
    '"$ETCDCTL" --endpoints="$CLIENT" endpoint health',
  ].join('\n'), vars, 'starting infra3');
  const infra3 = etcdProcessesUnder(newData).map((p) => p.pid);
  assert.equal(infra3.length, 1, 'one etcd runs on the new data dir');

  const c = await passes(dir, 'replace-member', 'check after infra3 has joined');
  assert.ok(c.passed.includes(`infra3 has started and serves clients on ${params.clientURL}`), JSON.stringify(c));
  assert.ok(c.passed.includes("all 3 members answer, and infra3 has the cluster's data"), JSON.stringify(c));

  // reset stops the candidate's etcd as well as the sandbox's.
  const r = await reset(dir, 'replace-member', [...pids, ...infra3]);
  assert.ok(r.stderr.toString().includes(`stopped infra3/data (pid ${infra3[0]})\n`), show(r));
});

test('nospace: alarm disarm alone is not enough; compaction, defrag and disarm are', T, async (t) => {
  const dir = tempDir(t);
  const task = await start(dir, 'nospace');
  assert.ok(task.includes('"etcdserver: mvcc: database space exceeded"'), task);
  assert.ok(task.includes('4 MiB backend quota and it has raised the NOSPACE alarm.'), task);
  assert.ok(task.includes('compact the history up to the\n  current revision, defragment the member, and clear the alarm.'), task);
  const endpoint = fromTask(task, /The etcd member at (http:\/\/127\.0\.0\.1:\d+) refuses writes/);
  assert.equal(endpoint, readState(dir).members[0].clientURL);
  const { lastRev } = readParams(dir);
  const pids = memberPids(dir);

  await notPassed(dir, 'nospace', [
    `the history has not been compacted (the quota was filled by revision ${lastRev})`,
    'the NOSPACE alarm is still raised',
    'a write is refused: etcdserver: mvcc: database space exceeded',
  ], 'check before anything');

  const vars = { EP: endpoint };
  const alarms = await candidate('"$ETCDCTL" --endpoints="$EP" alarm list', vars, 'etcdctl alarm list');
  assert.match(alarms.stdout.toString(), /alarm:NOSPACE/);

  // Disarmed, but the db is as full as it was: a write would be refused (and would raise the
  // alarm again, so the check does not try one: the alarm stays disarmed).
  await candidate('"$ETCDCTL" --endpoints="$EP" alarm disarm', vars, 'alarm disarm alone');
  const half = await notPassed(dir, 'nospace', [
    `the history has not been compacted (the quota was filled by revision ${lastRev})`,
    'a write would be refused: the db is over its quota, and the refused write would raise the NOSPACE alarm again',
  ], 'check after disarm alone');
  assert.ok(half.missing.some((l) => /^the db is still \d+ bytes, over its 4194304-byte quota/.test(l)), JSON.stringify(half));
  assert.ok(half.passed.includes('no alarm is raised'), JSON.stringify(half));
  const still = await candidate('"$ETCDCTL" --endpoints="$EP" alarm list', vars, 'etcdctl alarm list after the check');
  assert.equal(still.stdout.toString(), '', 'the check left the alarm disarmed');

  const solved = await candidate([
    'REV=$("$ETCDCTL" --endpoints="$EP" endpoint status -w json | grep -o \'"revision":[0-9]*\' | cut -d: -f2)',
    'echo "revision $REV"',
    '"$ETCDCTL" --endpoints="$EP" compaction "$REV"',
    '"$ETCDCTL" --endpoints="$EP" defrag',
    '"$ETCDCTL" --endpoints="$EP" alarm disarm',
    '"$ETCDCTL" --endpoints="$EP" put /candidate/probe ok',
  ].join('\n'), vars, 'compaction, defrag, disarm');
  assert.match(solved.stdout.toString(), new RegExp(`^revision ${lastRev}\\ncompacted revision ${lastRev}\\nFinished defragmenting etcd member\\[${endpoint}\\]\\n`), show(solved));

  const c = await passes(dir, 'nospace', 'check after compaction, defrag and disarm');
  assert.ok(c.passed.includes(`the history is compacted (up to revision ${lastRev})`), JSON.stringify(c));
  assert.ok(c.passed.includes('no alarm is raised'), JSON.stringify(c));
  assert.ok(c.passed.includes('every key is still there'), JSON.stringify(c));
  await reset(dir, 'nospace', pids);
});

test('auth: everything but auth enable is still missing; auth enable passes', T, async (t) => {
  const dir = tempDir(t);
  const task = await start(dir, 'auth');
  const endpoint = fromTask(task, /Secure the etcd member at (http:\/\/127\.0\.0\.1:\d+):/);
  assert.equal(endpoint, readState(dir).members[0].clientURL);
  assert.ok(task.includes('1. create the user root with the password practice-root, with the role root;'), task);
  assert.ok(task.includes('2. create a role app-reader that may read, and only read, the keys under /app/;'), task);
  assert.ok(task.includes('3. create the user app with the password practice-app, with the role app-reader;'), task);
  assert.ok(task.includes('4. enable authentication.'), task);
  const pids = memberPids(dir);

  await notPassed(dir, 'auth', [
    'there is no user root: etcdserver: user name not found',
    'there is no role app-reader: etcdserver: role name not found',
    'there is no user app: etcdserver: user name not found',
    'authentication is not enabled: a client without a user reads the keys',
  ], 'check before anything');

  const vars = { EP: endpoint };
  await candidate([
    'E="$ETCDCTL --endpoints=$EP"',
    '$E user add root --new-user-password=practice-root',
    '$E role add app-reader',
    '$E role grant-permission app-reader read /app/ --prefix=true',
    '$E user add app --new-user-password=practice-app',
    '$E user grant-role app app-reader',
  ].join('\n'), vars, 'users and role');

  const half = await notPassed(dir, 'auth', ['authentication is not enabled: a client without a user reads the keys'], 'check before auth enable');
  assert.ok(half.passed.includes('the role app-reader may read the keys under /app/, and nothing else'), JSON.stringify(half));
  assert.ok(half.passed.includes('the user app has the role app-reader'), JSON.stringify(half));

  const enabled = await candidate([
    '"$ETCDCTL" --endpoints="$EP" auth enable',
    // The candidate's own look: without a user, refused; as app, /app/config is read.
    'if "$ETCDCTL" --endpoints="$EP" get /app/config 2>/dev/null; then exit 1; fi',
    '"$ETCDCTL" --endpoints="$EP" --user=app:practice-app get /app/config --print-value-only',
  ].join('\n'), vars, 'auth enable');
  assert.ok(enabled.stdout.toString().endsWith('mode=production\n'), show(enabled));

  const c = await passes(dir, 'auth', 'check after auth enable');
  for (const want of ['the user root has the role root', 'root logs in and writes', 'app reads /app/config', 'app may not write /app/config',
    'app may not read /secret/db-password, outside /app/']) {
    assert.ok(c.passed.includes(want), `${want}: ${JSON.stringify(c)}`);
  }
  await reset(dir, 'auth', pids);
});

test('the folder: list marks the drill, a second start replaces the first, reset, and the errors', T, async (t) => {
  const dir = tempDir(t);

  const empty = await practice('list', dir);
  ok(empty, 'list with no drill');
  const emptyLines = empty.stdout.toString().trimEnd().split('\n');
  assert.deepEqual(emptyLines.map((l) => l.trim().split(/\s+/)[0]), NAMES, show(empty));
  for (const l of emptyLines) assert.ok(l.startsWith('  '), `no drill is marked: ${JSON.stringify(l)}`);
  assert.equal(fs.existsSync(path.join(dir, 'practice.json')), false, 'list sets nothing up');

  fails(await practice('check', dir), 1, `no practice drill is set up in ${dir}`, 'check of an empty folder');
  fails(await practice('show', dir), 1, `no practice drill is set up in ${dir}`, 'show of an empty folder');
  const nope = await practice('start', dir, 'nope');
  fails(nope, 128, 'unknown drill "nope": choose one of backup, restore, replace-member, nospace, auth', 'start nope');
  assert.equal(nope.stdout.toString(), '');
  assert.deepEqual(fs.readdirSync(dir), [], 'an unknown drill starts nothing');

  await start(dir, 'auth');
  const first = memberPids(dir);
  const listed = await practice('list', dir);
  ok(listed, 'list with auth set up');
  const lines = listed.stdout.toString().trimEnd().split('\n');
  assert.deepEqual(lines.filter((l) => l.startsWith('* ')).map((l) => l.slice(2).split(/\s+/)[0]), ['auth'], show(listed));
  assert.deepEqual(lines.map((l) => l.slice(2).split(/\s+/)[0]), NAMES);

  // A second start in the same folder: the auth drill's etcd stopped, the backup drill set up.
  const second = await practice('start', dir, 'backup');
  ok(second, 'practice start backup over auth');
  assert.ok(second.stderr.toString().includes(`(stopped and removed the auth drill that was set up in ${dir})\n`), show(second));
  assert.ok(second.stdout.toString().startsWith('Drill backup:\n'), show(second));
  for (const pid of first) assert.equal(isAlive(pid), false, `the auth drill's etcd (pid ${pid}) is stopped`);
  const now = memberPids(dir);
  assert.deepEqual(etcdProcessesUnder(dir).map((p) => p.pid).sort(), [...now].sort(), 'only the backup drill runs');
  assert.equal((JSON.parse(fs.readFileSync(path.join(dir, 'practice.json'), 'utf8')) as { drill: string }).drill, 'backup');
  const relisted = await practice('list', dir);
  assert.deepEqual(relisted.stdout.toString().split('\n').filter((l) => l.startsWith('* ')).map((l) => l.slice(2).split(/\s+/)[0]), ['backup'], show(relisted));
  await notPassed(dir, 'backup', [`${path.join(dir, 'backup', 'etcd-snapshot.db')} does not exist`], 'check of the replacing drill');

  const r = await reset(dir, 'backup', [...first, ...now]);
  assert.ok(r.stderr.toString().startsWith(`stopped default (pid ${now[0]})\n`), show(r));
  fails(await practice('reset', dir), 1, `no practice drill is set up in ${dir}`, 'a second reset');
  fails(await practice('check', dir), 1, `no practice drill is set up in ${dir}`, 'check after reset');
  assert.equal(fs.existsSync(dir), false, 'nothing brings the folder back');
});
