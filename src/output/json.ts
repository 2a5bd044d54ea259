/**
 * `-w json`: Go's encoding/json of the response etcdctl holds. For the plain
 * RPC responses that is the protobuf message (see gojson.ts); a few results
 * are Go client structs with their own field names, written out here.
 */
import type { Reply } from '../client/client.js';
import type { DeleteRangeResponse, PutResponse, RangeResponse, TxnResponse, WatchResponse } from '../proto/types.js';
import type { Printer, PrintOptions, Sink } from './printer.js';
import { goJSON } from './gojson.js';

export class JsonPrinter implements Printer {
  constructor(private readonly out: Sink, private readonly opts: PrintOptions) {}

  /** The whole reply message, as etcdctl's printJSON gives it. */
  message(r: Reply): void {
    this.out.write(goJSON(r.type, r.msg) + '\n');
  }

  get(r: Reply<RangeResponse>): void { this.message(r); }
  put(r: Reply<PutResponse>): void { this.message(r); }
  del(r: Reply<DeleteRangeResponse>): void { this.message(r); }
  txn(r: Reply<TxnResponse>): void { this.message(r); }

  /** The Go client's WatchResponse struct: Header (always an object), Events (null when none), then three plain fields. */
  watch(r: Reply<WatchResponse>): void {
    const m = r.msg;
    const header = goJSON('etcdserverpb.ResponseHeader', m.header ?? {});
    const events = m.events.length === 0 ? 'null' : `[${m.events.map((e) => goJSON('mvccpb.Event', e)).join(',')}]`;
    this.out.write(
      `{"Header":${header},"Events":${events},"CompactRevision":${m.compact_revision},"Canceled":${m.canceled},"Created":${m.created}}\n`,
    );
  }
}
