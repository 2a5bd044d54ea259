/**
 * TypeScript shapes of the decoded messages the commands and printers use.
 * Field names are the .proto names (see src/proto/codec.ts for the rules:
 * 64-bit integers are bigint, bytes are Buffer, absent sub-messages undefined).
 */

export interface ResponseHeader {
  cluster_id: bigint;
  member_id: bigint;
  revision: bigint;
  raft_term: bigint;
}

export interface KeyValue {
  key: Buffer;
  create_revision: bigint;
  mod_revision: bigint;
  version: bigint;
  value: Buffer;
  lease: bigint;
}

export interface RangeResponse {
  header?: ResponseHeader;
  kvs: KeyValue[];
  more: boolean;
  count: bigint;
}

export interface PutResponse {
  header?: ResponseHeader;
  prev_kv?: KeyValue;
}

export interface DeleteRangeResponse {
  header?: ResponseHeader;
  deleted: bigint;
  prev_kvs: KeyValue[];
}

export interface ResponseOp {
  response_range?: RangeResponse;
  response_put?: PutResponse;
  response_delete_range?: DeleteRangeResponse;
  response_txn?: TxnResponse;
}

export interface TxnResponse {
  header?: ResponseHeader;
  succeeded: boolean;
  responses: ResponseOp[];
}

export interface Event {
  /** 0 = PUT, 1 = DELETE */
  type: number;
  kv?: KeyValue;
  prev_kv?: KeyValue;
}

export interface WatchResponse {
  header?: ResponseHeader;
  watch_id: bigint;
  created: boolean;
  canceled: boolean;
  compact_revision: bigint;
  cancel_reason: string;
  fragment: boolean;
  events: Event[];
}

export interface CompactionResponse {
  header?: ResponseHeader;
}

export interface Member {
  ID: bigint;
  name: string;
  peerURLs: string[];
  clientURLs: string[];
  isLearner: boolean;
}

export interface MemberListResponse {
  header?: ResponseHeader;
  members: Member[];
}

export interface MemberAddResponse {
  header?: ResponseHeader;
  member?: Member;
  members: Member[];
}

/** MemberRemove/Update/Promote responses: a header and the members after the change. */
export interface MemberChangeResponse {
  header?: ResponseHeader;
  members: Member[];
}

export interface AlarmMember {
  memberID: bigint;
  /** 0 NONE, 1 NOSPACE, 2 CORRUPT */
  alarm: number;
}

export interface AlarmResponse {
  header?: ResponseHeader;
  alarms: AlarmMember[];
}

export interface StatusResponse {
  header?: ResponseHeader;
  version: string;
  dbSize: bigint;
  leader: bigint;
  raftIndex: bigint;
  raftTerm: bigint;
  raftAppliedIndex: bigint;
  errors: string[];
  dbSizeInUse: bigint;
  isLearner: boolean;
}

export interface HashKVResponse {
  header?: ResponseHeader;
  hash: number;
  compact_revision: bigint;
}

export interface MoveLeaderResponse {
  header?: ResponseHeader;
}

// ---- auth, user, role ------------------------------------------------------

/** The many auth responses that carry nothing but a header (user add, role delete, ...). */
export interface AuthHeaderResponse {
  header?: ResponseHeader;
}

export interface AuthStatusResponse {
  header?: ResponseHeader;
  enabled: boolean;
  authRevision: bigint;
}

export interface AuthUserGetResponse {
  header?: ResponseHeader;
  roles: string[];
}

export interface AuthUserListResponse {
  header?: ResponseHeader;
  users: string[];
}

export interface AuthRoleListResponse {
  header?: ResponseHeader;
  roles: string[];
}

/** authpb.Permission. */
export interface Permission {
  /** 0 READ, 1 WRITE, 2 READWRITE */
  permType: number;
  key: Buffer;
  /** Empty for a single key; "\0" for "every key from key on". */
  range_end: Buffer;
}

export interface AuthRoleGetResponse {
  header?: ResponseHeader;
  perm: Permission[];
}

export interface LeaseGrantResponse {
  header?: ResponseHeader;
  ID: bigint;
  TTL: bigint;
  error: string;
}

export interface LeaseRevokeResponse {
  header?: ResponseHeader;
}

export interface LeaseKeepAliveResponse {
  header?: ResponseHeader;
  ID: bigint;
  /** Seconds; 0 when the lease does not exist (any more). */
  TTL: bigint;
}

export interface LeaseTimeToLiveResponse {
  header?: ResponseHeader;
  ID: bigint;
  /** Remaining seconds; -1 when the lease has expired or never existed. */
  TTL: bigint;
  grantedTTL: bigint;
  keys: Buffer[];
}

export interface LeaseStatus {
  ID: bigint;
}

export interface LeaseLeasesResponse {
  header?: ResponseHeader;
  leases: LeaseStatus[];
}
