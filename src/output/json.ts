/**
 * `-w json`: Go's encoding/json of the response etcdctl holds. For the plain
 * RPC responses that is the protobuf message (see gojson.ts); a few results
 * are Go client structs with their own field names, written out here.
 */
import type { Reply } from '../client/client.js';
import type { AlarmResponse, DeleteRangeResponse, MemberAddResponse, MemberChangeResponse, MemberListResponse, MoveLeaderResponse, PutResponse, RangeResponse, TxnResponse, WatchResponse } from '../proto/types.js';
import { UnsupportedPrinter, type EndpointHashKV, type EndpointHealth, type EndpointStatus, type Printer, type PrintOptions, type Sink } from './printer.js';
import { goJSON, goString } from './gojson.js';
import type { LeaseGrantResponse, LeaseKeepAliveResponse, LeaseLeasesResponse, LeaseRevokeResponse, LeaseTimeToLiveResponse } from '../proto/types.js';
import { leaseGrantJSON, leaseKeepAliveJSON, leaseListJSON, leaseTimeToLiveJSON } from './lease.js';
import { snapshotStatusJSON, type SnapshotStatus } from './snapshot.js';
import type {
  AuthHeaderResponse, AuthRoleGetResponse, AuthRoleListResponse, AuthStatusResponse, AuthUserGetResponse, AuthUserListResponse,
} from '../proto/types.js';

export class JsonPrinter extends UnsupportedPrinter implements Printer {
  constructor(private readonly out: Sink, private readonly opts: PrintOptions) {
    super('json');
  }

  /** The whole reply message, as etcdctl's printJSON gives it. */
  message(r: Reply): void {
    this.out.write(goJSON(r.type, r.msg) + '\n');
  }

  get(r: Reply<RangeResponse>): void { this.message(r); }
  put(r: Reply<PutResponse>): void { this.message(r); }
  del(r: Reply<DeleteRangeResponse>): void { this.message(r); }
  txn(r: Reply<TxnResponse>): void { this.message(r); }
  // lease: the Go client's structs (see lease.ts); revoke's is the response message.
  leaseGrant(r: Reply<LeaseGrantResponse>): void { this.out.write(leaseGrantJSON(r.msg) + '\n'); }
  leaseRevoke(_id: bigint, r: Reply<LeaseRevokeResponse>): void { this.message(r); }
  leaseTimeToLive(r: Reply<LeaseTimeToLiveResponse>, _keys: boolean): void { this.out.write(leaseTimeToLiveJSON(r.msg) + '\n'); }
  leaseList(r: Reply<LeaseLeasesResponse>): void { this.out.write(leaseListJSON(r.msg) + '\n'); }
  leaseKeepAlive(r: Reply<LeaseKeepAliveResponse>): void { this.out.write(leaseKeepAliveJSON(r.msg) + '\n'); }
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
  snapshotStatus(s: SnapshotStatus): void { this.out.write(snapshotStatusJSON(s)); }

  /** The Go client's WatchResponse struct: Header (always an object), Events (null when none), then three plain fields. */
  watch(r: Reply<WatchResponse>): void {
    const m = r.msg;
    const header = goJSON('etcdserverpb.ResponseHeader', m.header ?? {});
    const events = m.events.length === 0 ? 'null' : `[${m.events.map((e) => goJSON('mvccpb.Event', e)).join(',')}]`;
    this.out.write(
      `{"Header":${header},"Events":${events},"CompactRevision":${m.compact_revision},"Canceled":${m.canceled},"Created":${m.created}}\n`,
    );
  }

  /**
   * With --hex, etcdctl writes IDs as hex strings. (etcdctl 3.5 misspells
   * "clientURLs" as "clientURLS" there; 3.6 corrected it, and so do we.)
   */
  memberList(r: Reply<MemberListResponse>): void {
    if (!this.opts.hex) return this.message(r);
    const h = r.msg.header;
    const hex = (v: bigint | undefined) => `"${BigInt.asUintN(64, v ?? 0n).toString(16)}"`;
    const list = (l: string[]) => (l.length === 0 ? 'null' : `[${l.map(goString).join(',')}]`);
    let out = `{"header":{"cluster_id":${hex(h?.cluster_id)},"member_id":${hex(h?.member_id)},"raft_term":${h?.raft_term ?? 0n}}`;
    if (r.msg.members.length > 0) {
      out += `,"members":[${r.msg.members
        .map((m) => `{"ID":${hex(m.ID)},"name":${goString(m.name)},"peerURLs":${list(m.peerURLs)},"clientURLs":${list(m.clientURLs)}}`)
        .join(',')}]`;
    }
    this.out.write(out + '}\n');
  }

  memberAdd(r: Reply<MemberAddResponse>): void { this.message(r); }
  memberRemove(_id: bigint, r: Reply<MemberChangeResponse>): void { this.message(r); }
  memberUpdate(_id: bigint, r: Reply<MemberChangeResponse>): void { this.message(r); }
  memberPromote(_id: bigint, r: Reply<MemberChangeResponse>): void { this.message(r); }
  alarm(r: Reply<AlarmResponse>): void { this.message(r); }
  moveLeader(_leader: bigint, _target: bigint, r: Reply<MoveLeaderResponse>): void { this.message(r); }

  /** A list of etcdctl's epHealth structs: error left out when empty. */
  endpointHealth(list: EndpointHealth[]): void {
    const items = list.map(
      (h) => `{"endpoint":${goString(h.ep)},"health":${h.health},"took":${goString(h.took)}${h.error ? `,"error":${goString(h.error)}` : ''}}`,
    );
    this.out.write(`[${items.join(',')}]\n`);
  }

  endpointStatus(list: EndpointStatus[]): void {
    const items = list.map(({ ep, reply }) => `{"Endpoint":${goString(ep)},"Status":${goJSON(reply.type, reply.msg)}}`);
    this.out.write(`[${items.join(',')}]\n`);
  }

  endpointHashKV(list: EndpointHashKV[]): void {
    const items = list.map(({ ep, reply }) => `{"Endpoint":${goString(ep)},"HashKV":${goJSON(reply.type, reply.msg)}}`);
    this.out.write(`[${items.join(',')}]\n`);
  }
}
