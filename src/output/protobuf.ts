/** `-w protobuf`: the response message's protobuf bytes, with no framing or newline. */
import type { Reply } from '../client/client.js';
import type { WatchResponse } from '../proto/types.gen.js';
import { MessagePrinter } from './message.js';
import type { Printer } from './printer.js';
import type { Sink } from '../io/types.js';
import { encodeMessage as encode } from '../proto/registry.js';
import type { LeaseGrantResponse, LeaseKeepAliveResponse, LeaseLeasesResponse, LeaseRevokeResponse, LeaseTimeToLiveResponse, ResponseHeader } from '../proto/types.gen.js';
import { leaseRevokeProtobufError } from './lease.js';

export class ProtobufPrinter extends MessagePrinter implements Printer {
  constructor(private readonly out: Sink) {
    super('protobuf');
  }

  /** The bytes exactly as the server sent them. */
  message(r: Reply): void {
    this.out.write(r.raw);
  }

  // lease: etcdctl marshals the Go client's struct, and what gets marshalled is
  // the embedded ResponseHeader alone; revoke's struct cannot be marshalled.
  leaseGrant(r: Reply<LeaseGrantResponse>): void { this.header(r.msg.header); }
  leaseRevoke(_id: bigint, r: Reply<LeaseRevokeResponse>): void { throw leaseRevokeProtobufError(r.msg); }
  leaseTimeToLive(r: Reply<LeaseTimeToLiveResponse>, _keys: boolean): void { this.header(r.msg.header); }
  leaseList(r: Reply<LeaseLeasesResponse>): void { this.header(r.msg.header); }
  leaseKeepAlive(r: Reply<LeaseKeepAliveResponse>): void { this.header(r.msg.header); }

  private header(h: ResponseHeader | null | undefined): void {
    this.out.write(encode('etcdserverpb.ResponseHeader', h ?? {}));
  }

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

}
