/**
 * restore: a snapshot taken earlier is restored into a new data dir and the
 * member's manifest is pointed at it, as on a kubeadm node. The check reads
 * the data dir from the manifest, boots etcd on it and reads the data: the
 * values of the snapshot, not the ones written after it.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { shellQuote } from '../../io/shell.js';
import { sandboxClient } from '../../sandbox/client.js';
import { FileDestination, openSnapshotStream, receiveSnapshot } from '../../snapshot/save.js';
import { bootDataDir } from '../boot.js';
import { manifestDataDir, manifestPath, writeManifest } from '../manifest.js';
import { errorText, missing, passed, setupError, type CheckItem, type Drill, type DrillContext } from '../drill.js';

const KEY = '/registry/configmaps/default/app-config';
const LATER = '/registry/configmaps/default/written-after-the-backup';

const snapshotFile = (d: DrillContext) => path.join(d.dir, 'backup', 'etcd-snapshot-previous.db');
const restoreDir = (d: DrillContext) => path.join(d.dir, 'restore', 'etcd-from-backup');

export const restore: Drill = {
  name: 'restore',
  summary: 'Restore a snapshot into a new data dir and point the member at it',
  members: 1,
  tls: true,

  async setup(d) {
    const client = await sandboxClient(d.state);
    try {
      for (let i = 0; i < 10; i++) await client.kv.put({ key: Buffer.from(`/registry/secrets/default/token-${i}`), value: Buffer.from(`secret ${i}`) });
      await client.kv.put({ key: Buffer.from(KEY), value: Buffer.from('version=1') });
      mkdirSync(path.dirname(snapshotFile(d)), { recursive: true });
      const { reader, endpoint } = await openSnapshotStream(client, 1, { stallMs: 10000 });
      const dest = await FileDestination.create(snapshotFile(d));
      await receiveSnapshot(reader, dest, { stallMs: 10000, endpoint });
      await dest.commit();
      // What happens after the backup, which the restore takes back.
      await client.kv.put({ key: Buffer.from(KEY), value: Buffer.from('version=2') });
      await client.kv.put({ key: Buffer.from(LATER), value: Buffer.from('lost in the restore') });
    } catch (err) {
      throw setupError('restore', 'writing the keys and the snapshot', err);
    } finally {
      client.close();
    }
    writeManifest(d.state, d.state.members[0]);
    return {};
  },

  task(d) {
    return [
      `A snapshot of the etcd member running at ${d.state.members[0].clientURL} was saved,`,
      'before some unwanted changes, to',
      `  ${snapshotFile(d)}`,
      '',
      'Restore it into the new data dir',
      `  ${restoreDir(d)}`,
      "and make the member run on the restored data: update its static pod manifest,",
      `  ${manifestPath(d.dir)}`,
      '',
      '(The check boots etcd on the data dir the manifest names, as the kubelet would.)',
    ].join('\n');
  },

  async check(d) {
    const want = restoreDir(d);
    const items: CheckItem[] = [];
    if (!existsSync(path.join(want, 'member', 'snap', 'db'))) {
      items.push(missing(`${want} holds no restored member (no member/snap/db in it)`));
    } else {
      items.push(passed(`${want} holds a restored member`));
    }
    const m = manifestDataDir(manifestPath(d.dir));
    if ('problem' in m) return [...items, missing(m.problem)];
    if (path.resolve(m.dataDir) !== path.resolve(want)) {
      return [...items, missing(`the manifest keeps the member's data in ${m.dataDir}, not in ${want}`)];
    }
    items.push(passed(`the manifest runs the member on ${want}`));
    if (!items[0].ok) return items;
    let booted;
    try {
      booted = await bootDataDir(d.state, want);
    } catch (err) {
      return [...items, missing(`etcd does not start on ${want}: ${errorText(err)}`)];
    }
    try {
      const key = await booted.client.kv.range({ key: Buffer.from(KEY) });
      const value = key.msg.kvs[0]?.value ? Buffer.from(key.msg.kvs[0].value).toString() : undefined;
      if (value === 'version=1') items.push(passed(`${booted.how} serves the snapshot's data: ${KEY} is version=1`));
      else items.push(missing(`etcd serves ${KEY} as ${value === undefined ? 'missing' : JSON.stringify(value)}, not the snapshot's version=1`));
      const later = await booted.client.kv.range({ key: Buffer.from(LATER), count_only: true });
      if (Number(later.msg.count) === 0) items.push(passed('the changes made after the snapshot are gone'));
      else items.push(missing(`${LATER}, written after the snapshot, is still there: that is not the snapshot's data`));
    } catch (err) {
      items.push(missing(`etcd on ${want} does not answer: ${errorText(err)}`));
    } finally {
      await booted.stop();
    }
    return items;
  },

  solution(d) {
    const m = d.state.members[0];
    return [
      `ETCDCTL_API=3 etcdctl snapshot restore ${shellQuote(snapshotFile(d))} --data-dir ${shellQuote(restoreDir(d))}`,
      `# in ${manifestPath(d.dir)}, the etcd-data volume's hostPath:`,
      `#   path: ${m.dataDir}   ->   path: ${restoreDir(d)}`,
      `sed -i 's|path: ${m.dataDir}$|path: ${restoreDir(d)}|' ${shellQuote(manifestPath(d.dir))}`,
    ];
  },
};
