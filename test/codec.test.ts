import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  decode,
  encode,
  getMessageSchema,
  getEnumSchema,
  getMethodSchema,
  enumValueName,
  METHODS,
} from '../src/proto/codec.js';

// ---------------------------------------------------------------------------
// Hand-rolled wire helpers, independent of the codec under test.

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

function tag(no: number, wireType: number): number[] {
  return varint((no << 3) | wireType);
}

function vfield(no: number, v: bigint | number): number[] {
  return [...tag(no, 0), ...varint(v)];
}

function lfield(no: number, body: number[] | string): number[] {
  const bytes = typeof body === 'string' ? [...Buffer.from(body, 'utf8')] : body;
  return [...tag(no, 2), ...varint(bytes.length), ...bytes];
}

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

const CLUSTER_ID = 15118495548433857066n;
const MEMBER_ID = 13668033151171901709n;

function headerBytes(): number[] {
  return [...vfield(1, CLUSTER_ID), ...vfield(2, MEMBER_ID), ...vfield(3, 7), ...vfield(4, 2)];
}

// ---------------------------------------------------------------------------

test('schema lookups', () => {
  const s = getMessageSchema('etcdserverpb.ResponseHeader');
  assert.deepEqual(
    s.fields.map((f) => [f.name, f.no, f.type]),
    [
      ['cluster_id', 1, 'uint64'],
      ['member_id', 2, 'uint64'],
      ['revision', 3, 'int64'],
      ['raft_term', 4, 'uint64'],
    ],
  );
  assert.throws(() => getMessageSchema('etcdserverpb.Nope'), /unknown protobuf message type/);
  assert.throws(() => getMessageSchema('constructor'), /unknown protobuf message type/);
  assert.deepEqual(getEnumSchema('mvccpb.Event.EventType').values, [
    ['PUT', 0],
    ['DELETE', 1],
  ]);
  assert.equal(enumValueName('mvccpb.Event.EventType', 1), 'DELETE');
  assert.equal(enumValueName('mvccpb.Event.EventType', 7), undefined);

  const watch = getMethodSchema('/etcdserverpb.Watch/Watch');
  assert.equal(watch.requestType, 'etcdserverpb.WatchRequest');
  assert.equal(watch.responseType, 'etcdserverpb.WatchResponse');
  assert.equal(watch.requestStream, true);
  assert.equal(watch.responseStream, true);
  const keepAlive = getMethodSchema('/etcdserverpb.Lease/LeaseKeepAlive');
  assert.equal(keepAlive.requestStream && keepAlive.responseStream, true);
  const snap = getMethodSchema('/etcdserverpb.Maintenance/Snapshot');
  assert.equal(snap.requestStream, false);
  assert.equal(snap.responseStream, true);
  const range = getMethodSchema('/etcdserverpb.KV/Range');
  assert.equal(range.requestStream || range.responseStream, false);
  assert.equal(range.service, 'etcdserverpb.KV');
  assert.equal(range.name, 'Range');
  assert.equal(Object.keys(METHODS).length, 41);
  assert.equal(getMethodSchema('/etcdserverpb.Auth/UserAdd').requestType, 'etcdserverpb.AuthUserAddRequest');
});

test('RangeResponse round trip with large uint64 values', () => {
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
  assert.equal(back.header.cluster_id, 15118495548433857066n);
  assert.ok(Buffer.isBuffer(back.kvs[0].key));
  assert.deepEqual(encode('etcdserverpb.RangeResponse', back), bytes);
});

test('uint64 at 2^64-1 stays positive and is a 10-byte varint', () => {
  const bytes = encode('etcdserverpb.ResponseHeader', { cluster_id: 0xffffffffffffffffn });
  assert.equal(hex(bytes), '08ffffffffffffffffff01');
  const back = decode('etcdserverpb.ResponseHeader', bytes);
  assert.equal(back.cluster_id, 18446744073709551615n);
  assert.ok(back.cluster_id > 0n);
  // 2^63 exactly, the first value that would turn negative as int64.
  const big = decode('etcdserverpb.ResponseHeader', encode('etcdserverpb.ResponseHeader', { member_id: 1n << 63n }));
  assert.equal(big.member_id, 9223372036854775808n);
});

test('negative int64 is a 10-byte varint and decodes negative', () => {
  const bytes = encode('etcdserverpb.WatchResponse', { compact_revision: -1n });
  assert.equal(hex(bytes), '28ffffffffffffffffff01');
  const back = decode('etcdserverpb.WatchResponse', bytes);
  assert.equal(back.compact_revision, -1n);

  const min = -(1n << 63n);
  assert.equal(decode('etcdserverpb.WatchResponse', encode('etcdserverpb.WatchResponse', { watch_id: min })).watch_id, min);
  // A hand-built wire value, as a Go server would send it.
  const wire = Uint8Array.from(vfield(5, -5n));
  assert.equal(decode('etcdserverpb.WatchResponse', wire).compact_revision, -5n);
});

test('64-bit fields accept number, bigint and decimal string', () => {
  const a = encode('etcdserverpb.LeaseGrantRequest', { TTL: 60, ID: '7587883196208474123' });
  const b = encode('etcdserverpb.LeaseGrantRequest', { TTL: 60n, ID: 7587883196208474123n });
  assert.deepEqual(a, b);
  assert.equal(decode('etcdserverpb.LeaseGrantRequest', a).ID, 7587883196208474123n);
  assert.throws(() => encode('etcdserverpb.LeaseGrantRequest', { ID: 2 ** 60 }), /not a safe integer/);
  assert.throws(() => encode('etcdserverpb.LeaseGrantRequest', { ID: 'abc' }), /64-bit integer/);
  assert.throws(() => encode('etcdserverpb.LeaseGrantRequest', { ID: 1n << 64n }), /64 bits/);
  // Negative number for int64 equals the bigint form.
  assert.deepEqual(encode('etcdserverpb.RangeRequest', { revision: -1 }), encode('etcdserverpb.RangeRequest', { revision: -1n }));
});

test('every scalar and repeated field is present with its zero value', () => {
  const r = decode('etcdserverpb.RangeRequest', new Uint8Array(0));
  assert.deepEqual(r, {
    key: Buffer.alloc(0),
    range_end: Buffer.alloc(0),
    limit: 0n,
    revision: 0n,
    sort_order: 0,
    sort_target: 0,
    serializable: false,
    keys_only: false,
    count_only: false,
    min_mod_revision: 0n,
    max_mod_revision: 0n,
    min_create_revision: 0n,
    max_create_revision: 0n,
  });
  const m = decode('etcdserverpb.Member', new Uint8Array(0));
  assert.deepEqual(m, { ID: 0n, name: '', peerURLs: [], clientURLs: [], isLearner: false });
  const s = decode('etcdserverpb.StatusResponse', new Uint8Array(0));
  assert.equal(s.header, undefined);
  assert.equal('header' in s, false);
  assert.deepEqual(s.errors, []);
  assert.equal(s.version, '');
});

test('absent vs present-but-empty sub-message', () => {
  const absent = decode('etcdserverpb.PutResponse', new Uint8Array(0));
  assert.equal(absent.header, undefined);
  assert.equal(absent.prev_kv, undefined);

  const present = decode('etcdserverpb.PutResponse', Uint8Array.from([0x0a, 0x00]));
  assert.deepEqual(present.header, { cluster_id: 0n, member_id: 0n, revision: 0n, raft_term: 0n });
  assert.equal(present.prev_kv, undefined);

  // Encoding keeps the difference: an empty object is written as an empty field.
  assert.equal(hex(encode('etcdserverpb.PutResponse', { header: {} })), '0a00');
  assert.equal(hex(encode('etcdserverpb.PutResponse', {})), '');
  assert.equal(hex(encode('etcdserverpb.PutResponse', { header: undefined, prev_kv: null })), '');
  assert.deepEqual(encode('etcdserverpb.PutResponse', present), Buffer.from([0x0a, 0x00]));
});

test('repeated scalars: packed and unpacked both decode; encoding is packed', () => {
  const packed = Uint8Array.from([...lfield(5, [0x00, 0x01, 0x01])]);
  const unpacked = Uint8Array.from([...vfield(5, 0), ...vfield(5, 1), ...vfield(5, 1)]);
  const mixed = Uint8Array.from([...vfield(5, 0), ...lfield(5, [0x01]), ...vfield(5, 1)]);
  for (const wire of [packed, unpacked, mixed]) {
    assert.deepEqual(decode('etcdserverpb.WatchCreateRequest', wire).filters, [0, 1, 1]);
  }
  assert.equal(hex(encode('etcdserverpb.WatchCreateRequest', { filters: [0, 1, 1] })), hex(packed));
  // Enum names are accepted when encoding.
  assert.equal(hex(encode('etcdserverpb.WatchCreateRequest', { filters: ['NOPUT', 'NODELETE', 1] })), hex(packed));
  assert.throws(() => encode('etcdserverpb.WatchCreateRequest', { filters: ['NOPE'] }), /not a value of/);

  // Repeated strings and bytes are never packed.
  const ttl = encode('etcdserverpb.LeaseTimeToLiveResponse', { keys: ['a', Buffer.from('bc'), ''] });
  assert.equal(hex(ttl), hex(Uint8Array.from([...lfield(5, 'a'), ...lfield(5, 'bc'), ...lfield(5, [])])));
  assert.deepEqual(decode('etcdserverpb.LeaseTimeToLiveResponse', ttl).keys, [
    Buffer.from('a'),
    Buffer.from('bc'),
    Buffer.alloc(0),
  ]);
});

test('unknown fields of every wire type are skipped', () => {
  const wire = Uint8Array.from([
    ...vfield(1, 42),
    ...vfield(99, 123456789), // varint
    ...tag(100, 1), 1, 2, 3, 4, 5, 6, 7, 8, // fixed64
    ...lfield(101, 'ignored payload'), // length-delimited
    ...tag(102, 5), 9, 9, 9, 9, // fixed32
    ...tag(103, 3), ...vfield(1, 5), ...tag(7, 3), ...lfield(2, 'x'), ...tag(7, 4), ...tag(103, 4), // group, nested
    ...vfield(3, 9),
    ...vfield(20000, 1), // large field number
  ]);
  const h = decode('etcdserverpb.ResponseHeader', wire);
  assert.deepEqual(h, { cluster_id: 42n, member_id: 0n, revision: 9n, raft_term: 0n });
});

test('malformed input throws', () => {
  // Truncated length-delimited field.
  assert.throws(() => decode('etcdserverpb.PutRequest', Uint8Array.from([0x0a, 0x05, 0x61])), /truncated/);
  // Truncated varint.
  assert.throws(() => decode('etcdserverpb.PutRequest', Uint8Array.from([0x18, 0xff])), /truncated/);
  // Known field with the wrong wire type.
  assert.throws(() => decode('etcdserverpb.PutRequest', Uint8Array.from([0x0d, 0, 0, 0, 0])), /wrong wire type/);
  // End group without a start.
  assert.throws(() => decode('etcdserverpb.PutRequest', Uint8Array.from([0x7c])), /wire type/);
  // Misspelt field name when encoding.
  assert.throws(() => encode('etcdserverpb.RangeRequest', { key: 'a', rangeEnd: 'b' }), /has no field "rangeEnd"/);
  assert.throws(() => encode('etcdserverpb.Nope', {}), /unknown protobuf message type/);
});

test('bytes fields accept strings (UTF-8) and Uint8Array', () => {
  const a = encode('etcdserverpb.PutRequest', { key: 'ключ', value: new Uint8Array([0, 255]) });
  const back = decode('etcdserverpb.PutRequest', a);
  assert.deepEqual(back.key, Buffer.from('ключ', 'utf8'));
  assert.deepEqual(back.value, Buffer.from([0, 255]));
  // Input given as a Uint8Array view into a larger buffer.
  const big = new Uint8Array(a.length + 4);
  big.set(a, 2);
  assert.deepEqual(decode('etcdserverpb.PutRequest', big.subarray(2, 2 + a.length)), back);
});

test('strings decode as UTF-8, invalid sequences become U+FFFD', () => {
  const wire = Uint8Array.from([...lfield(2, [0x68, 0xc3, 0xa9, 0xff, 0x21])]);
  assert.equal(decode('etcdserverpb.Member', wire).name, 'hé\ufffd!');
});

test('oneof: only the member on the wire is set; zero members are still written', () => {
  const cmp = { result: 0, target: 'VERSION', key: 'k', version: 0n };
  const bytes = encode('etcdserverpb.Compare', cmp);
  // target VERSION (0) and result EQUAL (0) are omitted, but version=0 is written.
  assert.equal(hex(bytes), hex(Uint8Array.from([...lfield(3, 'k'), ...vfield(4, 0)])));
  const back = decode('etcdserverpb.Compare', bytes);
  assert.equal(back.version, 0n);
  assert.equal('create_revision' in back, false);
  assert.equal('mod_revision' in back, false);
  assert.equal('value' in back, false);
  assert.equal('lease' in back, false);
  assert.deepEqual(back.range_end, Buffer.alloc(0));

  // Last member on the wire wins and clears the earlier one.
  const two = Uint8Array.from([...vfield(5, 3), ...lfield(7, 'v')]);
  const d = decode('etcdserverpb.Compare', two);
  assert.equal('create_revision' in d, false);
  assert.deepEqual(d.value, Buffer.from('v'));

  const none = decode('etcdserverpb.ResponseOp', new Uint8Array(0));
  assert.deepEqual(none, {});
});

test('field 64 (two-byte tag) round trips', () => {
  const bytes = encode('etcdserverpb.Compare', { key: 'a', range_end: 'b', mod_revision: 5 });
  assert.equal(hex(bytes), hex(Uint8Array.from([...lfield(3, 'a'), ...vfield(6, 5), ...lfield(64, 'b')])));
  assert.equal(hex(Uint8Array.from(tag(64, 2))), '8204');
  const back = decode('etcdserverpb.Compare', bytes);
  assert.deepEqual(back.range_end, Buffer.from('b'));
  assert.equal(back.mod_revision, 5n);
});

test('negative enum / int32 is a 10-byte varint', () => {
  const bytes = encode('etcdserverpb.Compare', { result: -1 });
  assert.equal(hex(bytes), '08ffffffffffffffffff01');
  assert.equal(decode('etcdserverpb.Compare', bytes).result, -1);
});

test('byte-exact re-encode of a hand-built RangeResponse', () => {
  const kv = (key: string, rev: number, value: string) => [
    ...lfield(1, key),
    ...vfield(2, rev),
    ...vfield(3, rev),
    ...vfield(4, 1),
    ...lfield(5, value),
  ];
  const wire = Uint8Array.from([
    ...lfield(1, headerBytes()),
    ...lfield(2, kv('/p/a', 4, 'va')),
    ...lfield(2, kv('/p/b', 5, 'vb')),
    ...vfield(3, 1),
    ...vfield(4, 4),
  ]);
  const msg = decode('etcdserverpb.RangeResponse', wire);
  assert.equal(msg.kvs.length, 2);
  assert.equal(msg.kvs[1].key.toString(), '/p/b');
  assert.equal(msg.kvs[1].lease, 0n);
  assert.equal(msg.more, true);
  assert.equal(msg.count, 4n);
  assert.equal(hex(encode('etcdserverpb.RangeResponse', msg)), hex(wire));
});

test('byte-exact re-encode of a nested TxnResponse and TxnRequest', () => {
  const resp = Uint8Array.from([
    ...lfield(1, headerBytes()),
    ...vfield(2, 1),
    ...lfield(3, lfield(2, lfield(1, vfield(3, 39)))), // response_put { header { revision: 39 } }
    ...lfield(3, lfield(1, [...lfield(1, vfield(3, 39)), ...vfield(4, 0x7fffffffffffffffn)])), // response_range
    ...lfield(3, lfield(4, [...lfield(1, []), ...lfield(3, lfield(3, vfield(2, 1)))])), // nested txn
    ...lfield(3, []), // a ResponseOp with nothing set
  ]);
  const msg = decode('etcdserverpb.TxnResponse', resp);
  assert.equal(msg.succeeded, true);
  assert.equal(msg.responses.length, 4);
  assert.equal(msg.responses[0].response_put.header.revision, 39n);
  assert.equal(msg.responses[0].response_range, undefined);
  assert.equal(msg.responses[1].response_range.count, 0x7fffffffffffffffn);
  assert.deepEqual(msg.responses[2].response_txn.header, { cluster_id: 0n, member_id: 0n, revision: 0n, raft_term: 0n });
  assert.equal(msg.responses[2].response_txn.responses[0].response_delete_range.deleted, 1n);
  assert.deepEqual(msg.responses[3], {});
  assert.equal(hex(encode('etcdserverpb.TxnResponse', msg)), hex(resp));

  const req = {
    compare: [{ result: 'GREATER', target: 'MOD', key: 'k', mod_revision: 3 }],
    success: [{ request_put: { key: 'k', value: 'v' } }, { request_txn: { failure: [{ request_range: { key: 'x' } }] } }],
    failure: [{ request_delete_range: { key: 'k', prev_kv: true } }],
  };
  const reqBytes = encode('etcdserverpb.TxnRequest', req);
  const reqBack = decode('etcdserverpb.TxnRequest', reqBytes);
  assert.equal(reqBack.compare[0].result, 1);
  assert.equal(reqBack.compare[0].target, 2);
  assert.equal(reqBack.compare[0].mod_revision, 3n);
  assert.deepEqual(reqBack.success[1].request_txn.failure[0].request_range.key, Buffer.from('x'));
  assert.equal(reqBack.failure[0].request_delete_range.prev_kv, true);
  assert.equal(hex(encode('etcdserverpb.TxnRequest', reqBack)), hex(reqBytes));
});

test('a singular message field repeated on the wire is merged', () => {
  const wire = Uint8Array.from([...lfield(1, vfield(1, 5)), ...lfield(1, vfield(3, 6))]);
  const h = decode('etcdserverpb.PutResponse', wire).header;
  assert.deepEqual(h, { cluster_id: 5n, member_id: 0n, revision: 6n, raft_term: 0n });
});

test('watch request oneof and events round trip', () => {
  const req = encode('etcdserverpb.WatchRequest', {
    create_request: { key: 'a', range_end: 'b', start_revision: 10, prev_kv: true, watch_id: 0 },
  });
  const back = decode('etcdserverpb.WatchRequest', req);
  assert.equal(back.create_request.start_revision, 10n);
  assert.equal('cancel_request' in back, false);
  assert.deepEqual(decode('etcdserverpb.WatchRequest', encode('etcdserverpb.WatchRequest', { progress_request: {} })), {
    progress_request: {},
  });

  const resp = {
    header: { cluster_id: CLUSTER_ID, member_id: MEMBER_ID, revision: 12n, raft_term: 3n },
    watch_id: 0n,
    created: false,
    canceled: false,
    compact_revision: 0n,
    cancel_reason: '',
    fragment: false,
    events: [
      {
        type: 1,
        kv: { key: Buffer.from('a'), create_revision: 0n, mod_revision: 12n, version: 0n, value: Buffer.alloc(0), lease: 0n },
        prev_kv: { key: Buffer.from('a'), create_revision: 2n, mod_revision: 11n, version: 4n, value: Buffer.from('x'), lease: 7587883196208474123n },
      },
    ],
  };
  assert.deepEqual(decode('etcdserverpb.WatchResponse', encode('etcdserverpb.WatchResponse', resp)), resp);
});

test('auth and member messages round trip', () => {
  const role = {
    header: { cluster_id: 1n, member_id: 2n, revision: 3n, raft_term: 4n },
    perm: [
      { permType: 2, key: Buffer.from('a'), range_end: Buffer.from('b') },
      { permType: 0, key: Buffer.from('c'), range_end: Buffer.alloc(0) },
    ],
  };
  assert.deepEqual(decode('etcdserverpb.AuthRoleGetResponse', encode('etcdserverpb.AuthRoleGetResponse', role)), role);

  const add = { name: 'root', password: '', options: { no_password: true }, hashedPassword: '' };
  assert.deepEqual(decode('etcdserverpb.AuthUserAddRequest', encode('etcdserverpb.AuthUserAddRequest', add)), add);

  const members = {
    header: { cluster_id: CLUSTER_ID, member_id: MEMBER_ID, revision: 0n, raft_term: 2n },
    members: [
      { ID: MEMBER_ID, name: 'default', peerURLs: ['http://localhost:2380'], clientURLs: ['http://localhost:2379'], isLearner: false },
      { ID: 0xfedcba9876543210n, name: '', peerURLs: ['http://10.0.0.2:2380', 'http://10.0.0.3:2380'], clientURLs: [], isLearner: true },
    ],
  };
  assert.deepEqual(decode('etcdserverpb.MemberListResponse', encode('etcdserverpb.MemberListResponse', members)), members);

  const status = decode(
    'etcdserverpb.StatusResponse',
    encode('etcdserverpb.StatusResponse', { version: '3.5.17', dbSize: 20480, leader: MEMBER_ID, errors: ['NOSPACE'], isLearner: false }),
  );
  assert.equal(status.dbSize, 20480n);
  assert.equal(status.leader, MEMBER_ID);
  assert.deepEqual(status.errors, ['NOSPACE']);
});

test('uint32 above 2^31 stays unsigned', () => {
  const bytes = encode('etcdserverpb.HashKVResponse', { hash: 0xfedcba98, compact_revision: 3 });
  assert.equal(decode('etcdserverpb.HashKVResponse', bytes).hash, 0xfedcba98);
});

// ---------------------------------------------------------------------------
// gRPC message framing of a response body.

import { Deframer, frame } from '../src/client/grpc.js';

test('deframer: messages whatever the chunking, prefix split included; compressed refused', () => {
  const messages = [Buffer.alloc(0), Buffer.from('a'), Buffer.alloc(70_000, 7), Buffer.from('tail message')];
  const body = Buffer.concat(messages.map((m) => frame(m)));
  for (const size of [1, 2, 3, 4, 5, 6, 7, 100, 16_384, body.length]) {
    const d = new Deframer();
    const got: Buffer[] = [];
    for (let off = 0; off < body.length; off += size) d.push(body.subarray(off, off + size), (m) => got.push(Buffer.from(m)));
    assert.deepEqual(got, messages, `chunks of ${size}`);
  }
  const compressed = frame(Buffer.from('x'));
  compressed[0] = 1;
  assert.throws(() => new Deframer().push(compressed, () => {}), /compressed gRPC messages are not supported/);
});

test('deframer: a large message in many chunks is joined once, when complete', () => {
  // 8 MiB in 16 KiB frames: every chunk but the last is kept as it came (not copied into a
  // growing buffer); the message arrives whole and right.
  const msg = Buffer.alloc(8 * 1024 * 1024);
  for (let i = 0; i < msg.length; i += 4096) msg[i] = i / 4096;
  const body = frame(msg);
  const d = new Deframer();
  const got: Buffer[] = [];
  const chunks: Buffer[] = [];
  for (let off = 0; off < body.length; off += 16_384) chunks.push(body.subarray(off, off + 16_384));
  for (const c of chunks.slice(0, -1)) {
    d.push(c, (m) => got.push(m));
    assert.equal(got.length, 0);
  }
  // Nothing was joined while the message was incomplete: the chunks kept are the very ones pushed.
  const kept = (d as unknown as { pending: Buffer[] }).pending;
  assert.equal(kept.length, chunks.length - 1);
  assert.ok(kept.every((b, i) => b === chunks[i]));
  d.push(chunks[chunks.length - 1], (m) => got.push(m));
  assert.equal(got.length, 1);
  assert.ok(got[0].equals(msg));
});
