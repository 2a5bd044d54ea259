/**
 * The .snap file a restore writes into member/snap: a snappb.Snapshot whose
 * data is a raftpb.Snapshot at index N (the number of members), term 1, with
 * the voters, carrying etcd's v2 store as JSON — the membership that etcd
 * 3.4 and 3.5 load on start. The JSON is what Go's encoding/json makes of the
 * store after adding the members one by one, byte for byte.
 */
import { goString } from '../go/json.js';
import type { Member } from './cluster.js';
import { crc32c } from './crc32c.js';
import { encodeConfState, encodeRaftSnapshot, encodeSnapFile } from './raftpb.js';

/** `%016x-%016x.snap` of term and index. */
export function snapName(term: bigint, index: bigint): string {
  return `${term.toString(16).padStart(16, '0')}-${index.toString(16).padStart(16, '0')}.snap`;
}

const urlList = (urls: string[]) => `[${urls.map(goString).join(',')}]`;

/** membership.Member as JSON: id, peerURLs, name (a fresh member has no client URLs and is no learner). */
export function memberJSON(m: Member): string {
  return `{"id":${m.id},"peerURLs":${urlList(m.peerURLs)}${m.name !== '' ? `,"name":${goString(m.name)}` : ''}}`;
}

/** membership.RaftAttributes as JSON. */
export function raftAttributesJSON(m: Member): string {
  return `{"peerURLs":${urlList(m.peerURLs)}}`;
}

const PERMANENT = '"0001-01-01T00:00:00Z"';

function node(path: string, index: number, value: string, children: string | null): string {
  return `{"Path":${goString(path)},"CreatedIndex":${index},"ModifiedIndex":${index},"ExpireTime":${PERMANENT},"Value":${goString(value)},"Children":${children ?? 'null'}}`;
}

/** A JSON object of children, keys sorted as Go sorts map keys. */
function children(entries: Array<[string, string]>): string {
  const sorted = [...entries].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return `{${sorted.map(([k, v]) => `${goString(k)}:${v}`).join(',')}}`;
}

const EVENT_CAPACITY = 1000;

/** etcd's v2 store after creating /0/members/<id>/raftAttributes for each member, in ID order, as JSON. */
export function v2StoreJSON(members: Member[]): string {
  const n = members.length;
  const memberNodes: Array<[string, string]> = members.map((m, i) => {
    const hex = m.id.toString(16);
    const dir = `/0/members/${hex}`;
    const attrs = node(`${dir}/raftAttributes`, i + 1, raftAttributesJSON(m), null);
    return [hex, node(dir, i + 1, '', children([['raftAttributes', attrs]]))];
  });
  const membersDir = node('/0/members', 1, '', children(memberNodes));
  const root = node('/', 0, '', children([
    ['0', node('/0', 0, '', children([['members', membersDir]]))],
    ['1', node('/1', 0, '', '{}')],
  ]));
  const events: string[] = members.map((m, i) => {
    const key = `/0/members/${m.id.toString(16)}/raftAttributes`;
    return `{"action":"create","node":{"key":${goString(key)},"value":${goString(raftAttributesJSON(m))},"modifiedIndex":${i + 1},"createdIndex":${i + 1}}}`;
  });
  while (events.length < EVENT_CAPACITY) events.push('null');
  const stats =
    '{"getsSuccess":0,"getsFail":0,"setsSuccess":0,"setsFail":0,"deleteSuccess":0,"deleteFail":0,"updateSuccess":0,"updateFail":0,' +
    `"createSuccess":${n},"createFail":0,"compareAndSwapSuccess":0,"compareAndSwapFail":0,"compareAndDeleteSuccess":0,` +
    '"compareAndDeleteFail":0,"expireCount":0,"watchers":0}';
  return (
    `{"Root":${root},"WatcherHub":{"EventHistory":{"Queue":{"Events":[${events.join(',')}],"Size":${n},"Front":0,"Back":${n % EVENT_CAPACITY},"Capacity":${EVENT_CAPACITY}},` +
    `"StartIndex":1,"LastIndex":${n}}},"CurrentIndex":${n},"Stats":${stats},"CurrentVersion":2}`
  );
}

/** The whole .snap file for these members (index N, term 1). */
export function snapFile(members: Member[]): Buffer {
  const N = BigInt(members.length);
  const raft = encodeRaftSnapshot(Buffer.from(v2StoreJSON(members)), encodeConfState(members.map((m) => m.id)), N, 1n);
  return encodeSnapFile(crc32c(raft), raft);
}
