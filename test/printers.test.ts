// Printers are pure: each test builds a response, encodes it as the server
// would, prints it, and compares with what the real etcdctl printed for the
// same response (outputs recorded from etcdctl 3.4.23 / 3.5 in our reference notes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrinter } from '../src/output/index.js';
import { decodeMessage as decode, encodeMessage as encode } from '../src/proto/registry.js';
import { renderTable, layoutCell } from '../src/go/tablewriter.js';
import { goQuote, hexEscape } from '../src/go/quote.js';
import { tabwrite } from '../src/go/tabwriter.js';
import type { Reply } from '../src/client/client.js';

const header = { cluster_id: 15118495548433857066n, member_id: 13668033151171901709n, revision: 16n, raft_term: 2n };

function reply(type: string, msg: object): Reply {
  const raw = encode(type, msg);
  return { msg: decode(type, raw), raw, type };
}

function print(format: string, fn: (p: any) => void, opts: { hex?: boolean; valueOnly?: boolean } = {}): Buffer {
  const chunks: Buffer[] = [];
  const sink = { write: (c: string | Uint8Array) => void chunks.push(Buffer.from(c)) };
  fn(createPrinter(format, sink, { hex: opts.hex ?? false, valueOnly: opts.valueOnly ?? false }));
  return Buffer.concat(chunks);
}

const kv = (key: string, value: string | Buffer, create: bigint, mod: bigint, version: bigint, lease = 0n) => ({
  key: Buffer.from(key), value: Buffer.isBuffer(value) ? value : Buffer.from(value), create_revision: create, mod_revision: mod, version, lease,
});

test('put --prev-kv in fields and simple', () => {
  const r = reply('etcdserverpb.PutResponse', { header, prev_kv: kv('/p/x', '2', 14n, 15n, 2n) });
  assert.equal(print('fields', (p) => p.put(r)).toString(), [
    '"ClusterID" : 15118495548433857066', '"MemberID" : 13668033151171901709', '"Revision" : 16', '"RaftTerm" : 2',
    '"PrevKey" : "/p/x"', '"PrevCreateRevision" : 14', '"PrevModRevision" : 15', '"PrevVersion" : 2', '"PrevValue" : "2"', '"PrevLease" : 0', '',
  ].join('\n'));
  assert.equal(print('simple', (p) => p.put(r)).toString(), 'OK\n/p/x\n2\n');
});

test('get: simple raw bytes, --hex, value only, fields quoting, json, protobuf bytes', () => {
  const r = reply('etcdserverpb.RangeResponse', { header, kvs: [kv('foo', 'bar2', 2n, 3n, 2n), kv('bin', Buffer.from([0x61, 0, 0x62, 0xff]), 4n, 4n, 1n)], count: 2n });
  assert.deepEqual(print('simple', (p) => p.get(r)), Buffer.concat([Buffer.from('foo\nbar2\nbin\n'), Buffer.from([0x61, 0, 0x62, 0xff]), Buffer.from('\n')]));
  assert.equal(print('simple', (p) => p.get(r), { hex: true }).toString(), '\\x66\\x6f\\x6f\n\\x62\\x61\\x72\\x32\n\\x62\\x69\\x6e\n\\x61\\x00\\x62\\xff\n');
  assert.equal(print('simple', (p) => p.get(r), { valueOnly: true }).toString('latin1'), 'bar2\na\x00b\xff\n');
  const fields = print('fields', (p) => p.get(r)).toString();
  assert.ok(fields.includes('"Value" : "a\\x00b\\xff"\n"Lease" : 0\n"More" : false\n"Count" : 2\n'), fields);
  assert.equal(print('json', (p) => p.get(r)).toString(),
    '{"header":{"cluster_id":15118495548433857066,"member_id":13668033151171901709,"revision":16,"raft_term":2},"kvs":[{"key":"Zm9v","create_revision":2,"mod_revision":3,"version":2,"value":"YmFyMg=="},{"key":"Ymlu","create_revision":4,"mod_revision":4,"version":1,"value":"YQBi/w=="}],"count":2}\n');
  assert.deepEqual(print('protobuf', (p) => p.get(r)), r.raw);
  assert.throws(() => print('table', (p) => p.get(r)), { message: 'table not supported as output format' });
});

test('del with prev kvs', () => {
  const r = reply('etcdserverpb.DeleteRangeResponse', { header: { ...header, revision: 12n }, deleted: 1n, prev_kvs: [kv('/p/b', 'vb', 5n, 5n, 1n)] });
  assert.equal(print('json', (p) => p.del(r)).toString(),
    '{"header":{"cluster_id":15118495548433857066,"member_id":13668033151171901709,"revision":12,"raft_term":2},"deleted":1,"prev_kvs":[{"key":"L3AvYg==","create_revision":5,"mod_revision":5,"version":1,"value":"dmI="}]}\n');
  assert.equal(print('simple', (p) => p.del(r)).toString(), '1\n/p/b\nvb\n');
  const none = reply('etcdserverpb.DeleteRangeResponse', { header });
  assert.equal(print('simple', (p) => p.del(none)).toString(), '0\n');
  assert.ok(print('fields', (p) => p.del(none)).toString().endsWith('"Deleted" : 0\n'));
});

test('txn: simple sections, fields with inner headers, json with 3.5 oneof names', () => {
  const inner = { revision: 39n };
  const r = reply('etcdserverpb.TxnResponse', {
    header, succeeded: true,
    responses: [
      { response_put: { header: inner } },
      { response_range: { header: inner, kvs: [kv('key1', 'overwrote-key1', 1n, 39n, 2n)], count: 1n } },
      { response_delete_range: { header: inner } },
    ],
  });
  assert.equal(print('simple', (p) => p.txn(r)).toString(), 'SUCCESS\n\nOK\n\nkey1\noverwrote-key1\n\n0\n');
  const fields = print('fields', (p) => p.txn(r)).toString();
  assert.ok(fields.startsWith('"ClusterID" : 15118495548433857066\n"MemberID" : 13668033151171901709\n"Revision" : 16\n"RaftTerm" : 2\n"Succeeded" : true\n"ClusterID" : 0\n"MemberID" : 0\n"Revision" : 39\n"RaftTerm" : 0\n'), fields);
  assert.equal(print('json', (p) => p.txn(r)).toString(),
    '{"header":{"cluster_id":15118495548433857066,"member_id":13668033151171901709,"revision":16,"raft_term":2},"succeeded":true,"responses":[{"Response":{"response_put":{"header":{"revision":39}}}},{"Response":{"response_range":{"header":{"revision":39},"kvs":[{"key":"a2V5MQ==","create_revision":1,"mod_revision":39,"version":2,"value":"b3Zlcndyb3RlLWtleTE="}],"count":1}}},{"Response":{"response_delete_range":{"header":{"revision":39}}}}]}\n');
  const failed = reply('etcdserverpb.TxnResponse', { header });
  assert.equal(print('simple', (p) => p.txn(failed)).toString(), 'FAILURE\n');
});

test('watch: simple with prev kv, json of the Go client struct, protobuf re-encoded', () => {
  const r = reply('etcdserverpb.WatchResponse', {
    header: { ...header, revision: 30n }, watch_id: 0n,
    events: [{ type: 1, kv: { key: Buffer.from('wk'), mod_revision: 30n }, prev_kv: kv('wk', 'v1', 28n, 28n, 1n) }],
  });
  assert.equal(print('simple', (p) => p.watch(r)).toString(), 'DELETE\nwk\nv1\nwk\n\n');
  assert.equal(print('json', (p) => p.watch(r)).toString(),
    '{"Header":{"cluster_id":15118495548433857066,"member_id":13668033151171901709,"revision":30,"raft_term":2},"Events":[{"type":1,"kv":{"key":"d2s=","mod_revision":30},"prev_kv":{"key":"d2s=","create_revision":28,"mod_revision":28,"version":1,"value":"djE="}}],"CompactRevision":0,"Canceled":false,"Created":false}\n');
  const progress = reply('etcdserverpb.WatchResponse', { header });
  // The 3.5 client builds Events with make() for every response: an empty list is [], not null.
  assert.ok(print('json', (p) => p.watch(progress)).toString().includes('"Events":[],'));
  const compacted = reply('etcdserverpb.WatchResponse', { header: { cluster_id: header.cluster_id, member_id: header.member_id, raft_term: header.raft_term }, canceled: true, compact_revision: 4n });
  assert.equal(print('json', (p) => p.watch(compacted)).toString(),
    '{"Header":{"cluster_id":15118495548433857066,"member_id":13668033151171901709,"raft_term":2},"Events":[],"CompactRevision":4,"Canceled":true,"Created":false}\n');
  assert.deepEqual(decode('etcdserverpb.WatchResponse', print('protobuf', (p) => p.watch(r))).events[0].type, 1);
});

test('member list: simple, table, fields, json --hex', () => {
  const r = reply('etcdserverpb.MemberListResponse', {
    header: { cluster_id: 15118495548433857066n, member_id: 13668033151171901709n, raft_term: 2n },
    members: [
      { ID: 0xd4af94bcd6e9af4n, name: 'n2', peerURLs: ['http://127.0.0.1:23802'], clientURLs: ['http://127.0.0.1:23792'] },
      { ID: 0xbdae9bbc11dd390dn, name: '', peerURLs: ['http://127.0.0.1:23801'], isLearner: true },
    ],
  });
  assert.equal(print('simple', (p) => p.memberList(r)).toString(),
    'd4af94bcd6e9af4, started, n2, http://127.0.0.1:23802, http://127.0.0.1:23792, false\nbdae9bbc11dd390d, unstarted, , http://127.0.0.1:23801, , true\n');
  assert.equal(print('table', (p) => p.memberList(r)).toString(), [
    '+------------------+-----------+------+------------------------+------------------------+------------+',
    '|        ID        |  STATUS   | NAME |       PEER ADDRS       |      CLIENT ADDRS      | IS LEARNER |',
    '+------------------+-----------+------+------------------------+------------------------+------------+',
    '|  d4af94bcd6e9af4 |   started |   n2 | http://127.0.0.1:23802 | http://127.0.0.1:23792 |      false |',
    '| bdae9bbc11dd390d | unstarted |      | http://127.0.0.1:23801 |                        |       true |',
    '+------------------+-----------+------+------------------------+------------------------+------------+',
    '',
  ].join('\n'));
  const fields = print('fields', (p) => p.memberList(r)).toString();
  assert.ok(fields.includes('"ID" : 957851974734093044\n"Name" : "n2"\n"PeerURL" : "http://127.0.0.1:23802"\n"ClientURL" : "http://127.0.0.1:23792"\n"IsLearner" : false\n\n'), fields);
  assert.equal(print('json', (p) => p.memberList(r), { hex: true }).toString(),
    '{"header":{"cluster_id":"d1cfaf999eb97a2a","member_id":"bdae9bbc11dd390d","raft_term":2},"members":[{"ID":"d4af94bcd6e9af4","name":"n2","peerURLs":["http://127.0.0.1:23802"],"clientURLs":["http://127.0.0.1:23792"]},{"ID":"bdae9bbc11dd390d","name":"","peerURLs":["http://127.0.0.1:23801"],"clientURLs":null}]}\n');
});

test('tables wrap cells over 30 columns into balanced lines, keeping trailing spaces', () => {
  assert.deepEqual(layoutCell('memberID:9009370488483034218 alarm:NOSPACE '), { lines: ['memberID:9009370488483034218', 'alarm:NOSPACE '], width: 30 });
  assert.deepEqual(layoutCell('a-single-word-longer-than-thirty-columns x'), { lines: ['a-single-word-longer-than-thirty-columns', 'x'], width: 40 });
  const out = renderTable(['Endpoint', 'Errors'], [['127.0.0.1:23795', 'memberID:9009370488483034218 alarm:NOSPACE ']]);
  assert.equal(out, [
    '+-----------------+--------------------------------+',
    '|    ENDPOINT     |             ERRORS             |',
    '+-----------------+--------------------------------+',
    '| 127.0.0.1:23795 |   memberID:9009370488483034218 |',
    '|                 |                 alarm:NOSPACE  |',
    '+-----------------+--------------------------------+',
    '',
  ].join('\n'));
});

test('Go %q and --hex renderings', () => {
  assert.equal(goQuote(Buffer.from('x\x00\xff', 'latin1')), '"x\\x00\\xff"');
  assert.equal(goQuote(Buffer.from('é\u2028\t"\\')), '"é\\u2028\\t\\"\\\\"');
  assert.equal(goQuote('\u{1F600}\u{E0001}'), '"😀\\U000e0001"');
  assert.equal(hexEscape(Buffer.from('foo')), '\\x66\\x6f\\x6f');
});

test('Go %q: every kind of rune, and values of megabytes', () => {
  // C1 controls, a soft hyphen (a format char) and a private-use rune are escaped; U+FFFD is printable.
  assert.equal(goQuote(Buffer.from('\u0085\u00ad\ue000\ufffd\x7f ')), '"\\u0085\\u00ad\\ue000\ufffd\\x7f "');
  // Surrogates encoded in UTF-8, overlong forms and cut sequences are bytes, each as \xNN.
  assert.equal(goQuote(Buffer.from([0xed, 0xa0, 0x80, 0xc0, 0x80, 0xe2, 0x82])), '"\\xed\\xa0\\x80\\xc0\\x80\\xe2\\x82"');
  assert.equal(goQuote(Buffer.from([0x61, 0xf0, 0x9f, 0x98])), '"a\\xf0\\x9f\\x98"');
  // The longest renderings: four output bytes per input byte.
  assert.equal(goQuote(Buffer.alloc(1024 * 1024, 0xff)), `"${'\\xff'.repeat(1024 * 1024)}"`);
  assert.equal(goQuote(Buffer.alloc(1024 * 1024, 0)), `"${'\\x00'.repeat(1024 * 1024)}"`);
  // A long value is the quoting of its parts, joined.
  const parts = ['plain ascii ', 'é😀\u2028', '\t"\\', '\u{E0001}'].map((p) => Buffer.from(p));
  parts.push(Buffer.from([0x80, 0xfe]));
  const body = (b: Buffer) => goQuote(b).slice(1, -1);
  const big = Buffer.concat(Array(50_000).fill(Buffer.concat(parts)));
  assert.equal(goQuote(big), `"${parts.map(body).join('').repeat(50_000)}"`);
  const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  assert.equal(hexEscape(all), Array.from({ length: 256 }, (_, i) => `\\x${i.toString(16).padStart(2, '0')}`).join(''));
  assert.equal(hexEscape(Buffer.alloc(0)), '');
  assert.equal(hexEscape(Buffer.concat(Array(4096).fill(all))), hexEscape(all).repeat(4096));
});

test('tabwriter pads columns with tabs as Go does', () => {
  assert.equal(tabwrite('      --consistency="l"\tLinearizable\n      --print-value-only[=false]\tOnly\n'),
    '      --consistency="l"\t\t\tLinearizable\n      --print-value-only[=false]\tOnly\n');
  assert.equal(tabwrite('NAME:\n\tget - Gets\n'), 'NAME:\n\tget - Gets\n');
});
