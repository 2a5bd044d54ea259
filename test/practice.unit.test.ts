// Unit tests of the practice drills' pure parts, without a server: the static pod manifest
// (written, then read back after the edits a candidate makes), the live keys of a db file,
// the printer of a check, and the drills' own texts.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { manifestDataDir, manifestPath, writeManifest } from '../src/practice/manifest.js';
import { liveValues } from '../src/snapshot/keys.js';
import { writeBolt } from '../src/snapshot/bbolt-writer.js';
import { BufferSource } from '../src/snapshot/source.js';
import { encodeMessage } from '../src/proto/registry.js';
import { PracticePrinter } from '../src/output/practice.js';
import { PLAIN } from '../src/io/colour.js';
import { DRILLS, findDrill } from '../src/practice/drills/index.js';
import type { SandboxMember, SandboxState } from '../src/sandbox/sandbox.js';
import type { DrillContext } from '../src/practice/drill.js';

const B = (s: string) => Buffer.from(s);

function tmpDir(t: { after(fn: () => void): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'practice-unit-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function sandbox(dir: string, tls: boolean): { state: SandboxState; member: SandboxMember } {
  const member: SandboxMember = {
    name: 'default',
    clientURL: 'https://127.0.0.1:32379',
    peerURL: 'https://127.0.0.1:32380',
    clientPort: 32379,
    peerPort: 32380,
    dataDir: path.join(dir, 'default', 'data'),
    logFile: path.join(dir, 'default', 'etcd.log'),
    args: ['--name', 'default', '--data-dir', path.join(dir, 'default', 'data'), '--listen-client-urls', 'https://127.0.0.1:32379', '--logger=zap', '--log-outputs=stderr', '--client-cert-auth'],
  };
  return { state: { dir, tls, etcdBin: '/usr/bin/etcd', token: 't', members: [member] }, member };
}

describe('the static pod manifest', () => {
  test('written as kubeadm writes it: the flags sorted in --name=value form, no logging flags, the data and certificate mounts', (t) => {
    const dir = tmpDir(t);
    const { state, member } = sandbox(dir, true);
    const file = writeManifest(state, member);
    assert.equal(file, manifestPath(dir));
    const text = fs.readFileSync(file, 'utf8');
    assert.match(text, /^apiVersion: v1\nkind: Pod\n/);
    assert.ok(text.includes(`    - --client-cert-auth\n    - --data-dir=${member.dataDir}\n    - --listen-client-urls=https://127.0.0.1:32379\n    - --name=default\n`), text);
    assert.ok(!text.includes('--logger') && !text.includes('--log-outputs'));
    assert.ok(text.includes(`  - hostPath:\n      path: ${dir}/pki/etcd\n      type: DirectoryOrCreate\n    name: etcd-certs\n`));
    assert.deepEqual(manifestDataDir(file), { dataDir: member.dataDir });
  });

  test('without TLS there is no certificate volume', (t) => {
    const dir = tmpDir(t);
    const { state, member } = sandbox(dir, false);
    const text = fs.readFileSync(writeManifest(state, member), 'utf8');
    assert.ok(!text.includes('etcd-certs'));
    assert.deepEqual(manifestDataDir(manifestPath(dir)), { dataDir: member.dataDir });
  });

  /** The manifest after `edit`, read back. */
  function edited(t: { after(fn: () => void): void }, edit: (text: string, dataDir: string) => string) {
    const dir = tmpDir(t);
    const { state, member } = sandbox(dir, true);
    const file = writeManifest(state, member);
    fs.writeFileSync(file, edit(fs.readFileSync(file, 'utf8'), member.dataDir));
    return { read: manifestDataDir(file) };
  }

  test("the usual answer: only the etcd-data volume's hostPath changed", (t) => {
    const { read } = edited(t, (s, d) => s.replace(`      path: ${d}\n`, `      path: /restored/etcd-from-backup\n`));
    assert.deepEqual(read, { dataDir: '/restored/etcd-from-backup' });
  });

  test('--data-dir, the mount and the hostPath all changed alike', (t) => {
    const { read } = edited(t, (s, d) => s.split(d).join('/var/lib/etcd-new'));
    assert.deepEqual(read, { dataDir: '/var/lib/etcd-new' });
  });

  test('a --data-dir below the mount, and quoted values', (t) => {
    const { read } = edited(t, (s, d) => s.replace(`- --data-dir=${d}\n`, `- "--data-dir=${d}/member-1"\n`).replace(`      path: ${d}\n`, `      path: '/srv/etcd'\n`));
    assert.deepEqual(read, { dataDir: '/srv/etcd/member-1' });
  });

  test('only --data-dir changed: the data would not be on the host, and the check says so', (t) => {
    const { read } = edited(t, (s, d) => s.replace(`- --data-dir=${d}\n`, '- --data-dir=/var/lib/etcd-from-backup\n'));
    assert.deepEqual(read, { problem: "the manifest's --data-dir=/var/lib/etcd-from-backup lies in no volume mount: the pod's data would not be on the host" });
  });

  test('a mount whose volume is gone, no --data-dir, no file', (t) => {
    let r = edited(t, (s) => s.replace('\n    name: etcd-data\n', '\n    name: etcd-data-old\n')).read;
    assert.match((r as { problem: string }).problem, /mounts .* from volume etcd-data, which has no hostPath/);
    r = edited(t, (s, d) => s.replace(`    - --data-dir=${d}\n`, '')).read;
    assert.match((r as { problem: string }).problem, /has no --data-dir flag in the etcd command$/);
    assert.match((manifestDataDir('/nonexistent/etcd.yaml') as { problem: string }).problem, /^cannot read \/nonexistent\/etcd\.yaml: ENOENT/);
  });
});

/** A 17-byte revision key (18 with a tombstone's mark). */
function rev(main: number, tomb = false): Buffer {
  const k = Buffer.alloc(tomb ? 18 : 17);
  k.writeBigInt64BE(BigInt(main), 0);
  k[8] = 0x5f;
  if (tomb) k[17] = 0x74;
  return k;
}

const kv = (key: string, value: string, r: number) =>
  encodeMessage('mvccpb.KeyValue', { key: B(key), value: B(value), create_revision: String(r), mod_revision: String(r), version: '1' });

describe('the live keys of a db file', () => {
  test('the last revision of each key wins; a tombstone removes the key; other buckets are not read', () => {
    const db = writeBolt([
      [B('key'), [
        [rev(2), kv('a', '1', 2)],
        [rev(3), kv('b', 'x', 3)],
        [rev(4), kv('a', '2', 4)],
        [rev(5, true), encodeMessage('mvccpb.KeyValue', { key: B('b') })],
        [rev(6), kv('c', '', 6)],
      ]],
      [B('meta'), [[B('consistent_index'), Buffer.alloc(8)]]],
    ]);
    const live = liveValues(new BufferSource(db));
    assert.deepEqual([...live.entries()].map(([k, v]) => [k, v.toString()]), [['a', '2'], ['c', '']]);
  });

  test('no key bucket: nothing', () => {
    assert.equal(liveValues(new BufferSource(writeBolt([[B('meta'), []]]))).size, 0);
  });
});

describe('the printer of a check', () => {
  function printed(fn: (p: PracticePrinter) => void): { out: string; err: string } {
    let out = '';
    let err = '';
    fn(new PracticePrinter({ write: (s: string) => { out += s; return true; } }, { write: (s: string) => { err += s; return true; } }, PLAIN));
    return { out, err };
  }

  test('each item as passed or missing, the verdict first, then the commands', () => {
    const { out, err } = printed((p) => p.checked('backup', [{ ok: true, text: 'a exists' }, { ok: false, text: 'b is wrong' }], false, ['etcdctl snapshot save x']));
    assert.equal(out, 'Drill backup: not passed yet\n  passed   a exists\n  missing  b is wrong\n\nWhat a candidate would type:\n  etcdctl snapshot save x\n');
    assert.equal(err, '');
    assert.match(printed((p) => p.checked('auth', [{ ok: true, text: 'ok' }], true, [])).out, /^Drill auth: passed\n  passed   ok\n\nWhat a candidate would have typed:\n$/);
  });

  test('the list marks the drill set up; the task is indented under its name', () => {
    const { out } = printed((p) => p.list([{ name: 'a', summary: 'one' }, { name: 'bcd', summary: 'two' }], 'bcd'));
    assert.equal(out, '  a    one\n* bcd  two\n');
    assert.equal(printed((p) => p.task('x', 'line 1\n\nline 2')).out, 'Drill x:\n\n  line 1\n\n  line 2\n');
  });
});

describe('the drills', () => {
  const ctx = (dir: string, tls: boolean, members: 1 | 3): DrillContext => {
    const { state } = sandbox(dir, tls);
    if (members === 3) {
      state.members = ['infra0', 'infra1'].map((name, i) => ({ ...state.members[0], name, clientURL: `http://127.0.0.1:3${i}379`, peerURL: `http://127.0.0.1:3${i}380` }));
    }
    return { dir, state, params: { failedID: 'abc', peerURL: 'http://127.0.0.1:40001', clientURL: 'http://127.0.0.1:40002', lastRev: '22', marker: 'm' }, env: {} };
  };

  test('five, with unique names; findDrill finds each and nothing else', () => {
    assert.deepEqual(DRILLS.map((d) => d.name), ['backup', 'restore', 'replace-member', 'nospace', 'auth']);
    for (const d of DRILLS) assert.equal(findDrill(d.name), d);
    assert.equal(findDrill('nope'), undefined);
  });

  test("each task names the sandbox's addresses and paths, and each solution is etcdctl lines with the same flags", () => {
    for (const d of DRILLS) {
      const c = ctx('/srv/practice', d.tls, d.members);
      const task = d.task(c);
      assert.ok(task.includes(c.state.members[0].clientURL), `${d.name}: ${task}`);
      const sol = d.solution(c);
      assert.ok(sol.length > 0 && sol.some((l) => l.startsWith('ETCDCTL_API=3 etcdctl ')), `${d.name}: ${sol.join('\n')}`);
      if (d.tls) {
        for (const l of sol.filter((x) => x.includes('--endpoints='))) {
          assert.ok(l.includes('--cacert=/srv/practice/pki/etcd/ca.crt --cert=/srv/practice/pki/etcd/healthcheck-client.crt --key=/srv/practice/pki/etcd/healthcheck-client.key'), l);
        }
      }
    }
    const rm = findDrill('replace-member')!;
    const c = ctx('/srv/practice', false, 3);
    assert.ok(rm.solution(c).includes('ETCDCTL_API=3 etcdctl --endpoints=http://127.0.0.1:30379,http://127.0.0.1:31379 member remove abc'));
    assert.ok(rm.solution(c).some((l) => l.includes('--initial-cluster infra0=http://127.0.0.1:30380,infra1=http://127.0.0.1:31380,infra3=http://127.0.0.1:40001 --initial-cluster-state existing')));
    assert.ok(findDrill('nospace')!.solution(ctx('/p', false, 1)).includes('ETCDCTL_API=3 etcdctl --endpoints=https://127.0.0.1:32379 compaction 22'));
  });
});
