/**
 * Who holds a lock on a file, from Linux's /proc/locks. A running etcd holds
 * bbolt's exclusive flock on its member/snap/db; Node cannot try a lock
 * itself, so offline commands that rewrite the db look here instead.
 *
 * A line of /proc/locks is `<id>: <type> <ADVISORY|MANDATORY> <READ|WRITE>
 * <pid> <major>:<minor>:<inode> <start> <end>`, the device numbers in hex;
 * `<id>: -> ...` lines are processes waiting for a lock, not holding one.
 * OFD locks show a pid of -1. The file lists the locks of the processes this
 * one can see (its PID namespace and those below it).
 */
import fs from 'node:fs';

export interface HeldLock {
  /** FLOCK, POSIX, OFDLCK, LEASE, ... */
  type: string;
  /** The holder, or -1 when the lock belongs to an open file description (OFD) rather than a process. */
  pid: number;
  major: bigint;
  minor: bigint;
  inode: bigint;
}

/** The locks held (not waited for) in the text of /proc/locks. */
export function parseLocks(text: string): HeldLock[] {
  const out: HeldLock[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*\d+:\s+(->\s+)?(\S+)\s+\S+\s+\S+\s+(-?\d+)\s+([0-9a-fA-F]+):([0-9a-fA-F]+):(\d+)\s/.exec(line);
    if (!m || m[1]) continue;
    out.push({ type: m[2], pid: Number(m[3]), major: BigInt(`0x${m[4]}`), minor: BigInt(`0x${m[5]}`), inode: BigInt(m[6]) });
  }
  return out;
}

/** glibc's major() and minor() of a st_dev. */
export function deviceNumbers(dev: bigint): { major: bigint; minor: bigint } {
  return {
    major: ((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn),
    minor: (dev & 0xffn) | ((dev >> 12n) & ~0xffn),
  };
}

/**
 * The locks held on the file at `path` (which must exist), or undefined when
 * /proc/locks cannot be read (not Linux).
 */
export function locksOn(path: string, procLocks = '/proc/locks'): HeldLock[] | undefined {
  const st = fs.statSync(path, { bigint: true });
  let text: string;
  try {
    text = fs.readFileSync(procLocks, 'latin1');
  } catch {
    return undefined;
  }
  const { major, minor } = deviceNumbers(st.dev);
  return parseLocks(text).filter((l) => l.inode === st.ino && l.major === major && l.minor === minor);
}
