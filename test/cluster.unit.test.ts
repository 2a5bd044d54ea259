// Pure parts of cluster administration: sizes, IDs, peer URLs and the printers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { humanBytes } from '../src/go/humanize.js';
import { memberIdArg, validatePeerURLs } from '../commands/member.js';
import { createPrinter } from '../src/output/index.js';
import { decodeMessage as decode, encodeMessage as encode } from '../src/proto/registry.js';
import { EtcdctlError } from '../src/errors.js';
import type { Reply } from '../src/client/client.js';

test('sizes as go-humanize prints them (SI units, ties to even)', () => {
  assert.equal(humanBytes(9), '9 B');
  assert.equal(humanBytes(20480n), '20 kB');
  assert.equal(humanBytes(24576n), '25 kB');
  assert.equal(humanBytes(28672n), '29 kB');
  assert.equal(humanBytes(425984n), '426 kB');
  assert.equal(humanBytes(2748416n), '2.7 MB');
  assert.equal(humanBytes(2147483648n), '2.1 GB');
});

test('member IDs are hex uint64, with etcdctl messages', () => {
  assert.equal(memberIdArg(['bdae9bbc11dd390d']), 0xbdae9bbc11dd390dn);
  assert.throws(() => memberIdArg([]), (e: unknown) => e instanceof EtcdctlError && e.code === 128 && e.message === 'member ID is not provided');
  assert.throws(() => memberIdArg(['zz']), { message: 'bad member ID arg (strconv.ParseUint: parsing "zz": invalid syntax), expecting ID in Hex' });
});

test('peer URLs are checked like etcd\'s client checks them', () => {
  validatePeerURLs(['http://127.0.0.1:2380', 'https://[::1]:2380', 'unix://sock:1']);
  assert.throws(() => validatePeerURLs(['ftp://h:1']), { message: 'URL scheme must be http, https, unix, or unixs: ftp://h:1' });
  assert.throws(() => validatePeerURLs(['http://h']), { message: 'URL address does not have the form "host:port": http://h' });
  assert.throws(() => validatePeerURLs(['http://h:1/p']), { message: 'URL must not contain a path: http://h:1/p' });
  assert.throws(() => validatePeerURLs(['127.0.0.1:2380']), { message: 'parse "127.0.0.1:2380": first path segment in URL cannot contain colon' });
  // Go's url.Parse errors (etcd members panic on such URLs, so they must never be sent).
  assert.throws(() => validatePeerURLs(['http://h:abc']), { message: 'parse "http://h:abc": invalid port ":abc" after host' });
  assert.throws(() => validatePeerURLs(['http://%zz:1']), { message: 'parse "http://%zz:1": invalid URL escape "%zz"' });
  assert.throws(() => validatePeerURLs(['http://%41:1']), { message: 'parse "http://%41:1": invalid URL escape "%41"' });
  assert.throws(() => validatePeerURLs(['http://a b:1']), { message: 'parse "http://a b:1": invalid character " " in host name' });
  assert.throws(() => validatePeerURLs(['http://[::1:1']), { message: `parse "http://[::1:1": missing ']' in host` });
  assert.throws(() => validatePeerURLs(['http://h\x01:1']), { message: 'parse "http://h\\x01:1": net/url: invalid control character in URL' });
  assert.throws(() => validatePeerURLs([':1']), { message: 'parse ":1": missing protocol scheme' });
  assert.throws(() => validatePeerURLs(['http:h:1']), { message: 'URL address does not have the form "host:port": http:h:1' });
  assert.throws(() => validatePeerURLs(['http://h:1:2']), { message: 'URL address does not have the form "host:port": http://h:1:2' });
  assert.throws(() => validatePeerURLs(['http://h:1/%zz']), { message: 'parse "http://h:1/%zz": invalid URL escape "%zz"' });
  assert.throws(() => validatePeerURLs(['http://h:1#%zz']), { message: 'parse "http://h:1#%zz": invalid URL escape "%zz"' });
  // Trimmed of spaces first; unix sockets are not checked further (3.5.13+); a query is no path.
  validatePeerURLs([' http://127.0.0.1:2380 ', 'HTTP://H:1', 'http://u@h:1', 'http://h:1?x', 'http://[::1]:1', 'unix://foo', 'unixs:bar']);
});

function reply(type: string, msg: object): Reply {
  const raw = encode(type, msg);
  return { msg: decode(type, raw), raw, type };
}

function print(format: string, fn: (p: any) => void): { out: string; err: string } {
  let out = '';
  let err = '';
  const p = createPrinter(format, { write: (c) => void (out += c.toString()) }, { hex: false, valueOnly: false }, { write: (c) => void (err += c.toString()) });
  fn(p);
  return { out, err };
}

const header = { cluster_id: 0xd1cfaf999eb97a2an, member_id: 0xbdae9bbc11dd390dn, raft_term: 2n };

test('member add prints padded IDs and the ETCD_* lines (simple only)', () => {
  const r = reply('etcdserverpb.MemberAddResponse', {
    header,
    member: { ID: 0xd4af94bcd6e9af4n, peerURLs: ['http://127.0.0.1:23802'] },
    members: [
      { ID: 0xd4af94bcd6e9af4n, peerURLs: ['http://127.0.0.1:23802'] },
      { ID: 0xbdae9bbc11dd390dn, name: 'default', peerURLs: ['http://127.0.0.1:23801'], clientURLs: ['http://127.0.0.1:23791'] },
    ],
  });
  assert.equal(print('simple', (p) => p.memberAdd(r, { name: 'n2', peerURLs: 'http://127.0.0.1:23802' })).out, [
    'Member  d4af94bcd6e9af4 added to cluster d1cfaf999eb97a2a',
    '',
    'ETCD_NAME="n2"',
    'ETCD_INITIAL_CLUSTER="n2=http://127.0.0.1:23802,default=http://127.0.0.1:23801"',
    'ETCD_INITIAL_ADVERTISE_PEER_URLS="http://127.0.0.1:23802"',
    'ETCD_INITIAL_CLUSTER_STATE="existing"',
    '',
  ].join('\n'));
  assert.throws(() => print('fields', (p) => p.memberAdd(r, { name: 'n2', peerURLs: '' })), { message: 'fields not supported as output format' });
  assert.throws(() => print('table', (p) => p.memberRemove(1n, r)), { message: 'table not supported as output format' });
});

test('endpoint status: the simple row keeps its trailing ", " when there are no errors', () => {
  const status = reply('etcdserverpb.StatusResponse', {
    header: { ...header, revision: 26n }, version: '3.4.23', dbSize: 24576n, leader: 0xbdae9bbc11dd390dn,
    raftIndex: 48n, raftTerm: 2n, raftAppliedIndex: 48n, dbSizeInUse: 20480n,
  });
  const list = [{ ep: '127.0.0.1:23791', reply: status }];
  assert.equal(print('simple', (p) => p.endpointStatus(list)).out, '127.0.0.1:23791, bdae9bbc11dd390d, 3.4.23, 25 kB, true, false, 2, 48, 48, \n');
  assert.equal(print('fields', (p) => p.endpointStatus(list)).out, [
    '"ClusterID" : 15118495548433857066', '"MemberID" : 13668033151171901709', '"Revision" : 26', '"RaftTerm" : 2',
    '"Version" : "3.4.23"', '"DBSize" : 24576', '"Leader" : 13668033151171901709', '"IsLearner" : false', '"RaftIndex" : 48',
    '"RaftTerm" : 2', '"RaftAppliedIndex" : 48', '"Errors" : []', '"Endpoint" : "127.0.0.1:23791"', '', '',
  ].join('\n'));
  assert.throws(() => print('protobuf', (p) => p.endpointStatus(list)), { message: 'protobuf not supported as output format' });
});

test('endpoint health: healthy on stdout, unhealthy on stderr; json leaves an empty error out', () => {
  const list = [
    { ep: 'a:1', health: true, took: '1.5ms', error: '' },
    { ep: 'b:2', health: false, took: '1s', error: 'context deadline exceeded' },
  ];
  assert.deepEqual(print('simple', (p) => p.endpointHealth(list)), {
    out: 'a:1 is healthy: successfully committed proposal: took = 1.5ms\n',
    err: 'b:2 is unhealthy: failed to commit proposal: context deadline exceeded\n',
  });
  assert.equal(print('json', (p) => p.endpointHealth(list)).out,
    '[{"endpoint":"a:1","health":true,"took":"1.5ms"},{"endpoint":"b:2","health":false,"took":"1s","error":"context deadline exceeded"}]\n');
});

test('alarms in Go\'s compact text form, zero fields left out', () => {
  const r = reply('etcdserverpb.AlarmResponse', { alarms: [{ memberID: 9009370488483034218n, alarm: 1 }, { memberID: 5n }] });
  assert.equal(print('simple', (p) => p.alarm(r)).out, 'memberID:9009370488483034218 alarm:NOSPACE \nmemberID:5 \n');
  assert.equal(print('json', (p) => p.alarm(r)).out, '{"alarms":[{"memberID":9009370488483034218,"alarm":1},{"memberID":5}]}\n');
});

test('move-leader names both members in unpadded hex', () => {
  const r = reply('etcdserverpb.MoveLeaderResponse', {});
  assert.equal(print('simple', (p) => p.moveLeader(0xbdae9bbc11dd390dn, 0xd4af94bcd6e9af4n, r)).out, 'Leadership transferred from bdae9bbc11dd390d to d4af94bcd6e9af4\n');
  assert.equal(print('json', (p) => p.moveLeader(1n, 2n, r)).out, '{}\n');
});
