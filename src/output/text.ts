/**
 * Results etcdctl prints as fixed text whatever --write-out says (version,
 * compaction, ...). Kept here so that commands never format output.
 */
import type { Sink } from '../io/types.js';
import { leaseExpiredText } from './lease.js';
import { humanBytes } from '../go/humanize.js';

/** user add / user passwd: the prompt for the password (prompt.ts prints it, and a newline after the answer). */
export function passwordPrompt(name: string): string {
  return `Password of ${name}: `;
}

/** user add / user passwd: the prompt to type the password again. */
export function passwordAgainPrompt(name: string): string {
  return `Type password of ${name} again for confirmation: `;
}

export class TextPrinter {
  constructor(
    private readonly out: Sink,
    private readonly err: Sink,
  ) {}

  /** watch: the server canceled a watch. */
  watchCanceled(reason: string): void {
    this.err.write(`watch was canceled (${reason})\n`);
  }

  /** watch: the per-event command failed; `command` is Go's %q of the argument list. */
  watchCommandFailed(command: string, reason: string): void {
    this.err.write(`command ${command} error (${reason})\n`);
  }

  /** watch -i: a line that is not a valid request. */
  invalidWatchLine(message: string): void {
    this.err.write(`${message}\n`);
  }

  /** completion: a shell's completion script, or the reply to one (src/completion/). */
  completion(text: string): void {
    this.out.write(text);
  }

  /** version: `program` is etcdctl or etcdutl; `own` is this tool's version (package.json's), on a line of its own after etcdctl's two. */
  version(version: string, api: string, own: string, program = 'etcdctl'): void {
    this.out.write(`${program} version: ${version}\nAPI version: ${api}\n${program}-ts version: ${own}\n`);
  }

  /** txn -i's section prompts. */
  prompt(text: string): void {
    this.out.write(`${text}\n`);
  }

  /** watch: a progress notification (printed before the response itself). */
  progressNotify(revision: bigint): void {
    this.out.write(`progress notify: ${revision}\n`);
  }

  compaction(revision: bigint): void {
    this.out.write(`compacted revision ${revision}\n`);
  }

  /** lease keep-alive: the lease is gone (etcdctl prints this in the simple format only). */
  leaseExpired(id: bigint): void {
    this.out.write(leaseExpiredText(id));
  }

  authEnabled(): void {
    this.out.write('Authentication Enabled\n');
  }

  authDisabled(): void {
    this.out.write('Authentication Disabled\n');
  }

  /** user get --detail: the first line, before each role's `role get` output. */
  userDetail(name: string): void {
    this.out.write(`User: ${name}\n`);
  }

  /** user get --detail: the blank line before each role. */
  userDetailRoleBreak(): void {
    this.out.write('\n');
  }

  /** endpoint status: one endpoint failed (the others are still printed). */
  statusFailed(ep: string, reason: string): void {
    this.err.write(`Failed to get the status of endpoint ${ep} (${reason})\n`);
  }

  /** endpoint hashkv: one endpoint failed. */
  hashFailed(ep: string, reason: string): void {
    this.err.write(`Failed to get the hash of endpoint ${ep} (${reason})\n`);
  }

  defragFinished(ep: string): void {
    this.out.write(`Finished defragmenting etcd member[${ep}]\n`);
  }

  defragFailed(ep: string, reason: string): void {
    this.err.write(`Failed to defragment etcd member[${ep}] (${reason})\n`);
  }

  /**
   * defrag --data-dir: done. On stderr, where etcdutl logs its "finished
   * defragmenting directory" (stdout stays empty, as etcdctl's and etcdutl's).
   */
  defragDataFinished(dataDir: string, db: string, sizeBefore: number, sizeAfter: number): void {
    this.err.write(`Finished defragmenting etcd data[${dataDir}]: ${db} from ${humanBytes(sizeBefore)} to ${humanBytes(sizeAfter)}\n`);
  }

  /** check: the progress line, redrawn in place. */
  progress(rendered: string): void {
    this.out.write(`\r${rendered}`);
  }

  /** check: the end of the progress line. */
  progressDone(): void {
    this.out.write('\n');
  }

  /** check: a line of its report (PASS/FAIL lines, the start line, cleanup steps). */
  report(line: string): void {
    this.out.write(`${line}\n`);
  }
}
