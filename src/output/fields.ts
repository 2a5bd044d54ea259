/** `-w fields`: one `"Name" : value` line per field, as etcdctl prints them. */
import type { Reply } from '../client/client.js';
import type { DeleteRangeResponse, KeyValue, MemberListResponse, PutResponse, RangeResponse, ResponseHeader, TxnResponse, WatchResponse } from '../proto/types.js';
import type { Printer, PrintOptions, Sink } from './printer.js';
import { goQuote } from './goquote.js';
import { emptyKv } from './simple.js';

export class FieldsPrinter implements Printer {
  constructor(private readonly out: Sink, private readonly opts: PrintOptions) {}

  private field(name: string, value: string | bigint | number | boolean): void {
    this.out.write(`"${name}" : ${value}\n`);
  }

  hdr(h: ResponseHeader | undefined): void {
    this.field('ClusterID', h?.cluster_id ?? 0n);
    this.field('MemberID', h?.member_id ?? 0n);
    this.field('Revision', h?.revision ?? 0n);
    this.field('RaftTerm', h?.raft_term ?? 0n);
  }

  kv(prefix: string, kv: KeyValue): void {
    this.field(`${prefix}Key`, goQuote(kv.key));
    this.field(`${prefix}CreateRevision`, kv.create_revision);
    this.field(`${prefix}ModRevision`, kv.mod_revision);
    this.field(`${prefix}Version`, kv.version);
    this.field(`${prefix}Value`, goQuote(kv.value));
    this.field(`${prefix}Lease`, kv.lease);
  }

  get(r: Reply<RangeResponse>): void {
    this.hdr(r.msg.header);
    for (const kv of r.msg.kvs) this.kv('', kv);
    this.field('More', r.msg.more);
    this.field('Count', r.msg.count);
  }

  put(r: Reply<PutResponse>): void {
    this.hdr(r.msg.header);
    if (r.msg.prev_kv) this.kv('Prev', r.msg.prev_kv);
  }

  del(r: Reply<DeleteRangeResponse>): void {
    this.hdr(r.msg.header);
    this.field('Deleted', r.msg.deleted);
    for (const kv of r.msg.prev_kvs) this.kv('Prev', kv);
  }

  txn(r: Reply<TxnResponse>): void {
    this.hdr(r.msg.header);
    this.field('Succeeded', r.msg.succeeded);
    for (const op of r.msg.responses) {
      if (op.response_delete_range) this.del({ ...r, msg: op.response_delete_range });
      else if (op.response_put) this.put({ ...r, msg: op.response_put });
      else if (op.response_range) this.get({ ...r, msg: op.response_range });
    }
  }

  watch(r: Reply<WatchResponse>): void {
    this.hdr(r.msg.header);
    for (const e of r.msg.events) {
      this.field('Type', e.type === 1 ? 'DELETE' : 'PUT');
      if (e.prev_kv) this.kv('Prev', e.prev_kv);
      this.kv('', e.kv ?? emptyKv());
    }
  }

  memberList(r: Reply<MemberListResponse>): void {
    this.hdr(r.msg.header);
    for (const m of r.msg.members) {
      this.field('ID', m.ID);
      this.field('Name', goQuote(m.name));
      for (const u of m.peerURLs) this.field('PeerURL', goQuote(u));
      for (const u of m.clientURLs) this.field('ClientURL', goQuote(u));
      this.field('IsLearner', m.isLearner);
      this.out.write('\n');
    }
  }
}
