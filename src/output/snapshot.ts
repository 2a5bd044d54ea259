/**
 * What the snapshot commands print: `snapshot status` in each format (etcdctl
 * 3.5 / etcdutl's printer) and etcdutl's `hashkv`, and `snapshot save`'s lines and its progress
 * display on a terminal.
 */
import { humanBytes } from '../go/humanize.js';
import { goString } from '../go/json.js';
import type { Sink } from '../io/types.js';

/**
 * The numbers of `snapshot status` (etcdutl's snapshot.Status). `version`,
 * the storage version, is etcdutl 3.6's column ('' for a db of etcd before
 * 3.6); absent, the output is 3.5's.
 */
export interface SnapshotStatus {
  hash: number;
  revision: bigint;
  totalKey: number;
  totalSize: number;
  version?: string;
}

/** Header and row of the simple and table formats: the hash as %x, the size humanized. */
export function snapshotStatusTable(s: SnapshotStatus): { header: string[]; rows: string[][] } {
  const v36 = s.version !== undefined;
  return {
    header: ['hash', 'revision', 'total keys', 'total size', ...(v36 ? ['version'] : [])],
    rows: [[(s.hash >>> 0).toString(16), String(s.revision), String(s.totalKey), humanBytes(s.totalSize), ...(v36 ? [s.version!] : [])]],
  };
}

/** Go's json.Marshal of the Status struct, one line. */
export function snapshotStatusJSON(s: SnapshotStatus): string {
  const version = s.version !== undefined ? `,"version":${goString(s.version)}` : '';
  return `{"hash":${s.hash >>> 0},"revision":${s.revision},"totalKey":${s.totalKey},"totalSize":${s.totalSize}${version}}\n`;
}

export function snapshotStatusFields(s: SnapshotStatus): string {
  const version = s.version !== undefined ? `"Version" : ${s.version}\n` : '';
  return `"Hash" : ${s.hash >>> 0}\n"Revision" : ${s.revision}\n"Keys" : ${s.totalKey}\n"Size" : ${s.totalSize}\n${version}`;
}

export function snapshotStatusSimple(s: SnapshotStatus): string {
  return snapshotStatusTable(s).rows.map((r) => r.join(', ') + '\n').join('');
}

/** What etcdutl 3.6's `hashkv` prints (its HashKV struct). */
export interface DbHashKV {
  hash: number;
  hashRevision: bigint;
  compactRevision: bigint;
}

/** Header and row of the simple and table formats (the hash in decimal here). */
export function dbHashKVTable(h: DbHashKV): { header: string[]; rows: string[][] } {
  return { header: ['hash', 'hash revision', 'compact revision'], rows: [[String(h.hash >>> 0), String(h.hashRevision), String(h.compactRevision)]] };
}

export function dbHashKVJSON(h: DbHashKV): string {
  return `{"hash":${h.hash >>> 0},"hashRevision":${h.hashRevision},"compactRevision":${h.compactRevision}}\n`;
}

export function dbHashKVFields(h: DbHashKV): string {
  return `"Hash" : ${h.hash >>> 0}\n"Hash revision" : ${h.hashRevision}\n"Compact revision" : ${h.compactRevision}\n`;
}

export function dbHashKVSimple(h: DbHashKV): string {
  return dbHashKVTable(h).rows.map((r) => r.join(', ') + '\n').join('');
}

function rate(bytes: number, ms: number): string {
  return ms > 0 ? `${humanBytes(Math.round((bytes * 1000) / ms))}/s` : '';
}

/** Time left at the rate so far, as `42s left` or `3m05s left`; '' when it cannot be told yet. */
export function timeLeft(received: number, total: number, ms: number): string {
  if (total <= 0 || received <= 0 || ms <= 0 || received >= total) return '';
  const seconds = Math.ceil(((total - received) * ms) / received / 1000);
  if (seconds < 60) return `${seconds}s left`;
  const m = Math.floor(seconds / 60);
  const sec = seconds % 60;
  return m < 60 ? `${m}m${String(sec).padStart(2, '0')}s left` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m left`;
}

/**
 * The snapshot commands' own lines. save: the result on stdout (etcdctl's,
 * which scripts grep), and on stderr the endpoint used when several were
 * given and, on a terminal only, a progress line redrawn in place. restore:
 * one line on stderr (see restoredText).
 */
export class SnapshotText {
  private shown = false;
  private lastDraw = 0;

  constructor(
    private readonly out: Sink,
    private readonly err: Sink,
    private readonly terminal: boolean,
    /** How the progress line looks (coloured on a colour terminal). */
    private readonly paint: (text: string) => string = (t) => t,
  ) {}

  saved(path: string): void {
    this.out.write(`Snapshot saved at ${path}\n`);
  }

  /** --verify: what the saved file holds, read back (hash, revision, keys, size as status prints them). On stderr. */
  verified(path: string, s: SnapshotStatus): void {
    const [hash, revision, keys, size] = snapshotStatusTable(s).rows[0];
    this.err.write(`Verified ${path}: hash ${hash}, revision ${revision}, ${keys} keys, ${size}\n`);
  }

  /** --keep: an older snapshot of the series, removed. On stderr: stdout stays etcdctl's. */
  removed(path: string): void {
    this.err.write(`Removed older snapshot ${path}\n`);
  }

  /** Several endpoints were given: which one the snapshot comes from. */
  source(endpoint: string, given: number): void {
    this.err.write(`Taking the snapshot from ${endpoint} (the first of ${given} endpoints to answer)\n`);
  }

  /** An endpoint that was skipped because it did not answer. */
  skipped(endpoint: string, reason: string): void {
    this.err.write(`Skipping ${endpoint}: ${reason}\n`);
  }

  /**
   * The progress line, on a terminal only: bytes so far, of the member's db
   * size with a percentage when it announced one, the rate and the time left
   * at that rate (not on the final draw). Redrawn at most every 100 ms.
   */
  progress(received: number, total: number, elapsedMs: number, final = false): void {
    if (!this.terminal) return;
    const now = Date.now();
    if (!final && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const pct = total > 0 ? ` of ${humanBytes(total)} (${Math.min(100, Math.floor((received * 100) / total))}%)` : '';
    const extra = [rate(received, elapsedMs), final ? '' : timeLeft(received, total, elapsedMs)].filter((x) => x !== '');
    this.err.write(`\r\x1b[K${this.paint(`Downloading snapshot: ${humanBytes(received)}${pct}${extra.map((x) => `, ${x}`).join('')}`)}`);
    this.shown = true;
  }

  restored(r: Parameters<typeof restoredText>[0]): void {
    this.err.write(restoredText(r));
  }

  /** Ends the progress line (before a result or an error is printed). */
  done(): void {
    if (this.shown) this.err.write('\n');
    this.shown = false;
  }
}

/** `snapshot restore`'s line on stderr (etcdctl logs there; stdout stays empty, as etcdctl's). */
export function restoredText(r: { snapshot: string; dataDir: string; walDir: string; defaultWal: boolean; name: string; memberId: bigint; clusterId: bigint; members: number }): string {
  const wal = r.defaultWal ? '' : `, WAL in ${r.walDir}`;
  return `Restored ${r.snapshot} into data dir ${r.dataDir}${wal}: member ${r.name} (${r.memberId.toString(16)}) of a new ${r.members}-member cluster ${r.clusterId.toString(16)}\n`;
}

