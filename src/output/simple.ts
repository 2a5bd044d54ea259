/** The default human format (`-w simple`). */
import type { Reply } from '../client/client.js';
import type { DeleteRangeResponse, KeyValue, MemberListResponse, PutResponse, RangeResponse, TxnResponse, WatchResponse } from '../proto/types.js';
import { memberListTable, type Printer, type PrintOptions, type Sink } from './printer.js';
import { hexEscape } from './goquote.js';

const NL = Buffer.from('\n');

export class SimplePrinter implements Printer {
  constructor(private readonly out: Sink, private readonly opts: PrintOptions) {}

  private line(text: string | Uint8Array): void {
    this.out.write(typeof text === 'string' ? text + '\n' : Buffer.concat([text, NL]));
  }

  private bytes(b: Uint8Array): string | Uint8Array {
    return this.opts.hex ? hexEscape(b) : b;
  }

  /** A key line (unless --print-value-only) and a value line, bytes as they are. */
  kv(kv: KeyValue): void {
    if (!this.opts.valueOnly) this.line(this.bytes(kv.key));
    this.line(this.bytes(kv.value));
  }

  get(r: Reply<RangeResponse>): void {
    for (const kv of r.msg.kvs) this.kv(kv);
  }

  put(r: Reply<PutResponse>): void {
    this.line('OK');
    if (r.msg.prev_kv) this.kv(r.msg.prev_kv);
  }

  del(r: Reply<DeleteRangeResponse>): void {
    this.line(String(r.msg.deleted));
    for (const kv of r.msg.prev_kvs) this.kv(kv);
  }

  txn(r: Reply<TxnResponse>): void {
    this.line(r.msg.succeeded ? 'SUCCESS' : 'FAILURE');
    for (const op of r.msg.responses) {
      this.line('');
      if (op.response_delete_range) this.del({ ...r, msg: op.response_delete_range });
      else if (op.response_put) this.put({ ...r, msg: op.response_put });
      else if (op.response_range) this.get({ ...r, msg: op.response_range });
      else this.line('unexpected response');
    }
  }

  watch(r: Reply<WatchResponse>): void {
    for (const e of r.msg.events) {
      this.line(e.type === 1 ? 'DELETE' : 'PUT');
      if (e.prev_kv) this.kv(e.prev_kv);
      this.kv(e.kv ?? emptyKv());
    }
  }

  memberList(r: Reply<MemberListResponse>): void {
    for (const row of memberListTable(r.msg).rows) this.line(row.join(', '));
  }
}

export function emptyKv(): KeyValue {
  return { key: Buffer.alloc(0), create_revision: 0n, mod_revision: 0n, version: 0n, value: Buffer.alloc(0), lease: 0n };
}
