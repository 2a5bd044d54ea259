/**
 * The output layer: one Printer per --write-out format, with one method per
 * kind of result. Commands hand results to the printer and print nothing
 * themselves; printers never touch the network.
 */
import type { Reply } from '../client/client.js';
import { EtcdctlError, ExitCode } from '../errors.js';
import { humanBytes } from '../go/humanize.js';
import type {
  RangeResponse, PutResponse, DeleteRangeResponse, TxnResponse, WatchResponse, MemberListResponse, MemberAddResponse,
  MemberRemoveResponse, MemberUpdateResponse, MemberPromoteResponse, AlarmResponse, StatusResponse, HashKVResponse, MoveLeaderResponse,
  ResponseHeader,
} from '../proto/types.gen.js';
import type {
  AuthStatusResponse, AuthUserGetResponse, AuthUserListResponse, AuthRoleGetResponse, AuthRoleListResponse,
} from '../proto/types.gen.js';
import type {
  LeaseGrantResponse, LeaseRevokeResponse, LeaseTimeToLiveResponse, LeaseLeasesResponse, LeaseKeepAliveResponse,
} from '../proto/types.gen.js';
import type { DbHashKV, SnapshotStatus } from './snapshot.js';
import type { Decoded } from '../k8s/decode.js';
import { AlarmType } from '../proto/types.gen.js';
import { PLAIN, type Paint, type Palette } from '../io/colour.js';

/** The reply of member remove, update and promote: the header and the members after the change. */
export type MemberChangeResponse = MemberRemoveResponse | MemberUpdateResponse | MemberPromoteResponse;

/** The reply of the auth calls that carry nothing but the header (user add, role grant-permission, ...). */
export interface AuthHeaderResponse {
  header: ResponseHeader | null;
}

export interface PrintOptions {
  hex: boolean;
  /** get --print-value-only (simple format only). */
  valueOnly: boolean;
  /** Colours for stdout and stderr; none when absent (see src/io/colour.ts). */
  paint?: Paint;
}

export interface Printer {
  get(r: Reply<RangeResponse>): void;
  /** get --decode: `decoded[i]` is what the value of `r.msg.kvs[i]` holds (src/k8s). */
  getDecoded(r: Reply<RangeResponse>, decoded: Decoded[]): void;
  put(r: Reply<PutResponse>): void;
  del(r: Reply<DeleteRangeResponse>): void;
  txn(r: Reply<TxnResponse>): void;
  watch(r: Reply<WatchResponse>): void;
  memberList(r: Reply<MemberListResponse>): void;
  /** `added` is what the user typed: the new member's name and --peer-urls. */
  memberAdd(r: Reply<MemberAddResponse>, added: { name: string; peerURLs: string }): void;
  memberRemove(id: bigint, r: Reply<MemberChangeResponse>): void;
  memberUpdate(id: bigint, r: Reply<MemberChangeResponse>): void;
  memberPromote(id: bigint, r: Reply<MemberChangeResponse>): void;
  endpointHealth(list: EndpointHealth[]): void;
  endpointStatus(list: EndpointStatus[]): void;
  endpointHashKV(list: EndpointHashKV[]): void;
  alarm(r: Reply<AlarmResponse>): void;
  moveLeader(leader: bigint, target: bigint, r: Reply<MoveLeaderResponse>): void;
  // lease (commands/lease.ts)
  leaseGrant(r: Reply<LeaseGrantResponse>): void;
  /** `id` is the lease ID as given on the command line. */
  leaseRevoke(id: bigint, r: Reply<LeaseRevokeResponse>): void;
  /** `keys`: --keys was given (simple lists the attached keys only then). */
  leaseTimeToLive(r: Reply<LeaseTimeToLiveResponse>, keys: boolean): void;
  leaseList(r: Reply<LeaseLeasesResponse>): void;
  leaseKeepAlive(r: Reply<LeaseKeepAliveResponse>): void;
  // auth, user and role (commands/auth.ts, user.ts, role.ts)
  authStatus(r: Reply<AuthStatusResponse>): void;
  userAdd(name: string, r: Reply<AuthHeaderResponse>): void;
  userGet(name: string, r: Reply<AuthUserGetResponse>): void;
  userList(r: Reply<AuthUserListResponse>): void;
  userDelete(name: string, r: Reply<AuthHeaderResponse>): void;
  userChangePassword(r: Reply<AuthHeaderResponse>): void;
  userGrantRole(user: string, role: string, r: Reply<AuthHeaderResponse>): void;
  userRevokeRole(user: string, role: string, r: Reply<AuthHeaderResponse>): void;
  roleAdd(role: string, r: Reply<AuthHeaderResponse>): void;
  roleGet(role: string, r: Reply<AuthRoleGetResponse>): void;
  roleList(r: Reply<AuthRoleListResponse>): void;
  roleDelete(role: string, r: Reply<AuthHeaderResponse>): void;
  roleGrantPermission(role: string, r: Reply<AuthHeaderResponse>): void;
  /** `key` as typed on the command line, `end` the range end that was sent. */
  roleRevokePermission(role: string, key: Buffer, end: Buffer, r: Reply<AuthHeaderResponse>): void;
  // snapshot (commands/snapshot.ts; the texts are in snapshot.ts)
  snapshotStatus(s: SnapshotStatus): void;
  // etcdutl's hashkv (commands/etcdutl.ts)
  dbHashKV(h: DbHashKV): void;
}

/** endpoint health's result for one endpoint. */
export interface EndpointHealth {
  ep: string;
  health: boolean;
  /** Go's Duration.String() of the check's time; empty when no client could be made. */
  took: string;
  error: string;
}

export interface EndpointStatus {
  ep: string;
  reply: Reply<StatusResponse>;
}

export interface EndpointHashKV {
  ep: string;
  reply: Reply<HashKVResponse>;
}

export const FORMATS = ['simple', 'json', 'protobuf', 'fields', 'table'] as const;
export type Format = (typeof FORMATS)[number];

export function isFormat(name: string): name is Format {
  return (FORMATS as readonly string[]).includes(name);
}

/** The error etcdctl gives when a command has no rendering in the chosen format. */
export function unsupported(format: string): EtcdctlError {
  return new EtcdctlError(`${format} not supported as output format`, ExitCode.BadFeature);
}

/** A printer whose every method fails: the base for formats that support only some kinds. */
export class UnsupportedPrinter implements Printer {
  constructor(protected readonly format: string) {}
  get(_r: Reply<RangeResponse>): void { throw unsupported(this.format); }
  getDecoded(_r: Reply<RangeResponse>, _decoded: Decoded[]): void { throw unsupported(this.format); }
  put(_r: Reply<PutResponse>): void { throw unsupported(this.format); }
  del(_r: Reply<DeleteRangeResponse>): void { throw unsupported(this.format); }
  txn(_r: Reply<TxnResponse>): void { throw unsupported(this.format); }
  watch(_r: Reply<WatchResponse>): void { throw unsupported(this.format); }
  memberList(_r: Reply<MemberListResponse>): void { throw unsupported(this.format); }
  memberAdd(_r: Reply<MemberAddResponse>, _added: { name: string; peerURLs: string }): void { throw unsupported(this.format); }
  memberRemove(_id: bigint, _r: Reply<MemberChangeResponse>): void { throw unsupported(this.format); }
  memberUpdate(_id: bigint, _r: Reply<MemberChangeResponse>): void { throw unsupported(this.format); }
  memberPromote(_id: bigint, _r: Reply<MemberChangeResponse>): void { throw unsupported(this.format); }
  endpointHealth(_list: EndpointHealth[]): void { throw unsupported(this.format); }
  endpointStatus(_list: EndpointStatus[]): void { throw unsupported(this.format); }
  endpointHashKV(_list: EndpointHashKV[]): void { throw unsupported(this.format); }
  alarm(_r: Reply<AlarmResponse>): void { throw unsupported(this.format); }
  moveLeader(_leader: bigint, _target: bigint, _r: Reply<MoveLeaderResponse>): void { throw unsupported(this.format); }
  leaseGrant(_r: Reply<LeaseGrantResponse>): void { throw unsupported(this.format); }
  leaseRevoke(_id: bigint, _r: Reply<LeaseRevokeResponse>): void { throw unsupported(this.format); }
  leaseTimeToLive(_r: Reply<LeaseTimeToLiveResponse>, _keys: boolean): void { throw unsupported(this.format); }
  leaseList(_r: Reply<LeaseLeasesResponse>): void { throw unsupported(this.format); }
  leaseKeepAlive(_r: Reply<LeaseKeepAliveResponse>): void { throw unsupported(this.format); }
  authStatus(_r: Reply<AuthStatusResponse>): void { throw unsupported(this.format); }
  userAdd(_name: string, _r: Reply<AuthHeaderResponse>): void { throw unsupported(this.format); }
  userGet(_name: string, _r: Reply<AuthUserGetResponse>): void { throw unsupported(this.format); }
  userList(_r: Reply<AuthUserListResponse>): void { throw unsupported(this.format); }
  userDelete(_name: string, _r: Reply<AuthHeaderResponse>): void { throw unsupported(this.format); }
  userChangePassword(_r: Reply<AuthHeaderResponse>): void { throw unsupported(this.format); }
  userGrantRole(_user: string, _role: string, _r: Reply<AuthHeaderResponse>): void { throw unsupported(this.format); }
  userRevokeRole(_user: string, _role: string, _r: Reply<AuthHeaderResponse>): void { throw unsupported(this.format); }
  roleAdd(_role: string, _r: Reply<AuthHeaderResponse>): void { throw unsupported(this.format); }
  roleGet(_role: string, _r: Reply<AuthRoleGetResponse>): void { throw unsupported(this.format); }
  roleList(_r: Reply<AuthRoleListResponse>): void { throw unsupported(this.format); }
  roleDelete(_role: string, _r: Reply<AuthHeaderResponse>): void { throw unsupported(this.format); }
  roleGrantPermission(_role: string, _r: Reply<AuthHeaderResponse>): void { throw unsupported(this.format); }
  roleRevokePermission(_role: string, _key: Buffer, _end: Buffer, _r: Reply<AuthHeaderResponse>): void { throw unsupported(this.format); }
  snapshotStatus(_s: SnapshotStatus): void { throw unsupported(this.format); }
  dbHashKV(_h: DbHashKV): void { throw unsupported(this.format); }
}

/** The rows etcdctl shows for a member list (simple and table formats); on a terminal, the status and a learner in colour. */
export function memberListTable(r: MemberListResponse, p: Palette = PLAIN): { header: string[]; rows: string[][] } {
  return {
    header: ['ID', 'Status', 'Name', 'Peer Addrs', 'Client Addrs', 'Is Learner'],
    rows: r.members.map((m) => [
      BigInt.asUintN(64, m.ID).toString(16),
      m.name === '' ? p.notice('unstarted') : p.good('started'),
      m.name,
      m.peerURLs.join(','),
      m.clientURLs.join(','),
      m.isLearner ? p.notice('true') : 'false',
    ]),
  };
}

/** The rows etcdctl shows for endpoint health (table format). */
export function endpointHealthTable(list: EndpointHealth[]): { header: string[]; rows: string[][] } {
  return { header: ['endpoint', 'health', 'took', 'error'], rows: list.map((h) => [h.ep, String(h.health), h.took, h.error]) };
}

/** The rows etcdctl shows for endpoint status (simple and table formats). */
export function endpointStatusTable(list: EndpointStatus[]): { header: string[]; rows: string[][] } {
  return {
    header: ['endpoint', 'ID', 'version', 'db size', 'is leader', 'is learner', 'raft term', 'raft index', 'raft applied index', 'errors'],
    rows: list.map(({ ep, reply: { msg: s } }) => {
      const member = s.header?.member_id ?? 0n;
      return [
        ep,
        BigInt.asUintN(64, member).toString(16),
        s.version,
        humanBytes(s.dbSize),
        String(s.leader === member),
        String(s.isLearner),
        String(s.raftTerm),
        String(s.raftIndex),
        String(s.raftAppliedIndex),
        s.errors.join(', '),
      ];
    }),
  };
}

/** The rows etcdctl shows for endpoint hashkv (simple and table formats). */
export function endpointHashKVTable(list: EndpointHashKV[]): { header: string[]; rows: string[][] } {
  return { header: ['endpoint', 'hash'], rows: list.map(({ ep, reply }) => [ep, String(reply.msg.hash)]) };
}

/** An alarm type as its enum name (Go prints unknown values as their number). */
export function alarmName(alarm: number): string {
  return Object.entries(AlarmType).find(([, n]) => n === alarm)?.[0] ?? String(alarm);
}
