/** `-w fields`: one `"Name" : value` line per field, as etcdctl prints them. */
import type { Reply } from '../client/client.js';
import type { AuthHeaderResponse } from './printer.js';
import type {
  AlarmResponse, DeleteRangeResponse, KeyValue, MemberListResponse, PutResponse, RangeResponse, ResponseHeader, TxnResponse, WatchResponse,
} from '../proto/types.gen.js';
import { alarmName, UnsupportedPrinter, type EndpointHashKV, type EndpointHealth, type EndpointStatus, type Printer, type PrintOptions } from './printer.js';
import type { Sink } from '../io/types.js';
import { goQuote } from '../go/quote.js';
import type {
  AuthRoleGetResponse, AuthRoleListResponse,
} from '../proto/types.gen.js';
import { roleGetFields, roleListFields } from './auth.js';
import { emptyKv } from './simple.js';
import { dbHashKVFields, snapshotStatusFields, type DbHashKV, type SnapshotStatus } from './snapshot.js';
import type {
  LeaseGrantResponse, LeaseKeepAliveResponse, LeaseLeasesResponse, LeaseRevokeResponse, LeaseTimeToLiveResponse,
} from '../proto/types.gen.js';

/** Results without a fields rendering fail as etcdctl fails (see UnsupportedPrinter). */
export class FieldsPrinter extends UnsupportedPrinter implements Printer {
  constructor(private readonly out: Sink, _opts: PrintOptions) {
    super('fields');
  }

  private field(name: string, value: string | bigint | number | boolean): void {
    this.out.write(`"${name}" : ${value}\n`);
  }

  hdr(h: ResponseHeader | null | undefined): void {
    this.field('ClusterID', h?.cluster_id ?? 0n);
    this.field('MemberID', h?.member_id ?? 0n);
    this.field('Revision', h?.revision ?? 0n);
    this.field('RaftTerm', h?.raft_term ?? 0n);
  }

  kv(prefix: string, kv: KeyValue): void {
    this.field(`${prefix}Key`, goQuote(kv.key));
    this.field(`${prefix}CreateRevision`, kv.create_revision);
    this.field(`${prefix}ModRevision`, kv.mod_revision);
    this.field(`${prefix}Version`, kv.version);
    this.field(`${prefix}Value`, goQuote(kv.value));
    this.field(`${prefix}Lease`, kv.lease);
  }

  // ---- auth, user, role: the header, and for role get/list their lines (auth.ts). user get,
  // user list and auth status have no fields rendering (UnsupportedPrinter).
  userAdd(_name: string, r: Reply<AuthHeaderResponse>): void { this.hdr(r.msg.header); }
  userDelete(_name: string, r: Reply<AuthHeaderResponse>): void { this.hdr(r.msg.header); }
  userChangePassword(r: Reply<AuthHeaderResponse>): void { this.hdr(r.msg.header); }
  userGrantRole(_user: string, _role: string, r: Reply<AuthHeaderResponse>): void { this.hdr(r.msg.header); }
  userRevokeRole(_user: string, _role: string, r: Reply<AuthHeaderResponse>): void { this.hdr(r.msg.header); }
  roleAdd(_role: string, r: Reply<AuthHeaderResponse>): void { this.hdr(r.msg.header); }
  roleGet(_role: string, r: Reply<AuthRoleGetResponse>): void {
    this.hdr(r.msg.header);
    this.out.write(roleGetFields(r.msg.perm));
  }
  roleList(r: Reply<AuthRoleListResponse>): void {
    this.hdr(r.msg.header);
    this.out.write(roleListFields(r.msg.roles));
  }
  roleDelete(_role: string, r: Reply<AuthHeaderResponse>): void { this.hdr(r.msg.header); }
  roleGrantPermission(_role: string, r: Reply<AuthHeaderResponse>): void { this.hdr(r.msg.header); }
  roleRevokePermission(_role: string, _key: Buffer, _end: Buffer, r: Reply<AuthHeaderResponse>): void { this.hdr(r.msg.header); }
  snapshotStatus(s: SnapshotStatus): void { this.out.write(snapshotStatusFields(s)); }
  dbHashKV(h: DbHashKV): void { this.out.write(dbHashKVFields(h)); }

  get(r: Reply<RangeResponse>): void {
    this.hdr(r.msg.header);
    for (const kv of r.msg.kvs) this.kv('', kv);
    this.field('More', r.msg.more);
    this.field('Count', r.msg.count);
  }

  put(r: Reply<PutResponse>): void {
    this.hdr(r.msg.header);
    if (r.msg.prev_kv) this.kv('Prev', r.msg.prev_kv);
  }

  del(r: Reply<DeleteRangeResponse>): void {
    this.hdr(r.msg.header);
    this.field('Deleted', r.msg.deleted);
    for (const kv of r.msg.prev_kvs) this.kv('Prev', kv);
  }

  txn(r: Reply<TxnResponse>): void {
    this.hdr(r.msg.header);
    this.field('Succeeded', r.msg.succeeded);
    for (const op of r.msg.responses) {
      if (op.response_delete_range) this.del({ ...r, msg: op.response_delete_range });
      else if (op.response_put) this.put({ ...r, msg: op.response_put });
      else if (op.response_range) this.get({ ...r, msg: op.response_range });
    }
  }

  watch(r: Reply<WatchResponse>): void {
    this.hdr(r.msg.header);
    for (const e of r.msg.events) {
      this.field('Type', e.type === 1 ? 'DELETE' : 'PUT');
      if (e.prev_kv) this.kv('Prev', e.prev_kv);
      this.kv('', e.kv ?? emptyKv());
    }
  }

  memberList(r: Reply<MemberListResponse>): void {
    this.hdr(r.msg.header);
    for (const m of r.msg.members) {
      this.field('ID', m.ID);
      this.field('Name', goQuote(m.name));
      for (const u of m.peerURLs) this.field('PeerURL', goQuote(u));
      for (const u of m.clientURLs) this.field('ClientURL', goQuote(u));
      this.field('IsLearner', m.isLearner);
      this.out.write('\n');
    }
  }

  endpointHealth(list: EndpointHealth[]): void {
    for (const h of list) {
      this.field('Endpoint', goQuote(h.ep));
      this.field('Health', h.health);
      this.field('Took', h.took);
      this.field('Error', h.error);
      this.out.write('\n');
    }
  }

  /** Errors are printed as Go prints a []string: [a b]. */
  endpointStatus(list: EndpointStatus[]): void {
    for (const { ep, reply: { msg: s } } of list) {
      this.hdr(s.header);
      this.field('Version', goQuote(s.version));
      this.field('DBSize', s.dbSize);
      this.field('Leader', BigInt.asUintN(64, s.leader));
      this.field('IsLearner', s.isLearner);
      this.field('RaftIndex', s.raftIndex);
      this.field('RaftTerm', s.raftTerm);
      this.field('RaftAppliedIndex', s.raftAppliedIndex);
      this.field('Errors', `[${s.errors.join(' ')}]`);
      this.field('Endpoint', goQuote(ep));
      this.out.write('\n');
    }
  }

  endpointHashKV(list: EndpointHashKV[]): void {
    for (const { ep, reply: { msg: h } } of list) {
      this.hdr(h.header);
      this.field('Endpoint', goQuote(ep));
      this.field('Hash', h.hash);
      this.out.write('\n');
    }
  }

  leaseGrant(r: Reply<LeaseGrantResponse>): void {
    this.hdr(r.msg.header);
    this.field('ID', r.msg.ID);
    this.field('TTL', r.msg.TTL);
  }

  leaseRevoke(_id: bigint, r: Reply<LeaseRevokeResponse>): void {
    this.hdr(r.msg.header);
  }

  leaseTimeToLive(r: Reply<LeaseTimeToLiveResponse>, _keys: boolean): void {
    this.hdr(r.msg.header);
    this.field('ID', r.msg.ID);
    this.field('TTL', r.msg.TTL);
    this.field('GrantedTTL', r.msg.grantedTTL);
    for (const k of r.msg.keys) this.field('Key', goQuote(k));
  }

  leaseList(r: Reply<LeaseLeasesResponse>): void {
    this.hdr(r.msg.header);
    for (const l of r.msg.leases) this.field('ID', l.ID);
  }

  leaseKeepAlive(r: Reply<LeaseKeepAliveResponse>): void {
    this.hdr(r.msg.header);
    this.field('ID', r.msg.ID);
    this.field('TTL', r.msg.TTL);
  }

  alarm(r: Reply<AlarmResponse>): void {
    this.hdr(r.msg.header);
    for (const a of r.msg.alarms) {
      this.field('MemberID', BigInt.asUintN(64, a.memberID));
      this.field('AlarmType', alarmName(a.alarm));
      this.out.write('\n');
    }
  }
}
