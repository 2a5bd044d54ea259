// get --decode's pure parts (src/k8s): the wire reader, the recognisers, the two renderings, and
// the printers' getDecoded. Protobuf values are built with protobufjs from a schema written here
// from the field numbers of k8s.io/apimachinery's pkg/apis/meta/v1/generated.proto (ObjectMeta,
// Time, OwnerReference, ManagedFieldsEntry) and pkg/runtime/generated.proto (Unknown, TypeMeta);
// the object types carry a few of their real fields and, where a test needs one, a made-up one
// (test/fixtures/k8s/values.ts). test/fixtures/k8s/ also holds two values a real API server wrote
// (see its README).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import protobuf from 'protobufjs';
import { readFields } from '../src/proto/wire.js';
import { decodeValue, rfc3339 } from '../src/k8s/decode.js';
import { decodedJSON, decodedText } from '../src/k8s/render.js';
import { prettyJSON, jsonValue } from '../src/k8s/json.js';
import { yamlString } from '../src/k8s/tree.js';
import { createPrinter } from '../src/output/index.js';
import { decodeMessage as decode, encodeMessage as encode } from '../src/proto/registry.js';
import { EtcdctlError, ExitCode } from '../src/errors.js';
import { CONFIGMAP, CRD_JSON, ENCRYPTED, fixture, LEASE, POD, POD_JSON, POD_TEXT, root } from './fixtures/k8s/values.js';
import type { Reply } from '../src/client/client.js';

// ---- the wire reader --------------------------------------------------------------

test('readFields: every wire type, then a stop at the first malformed field with what read before it', () => {
  const w = protobuf.Writer.create();
  w.uint32((1 << 3) | 0).uint64('18446744073709551615');
  w.uint32((2 << 3) | 1).fixed64('9007199254740993');
  w.uint32((3 << 3) | 2).bytes(Buffer.from('hi'));
  w.uint32((4 << 3) | 5).fixed32(4000000000);
  const good = Buffer.from(w.finish());
  assert.deepEqual(readFields(good), {
    fields: [
      { field: 1, wire: 'varint', value: 18446744073709551615n },
      { field: 2, wire: 'fixed64', value: 9007199254740993n },
      { field: 3, wire: 'bytes', bytes: Buffer.from('hi') },
      { field: 4, wire: 'fixed32', value: 4000000000 },
    ],
  });
  const cases: Array<[Buffer, string]> = [
    [Buffer.from([0x08]), 'truncated varint at byte 0'],
    [Buffer.from([0x12, 0x05, 0x61]), 'truncated length-delimited field at byte 0'],
    [Buffer.from([0x11, 1, 2, 3]), 'truncated fixed64 field at byte 0'],
    [Buffer.from([0x00, 0x01]), 'invalid field number 0 at byte 0'],
    [Buffer.from([0x0b]), 'unsupported wire type 3 at byte 0'],
    [Buffer.from([0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), 'varint longer than 10 bytes at byte 0'],
  ];
  for (const [bad, error] of cases) {
    const r = readFields(Buffer.concat([Buffer.from([0x08, 0x07]), bad]));
    assert.deepEqual(r.fields, [{ field: 1, wire: 'varint', value: 7n }], error);
    assert.deepEqual(r.rest, { offset: 2, bytes: bad, error: error.replace('byte 0', 'byte 2') });
  }
});

// ---- protobuf objects --------------------------------------------------------------

test('a Pod: TypeMeta, ObjectMeta by name (zero values left out, labels and annotations as maps, owner references), the rest by number', () => {
  const d = decodeValue(POD);
  assert.equal(decodedText(d), POD_TEXT);
  assert.equal(decodedJSON(d), POD_JSON);
});

test('a ConfigMap: int64 beyond 2^53 exact, times with fractions, pointer fields kept when zero, managedFields, maps by number', () => {
  const d = decodeValue(CONFIGMAP);
  assert.equal(decodedText(d), `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: kube-system
  resourceVersion: "4711"
  generation: 1152921504606846977
  creationTimestamp: "2023-11-14T22:13:20.12Z"
  deletionTimestamp: "2023-11-14T22:23:20Z"
  deletionGracePeriodSeconds: 0
  managedFields:
  - manager: kubectl
    operation: Update
    apiVersion: v1
    time: "2023-11-14T22:13:20Z"
    fieldsType: FieldsV1
    fieldsV1: "{\\"f:data\\":{}}"
2:
  1: app.conf
  2: "port=80\\nhost=0.0.0.0\\n"
3:
  1: blob
  2: <4 bytes: 000102ff>
4: 0
`);
  const json = decodedJSON(d);
  assert.ok(json.includes('"generation":1152921504606846977,'), json);
  assert.ok(json.endsWith(',"fields":{"2":{"1":"app.conf","2":"port=80\\nhost=0.0.0.0\\n"},"3":{"1":"blob","2":{"bytes":"AAEC/w=="}},"4":0}}'), json);
});

test('a Lease: a uint64 varint of 2^64-1 in an unknown field keeps all its digits, in text and JSON', () => {
  const d = decodeValue(LEASE);
  assert.equal(decodedText(d), `apiVersion: coordination.k8s.io/v1
kind: Lease
metadata:
  name: node-1
  namespace: kube-node-lease
  uid: u-1
2:
  1: node-1
  2: 40
  4:
    1: 1700000000
    2: 123456000
  99: 18446744073709551615
`);
  assert.equal(decodedJSON(d), '{"format":"protobuf","apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"node-1","namespace":"kube-node-lease","uid":"u-1"},' +
    '"fields":{"2":{"1":"node-1","2":40,"4":{"1":1700000000,"2":123456000},"99":18446744073709551615}}}');
});

test('real values (etcd-io/auger testdata): a Pod and a Job, their metadata as kubectl shows it', () => {
  const pod = decodedText(decodeValue(fixture('pod.bin')))!;
  assert.ok(pod.startsWith(`apiVersion: v1
kind: Pod
metadata:
  name: pi-dqtsw
  generateName: pi-
  namespace: default
  selfLink: /api/v1/namespaces/default/pods/pi-dqtsw
  uid: a4adc7ca-5b56-11e7-8d4b-42010a800002
  creationTimestamp: "2017-06-27T16:35:34.625683014Z"
  labels:
    controller-uid: a4acc46c-5b56-11e7-8d4b-42010a800002
    job-name: pi
  annotations:
    kubernetes.io/created-by: "{\\"kind\\":\\"SerializedReference\\",\\"apiVersion\\":\\"v1\\",\\"reference\\":{\\"kind\\":\\"Job\\",\\"namespace\\":\\"default\\",\\"name\\":\\"pi\\",\\"uid\\":\\"a4acc46c-5b56-11e7-8d4b-42010a800002\\",\\"apiVersion\\":\\"batch\\",\\"resourceVersion\\":\\"82647\\"}}\\n"
    kubernetes.io/limit-ranger: "LimitRanger plugin set: cpu request for container pi"
  ownerReferences:
  - apiVersion: batch/v1
    kind: Job
    name: pi
    uid: a4acc46c-5b56-11e7-8d4b-42010a800002
    controller: true
    blockOwnerDeletion: true
  15: ""
2:
`), pod);
  assert.ok(pod.includes('\n  10: kubernetes-minion-group-vlql\n'), pod);
  assert.ok(pod.endsWith('\n  9: Burstable\n'), pod);
  const job = decodeValue(fixture('job.bin'));
  assert.ok(job.format === 'protobuf' && job.apiVersion === 'batch/v1' && job.kind === 'Job' && job.unparsed === undefined);
  assert.ok(decodedText(job)!.startsWith('apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: pi\n  namespace: default\n  selfLink: /apis/batch/v1/namespaces/default/jobs/pi\n'));
});

test('garbage after k8s\\0: what read is shown, then the rest as bytes with the reason; never an exception', () => {
  const cut = POD.subarray(0, 40);
  const d = decodeValue(cut);
  assert.equal(decodedText(d), `apiVersion: v1
kind: Pod
unparsed: <25 bytes: ${cut.subarray(15).toString('hex')}>
error: "envelope: truncated length-delimited field at byte 11"
`);
  assert.equal(decodedJSON(d), `{"format":"protobuf","apiVersion":"v1","kind":"Pod","fields":{},"unparsed":"${cut.subarray(15).toString('base64')}","error":"envelope: truncated length-delimited field at byte 11"}`);

  // The envelope is whole but the object inside it is not.
  const unknown = root.lookupType('Unknown').encode({ typeMeta: { apiVersion: 'v1', kind: 'Pod' }, raw: Buffer.from([0x1a, 0x02, 0x6f, 0x6b, 0x22, 0x09, 0x61]) }).finish();
  assert.equal(decodedText(decodeValue(Buffer.concat([Buffer.from('k8s\0', 'latin1'), unknown]))), `apiVersion: v1
kind: Pod
3: ok
unparsed: <3 bytes: 220961>
error: "object: truncated length-delimited field at byte 4"
`);
  assert.equal(decodedText(decodeValue(Buffer.from('k8s\0', 'latin1'))), 'apiVersion: ""\nkind: ""\n');

  // Every prefix and a spread of corrupted copies of real values decode without throwing.
  const values = [POD, CONFIGMAP, LEASE, fixture('pod.bin')];
  let seed = 42;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  let decoded = 0;
  for (const v of values) {
    for (let n = 4; n <= v.length; n++) {
      const d2 = decodeValue(v.subarray(0, n));
      assert.equal(d2.format, 'protobuf');
      decodedText(d2);
      decodedJSON(d2);
      decoded++;
    }
    for (let i = 0; i < 300; i++) {
      const c = Buffer.from(v);
      for (let k = 0; k < 3; k++) c[4 + Math.floor(rand() * (c.length - 4))] = Math.floor(rand() * 256);
      const d3 = decodeValue(c);
      decodedText(d3);
      JSON.parse(decodedJSON(d3));
      decoded++;
    }
  }
  assert.ok(decoded > 1000);
});

// ---- JSON, encrypted and raw values ----------------------------------------------------

test('a JSON custom resource: pretty-printed with two spaces, numbers and strings exactly as stored', () => {
  const d = decodeValue(CRD_JSON);
  assert.equal(decodedText(d), `{
  "apiVersion": "example.com/v1",
  "kind": "Widget",
  "metadata": {
    "name": "w1",
    "namespace": "default",
    "generation": 1,
    "uid": "c0ffee"
  },
  "spec": {
    "size": 12345678901234567890,
    "tags": [
      "a",
      "b"
    ],
    "empty": {},
    "none": [],
    "ratio": 1.5e3,
    "text": "tab\\there \\u00e9"
  }
}
`);
  assert.equal(decodedJSON(d), `{"format":"json","value":${CRD_JSON.toString().trim()}}`);
  assert.equal(prettyJSON('[ { } , [ ] , "a\\"}" ]'), '[\n  {},\n  [],\n  "a\\"}"\n]');
  assert.equal(jsonValue(Buffer.from(' [1, 2] \n')), '[1,2]');
  for (const notObject of ['42', '"text"', 'true', '{"a":', '{} {}', 'plain']) {
    assert.equal(jsonValue(Buffer.from(notObject)), undefined, notObject);
    assert.equal(decodeValue(Buffer.from(notObject)).format, 'raw', notObject);
  }
  assert.equal(jsonValue(Buffer.from([0x7b, 0xff, 0x7d])), undefined);
});

test('k8s:enc: values: provider, version and key named, payload not decodable; a cut-off prefix too', () => {
  const d = decodeValue(ENCRYPTED);
  assert.deepEqual(d, { format: 'encrypted', provider: 'aescbc', version: 'v1', key: 'key1', payload: 32 });
  assert.equal(decodedText(d), 'encrypted: aescbc\nversion: v1\nkey: key1\npayload: <32 bytes, not decodable without the key>\n');
  assert.equal(decodedJSON(d), '{"format":"encrypted","provider":"aescbc","version":"v1","key":"key1","payloadBytes":32}');
  assert.deepEqual(decodeValue(Buffer.from('k8s:enc:kms:v2:vault:\x0a\x01x')), { format: 'encrypted', provider: 'kms', version: 'v2', key: 'vault', payload: 3 });
  assert.deepEqual(decodeValue(Buffer.from('k8s:enc:secretbox')), { format: 'encrypted', provider: '', version: '', key: '', payload: 9 });
});

test('raw values: no text (printed as etcdctl prints them) and {"format":"raw"}', () => {
  for (const v of [Buffer.from('hello'), Buffer.from([0, 1, 0xff]), Buffer.alloc(0), Buffer.from('k8s'), Buffer.from('k8s\x01')]) {
    const d = decodeValue(v);
    assert.deepEqual(d, { format: 'raw' });
    assert.equal(decodedText(d), undefined);
    assert.equal(decodedJSON(d), '{"format":"raw"}');
  }
});

test('YAML-like strings: plain when they read back as themselves, quoted otherwise; times in RFC 3339', () => {
  const plain = ['web', 'nginx:1.25', 'a-b', '-Mbignum=bpi', '100m', 'app.kubernetes.io/name', 'print bpi(2000)', 'x#y', 'é'];
  for (const s of plain) assert.equal(yamlString(s), s);
  const quoted = ['', 'true', 'No', 'null', '~', '42', '-1', '1.5', '0x1f', '10.0', '2017-06-27', 'a: b', 'a #b', 'end:', ' lead', 'trail ',
    '- item', '{x}', '[x]', '*ref', '!tag', '"q"', "'q'", 'line\nbreak', 'tab\t', '\u0000'];
  for (const s of quoted) assert.equal(yamlString(s), JSON.stringify(s), s);
  assert.equal(rfc3339(0n, 0), '1970-01-01T00:00:00Z');
  assert.equal(rfc3339(-62135596800n, 0), '0001-01-01T00:00:00Z');
  assert.equal(rfc3339(1700000000n, 5), '2023-11-14T22:13:20.000000005Z');
  assert.equal(rfc3339(253402300800n, 0), '253402300800s');
});

// ---- the printers -----------------------------------------------------------------

const header = { cluster_id: 15118495548433857066n, member_id: 13668033151171901709n, revision: 16n, raft_term: 2n };
const kv = (key: string, value: Buffer) => ({ key: Buffer.from(key), value, create_revision: 2n, mod_revision: 3n, version: 1n, lease: 0n });

function reply(msg: object): Reply {
  const raw = encode('etcdserverpb.RangeResponse', msg);
  return { msg: decode('etcdserverpb.RangeResponse', raw), raw, type: 'etcdserverpb.RangeResponse' };
}

function print(format: string, r: Reply, opts: { hex?: boolean; valueOnly?: boolean } = {}): Buffer {
  const chunks: Buffer[] = [];
  const sink = { write: (c: string | Uint8Array) => void chunks.push(Buffer.from(c)) };
  const p = createPrinter(format, sink, { hex: opts.hex ?? false, valueOnly: opts.valueOnly ?? false });
  p.getDecoded(r as any, (r.msg as any).kvs.map((k: { value: Buffer }) => decodeValue(k.value)));
  return Buffer.concat(chunks);
}

test('printers: simple gives key lines and decoded values (raw ones as get prints them), json adds "decoded" to get\'s JSON', () => {
  const raw = Buffer.from([0x61, 0, 0xff]);
  const r = reply({ header, kvs: [kv('/registry/pods/default/web-0', POD), kv('/registry/secrets/s', ENCRYPTED), kv('/x', raw)], count: 3n, more: true });
  const encText = 'encrypted: aescbc\nversion: v1\nkey: key1\npayload: <32 bytes, not decodable without the key>\n';
  assert.deepEqual(print('simple', r), Buffer.concat([
    Buffer.from(`/registry/pods/default/web-0\n${POD_TEXT}/registry/secrets/s\n${encText}/x\n`), raw, Buffer.from('\n'),
  ]));
  assert.deepEqual(print('simple', r, { valueOnly: true }), Buffer.concat([Buffer.from(POD_TEXT + encText), raw, Buffer.from('\n')]));
  assert.equal(print('simple', r, { hex: true }).toString(),
    `${Buffer.from('/registry/pods/default/web-0').toString('hex').replace(/../g, '\\x$&')}\n${POD_TEXT}` +
    `${Buffer.from('/registry/secrets/s').toString('hex').replace(/../g, '\\x$&')}\n${encText}\\x2f\\x78\n\\x61\\x00\\xff\n`);

  const plainGet = (() => {
    const chunks: Buffer[] = [];
    createPrinter('json', { write: (c: string | Uint8Array) => void chunks.push(Buffer.from(c)) }, { hex: false, valueOnly: false }).get(r as any);
    return Buffer.concat(chunks).toString();
  })();
  const json = print('json', r).toString();
  const decodedParts = [POD_JSON, decodedJSON(decodeValue(ENCRYPTED)), '{"format":"raw"}'];
  let i = 0;
  assert.equal(json.replace(/,"decoded":(\{"format":"protobuf".*?\}\}\}|\{"format":"encrypted"[^}]*\}|\{"format":"raw"\})/g, (_m, g1) => {
    assert.equal(g1, decodedParts[i++]);
    return '';
  }), plainGet);
  assert.equal(i, 3);

  const none = reply({ header, count: 0n });
  assert.equal(print('json', none).toString(), `{"header":{"cluster_id":15118495548433857066,"member_id":13668033151171901709,"revision":16,"raft_term":2}}\n`);
  assert.equal(print('simple', none).toString(), '');

  for (const format of ['fields', 'table', 'protobuf']) {
    assert.throws(() => print(format, r), (err: unknown) =>
      err instanceof EtcdctlError && err.message === `${format} not supported as output format` && err.code === ExitCode.BadFeature);
  }
});
