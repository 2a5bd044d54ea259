/** `-w protobuf`: the response message's protobuf bytes, with no framing or newline. */
import type { Reply } from '../client/client.js';
import type { AlarmResponse, DeleteRangeResponse, MemberAddResponse, MemberChangeResponse, MemberListResponse, MoveLeaderResponse, PutResponse, RangeResponse, TxnResponse, WatchResponse } from '../proto/types.js';
import { UnsupportedPrinter, type Printer, type Sink } from './printer.js';
import { encode } from '../proto/codec.js';
import type { LeaseGrantResponse, LeaseKeepAliveResponse, LeaseLeasesResponse, LeaseRevokeResponse, LeaseTimeToLiveResponse, ResponseHeader } from '../proto/types.js';
import { leaseRevokeProtobufError } from './lease.js';
import type {
  AuthHeaderResponse, AuthRoleGetResponse, AuthRoleListResponse, AuthStatusResponse, AuthUserGetResponse, AuthUserListResponse,
} from '../proto/types.js';

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
  // lease: etcdctl marshals the Go client's struct, and what gets marshalled is
  // the embedded ResponseHeader alone; revoke's struct cannot be marshalled.
  leaseGrant(r: Reply<LeaseGrantResponse>): void { this.header(r.msg.header); }
  leaseRevoke(_id: bigint, r: Reply<LeaseRevokeResponse>): void { throw leaseRevokeProtobufError(r.msg); }
  leaseTimeToLive(r: Reply<LeaseTimeToLiveResponse>, _keys: boolean): void { this.header(r.msg.header); }
  leaseList(r: Reply<LeaseLeasesResponse>): void { this.header(r.msg.header); }
  leaseKeepAlive(r: Reply<LeaseKeepAliveResponse>): void { this.header(r.msg.header); }

  private header(h: ResponseHeader | undefined): void {
    this.out.write(encode('etcdserverpb.ResponseHeader', h ?? {}));
  }
  // auth, user and role: the response message, whatever the result.
  authStatus(r: Reply<AuthStatusResponse>): void { this.message(r); }
  userAdd(_name: string, r: Reply<AuthHeaderResponse>): void { this.message(r); }
  userGet(_name: string, r: Reply<AuthUserGetResponse>): void { this.message(r); }
  userList(r: Reply<AuthUserListResponse>): void { this.message(r); }
  userDelete(_name: string, r: Reply<AuthHeaderResponse>): void { this.message(r); }
  userChangePassword(r: Reply<AuthHeaderResponse>): void { this.message(r); }
  userGrantRole(_user: string, _role: string, r: Reply<AuthHeaderResponse>): void { this.message(r); }
  userRevokeRole(_user: string, _role: string, r: Reply<AuthHeaderResponse>): void { this.message(r); }
  roleAdd(_role: string, r: Reply<AuthHeaderResponse>): void { this.message(r); }
  roleGet(_role: string, r: Reply<AuthRoleGetResponse>): void { this.message(r); }
  roleList(r: Reply<AuthRoleListResponse>): void { this.message(r); }
  roleDelete(_role: string, r: Reply<AuthHeaderResponse>): void { this.message(r); }
  roleGrantPermission(_role: string, r: Reply<AuthHeaderResponse>): void { this.message(r); }
  roleRevokePermission(_role: string, _key: string, _end: Buffer, r: Reply<AuthHeaderResponse>): void { this.message(r); }
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
