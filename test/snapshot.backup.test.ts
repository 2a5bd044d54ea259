// snapshot save's flags for backups from cron: --keep N (which names form a
// series, which files go) and --verify (the file read back before it is put in
// place), against a real etcd with auth, as a cron job would run them.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runOurs } from './harness/run.js';
import { startEtcd, type EtcdHandle } from './harness/etcd.js';
import { faultProxy } from './snapshot.fixtures.js';
import { olderSnapshots, seriesOf } from '../src/snapshot/rotate.js';

describe('which snapshots --keep removes (unit)', () => {
  test('a series: the names that differ only in digits', () => {
    assert.equal(seriesOf('etcd-2026-12-03-1400.db'), seriesOf('etcd-2025-01-31-0005.db'));
    assert.equal(seriesOf('backup-9.db'), seriesOf('backup-10.db'));
    assert.notEqual(seriesOf('etcd-2026-12-03.db'), seriesOf('etcd-2026-12-03.db.part'));
    assert.notEqual(seriesOf('etcd-1.db'), seriesOf('etcd-a.db'));
    assert.notEqual(seriesOf('etcd-1.db'), seriesOf('etcd-1-1.db'));
    assert.notEqual(seriesOf('main-1.db'), seriesOf('other-1.db'));
  });

  test('the newest stay, the file just written counts among them, other series are left', () => {
    const files = [
      { name: 'etcd-01.db', mtimeMs: 1000 },
      { name: 'etcd-02.db', mtimeMs: 2000 },
      { name: 'etcd-03.db', mtimeMs: 3000 },
      { name: 'other-01.db', mtimeMs: 10 },
      { name: 'etcd-01.db.part', mtimeMs: 10 },
    ];
    assert.deepEqual(olderSnapshots(files, 'etcd-04.db', 3), ['etcd-01.db']);
    assert.deepEqual(olderSnapshots(files, 'etcd-04.db', 2), ['etcd-02.db', 'etcd-01.db']);
    assert.deepEqual(olderSnapshots(files, 'etcd-04.db', 1), ['etcd-03.db', 'etcd-02.db', 'etcd-01.db']);
    assert.deepEqual(olderSnapshots(files, 'etcd-04.db', 4), []);
    assert.deepEqual(olderSnapshots(files, 'etcd-04.db', 10), []);
    // Written over an old name: that file is the new one, never removed.
    assert.deepEqual(olderSnapshots(files, 'etcd-01.db', 1), ['etcd-03.db', 'etcd-02.db']);
  });

  test('modification time decides, the later name on a tie', () => {
    const files = [
      { name: 'etcd-9.db', mtimeMs: 1000 },
      { name: 'etcd-1.db', mtimeMs: 5000 },
      { name: 'etcd-3.db', mtimeMs: 2000 },
      { name: 'etcd-4.db', mtimeMs: 2000 },
    ];
    assert.deepEqual(olderSnapshots(files, 'etcd-10.db', 3), ['etcd-3.db', 'etcd-9.db']);
  });
});

describe('snapshot save --keep against a real etcd', () => {
  let etcd: EtcdHandle;
  let dir: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'etcdctl-ts-keep-'));
    etcd = await startEtcd({ auth: true });
  });

  after(async () => {
    await etcd?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A fresh folder with old snapshots of the series, the oldest first, and bystanders. */
  function folder(name: string, old: string[]): string {
    const d = path.join(dir, name);
    fs.mkdirSync(d);
    old.forEach((n, i) => {
      fs.writeFileSync(path.join(d, n), `old ${i}`);
      const t = new Date(Date.UTC(2026, 0, 1 + i));
      fs.utimesSync(path.join(d, n), t, t);
    });
    fs.writeFileSync(path.join(d, 'notes.txt'), 'kept');
    fs.mkdirSync(path.join(d, 'etcd-2026-01-99.db'));
    fs.symlinkSync('notes.txt', path.join(d, 'etcd-2026-01-98.db'));
    return d;
  }

  const list = (d: string) => fs.readdirSync(d).sort();

  test('keeps the N newest of the series, names each removal on stderr, stdout is etcdctl\'s', async () => {
    const d = folder('rotate', ['etcd-2026-01-01.db', 'etcd-2026-01-02.db', 'etcd-2026-01-03.db', 'other-2026-01-01.db']);
    const file = path.join(d, 'etcd-2026-12-03.db');
    const r = await runOurs([...etcd.etcdctlArgs(), 'snapshot', 'save', file, '--keep', '2']);
    assert.equal(r.code, 0, r.stderr.toString());
    assert.equal(r.stdout.toString(), `Snapshot saved at ${file}\n`);
    const oldest = ['etcd-2026-01-02.db', 'etcd-2026-01-01.db'];
    assert.equal(r.stderr.toString(), oldest.map((n) => `Removed older snapshot ${path.join(d, n)}\n`).join(''));
    assert.deepEqual(list(d), ['etcd-2026-01-03.db', 'etcd-2026-01-98.db', 'etcd-2026-01-99.db', 'etcd-2026-12-03.db', 'notes.txt', 'other-2026-01-01.db']);
    // The file kept is a whole snapshot.
    const status = await runOurs(['snapshot', 'status', file, '-w', 'json']);
    assert.equal(status.code, 0, status.stderr.toString());
    assert.match(status.stdout.toString(), /"totalKey":\d+/);
  });

  test('--keep 1 leaves the new snapshot alone; without --keep nothing is removed', async () => {
    const d = folder('one', ['etcd-1.db', 'etcd-2.db']);
    const plain = await runOurs([...etcd.etcdctlArgs(), 'snapshot', 'save', path.join(d, 'etcd-3.db')]);
    assert.equal(plain.code, 0, plain.stderr.toString());
    assert.equal(plain.stderr.toString(), '');
    assert.deepEqual(list(d).filter((n) => /^etcd-\d\.db$/.test(n)), ['etcd-1.db', 'etcd-2.db', 'etcd-3.db']);
    const r = await runOurs([...etcd.etcdctlArgs(), 'snapshot', 'save', path.join(d, 'etcd-4.db'), '--keep=1']);
    assert.equal(r.code, 0, r.stderr.toString());
    assert.deepEqual(list(d).filter((n) => /^etcd-\d\.db$/.test(n)), ['etcd-4.db']);
  });

  test('a failed save removes nothing', async () => {
    const d = folder('failed', ['etcd-1.db', 'etcd-2.db']);
    const before = list(d);
    // Wrong password: the save fails after connecting.
    const args = etcd.etcdctlArgs().map((a) => (a.startsWith('--user=') ? `${a}-wrong` : a));
    const r = await runOurs([...args, 'snapshot', 'save', path.join(d, 'etcd-3.db'), '--keep', '1']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr.toString(), /^Error: /m);
    assert.doesNotMatch(r.stderr.toString(), /Removed/);
    assert.deepEqual(list(d), before);
  });

  test('bad --keep values and stdout are refused before connecting', async () => {
    const d = folder('bad', ['etcd-1.db']);
    const negative = await runOurs([...etcd.etcdctlArgs(), 'snapshot', 'save', path.join(d, 'etcd-2.db'), '--keep', '-1']);
    assert.equal(negative.code, 128, negative.stderr.toString());
    assert.equal(negative.stderr.toString(), 'Error: --keep takes the number of snapshots to keep, at least 1 (0 keeps all), not -1\n');
    // Not a number: pflag's error, as etcdctl gives it for any int flag (usage on stdout, exit 1).
    const word = await runOurs([...etcd.etcdctlArgs(), 'snapshot', 'save', path.join(d, 'etcd-2.db'), '--keep', 'x']);
    assert.equal(word.code, 1);
    assert.match(word.stderr.toString(), /^Error: invalid argument "x" for "--keep" flag: strconv.ParseInt: parsing "x": invalid syntax\n/);
    const toStdout = await runOurs([...etcd.etcdctlArgs(), 'snapshot', 'save', '-', '--keep', '2']);
    assert.equal(toStdout.code, 128);
    assert.equal(toStdout.stdout.length, 0);
    assert.equal(toStdout.stderr.toString(), 'Error: --keep needs a file name: there is nothing to rotate on stdout\n');
    assert.deepEqual(list(d), ['etcd-1.db', 'etcd-2026-01-98.db', 'etcd-2026-01-99.db', 'notes.txt']);
  });

  /** etcd's global flags with the endpoint swapped for `url`. */
  const through = (url: string) => etcd.etcdctlArgs().map((a) => (a.startsWith('--endpoints=') ? `--endpoints=${url}` : a));

  test('--verify: the file read back, what it holds on stderr, stdout etcdctl\'s', async () => {
    const d = path.join(dir, 'verify');
    fs.mkdirSync(d);
    const file = path.join(d, 'etcd-1.db');
    const r = await runOurs([...etcd.etcdctlArgs(), 'snapshot', 'save', file, '--verify']);
    assert.equal(r.code, 0, r.stderr.toString());
    assert.equal(r.stdout.toString(), `Snapshot saved at ${file}\n`);
    const status = await runOurs(['snapshot', 'status', file]);
    const [hash, revision, keys, size] = status.stdout.toString().trim().split(', ');
    assert.equal(r.stderr.toString(), `Verified ${file}: hash ${hash}, revision ${revision}, ${keys} keys, ${size}\n`);
  });

  test('--verify: a damaged db whose digest matches is refused, exit 5, no file, nothing rotated', async () => {
    const d = folder('damaged', ['etcd-1.db', 'etcd-2.db']);
    // A member whose own db is damaged: the digest it sends is the damaged bytes'.
    const p = await faultProxy(etcd.clientUrls[0], { damage: { at: 8192, length: 1 << 16 } });
    try {
      const file = path.join(d, 'etcd-3.db');
      const plain = await runOurs([...through(p.url), 'snapshot', 'save', path.join(d, 'plain-3.db')]);
      assert.equal(plain.code, 0, `without --verify the digest is all that is checked: ${plain.stderr}`);
      fs.rmSync(path.join(d, 'plain-3.db'));
      const r = await runOurs([...through(p.url), 'snapshot', 'save', file, '--verify', '--keep', '1']);
      assert.equal(r.code, 5, r.stderr.toString());
      assert.equal(r.stdout.toString(), '');
      assert.match(r.stderr.toString(), /^Error: the snapshot does not read back: /);
      assert.ok(!fs.existsSync(file) && !fs.existsSync(`${file}.part`), 'nothing left of the damaged file');
      assert.deepEqual(list(d).filter((n) => n.startsWith('etcd-') && n.length === 9), ['etcd-1.db', 'etcd-2.db']);
    } finally {
      await p.close();
    }
  });

  test('--verify with stdout is refused before connecting, exit 128', async () => {
    const r = await runOurs([...etcd.etcdctlArgs(), 'snapshot', 'save', '-', '--verify']);
    assert.equal(r.code, 128);
    assert.equal(r.stdout.length, 0);
    assert.equal(r.stderr.toString(), 'Error: --verify needs a file name: a snapshot written to stdout cannot be read back\n');
  });
});
