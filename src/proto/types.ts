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
