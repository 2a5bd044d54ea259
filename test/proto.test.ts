// The message shapes the commands and printers rely on, as the proto-loader
// definitions of src/proto/registry.ts encode and decode them: checked
// against wire bytes built by hand here, independently of the library.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeMessage as decode, encodeMessage as encode, method } from '../src/proto/registry.js';
import { RESPONSE_TYPES } from '../src/proto/descriptors.gen.js';

function varint(v: bigint | number): number[] {
  let n = BigInt.asUintN(64, BigInt(v));
  const out: number[] = [];
  while (n >= 0x80n) {
    out.push(Number(n & 0x7fn) | 0x80);
    n >>= 7n;
  }
  out.push(Number(n));
  return out;
}
const tag = (no: number, wireType: number) => varint((no << 3) | wireType);
const vfield = (no: number, v: bigint | number) => [...tag(no, 0), ...varint(v)];
function lfield(no: number, body: number[] | string): number[] {
  const bytes = typeof body === 'string' ? [...Buffer.from(body, 'utf8')] : body;
  return [...tag(no, 2), ...varint(bytes.length), ...bytes];
}
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const CLUSTER_ID = 15118495548433857066n;
const MEMBER_ID = 13668033151171901709n;
const headerBytes = () => [...vfield(1, CLUSTER_ID), ...vfield(2, MEMBER_ID), ...vfield(3, 7), ...vfield(4, 2)];

test('every method of every service has a definition with its path and response type', () => {
  const range = method('KV', 'Range');
  assert.equal(range.path, '/etcdserverpb.KV/Range');
  assert.equal(range.requestStream, false);
  const watch = method('Watch', 'Watch');
  assert.equal(watch.requestStream && watch.responseStream, true);
  const snap = method('Maintenance', 'Snapshot');
  assert.equal(!snap.requestStream && snap.responseStream, true);
  for (const name of Object.keys(RESPONSE_TYPES)) {
    const [service, rpc] = name.split('.');
    assert.equal(method(service as 'KV', rpc).path, `/etcdserverpb.${service}/${rpc}`);
  }
  assert.throws(() => method('KV', 'Nope'), /unknown gRPC method/);
});

test('RangeResponse round trip: uint64 above 2^53 exact, bytes as Buffer', () => {
  const msg = {
    header: { cluster_id: CLUSTER_ID, member_id: MEMBER_ID, revision: 7n, raft_term: 2n },
    kvs: [
      { key: Buffer.from('/p/a'), create_revision: 4n, mod_revision: 4n, version: 1n, value: Buffer.from('va'), lease: 0n },
      { key: Buffer.from('/p/b'), create_revision: 5n, mod_revision: 5n, version: 1n, value: Buffer.from('vb'), lease: 0n },
    ],
    more: true,
    count: 4n,
  };
  const bytes = encode('etcdserverpb.RangeResponse', msg);
  const back = decode('etcdserverpb.RangeResponse', bytes);
  assert.deepEqual(back, msg);
  assert.equal(typeof back.header.cluster_id, 'bigint');
  assert.ok(Buffer.isBuffer(back.kvs[0].key));
  assert.deepEqual(encode('etcdserverpb.RangeResponse', back), bytes);
});

test('uint64 at 2^64-1 and 2^63 stay positive; negative int64 decodes negative', () => {
  const bytes = encode('etcdserverpb.ResponseHeader', { cluster_id: 0xffffffffffffffffn });
  assert.equal(hex(bytes), '08ffffffffffffffffff01');
  assert.equal(decode('etcdserverpb.ResponseHeader', bytes).cluster_id, 18446744073709551615n);
  const big = decode('etcdserverpb.ResponseHeader', encode('etcdserverpb.ResponseHeader', { member_id: 1n << 63n }));
  assert.equal(big.member_id, 9223372036854775808n);
  const neg = encode('etcdserverpb.WatchResponse', { compact_revision: -1n });
  assert.equal(hex(neg), '28ffffffffffffffffff01');
  assert.equal(decode('etcdserverpb.WatchResponse', neg).compact_revision, -1n);
  assert.equal(decode('etcdserverpb.WatchResponse', Uint8Array.from(vfield(5, -5n))).compact_revision, -5n);
});

test('64-bit fields take bigint, number or decimal text alike', () => {
  const a = encode('etcdserverpb.LeaseGrantRequest', { TTL: 60, ID: '7587883196208474123' });
  const b = encode('etcdserverpb.LeaseGrantRequest', { TTL: 60n, ID: 7587883196208474123n });
  assert.deepEqual(a, b);
  assert.equal(decode('etcdserverpb.LeaseGrantRequest', a).ID, 7587883196208474123n);
  assert.deepEqual(encode('etcdserverpb.RangeRequest', { revision: -1 }), encode('etcdserverpb.RangeRequest', { revision: -1n }));
});

test('every scalar and list field is present with its zero value; a sub-message not sent is null', () => {
  assert.deepEqual(decode('etcdserverpb.RangeRequest', new Uint8Array(0)), {
    key: Buffer.alloc(0), range_end: Buffer.alloc(0), limit: 0n, revision: 0n, sort_order: 0, sort_target: 0,
    serializable: false, keys_only: false, count_only: false, min_mod_revision: 0n, max_mod_revision: 0n,
    min_create_revision: 0n, max_create_revision: 0n,
  });
  assert.deepEqual(decode('etcdserverpb.Member', new Uint8Array(0)), { ID: 0n, name: '', peerURLs: [], clientURLs: [], isLearner: false });
  const absent = decode('etcdserverpb.PutResponse', new Uint8Array(0));
  assert.equal(absent.header, null);
  assert.equal(absent.prev_kv, null);
  const present = decode('etcdserverpb.PutResponse', Uint8Array.from([0x0a, 0x00]));
  assert.deepEqual(present.header, { cluster_id: 0n, member_id: 0n, revision: 0n, raft_term: 0n });
  // Encoding keeps the difference: an empty object is an empty field, null is nothing.
  assert.equal(hex(encode('etcdserverpb.PutResponse', { header: {} })), '0a00');
  assert.equal(hex(encode('etcdserverpb.PutResponse', { header: null, prev_kv: undefined })), '');
  assert.equal(hex(encode('etcdserverpb.PutResponse', present)), '0a00');
});

test('repeated numbers decode packed or not and encode packed; strings and bytes are never packed', () => {
  const packed = Uint8Array.from(lfield(5, [0x00, 0x01, 0x01]));
  const unpacked = Uint8Array.from([...vfield(5, 0), ...vfield(5, 1), ...vfield(5, 1)]);
  for (const wire of [packed, unpacked]) assert.deepEqual(decode('etcdserverpb.WatchCreateRequest', wire).filters, [0, 1, 1]);
  assert.equal(hex(encode('etcdserverpb.WatchCreateRequest', { filters: [0, 1, 1] })), hex(packed));
  const ttl = encode('etcdserverpb.LeaseTimeToLiveResponse', { keys: [Buffer.from('a'), Buffer.from('bc'), Buffer.alloc(0)] });
  assert.equal(hex(ttl), hex(Uint8Array.from([...lfield(5, 'a'), ...lfield(5, 'bc'), ...lfield(5, [])])));
  assert.deepEqual(decode('etcdserverpb.LeaseTimeToLiveResponse', ttl).keys, [Buffer.from('a'), Buffer.from('bc'), Buffer.alloc(0)]);
});

test('unknown fields are skipped; truncated input throws', () => {
  const wire = Uint8Array.from([
    ...vfield(1, 42), ...vfield(99, 123456789), ...tag(100, 1), 1, 2, 3, 4, 5, 6, 7, 8,
    ...lfield(101, 'ignored payload'), ...tag(102, 5), 9, 9, 9, 9, ...vfield(3, 9), ...vfield(20000, 1),
  ]);
  assert.deepEqual(decode('etcdserverpb.ResponseHeader', wire), { cluster_id: 42n, member_id: 0n, revision: 9n, raft_term: 0n });
  assert.throws(() => decode('etcdserverpb.PutRequest', Uint8Array.from([0x0a, 0x05, 0x61])));
  assert.throws(() => decode('etcdserverpb.PutRequest', Uint8Array.from([0x18, 0xff])));
  assert.throws(() => encode('etcdserverpb.Nope', {}), /unknown protobuf message type/);
});

test('oneof: only the member on the wire is there; a zero member is still written', () => {
  const bytes = encode('etcdserverpb.Compare', { result: 0, target: 0, key: Buffer.from('k'), version: 0n });
  assert.equal(hex(bytes), hex(Uint8Array.from([...lfield(3, 'k'), ...vfield(4, 0)])));
  const back = decode('etcdserverpb.Compare', bytes);
  assert.equal(back.version, 0n);
  for (const other of ['create_revision', 'mod_revision', 'value', 'lease']) assert.equal(back[other], undefined, other);
  assert.deepEqual(back.range_end, Buffer.alloc(0));
  const none = decode('etcdserverpb.ResponseOp', new Uint8Array(0));
  assert.equal(none.response_put, undefined);
  assert.equal(none.response_range, undefined);
});

test('field 64 (a two-byte tag) round trips', () => {
  const bytes = encode('etcdserverpb.Compare', { key: Buffer.from('a'), range_end: Buffer.from('b'), mod_revision: 5 });
  assert.equal(hex(bytes), hex(Uint8Array.from([...lfield(3, 'a'), ...vfield(6, 5), ...lfield(64, 'b')])));
  const back = decode('etcdserverpb.Compare', bytes);
  assert.deepEqual(back.range_end, Buffer.from('b'));
  assert.equal(back.mod_revision, 5n);
});

test('a RangeResponse as a Go server sends it re-encodes byte for byte', () => {
  const kv = (key: string, rev: number, value: string) => [...lfield(1, key), ...vfield(2, rev), ...vfield(3, rev), ...vfield(4, 1), ...lfield(5, value)];
  const wire = Uint8Array.from([
    ...lfield(1, headerBytes()), ...lfield(2, kv('/p/a', 4, 'va')), ...lfield(2, kv('/p/b', 5, 'vb')), ...vfield(3, 1), ...vfield(4, 4),
  ]);
  const msg = decode('etcdserverpb.RangeResponse', wire);
  assert.equal(msg.kvs[1].key.toString(), '/p/b');
  assert.equal(msg.header.cluster_id, CLUSTER_ID);
  assert.equal(msg.more, true);
  assert.equal(hex(encode('etcdserverpb.RangeResponse', msg)), hex(wire));
});

test('nested TxnResponse: each ResponseOp keeps the one member it has', () => {
  const resp = Uint8Array.from([
    ...lfield(1, headerBytes()), ...vfield(2, 1),
    ...lfield(3, lfield(2, lfield(1, vfield(3, 39)))),
    ...lfield(3, lfield(1, [...lfield(1, vfield(3, 39)), ...vfield(4, 0x7fffffffffffffffn)])),
  ]);
  const msg = decode('etcdserverpb.TxnResponse', resp);
  assert.equal(msg.succeeded, true);
  assert.equal(msg.responses[0].response_put.header.revision, 39n);
  assert.equal(msg.responses[0].response_range, undefined);
  assert.equal(msg.responses[1].response_range.count, 0x7fffffffffffffffn);
  assert.equal(hex(encode('etcdserverpb.TxnResponse', msg)), hex(resp));
});

test('requests are written as Go writes them: no zero fields (an empty range_end is not sent), text for bytes is UTF-8', () => {
  // etcd reads a range_end that is on the wire, even empty, as a range: Go never sends it.
  assert.equal(hex(encode('etcdserverpb.RangeRequest', { key: Buffer.from('foo'), range_end: Buffer.alloc(0), limit: 0n, serializable: false, sort_order: 0 })), hex(Uint8Array.from(lfield(1, 'foo'))));
  assert.equal(hex(encode('etcdserverpb.PutRequest', { key: 'ключ', value: '' })), hex(Uint8Array.from(lfield(1, 'ключ'))));
  assert.equal(hex(encode('etcdserverpb.LeaseTimeToLiveResponse', { keys: ['a'] })), hex(Uint8Array.from(lfield(5, 'a'))));
  // Inside lists of messages too, and a oneof member that is zero still says which member is set.
  const txn = encode('etcdserverpb.TxnRequest', { compare: [{ key: 'k', version: 0n, range_end: '' }], success: [{ request_put: { key: 'k', value: 'v', lease: 0n } }] });
  assert.equal(hex(txn), hex(Uint8Array.from([...lfield(1, [...lfield(3, 'k'), ...vfield(4, 0)]), ...lfield(2, lfield(2, [...lfield(1, 'k'), ...lfield(2, 'v')]))])));
});
