/** What a saved snapshot holds, found by restoring it as `snapshot restore` does. */
import path from 'node:path';
import { FileSource } from '../../snapshot/source.js';
import { liveValues } from '../../snapshot/keys.js';
import { restoreSnapshot } from '../../snapshot/restore.js';

/** Restores `file` into `scratch` (which must not exist) and reads the live values of `keys`; or why it would not restore. */
export async function snapshotHolds(file: string, scratch: string, keys: string[]): Promise<{ values: Map<string, Buffer> } | { problem: string }> {
  try {
    await restoreSnapshot({
      snapshotPath: file,
      name: 'default',
      initialCluster: 'default=http://localhost:2380',
      initialClusterToken: 'etcd-cluster',
      peerURLs: 'http://localhost:2380',
      dataDir: scratch,
      walDir: '',
      skipHashCheck: false,
      bumpRevision: 0n,
      markCompacted: false,
    });
  } catch (err) {
    return { problem: (err as Error).message };
  }
  return { values: dbValues(path.join(scratch, 'member', 'snap', 'db'), keys) };
}

/** The live values of `keys` (all keys when empty) in the db file at `db`. */
export function dbValues(db: string, keys: string[] = []): Map<string, Buffer> {
  const src = FileSource.open(db);
  try {
    const all = liveValues(src);
    if (keys.length === 0) return all;
    return new Map(keys.filter((k) => all.has(k)).map((k) => [k, all.get(k)!]));
  } finally {
    src.close();
  }
}
