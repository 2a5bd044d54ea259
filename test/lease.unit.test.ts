// The pure parts of the lease family: argument checks and the printers of
// lease results in every format, against outputs of the real etcdctl (3.4.23
// observed; 3.5 where its source says otherwise), and the keep-alive loop
// against a fake stream.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { createPrinter } from '../src/output/index.js';
import { TextPrinter } from '../src/output/text.js';
import { decodeMessage as decode, encodeMessage as encode } from '../src/proto/registry.js';
import { EtcdctlError } from '../src/errors.js';
import { GrpcError, Status } from '../src/client/status.js';
import { goHex016 } from '../src/ids.js';
import { headerCompactText } from '../src/output/lease.js';
import { callFailure, checkTimeToLiveArgs, grantTtlArg, keepAliveIdArg, leaseIdArg, revokeIdArg } from '../commands/lease.js';
import { LeaseKeeper, keepAliveOnce } from '../src/client/keepalive.js';
import type { Reply } from '../src/client/client.js';

const header = { cluster_id: 2037210783374497686n, member_id: 13195394291058371180n, revision: 336n, raft_term: 3n };
const HDR_FIELDS = '"ClusterID" : 2037210783374497686\n"MemberID" : 13195394291058371180\n"Revision" : 336\n"RaftTerm" : 3\n';
const HDR_JSON = '"cluster_id":2037210783374497686,"member_id":13195394291058371180,"revision":336,"raft_term":3';
/** What etcdctl prints for -w protobuf of every lease result but revoke: the header alone. */
const HDR_PB = encode('etcdserverpb.ResponseHeader', header);

function reply(type: string, msg: object): Reply {
  const raw = encode(type, msg);
  return { msg: decode(type, raw), raw, type };
}

function print(format: string, fn: (p: any) => void): Buffer {
  const chunks: Buffer[] = [];
  const sink = { write: (c: string | Uint8Array) => void chunks.push(Buffer.from(c)) };
  fn(createPrinter(format, sink, { hex: false, valueOnly: false }));
  return Buffer.concat(chunks);
}

function throwsEtcdctl(fn: () => unknown, message: string, code: number): void {
  assert.throws(fn, (e: unknown) => e instanceof EtcdctlError && e.message === message && e.code === code);
}

// ---- arguments --------------------------------------------------------------

test('lease IDs are hex int64, as strconv.ParseInt(s, 16, 64) reads them', () => {
  assert.equal(leaseIdArg('6a6ca200b0efee47'), 0x6a6ca200b0efee47n);
  assert.equal(leaseIdArg('7fffffffffffffff'), (1n << 63n) - 1n);
  assert.equal(leaseIdArg('-1'), -1n);
  assert.equal(leaseIdArg('+ff'), 255n);
  assert.equal(leaseIdArg('ABC'), 0xabcn);
  throwsEtcdctl(() => leaseIdArg('zz'), 'bad lease ID arg (strconv.ParseInt: parsing "zz": invalid syntax), expecting ID in Hex', 128);
  throwsEtcdctl(() => leaseIdArg('0x10'), 'bad lease ID arg (strconv.ParseInt: parsing "0x10": invalid syntax), expecting ID in Hex', 128);
  throwsEtcdctl(() => leaseIdArg(''), 'bad lease ID arg (strconv.ParseInt: parsing "": invalid syntax), expecting ID in Hex', 128);
  throwsEtcdctl(
    () => leaseIdArg('8000000000000000'),
    'bad lease ID arg (strconv.ParseInt: parsing "8000000000000000": value out of range), expecting ID in Hex',
    128,
  );
});

test('grant: one decimal TTL', () => {
  assert.equal(grantTtlArg(['600']), 600n);
  assert.equal(grantTtlArg(['+5']), 5n);
  assert.equal(grantTtlArg(['-5']), -5n);
  assert.equal(grantTtlArg(['0']), 0n);
  throwsEtcdctl(() => grantTtlArg([]), 'lease grant command needs TTL argument', 128);
  throwsEtcdctl(() => grantTtlArg(['1', '2']), 'lease grant command needs TTL argument', 128);
  throwsEtcdctl(() => grantTtlArg(['abc']), 'bad TTL (strconv.ParseInt: parsing "abc": invalid syntax)', 128);
  throwsEtcdctl(() => grantTtlArg(['0x5']), 'bad TTL (strconv.ParseInt: parsing "0x5": invalid syntax)', 128);
  throwsEtcdctl(() => grantTtlArg(['99999999999999999999']), 'bad TTL (strconv.ParseInt: parsing "99999999999999999999": value out of range)', 128);
});

test('revoke, timetolive, keep-alive: argument counts come before the ID', () => {
  throwsEtcdctl(() => revokeIdArg([]), 'lease revoke command needs 1 argument', 128);
  throwsEtcdctl(() => revokeIdArg(['zz', 'b']), 'lease revoke command needs 1 argument', 128);
  assert.equal(revokeIdArg(['10']), 16n);
  throwsEtcdctl(() => checkTimeToLiveArgs([]), 'lease timetolive command needs lease ID as argument', 128);
  throwsEtcdctl(() => checkTimeToLiveArgs(['1', '2']), 'lease timetolive command needs lease ID as argument', 128);
  checkTimeToLiveArgs(['zz']); // the ID itself is read later
  throwsEtcdctl(() => keepAliveIdArg([]), 'lease keep-alive command needs lease ID as argument', 128);
  throwsEtcdctl(() => keepAliveIdArg(['zz']), 'bad lease ID arg (strconv.ParseInt: parsing "zz": invalid syntax), expecting ID in Hex', 128);
});

test('failed calls: etcdctl wording and exit codes', () => {
  const notFound = new GrpcError(Status.NOT_FOUND, 'etcdserver: requested lease not found');
  const e1 = callFailure(notFound, 1, (r) => `failed to revoke lease (${r})`) as EtcdctlError;
  assert.equal(e1.message, 'failed to revoke lease (etcdserver: requested lease not found)');
  assert.equal(e1.code, 1);
  const e2 = callFailure(notFound, 2) as EtcdctlError;
  assert.equal(e2.message, 'etcdserver: requested lease not found');
  assert.equal(e2.code, 2);
  // No connection: etcdctl's text for a timeout, with our hint kept; timetolive/list/keep-alive exit 2.
  const dial = new EtcdctlError('context deadline exceeded', 1, ['connection refused']);
  const e3 = callFailure(dial, 2) as EtcdctlError;
  assert.deepEqual([e3.message, e3.code, e3.hints], ['context deadline exceeded', 2, ['connection refused']]);
  const e4 = callFailure(dial, 1, (r) => `failed to grant lease (${r})`) as EtcdctlError;
  assert.deepEqual([e4.message, e4.code], ['failed to grant lease (context deadline exceeded)', 1]);
  // Authentication failed while connecting: etcdctl exits 2 before the call, unwrapped.
  const auth = new EtcdctlError('etcdserver: authentication failed, invalid user ID or password', 2);
  assert.equal(callFailure(auth, 1, (r) => `failed to grant lease (${r})`), auth);
  // Unsupported output format (raised by the printer) passes through.
  const fmt = new EtcdctlError('table not supported as output format', 4);
  assert.equal(callFailure(fmt, 2), fmt);
});

// ---- printers -----------------------------------------------------------------

test('Go %016x of a lease ID keeps the sign', () => {
  assert.equal(goHex016(0x6a6ca200b0efee47n), '6a6ca200b0efee47');
  assert.equal(goHex016(0x1234n), '0000000000001234');
  assert.equal(goHex016(0n), '0000000000000000');
  assert.equal(goHex016(-1n), '-000000000000001');
  assert.equal(goHex016(-0x10n), '-000000000000010');
});

test('grant in every format', () => {
  const r = reply('etcdserverpb.LeaseGrantResponse', { header, ID: 7668682389357325918n, TTL: 5n });
  assert.equal(print('simple', (p) => p.leaseGrant(r)).toString(), 'lease 6a6ca200b0efee5e granted with TTL(5s)\n');
  assert.equal(print('json', (p) => p.leaseGrant(r)).toString(), `{${HDR_JSON},"ID":7668682389357325918,"TTL":5,"Error":""}\n`);
  assert.equal(print('fields', (p) => p.leaseGrant(r)).toString(), `${HDR_FIELDS}"ID" : 7668682389357325918\n"TTL" : 5\n`);
  assert.deepEqual(print('protobuf', (p) => p.leaseGrant(r)), HDR_PB);
  // observed: etcdctl 3.4.23 -w protobuf lease grant 5
  assert.equal(HDR_PB.toString('hex'), '0896af879d9f8de8a21c10ecd481eea0a6dd8fb70118d0022003');
  throwsEtcdctl(() => print('table', (p) => p.leaseGrant(r)), 'table not supported as output format', 4);
});

test('grant json: a zero header field is left out (omitempty), Error is escaped like Go', () => {
  const r = reply('etcdserverpb.LeaseGrantResponse', { header: { ...header, revision: 0n }, ID: 1n, TTL: 2n, error: '<x>' });
  assert.equal(
    print('json', (p) => p.leaseGrant(r)).toString(),
    '{"cluster_id":2037210783374497686,"member_id":13195394291058371180,"raft_term":3,"ID":1,"TTL":2,"Error":"\\u003cx\\u003e"}\n',
  );
});

test('revoke in every format; protobuf fails as etcdctl 3.5 fails', () => {
  const r = reply('etcdserverpb.LeaseRevokeResponse', { header });
  assert.equal(print('simple', (p) => p.leaseRevoke(0x6a6ca200b0efee47n, r)).toString(), 'lease 6a6ca200b0efee47 revoked\n');
  assert.equal(print('json', (p) => p.leaseRevoke(1n, r)).toString(), `{"header":{${HDR_JSON}}}\n`);
  assert.equal(print('fields', (p) => p.leaseRevoke(1n, r)).toString(), HDR_FIELDS);
  // 3.4.23 prints `({cluster_id:… raft_term:3 })`; 3.5's struct has three more (XXX_) fields.
  throwsEtcdctl(
    () => print('protobuf', (p) => p.leaseRevoke(1n, r)),
    'marshal unsupported for type clientv3.LeaseRevokeResponse ({cluster_id:2037210783374497686 member_id:13195394291058371180 revision:336 raft_term:3  {} [] 0})',
    4,
  );
  throwsEtcdctl(() => print('table', (p) => p.leaseRevoke(1n, r)), 'table not supported as output format', 4);
  assert.equal(headerCompactText({ cluster_id: 1n, member_id: 0n, revision: 0n, raft_term: 2n }), 'cluster_id:1 raft_term:2 ');
});

test('timetolive in every format, with and without keys', () => {
  const withKeys = reply('etcdserverpb.LeaseTimeToLiveResponse', {
    header, ID: 7668682389357325897n, TTL: 99n, grantedTTL: 100n, keys: [Buffer.from('/lease-trial/a'), Buffer.from('/lease-trial/b')],
  });
  assert.equal(
    print('simple', (p) => p.leaseTimeToLive(withKeys, true)).toString(),
    'lease 6a6ca200b0efee49 granted with TTL(100s), remaining(99s), attached keys([/lease-trial/a /lease-trial/b])\n',
  );
  assert.equal(print('simple', (p) => p.leaseTimeToLive(withKeys, false)).toString(), 'lease 6a6ca200b0efee49 granted with TTL(100s), remaining(99s)\n');
  assert.equal(
    print('json', (p) => p.leaseTimeToLive(withKeys, true)).toString(),
    `{${HDR_JSON},"id":7668682389357325897,"ttl":99,"granted-ttl":100,"keys":["L2xlYXNlLXRyaWFsL2E=","L2xlYXNlLXRyaWFsL2I="]}\n`,
  );
  assert.equal(
    print('fields', (p) => p.leaseTimeToLive(withKeys, true)).toString(),
    `${HDR_FIELDS}"ID" : 7668682389357325897\n"TTL" : 99\n"GrantedTTL" : 100\n"Key" : "/lease-trial/a"\n"Key" : "/lease-trial/b"\n`,
  );
  assert.deepEqual(print('protobuf', (p) => p.leaseTimeToLive(withKeys, true)), HDR_PB);
  throwsEtcdctl(() => print('table', (p) => p.leaseTimeToLive(withKeys, true)), 'table not supported as output format', 4);

  const noKeys = reply('etcdserverpb.LeaseTimeToLiveResponse', { header, ID: 16n, TTL: 5n, grantedTTL: 9n });
  assert.equal(print('simple', (p) => p.leaseTimeToLive(noKeys, true)).toString(), 'lease 0000000000000010 granted with TTL(9s), remaining(5s), attached keys([])\n');
  assert.equal(print('json', (p) => p.leaseTimeToLive(noKeys, true)).toString(), `{${HDR_JSON},"id":16,"ttl":5,"granted-ttl":9,"keys":null}\n`);

  // Keys are raw bytes in simple, %q in fields.
  const odd = reply('etcdserverpb.LeaseTimeToLiveResponse', { header, ID: 1n, TTL: 1n, grantedTTL: 2n, keys: [Buffer.from([0x61, 0xff, 0x0a])] });
  assert.deepEqual(print('simple', (p) => p.leaseTimeToLive(odd, true)), Buffer.concat([
    Buffer.from('lease 0000000000000001 granted with TTL(2s), remaining(1s), attached keys(['), Buffer.from([0x61, 0xff, 0x0a]), Buffer.from('])\n'),
  ]));
  assert.equal(print('fields', (p) => p.leaseTimeToLive(odd, true)).toString().split('\n').at(-2), '"Key" : "a\\xff\\n"');
});

test('timetolive of an expired or unknown lease', () => {
  const gone = reply('etcdserverpb.LeaseTimeToLiveResponse', { header, ID: -1n, TTL: -1n, grantedTTL: 0n });
  assert.equal(print('simple', (p) => p.leaseTimeToLive(gone, true)).toString(), 'lease -000000000000001 already expired\n');
  assert.equal(print('json', (p) => p.leaseTimeToLive(gone, false)).toString(), `{${HDR_JSON},"id":-1,"ttl":-1,"granted-ttl":0,"keys":null}\n`);
  assert.equal(print('fields', (p) => p.leaseTimeToLive(gone, false)).toString(), `${HDR_FIELDS}"ID" : -1\n"TTL" : -1\n"GrantedTTL" : 0\n`);
});

test('list in every format, none and several', () => {
  const none = reply('etcdserverpb.LeaseLeasesResponse', { header });
  assert.equal(print('simple', (p) => p.leaseList(none)).toString(), 'found 0 leases\n');
  assert.equal(print('json', (p) => p.leaseList(none)).toString(), `{${HDR_JSON},"leases":[]}\n`);
  assert.equal(print('fields', (p) => p.leaseList(none)).toString(), HDR_FIELDS);
  const two = reply('etcdserverpb.LeaseLeasesResponse', { header, leases: [{ ID: 0x6a6ca200b0efee66n }, { ID: 0x68n }] });
  assert.equal(print('simple', (p) => p.leaseList(two)).toString(), 'found 2 leases\n6a6ca200b0efee66\n0000000000000068\n');
  assert.equal(print('json', (p) => p.leaseList(two)).toString(), `{${HDR_JSON},"leases":[{"id":7668682389357325926},{"id":104}]}\n`);
  assert.equal(print('fields', (p) => p.leaseList(two)).toString(), `${HDR_FIELDS}"ID" : 7668682389357325926\n"ID" : 104\n`);
  assert.deepEqual(print('protobuf', (p) => p.leaseList(two)), HDR_PB);
  throwsEtcdctl(() => print('table', (p) => p.leaseList(two)), 'table not supported as output format', 4);
});

test('keep-alive responses in every format, and the end line', () => {
  const r = reply('etcdserverpb.LeaseKeepAliveResponse', { header, ID: 0x6a6ca200b0efeeb6n, TTL: 3n });
  assert.equal(print('simple', (p) => p.leaseKeepAlive(r)).toString(), 'lease 6a6ca200b0efeeb6 keepalived with TTL(3)\n');
  assert.equal(print('json', (p) => p.leaseKeepAlive(r)).toString(), `{${HDR_JSON},"ID":7668682389357326006,"TTL":3}\n`);
  assert.equal(print('fields', (p) => p.leaseKeepAlive(r)).toString(), `${HDR_FIELDS}"ID" : 7668682389357326006\n"TTL" : 3\n`);
  assert.deepEqual(print('protobuf', (p) => p.leaseKeepAlive(r)), HDR_PB);
  throwsEtcdctl(() => print('table', (p) => p.leaseKeepAlive(r)), 'table not supported as output format', 4);
  const out: string[] = [];
  new TextPrinter({ write: (c) => void out.push(String(c)) }, { write: () => {} }).leaseExpired(0x6a6ca200b0efeeb6n);
  assert.deepEqual(out, ['lease 6a6ca200b0efeeb6 expired or revoked.\n']);
});

// ---- the keep-alive loop, against a fake server ---------------------------------

/** A fake EtcdStream: records what is sent, lets the test answer. */
class FakeStream extends EventEmitter {
  sent: bigint[] = [];
  canceled = false;
  send(req: { ID: bigint }): void { this.sent.push(req.ID); }
  end(): void {}
  cancel(): void {
    if (this.canceled) return;
    this.canceled = true;
    this.emit('end', new GrpcError(Status.CANCELLED, 'context canceled'));
  }
  answer(id: bigint, ttl: bigint): void {
    const msg = { header, ID: id, TTL: ttl };
    this.emit('message', { msg, raw: Buffer.alloc(0), type: 'etcdserverpb.LeaseKeepAliveResponse' });
  }
}

/** A fake client: every stream() call gets the next FakeStream (or fails). */
class FakeClient {
  streams: FakeStream[] = [];
  closed = 0;
  failNext = 0;
  config = {};
  async stream(): Promise<FakeStream> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new EtcdctlError('context deadline exceeded', 1);
    }
    const s = new FakeStream();
    this.streams.push(s);
    return s;
  }
  close(): void { this.closed++; }
  /** The typed face the keeper uses: its one streaming method. */
  lease = { leaseKeepAlive: () => this.stream() };
}

const FAST = { sendTickMs: 20, deadlineTickMs: 40, retryMs: 20, firstResponseMs: 400 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await sleep(5);
  assert.ok(cond(), what);
}

test('keeper: renews when TTL/3 has passed, on the send tick; TTL 0 ends it as gone', async () => {
  const client = new FakeClient();
  const seen: bigint[] = [];
  const keeper = new LeaseKeeper(client as any, 7n, (r) => void seen.push(r.msg.TTL), FAST).start();
  await until(() => client.streams[0]?.sent.length > 0, 'the first renewal goes out at once');
  const s = client.streams[0];
  assert.equal(s.sent[0], 7n);
  s.answer(7n, 1n); // next one due after 333 ms
  const sent = s.sent.length; // (until answered, it is repeated on every tick, as Go's client does)
  await sleep(200);
  assert.equal(s.sent.length, sent, 'nothing before TTL/3');
  await sleep(250);
  assert.ok(s.sent.length > sent, 'renewed after TTL/3');
  s.answer(99n, 5n); // another lease: ignored
  s.answer(7n, 0n);
  assert.equal(await keeper.done, 'gone');
  assert.deepEqual(seen, [1n]);
  assert.ok(s.canceled);
});

test('keeper: no answer before the deadline ends it (as Go\'s client does); stop() ends it quietly', async () => {
  const client = new FakeClient();
  const k1 = new LeaseKeeper(client as any, 7n, () => {}, { ...FAST, firstResponseMs: 100 }).start();
  // The unanswered-renewal guard (>= 1 s) does not kick in before the 100 ms deadline.
  assert.equal(await k1.done, 'deadline');
  const k2 = new LeaseKeeper(client as any, 8n, () => {}, FAST).start();
  await sleep(10);
  k2.stop();
  assert.equal(await k2.done, 'stopped');
});

test('keeper: a broken stream is replaced on a fresh connection and renewing goes on', async () => {
  const client = new FakeClient();
  const seen: bigint[] = [];
  const keeper = new LeaseKeeper(client as any, 7n, (r) => void seen.push(r.msg.TTL), { ...FAST, firstResponseMs: 2000 }).start();
  await until(() => client.streams[0]?.sent.length > 0, 'first renewal');
  client.streams[0].answer(7n, 2n);
  client.failNext = 2; // the next two connection attempts fail
  client.streams[0].emit('end', new GrpcError(Status.UNAVAILABLE, 'connection reset'));
  assert.equal(client.closed, 1, 'the connection is dropped so that the next endpoint is tried');
  await sleep(150);
  assert.equal(client.streams.length, 2, 'a new stream after the failed attempts');
  assert.equal(client.streams[1].sent.length, 0, 'no renewal before it is due');
  await sleep(700); // TTL/3 after the last answer
  assert.equal(client.streams[1].sent[0], 7n, 'the renewal goes out on the new stream when due');
  client.streams[1].answer(7n, 2n);
  keeper.stop();
  assert.equal(await keeper.done, 'stopped');
  assert.deepEqual(seen, [2n, 2n]);
});

test('keeper: a stream that stops answering is given up for a new one', async () => {
  const client = new FakeClient();
  const keeper = new LeaseKeeper(client as any, 7n, () => {}, { ...FAST, firstResponseMs: 5000 }).start();
  await sleep(1200); // first renewal never answered: after 1 s, a new stream
  assert.ok(client.streams.length >= 2, `streams: ${client.streams.length}`);
  assert.ok(client.streams[0].canceled);
  assert.equal(client.streams[1].sent[0], 7n);
  keeper.stop();
  await keeper.done;
});

test('keeper: no connection at all at the start is an error; the printer failing ends it with that error', async () => {
  const client = new FakeClient();
  client.failNext = 1;
  const k1 = new LeaseKeeper(client as any, 7n, () => {}, FAST).start();
  await assert.rejects(k1.done, /context deadline exceeded/);
  const k2 = new LeaseKeeper(client as any, 7n, () => { throw new EtcdctlError('table not supported as output format', 4); }, FAST).start();
  await until(() => client.streams.length > 0, 'a stream');
  client.streams.at(-1)!.answer(7n, 3n);
  await assert.rejects(k2.done, /table not supported/);
});

test('keepAliveOnce: the first answer; Unavailable is retried on a fresh connection', async () => {
  const client = new FakeClient();
  const p = keepAliveOnce(client as any, 7n, 2000);
  await until(() => client.streams.length > 0, 'a stream');
  client.streams[0].emit('end', new GrpcError(Status.UNAVAILABLE, 'connection reset'));
  await sleep(150);
  assert.deepEqual(client.streams[1].sent, [7n]);
  client.streams[1].answer(7n, 0n);
  const r = await p;
  assert.equal(r.msg.TTL, 0n);
  const q = keepAliveOnce(client as any, 7n, 2000);
  await until(() => client.streams.length > 2, 'a third stream');
  client.streams.at(-1)!.emit('end', new GrpcError(Status.PERMISSION_DENIED, 'etcdserver: permission denied'));
  await assert.rejects(q, /permission denied/);
  await assert.rejects(keepAliveOnce(client as any, 7n, 50), /context deadline exceeded/);
});
