/**
 * `snapshot save FILE --keep N`: after a save, the snapshots of the same
 * series in FILE's directory beyond the N newest are removed. A series is the
 * names that differ from FILE's only in their digits (`etcd-2026-12-03-1400.db`
 * and `etcd-2026-11-30-0900.db`; `backup-9.db` and `backup-10.db`), as a cron
 * line like `snapshot save /backup/etcd-$(date +%F-%H%M).db` makes them.
 * Only regular files are looked at (no directories, no symbolic links), and
 * the file just written is always kept.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileErrorText } from './status.js';

/** The name with every run of digits replaced by one placeholder: names of a series have the same. */
export function seriesOf(name: string): string {
  return name.replace(/[0-9]+/g, '\u0000');
}

export interface SnapshotFile {
  name: string;
  mtimeMs: number;
}

/**
 * The names to remove from `files` (a directory's regular files) so that of
 * `kept`'s series the `keep` newest stay: by modification time, newest first,
 * the later name first on a tie; `kept` itself is always among those kept.
 */
export function olderSnapshots(files: readonly SnapshotFile[], kept: string, keep: number): string[] {
  const series = seriesOf(kept);
  const others = files
    .filter((f) => f.name !== kept && seriesOf(f.name) === series)
    .sort((a, b) => b.mtimeMs - a.mtimeMs || (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
  return others.slice(Math.max(0, keep - 1)).map((f) => f.name);
}

export interface Rotation {
  /** Paths removed, oldest last. */
  removed: string[];
  /** Removals that failed, in Go's words (`remove <path>: <reason>`). */
  failed: string[];
}

/** Removes what olderSnapshots picks in `file`'s directory, going on past a failure. */
export function rotateSnapshots(file: string, keep: number): Rotation {
  const dir = path.dirname(file);
  const kept = path.basename(file);
  const files: SnapshotFile[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (err) {
    return { removed: [], failed: [fileErrorText('open', dir, err)] };
  }
  // Which of them belong to the series is olderSnapshots' to say.
  for (const name of names) {
    try {
      const st = fs.lstatSync(path.join(dir, name));
      if (st.isFile()) files.push({ name, mtimeMs: st.mtimeMs });
    } catch {
      // Gone meanwhile: nothing to remove.
    }
  }
  const result: Rotation = { removed: [], failed: [] };
  for (const name of olderSnapshots(files, kept, keep)) {
    const p = path.join(dir, name);
    try {
      fs.unlinkSync(p);
      result.removed.push(p);
    } catch (err) {
      result.failed.push(fileErrorText('remove', p, err));
    }
  }
  return result;
}
