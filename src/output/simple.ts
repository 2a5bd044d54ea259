/** The default human format (`-w simple`). */
import type { Reply } from '../client/client.js';
import type { AuthHeaderResponse, MemberChangeResponse } from './printer.js';
import type {
  AlarmResponse, DeleteRangeResponse, KeyValue, MemberAddResponse, MemberListResponse, MoveLeaderResponse, PutResponse, RangeResponse, TxnResponse, WatchResponse,
} from '../proto/types.gen.js';
import {
  alarmName, endpointHashKVTable, endpointStatusTable, memberListTable, UnsupportedPrinter,
  type EndpointHashKV, type EndpointHealth, type EndpointStatus, type Printer, type PrintOptions,
} from './printer.js';
import type { Sink } from '../io/types.js';
import { goQuote, hexEscape } from '../go/quote.js';
import type {
  AuthRoleGetResponse, AuthRoleListResponse, AuthStatusResponse, AuthUserGetResponse, AuthUserListResponse,
} from '../proto/types.gen.js';
import type {
  LeaseGrantResponse, LeaseKeepAliveResponse, LeaseLeasesResponse, LeaseRevokeResponse, LeaseTimeToLiveResponse,
} from '../proto/types.gen.js';
import { leaseGrantSimple, leaseKeepAliveSimple, leaseListSimple, leaseRevokeSimple, leaseTimeToLiveSimple } from './lease.js';
import { authStatusSimple, nameLines, roleGetSimple, roleRevokeSimple, userGetSimple } from './auth.js';
import { dbHashKVSimple, snapshotStatusSimple, type DbHashKV, type SnapshotStatus } from './snapshot.js';
import { NO_PAINT, type Paint } from '../io/colour.js';
import type { Decoded } from '../k8s/decode.js';
import { decodedText } from '../k8s/render.js';

const NL = Buffer.from('\n');

/** Supports every result kind; extends UnsupportedPrinter only so that a kind added to Printer fails cleanly until it has a rendering here. */
export class SimplePrinter extends UnsupportedPrinter implements Printer {
  constructor(
    private readonly out: Sink,
    private readonly opts: PrintOptions,
    /** Where etcdctl prints the bad news of some results (unhealthy endpoints). */
    private readonly err: Sink = out,
  ) {
    super('simple');
  }

  private get paint(): Paint {
    return this.opts.paint ?? NO_PAINT;
  }

  private line(text: string | Uint8Array): void {
    this.out.write(typeof text === 'string' ? text + '\n' : Buffer.concat([text, NL]));
  }

  private bytes(b: Uint8Array): string | Uint8Array {
    return this.opts.hex ? hexEscape(b) : b;
  }

  // ---- auth, user, role (the texts are in auth.ts) ----
  authStatus(r: Reply<AuthStatusResponse>): void { this.out.write(authStatusSimple(r.msg.enabled, r.msg.authRevision)); }
  userAdd(name: string, _r: Reply<AuthHeaderResponse>): void { this.line(`User ${name} created`); }
  userGet(name: string, r: Reply<AuthUserGetResponse>): void { this.out.write(userGetSimple(name, r.msg.roles)); }
  userList(r: Reply<AuthUserListResponse>): void { this.out.write(nameLines(r.msg.users)); }
  userDelete(name: string, _r: Reply<AuthHeaderResponse>): void { this.line(`User ${name} deleted`); }
  userChangePassword(_r: Reply<AuthHeaderResponse>): void { this.line('Password updated'); }
  userGrantRole(user: string, role: string, _r: Reply<AuthHeaderResponse>): void { this.line(`Role ${role} is granted to user ${user}`); }
  userRevokeRole(user: string, role: string, _r: Reply<AuthHeaderResponse>): void { this.line(`Role ${role} is revoked from user ${user}`); }
  roleAdd(role: string, _r: Reply<AuthHeaderResponse>): void { this.line(`Role ${role} created`); }
  roleGet(role: string, r: Reply<AuthRoleGetResponse>): void { this.out.write(roleGetSimple(role, r.msg.perm)); }
  roleList(r: Reply<AuthRoleListResponse>): void { this.out.write(nameLines(r.msg.roles)); }
  roleDelete(role: string, _r: Reply<AuthHeaderResponse>): void { this.line(`Role ${role} deleted`); }
  roleGrantPermission(role: string, _r: Reply<AuthHeaderResponse>): void { this.line(`Role ${role} updated`); }
  roleRevokePermission(role: string, key: Buffer, end: Buffer, _r: Reply<AuthHeaderResponse>): void { this.out.write(roleRevokeSimple(role, key, end)); }
  snapshotStatus(s: SnapshotStatus): void { this.out.write(snapshotStatusSimple(s)); }
  dbHashKV(h: DbHashKV): void { this.out.write(dbHashKVSimple(h)); }

  /** A key line (unless --print-value-only) and a value line, bytes as they are. */
  kv(kv: KeyValue): void {
    if (!this.opts.valueOnly) this.line(this.bytes(kv.key));
    this.line(this.bytes(kv.value));
  }

  get(r: Reply<RangeResponse>): void {
    for (const kv of r.msg.kvs) this.kv(kv);
  }

  /** Each key line as get prints it, then the decoded value; a raw value as get prints it. */
  getDecoded(r: Reply<RangeResponse>, decoded: Decoded[]): void {
    r.msg.kvs.forEach((kv, i) => {
      const text = decodedText(decoded[i]);
      if (text === undefined) return this.kv(kv);
      if (!this.opts.valueOnly) this.line(this.bytes(kv.key));
      this.out.write(text);
    });
  }

  put(r: Reply<PutResponse>): void {
    this.line('OK');
    if (r.msg.prev_kv) this.kv(r.msg.prev_kv);
  }

  del(r: Reply<DeleteRangeResponse>): void {
    this.line(String(r.msg.deleted));
    for (const kv of r.msg.prev_kvs) this.kv(kv);
  }

  txn(r: Reply<TxnResponse>): void {
    this.line(r.msg.succeeded ? 'SUCCESS' : 'FAILURE');
    for (const op of r.msg.responses) {
      this.line('');
      if (op.response_delete_range) this.del({ ...r, msg: op.response_delete_range });
      else if (op.response_put) this.put({ ...r, msg: op.response_put });
      else if (op.response_range) this.get({ ...r, msg: op.response_range });
      else this.line('unexpected response');
    }
  }

  watch(r: Reply<WatchResponse>): void {
    const p = this.paint.out;
    for (const e of r.msg.events) {
      this.line(e.type === 1 ? p.del('DELETE') : p.put('PUT'));
      if (e.prev_kv) this.kv(e.prev_kv);
      this.kv(e.kv ?? emptyKv());
    }
  }

  memberList(r: Reply<MemberListResponse>): void {
    for (const row of memberListTable(r.msg, this.paint.out).rows) this.line(row.join(', '));
  }

  /** Also the ETCD_* lines to start the new member with (only this format has them). */
  memberAdd(r: Reply<MemberAddResponse>, added: { name: string; peerURLs: string }): void {
    const newId = r.msg.member?.ID ?? 0n;
    this.line(`Member ${pad16(newId)} added to cluster ${pad16(r.msg.header?.cluster_id ?? 0n)}`);
    const initial = r.msg.members.flatMap((m) => m.peerURLs.map((u) => `${m.ID === newId ? added.name : m.name}=${u}`));
    this.out.write('\n');
    this.line(`ETCD_NAME=${goQuote(added.name)}`);
    this.line(`ETCD_INITIAL_CLUSTER=${goQuote(initial.join(','))}`);
    this.line(`ETCD_INITIAL_ADVERTISE_PEER_URLS=${goQuote(added.peerURLs)}`);
    this.line('ETCD_INITIAL_CLUSTER_STATE="existing"');
  }

  memberRemove(id: bigint, r: Reply<MemberChangeResponse>): void {
    this.line(`Member ${pad16(id)} removed from cluster ${pad16(r.msg.header?.cluster_id ?? 0n)}`);
  }

  memberUpdate(id: bigint, r: Reply<MemberChangeResponse>): void {
    this.line(`Member ${pad16(id)} updated in cluster ${pad16(r.msg.header?.cluster_id ?? 0n)}`);
  }

  memberPromote(id: bigint, r: Reply<MemberChangeResponse>): void {
    this.line(`Member ${pad16(id)} promoted in cluster ${pad16(r.msg.header?.cluster_id ?? 0n)}`);
  }

  /** Healthy endpoints on stdout, unhealthy ones on stderr (etcdctl 3.5). */
  endpointHealth(list: EndpointHealth[]): void {
    for (const h of list) {
      if (h.error === '') this.line(`${h.ep} ${this.paint.out.good('is healthy')}: successfully committed proposal: took = ${h.took}`);
      else this.err.write(`${h.ep} ${this.paint.err.bad('is unhealthy')}: failed to commit proposal: ${h.error}\n`);
    }
  }

  endpointStatus(list: EndpointStatus[]): void {
    for (const row of endpointStatusTable(list).rows) this.line(row.join(', '));
  }

  endpointHashKV(list: EndpointHashKV[]): void {
    for (const row of endpointHashKVTable(list).rows) this.line(row.join(', '));
  }

  /** Each alarm in Go's compact text form, e.g. "memberID:123 alarm:NOSPACE " (zero fields left out). */
  alarm(r: Reply<AlarmResponse>): void {
    for (const a of r.msg.alarms) {
      let text = '';
      if (a.memberID !== 0n) text += `memberID:${BigInt.asUintN(64, a.memberID)} `;
      if (a.alarm !== 0) text += `alarm:${alarmName(a.alarm)} `;
      this.line(text);
    }
  }

  moveLeader(leader: bigint, target: bigint, _r: Reply<MoveLeaderResponse>): void {
    this.line(`Leadership transferred from ${hexId(leader)} to ${hexId(target)}`);
  }

  leaseGrant(r: Reply<LeaseGrantResponse>): void { this.out.write(leaseGrantSimple(r.msg)); }
  leaseRevoke(id: bigint, _r: Reply<LeaseRevokeResponse>): void { this.out.write(leaseRevokeSimple(id)); }
  leaseTimeToLive(r: Reply<LeaseTimeToLiveResponse>, keys: boolean): void { this.out.write(leaseTimeToLiveSimple(r.msg, keys)); }
  leaseList(r: Reply<LeaseLeasesResponse>): void { this.out.write(leaseListSimple(r.msg)); }
  leaseKeepAlive(r: Reply<LeaseKeepAliveResponse>): void { this.out.write(leaseKeepAliveSimple(r.msg)); }
}

export function emptyKv(): KeyValue {
  return { key: Buffer.alloc(0), create_revision: 0n, mod_revision: 0n, version: 0n, value: Buffer.alloc(0), lease: 0n };
}

/** Go's %x of a member ID: lowercase hex, no padding. */
export function hexId(id: bigint): string {
  return BigInt.asUintN(64, id).toString(16);
}

/** Go's %16x: lowercase hex, padded with spaces to 16 columns. */
function pad16(id: bigint): string {
  return hexId(id).padStart(16, ' ');
}
