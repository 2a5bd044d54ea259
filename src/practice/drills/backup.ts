/**
 * backup: save a snapshot of a kubeadm-style TLS member to a given file. The
 * check restores the file (as `snapshot restore` would: its hash checked)
 * into a temporary folder and looks for the marker written at set-up.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { shellQuote } from '../../io/shell.js';
import { pkiPaths } from '../../sandbox/pki.js';
import { sandboxClient } from '../../sandbox/client.js';
import { manifestPath, writeManifest } from '../manifest.js';
import { errorText, etcdctlFlags, missing, passed, setupError, type CheckItem, type Drill, type DrillContext } from '../drill.js';
import { snapshotHolds } from './snapshots.js';

const MARKER = '/practice/backup/marker';

const target = (d: DrillContext) => path.join(d.dir, 'backup', 'etcd-snapshot.db');

export const backup: Drill = {
  name: 'backup',
  summary: "Save a snapshot of etcd with kubeadm's certificates to a given file",
  members: 1,
  tls: true,

  async setup(d) {
    const token = randomBytes(8).toString('hex');
    const client = await sandboxClient(d.state);
    try {
      for (let i = 0; i < 20; i++) await client.kv.put({ key: Buffer.from(`/registry/configmaps/default/app-${i}`), value: Buffer.from(`config ${i}`) });
      await client.kv.put({ key: Buffer.from(MARKER), value: Buffer.from(token) });
    } catch (err) {
      throw setupError('backup', 'writing the keys', err);
    } finally {
      client.close();
    }
    writeManifest(d.state, d.state.members[0]);
    mkdirSync(path.dirname(target(d)), { recursive: true });
    return { marker: token };
  },

  task(d) {
    const pki = pkiPaths(d.dir);
    return [
      `Create a snapshot of the existing etcd instance running at ${d.state.members[0].clientURL},`,
      'saving the snapshot to',
      `  ${target(d)}`,
      '',
      'The following TLS certificates and key are supplied for connecting to the server with etcdctl:',
      `  CA certificate:      ${pki.ca}`,
      `  Client certificate:  ${pki.client}`,
      `  Client key:          ${pki.clientKey}`,
      '',
      "The member's static pod manifest is",
      `  ${manifestPath(d.dir)}`,
    ].join('\n');
  },

  async check(d) {
    const file = target(d);
    const items: CheckItem[] = [];
    if (!existsSync(file)) return [missing(`${file} does not exist`)];
    if (!statSync(file).isFile()) return [missing(`${file} is not a file`)];
    items.push(passed(`${file} exists`));
    const tmp = mkdtempSync(path.join(d.dir, '.check-'));
    try {
      const holds = await snapshotHolds(file, path.join(tmp, 'restored'), [MARKER]);
      if ('problem' in holds) return [...items, missing(`it is not a snapshot etcd can restore: ${holds.problem}`)];
      items.push(passed('it is an etcd snapshot that restores (its hash checks)'));
      const v = holds.values.get(MARKER);
      if (v?.toString() !== d.params.marker) {
        items.push(missing(`it does not hold ${MARKER} as written when the drill started: a snapshot of another etcd, or an older one`));
      } else {
        items.push(passed(`it holds this cluster's data (${MARKER})`));
      }
    } catch (err) {
      items.push(missing(`it could not be read: ${errorText(err)}`));
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
    return items;
  },

  solution(d) {
    return [`ETCDCTL_API=3 etcdctl ${etcdctlFlags(d)} snapshot save ${shellQuote(target(d))}`];
  },
};
