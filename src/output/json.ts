/**
 * `-w json`: Go's encoding/json of the response etcdctl holds. For the plain
 * RPC responses that is the protobuf message (see src/go/json.ts); a few results
 * are Go client structs with their own field names, written out here.
 */
import type { Reply } from '../client/client.js';
import type { MemberListResponse, RangeResponse, WatchResponse } from '../proto/types.gen.js';
import { MessagePrinter } from './message.js';
import { type EndpointHashKV, type EndpointHealth, type EndpointStatus, type Printer, type PrintOptions } from './printer.js';
import type { Sink } from '../io/types.js';
import { goJSON, goString } from '../go/json.js';
import type { LeaseGrantResponse, LeaseKeepAliveResponse, LeaseLeasesResponse, LeaseRevokeResponse, LeaseTimeToLiveResponse } from '../proto/types.gen.js';
import { leaseGrantJSON, leaseKeepAliveJSON, leaseListJSON, leaseTimeToLiveJSON } from './lease.js';
import { dbHashKVJSON, snapshotStatusJSON, type DbHashKV, type SnapshotStatus } from './snapshot.js';
import type { Decoded } from '../k8s/decode.js';
import { decodedJSON } from '../k8s/render.js';

export class JsonPrinter extends MessagePrinter implements Printer {
  constructor(private readonly out: Sink, private readonly opts: PrintOptions) {
    super('json');
  }

  /** The whole reply message, as etcdctl's printJSON gives it. */
  message(r: Reply): void {
    this.out.write(goJSON(r.type, r.msg) + '\n');
  }

  // lease: the Go client's structs (see lease.ts); revoke's is the response message.
  leaseGrant(r: Reply<LeaseGrantResponse>): void { this.out.write(leaseGrantJSON(r.msg) + '\n'); }
  leaseRevoke(_id: bigint, r: Reply<LeaseRevokeResponse>): void { this.message(r); }
  leaseTimeToLive(r: Reply<LeaseTimeToLiveResponse>, _keys: boolean): void { this.out.write(leaseTimeToLiveJSON(r.msg) + '\n'); }
  leaseList(r: Reply<LeaseLeasesResponse>): void { this.out.write(leaseListJSON(r.msg) + '\n'); }
  leaseKeepAlive(r: Reply<LeaseKeepAliveResponse>): void { this.out.write(leaseKeepAliveJSON(r.msg) + '\n'); }
  snapshotStatus(s: SnapshotStatus): void { this.out.write(snapshotStatusJSON(s)); }
  dbHashKV(h: DbHashKV): void { this.out.write(dbHashKVJSON(h)); }

  /**
   * get's JSON with a "decoded" member added to each kv. The parts around the
   * kvs are get's own JSON of the same message, so everything else is as get
   * prints it.
   */
  getDecoded(r: Reply<RangeResponse>, decoded: Decoded[]): void {
    const members = (msg: object) => goJSON(r.type, msg).slice(1, -1);
    const kvs = r.msg.kvs.map((kv, i) => {
      const inner = goJSON('mvccpb.KeyValue', kv).slice(1, -1);
      return `{${inner}${inner === '' ? '' : ','}"decoded":${decodedJSON(decoded[i])}}`;
    });
    const parts = [
      members({ header: r.msg.header }),
      kvs.length > 0 ? `"kvs":[${kvs.join(',')}]` : '',
      members({ more: r.msg.more, count: r.msg.count }),
    ];
    this.out.write(`{${parts.filter((p) => p !== '').join(',')}}\n`);
  }

  /**
   * The Go client's WatchResponse struct: Header (always an object), Events,
   * then three plain fields. The 3.5 client builds Events with make() for
   * every response it hands on, so an empty list is [] (never null).
   */
  watch(r: Reply<WatchResponse>): void {
    const m = r.msg;
    const header = goJSON('etcdserverpb.ResponseHeader', m.header ?? {});
    const events = `[${m.events.map((e) => goJSON('mvccpb.Event', e)).join(',')}]`;
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
