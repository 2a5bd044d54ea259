/**
 * Results etcdctl prints as fixed text whatever --write-out says (version,
 * compaction, ...). Kept here so that commands never format output.
 */
import type { Sink } from './printer.js';

export class TextPrinter {
  constructor(private readonly out: Sink) {}

  version(etcdctl: string, api: string): void {
    this.out.write(`etcdctl version: ${etcdctl}\nAPI version: ${api}\n`);
  }

  compaction(revision: bigint): void {
    this.out.write(`compacted revision ${revision}\n`);
  }
}
