/**
 * How etcdctl renders lease results. etcdctl prints the Go client's lease
 * structs, not the RPC messages: they embed the response header (so JSON
 * flattens it into the top level and `-w protobuf` marshals only the header),
 * and their JSON names are Go's (ID, TTL, Error) or the client's own tags
 * (id, ttl, granted-ttl, keys). The printers of each format use these.
 */
import type {
  LeaseGrantResponse, LeaseKeepAliveResponse, LeaseLeasesResponse, LeaseRevokeResponse, LeaseTimeToLiveResponse, ResponseHeader,
} from '../proto/types.gen.js';
import { goHex016 } from '../ids.js';
import { goBytesBase64, goJSON, goString } from '../go/json.js';
import { EtcdctlError, ExitCode } from '../errors.js';

// ---- simple ----------------------------------------------------------------

export function leaseGrantSimple(m: LeaseGrantResponse): string {
  return `lease ${goHex016(m.ID)} granted with TTL(${m.TTL}s)\n`;
}

export function leaseRevokeSimple(id: bigint): string {
  return `lease ${goHex016(id)} revoked\n`;
}

/** Keys are printed as Go prints a []string with %v: raw text, space-separated, in brackets. */
export function leaseTimeToLiveSimple(m: LeaseTimeToLiveResponse, keys: boolean): Buffer {
  if (m.grantedTTL === 0n && m.TTL === -1n) return Buffer.from(`lease ${goHex016(m.ID)} already expired\n`);
  const parts: Buffer[] = [Buffer.from(`lease ${goHex016(m.ID)} granted with TTL(${m.grantedTTL}s), remaining(${m.TTL}s)`)];
  if (keys) {
    parts.push(Buffer.from(', attached keys(['));
    m.keys.forEach((k, i) => parts.push(i === 0 ? k : Buffer.concat([Buffer.from(' '), k])));
    parts.push(Buffer.from('])'));
  }
  parts.push(Buffer.from('\n'));
  return Buffer.concat(parts);
}

export function leaseListSimple(m: LeaseLeasesResponse): string {
  return `found ${m.leases.length} leases\n` + m.leases.map((l) => `${goHex016(l.ID)}\n`).join('');
}

export function leaseKeepAliveSimple(m: LeaseKeepAliveResponse): string {
  return `lease ${goHex016(m.ID)} keepalived with TTL(${m.TTL})\n`;
}

/** The line keep-alive ends with (simple format only) when its lease is gone. */
export function leaseExpiredText(id: bigint): string {
  return `lease ${goHex016(id)} expired or revoked.\n`;
}

// ---- json ------------------------------------------------------------------

/**
 * Go's json.Marshal of a client struct that embeds *ResponseHeader: the
 * header's fields (omitempty) come first at the top level, then `rest`
 * (already encoded `"name":value` members).
 */
export function flatHeaderJSON(h: ResponseHeader | null | undefined, rest: string[]): string {
  const header = h ? goJSON('etcdserverpb.ResponseHeader', h).slice(1, -1) : '';
  return `{${[header, ...rest].filter((p) => p !== '').join(',')}}`;
}

export function leaseGrantJSON(m: LeaseGrantResponse): string {
  return flatHeaderJSON(m.header, [`"ID":${m.ID}`, `"TTL":${m.TTL}`, `"Error":${goString(m.error)}`]);
}

export function leaseKeepAliveJSON(m: LeaseKeepAliveResponse): string {
  return flatHeaderJSON(m.header, [`"ID":${m.ID}`, `"TTL":${m.TTL}`]);
}

/** `keys` is a nil slice (null) when the server sent none, with or without --keys. */
export function leaseTimeToLiveJSON(m: LeaseTimeToLiveResponse): string {
  const keys = m.keys.length === 0 ? 'null' : `[${m.keys.map((k) => `"${goBytesBase64(k)}"`).join(',')}]`;
  return flatHeaderJSON(m.header, [`"id":${m.ID}`, `"ttl":${m.TTL}`, `"granted-ttl":${m.grantedTTL}`, `"keys":${keys}`]);
}

/** The client always makes the leases slice, so no leases is `[]`, never null. */
export function leaseListJSON(m: LeaseLeasesResponse): string {
  return flatHeaderJSON(m.header, [`"leases":[${m.leases.map((l) => `{"id":${l.ID}}`).join(',')}]`]);
}

// ---- protobuf --------------------------------------------------------------

/**
 * Go's proto.CompactTextString of a ResponseHeader (golang/protobuf 1.5):
 * each non-zero field as `name:value` followed by a space.
 */
export function headerCompactText(h: ResponseHeader): string {
  let out = '';
  for (const name of ['cluster_id', 'member_id', 'revision', 'raft_term'] as const) {
    if (h[name] !== 0n) out += `${name}:${h[name]} `;
  }
  return out;
}

/**
 * etcdctl 3.5 hands `-w protobuf` the client's LeaseRevokeResponse, a Go type
 * without a Marshal method, and fails (after the lease was revoked) with the
 * struct printed by %v: the header through its String method, then the
 * generated struct's XXX_NoUnkeyedLiteral, XXX_unrecognized and
 * XXX_sizecache fields.
 */
export function leaseRevokeProtobufError(m: LeaseRevokeResponse): EtcdctlError {
  const header = m.header ? headerCompactText(m.header) : '<nil>';
  return new EtcdctlError(`marshal unsupported for type clientv3.LeaseRevokeResponse ({${header} {} [] 0})`, ExitCode.BadFeature);
}
