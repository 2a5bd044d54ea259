/** `-w protobuf`: the response message's protobuf bytes, with no framing or newline. */
import type { Reply } from '../client/client.js';
import type { AlarmResponse, DeleteRangeResponse, MemberAddResponse, MemberChangeResponse, MemberListResponse, MoveLeaderResponse, PutResponse, RangeResponse, TxnResponse, WatchResponse } from '../proto/types.js';
import { UnsupportedPrinter, type Printer, type Sink } from './printer.js';
import { encode } from '../proto/codec.js';

export class ProtobufPrinter extends UnsupportedPrinter implements Printer {
  constructor(private readonly out: Sink) {
    super('protobuf');
  }

  /** The bytes exactly as the server sent them. */
  message(r: Reply): void {
    this.out.write(r.raw);
  }

  get(r: Reply<RangeResponse>): void { this.message(r); }
  put(r: Reply<PutResponse>): void { this.message(r); }
  del(r: Reply<DeleteRangeResponse>): void { this.message(r); }
  txn(r: Reply<TxnResponse>): void { this.message(r); }
  memberList(r: Reply<MemberListResponse>): void { this.message(r); }

  /** etcdctl re-encodes a WatchResponse from the client struct: only these fields survive. */
  watch(r: Reply<WatchResponse>): void {
    const m = r.msg;
    this.out.write(
      encode('etcdserverpb.WatchResponse', {
        header: m.header ?? {},
        events: m.events,
        compact_revision: m.compact_revision,
        canceled: m.canceled,
        created: m.created,
      }),
    );
  }

  memberAdd(r: Reply<MemberAddResponse>): void { this.message(r); }
  memberRemove(_id: bigint, r: Reply<MemberChangeResponse>): void { this.message(r); }
  memberUpdate(_id: bigint, r: Reply<MemberChangeResponse>): void { this.message(r); }
  memberPromote(_id: bigint, r: Reply<MemberChangeResponse>): void { this.message(r); }
  alarm(r: Reply<AlarmResponse>): void { this.message(r); }
  moveLeader(_leader: bigint, _target: bigint, r: Reply<MoveLeaderResponse>): void { this.message(r); }
}
