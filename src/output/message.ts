/**
 * The formats that print the response message itself (json, protobuf), as
 * etcdctl's printerRPC does: every result that is a plain RPC response goes
 * through message(); each format overrides the few results etcdctl prints
 * from its own structs.
 */
import type { Reply } from '../client/client.js';
import type { AuthHeaderResponse, MemberChangeResponse } from './printer.js';
import type {
  AlarmResponse, AuthRoleGetResponse, AuthRoleListResponse, AuthStatusResponse, AuthUserGetResponse, AuthUserListResponse, DeleteRangeResponse, MemberAddResponse, MemberListResponse, MoveLeaderResponse, PutResponse, RangeResponse, TxnResponse,
} from '../proto/types.gen.js';
import { UnsupportedPrinter } from './printer.js';

export abstract class MessagePrinter extends UnsupportedPrinter {
  /** Prints a whole response message. */
  abstract message(r: Reply): void;

  get(r: Reply<RangeResponse>): void { this.message(r); }
  put(r: Reply<PutResponse>): void { this.message(r); }
  del(r: Reply<DeleteRangeResponse>): void { this.message(r); }
  txn(r: Reply<TxnResponse>): void { this.message(r); }
  memberList(r: Reply<MemberListResponse>): void { this.message(r); }
  memberAdd(r: Reply<MemberAddResponse>): void { this.message(r); }
  memberRemove(_id: bigint, r: Reply<MemberChangeResponse>): void { this.message(r); }
  memberUpdate(_id: bigint, r: Reply<MemberChangeResponse>): void { this.message(r); }
  memberPromote(_id: bigint, r: Reply<MemberChangeResponse>): void { this.message(r); }
  alarm(r: Reply<AlarmResponse>): void { this.message(r); }
  moveLeader(_leader: bigint, _target: bigint, r: Reply<MoveLeaderResponse>): void { this.message(r); }
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
  roleRevokePermission(_role: string, _key: Buffer, _end: Buffer, r: Reply<AuthHeaderResponse>): void { this.message(r); }
}
