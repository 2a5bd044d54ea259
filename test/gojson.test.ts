import { test } from 'node:test';
import assert from 'node:assert/strict';

import { decodeMessage as decode, encodeMessage as encode } from '../src/proto/registry.js';
import { goJSON, goString, goBytesBase64, goCamelCase } from '../src/go/json.js';

const CLUSTER_ID = 15118495548433857066n;
const MEMBER_ID = 13668033151171901709n;

/** Encode, decode, then print: what the CLI does with a server reply. */
function viaWire(typeName: string, msg: object): string {
  return goJSON(typeName, decode(typeName, encode(typeName, msg)));
}

test('RangeResponse matches a real etcdctl 3.4 line', () => {
  const expected =
    '{"header":{"cluster_id":15118495548433857066,"member_id":13668033151171901709,"revision":7,"raft_term":2},' +
    '"kvs":[{"key":"L3AvYQ==","create_revision":4,"mod_revision":4,"version":1,"value":"dmE="},' +
    '{"key":"L3AvYg==","create_revision":5,"mod_revision":5,"version":1,"value":"dmI="}],"more":true,"count":4}';
  const msg = {
    header: { cluster_id: CLUSTER_ID, member_id: MEMBER_ID, revision: 7n, raft_term: 2n },
    kvs: [
      { key: Buffer.from('/p/a'), create_revision: 4n, mod_revision: 4n, version: 1n, value: Buffer.from('va') },
      { key: Buffer.from('/p/b'), create_revision: 5n, mod_revision: 5n, version: 1n, value: Buffer.from('vb') },
    ],
    more: true,
    count: 4n,
  };
  assert.equal(viaWire('etcdserverpb.RangeResponse', msg), expected);
  // Hand-built objects print the same without the wire round trip.
  assert.equal(goJSON('etcdserverpb.RangeResponse', msg), expected);
});

test('MemberListResponse: ID, name, peerURLs, clientURLs, isLearner', () => {
  const msg = {
    header: { cluster_id: CLUSTER_ID, member_id: MEMBER_ID, raft_term: 2n },
    members: [
      { ID: MEMBER_ID, name: 'default', peerURLs: ['http://localhost:2380'], clientURLs: ['http://localhost:2379'] },
      { ID: 0x9c3a52c4d3a8fe1bn, peerURLs: ['http://127.0.0.1:12380'], isLearner: true },
    ],
  };
  assert.equal(
    viaWire('etcdserverpb.MemberListResponse', msg),
    '{"header":{"cluster_id":15118495548433857066,"member_id":13668033151171901709,"raft_term":2},' +
      '"members":[{"ID":13668033151171901709,"name":"default","peerURLs":["http://localhost:2380"],' +
      '"clientURLs":["http://localhost:2379"]},' +
      '{"ID":11257401223884111387,"peerURLs":["http://127.0.0.1:12380"],"isLearner":true}]}',
  );
});

test('TxnResponse: oneof is an interface field keyed by the CamelCase oneof name', () => {
  // Go's wrapper struct ResponseOp_ResponsePut carries the json tag
  // "response_put,omitempty", so the member key is the proto field name.
  const msg = {
    header: { cluster_id: CLUSTER_ID, member_id: MEMBER_ID, revision: 39n, raft_term: 2n },
    succeeded: true,
    responses: [{ response_put: { header: { revision: 39n } } }],
  };
  assert.equal(
    viaWire('etcdserverpb.TxnResponse', msg),
    '{"header":{"cluster_id":15118495548433857066,"member_id":13668033151171901709,"revision":39,"raft_term":2},' +
      '"succeeded":true,"responses":[{"Response":{"response_put":{"header":{"revision":39}}}}]}',
  );

  const mixed = {
    header: { revision: 40n },
    responses: [
      { response_range: { header: { revision: 40n }, kvs: [{ key: 'k', value: 'v', create_revision: 2n, mod_revision: 2n, version: 1n }], count: 1n } },
      { response_delete_range: { header: {}, deleted: 0n } },
      {},
    ],
  };
  assert.equal(
    viaWire('etcdserverpb.TxnResponse', mixed),
    '{"header":{"revision":40},"responses":[' +
      '{"Response":{"response_range":{"header":{"revision":40},"kvs":[{"key":"aw==","create_revision":2,"mod_revision":2,"version":1,"value":"dg=="}],"count":1}}},' +
      '{"Response":{"response_delete_range":{"header":{}}}},' +
      '{"Response":null}]}',
  );
});

test('oneof field sits at the position of its first member; zero scalar member prints {}', () => {
  const cmp = { result: 1, target: 0, key: 'k', version: 0n, range_end: 'z' };
  assert.equal(viaWire('etcdserverpb.Compare', cmp), '{"result":1,"key":"aw==","TargetUnion":{},"range_end":"eg=="}');
  assert.equal(
    goJSON('etcdserverpb.Compare', { key: 'k', mod_revision: 5n }),
    '{"key":"aw==","TargetUnion":{"mod_revision":5}}',
  );
  assert.equal(goJSON('etcdserverpb.Compare', {}), '{"TargetUnion":null}');
  assert.equal(goJSON('etcdserverpb.WatchRequest', { cancel_request: { watch_id: 3n } }), '{"RequestUnion":{"cancel_request":{"watch_id":3}}}');
});

test('absent sub-message is omitted, present-empty prints {}', () => {
  assert.equal(viaWire('etcdserverpb.PutResponse', {}), '{}');
  assert.equal(viaWire('etcdserverpb.PutResponse', { header: {} }), '{"header":{}}');
  assert.equal(
    viaWire('etcdserverpb.PutResponse', { header: { revision: 5n }, prev_kv: { key: 'a', mod_revision: 4n } }),
    '{"header":{"revision":5},"prev_kv":{"key":"YQ==","mod_revision":4}}',
  );
});

test('omitempty, negative int64, enums and declaration order', () => {
  const w = {
    header: { revision: 12n },
    watch_id: 0n,
    canceled: true,
    compact_revision: -1n,
    cancel_reason: 'mvcc: required revision has been compacted',
    events: [{ type: 1, kv: { key: 'a', mod_revision: 12n } }, { type: 0, kv: { key: 'b', value: '' } }],
  };
  assert.equal(
    viaWire('etcdserverpb.WatchResponse', w),
    '{"header":{"revision":12},"canceled":true,"compact_revision":-1,' +
      '"cancel_reason":"mvcc: required revision has been compacted",' +
      '"events":[{"type":1,"kv":{"key":"YQ==","mod_revision":12}},{"kv":{"key":"Yg=="}}]}',
  );
  assert.equal(
    viaWire('etcdserverpb.LeaseTimeToLiveResponse', { ID: 7587883196208474123n, TTL: -1n, grantedTTL: 0n, keys: ['a', ''] }),
    '{"ID":7587883196208474123,"TTL":-1,"keys":["YQ==",""]}',
  );
  assert.equal(
    viaWire('etcdserverpb.AlarmResponse', { header: {}, alarms: [{ memberID: MEMBER_ID, alarm: 1 }, { memberID: 1n, alarm: 'CORRUPT' }] }),
    '{"header":{},"alarms":[{"memberID":13668033151171901709,"alarm":1},{"memberID":1,"alarm":2}]}',
  );
  assert.equal(
    viaWire('etcdserverpb.StatusResponse', {
      version: '3.5.0',
      dbSize: 20480n,
      leader: MEMBER_ID,
      raftIndex: 9n,
      raftTerm: 2n,
      raftAppliedIndex: 9n,
      dbSizeInUse: 16384n,
    }),
    '{"version":"3.5.0","dbSize":20480,"leader":13668033151171901709,"raftIndex":9,"raftTerm":2,' +
      '"raftAppliedIndex":9,"dbSizeInUse":16384}',
  );
  assert.equal(viaWire('etcdserverpb.HashKVResponse', { hash: 0xfedcba98, compact_revision: 3n }), '{"hash":4275878552,"compact_revision":3}');
  assert.equal(
    viaWire('etcdserverpb.AuthRoleGetResponse', { perm: [{ permType: 2, key: 'a', range_end: 'b' }, { key: 'c' }] }),
    '{"perm":[{"permType":2,"key":"YQ==","range_end":"Yg=="},{"key":"Yw=="}]}',
  );
});

test('goString escapes like Go encoding/json (HTML-safe)', () => {
  assert.equal(goString('<a href="x">&amp;</a>'), '"\\u003ca href=\\"x\\"\\u003e\\u0026amp;\\u003c/a\\u003e"');
  assert.equal(goString('back\\slash'), '"back\\\\slash"');
  assert.equal(goString('a\nb\rc\td'), '"a\\nb\\rc\\td"');
  assert.equal(goString('\u0000\u0001\u001f\u0008\u000c\u007f'), '"\\u0000\\u0001\\u001f\\u0008\\u000c\u007f"');
  assert.equal(goString('line\u2028sep\u2029'), '"line\\u2028sep\\u2029"');
  assert.equal(goString('héllo 世界 🙂'), '"héllo 世界 🙂"');
  assert.equal(goString('bad \ud800 x \udc00'), '"bad \\ufffd x \\ufffd"');
  assert.equal(goString(''), '""');
  assert.equal(goString("it's/ok"), '"it\'s/ok"');

  // Escaping applies inside messages too.
  assert.equal(
    viaWire('etcdserverpb.Member', { name: '<node&1>', peerURLs: ['http://a?b=1&c=2'] }),
    '{"name":"\\u003cnode\\u00261\\u003e","peerURLs":["http://a?b=1\\u0026c=2"]}',
  );
});

test('goBytesBase64 and goCamelCase', () => {
  assert.equal(goBytesBase64(Buffer.from('/p/a')), 'L3AvYQ==');
  assert.equal(goBytesBase64(new Uint8Array([0xfb, 0xff])), '+/8=');
  assert.equal(goBytesBase64(new Uint8Array(0)), '');
  const view = new Uint8Array([9, 0x61, 0x62, 9]).subarray(1, 3);
  assert.equal(goBytesBase64(view), 'YWI=');

  assert.equal(goCamelCase('response'), 'Response');
  assert.equal(goCamelCase('target_union'), 'TargetUnion');
  assert.equal(goCamelCase('request_union'), 'RequestUnion');
  assert.equal(goCamelCase('_x'), 'XX');
  assert.equal(goCamelCase('a_1b'), 'A_1B');
});

test('unknown message type throws', () => {
  assert.throws(() => goJSON('etcdserverpb.Nope', {}), /unknown protobuf message type/);
});
