// get --decode against a real etcd with TLS (client certificates) and auth: Kubernetes values put
// under /registry/ with the real etcdctl, then read back with ours. Where --decode must change
// nothing (no flag, --keys-only, --count-only, unsupported formats), ours is compared with the
// real etcdctl 3.4.23 byte for byte; where it adds something, the output is checked exactly: the
// key lines and the renderings pinned in test/k8s.decode.test.ts, and for -w json get's own JSON
// (equal to the real etcdctl's once the "decoded" members are taken out).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startEtcd, type EtcdHandle } from './harness/etcd.js';
import { runOurs, runReal, stripZapLines, type RunResult } from './harness/run.js';
import { decodeValue } from '../src/k8s/decode.js';
import { decodedJSON, decodedText } from '../src/k8s/render.js';
import { CONFIGMAP, CRD_JSON, ENCRYPTED, fixture, LEASE, POD, POD_TEXT } from './fixtures/k8s/values.js';

const T = { timeout: 60000 };

const RAW = Buffer.from([0x0a, 0x00, 0xff, 0x61]);
const BROKEN = POD.subarray(0, 40);

/** In key order, as a prefix get returns them. */
const VALUES: Array<[string, Buffer]> = [
  ['/registry/broken/x', BROKEN],
  ['/registry/configmaps/kube-system/settings', CONFIGMAP],
  ['/registry/example.com/widgets/default/w1', CRD_JSON],
  ['/registry/leases/kube-node-lease/node-1', LEASE],
  ['/registry/masterleases/10.0.0.1', RAW],
  ['/registry/pods/default/pi-dqtsw', fixture('pod.bin')],
  ['/registry/pods/default/web-0', POD],
  ['/registry/secrets/default/s', ENCRYPTED],
];

const ENCRYPTED_TEXT = 'encrypted: aescbc\nversion: v1\nkey: key1\npayload: <32 bytes, not decodable without the key>\n';

/** What get --decode prints for a value: the pinned texts where there are some, a raw value with a newline. */
function valueText(v: Buffer): Buffer {
  if (v === POD) return Buffer.from(POD_TEXT);
  if (v === ENCRYPTED) return Buffer.from(ENCRYPTED_TEXT);
  const text = decodedText(decodeValue(v));
  return text === undefined ? Buffer.concat([v, Buffer.from('\n')]) : Buffer.from(text);
}

function show(r: RunResult): string {
  return `exit=${r.code}\n--- stdout ---\n${r.stdout.toString('utf8')}\n--- stderr ---\n${r.stderr.toString('utf8')}`;
}

describe('get --decode, TLS and auth', () => {
  let srv: EtcdHandle;
  let g: string[];

  before(async () => {
    srv = await startEtcd({ tls: true, auth: true });
    g = srv.etcdctlArgs();
    for (const [key, value] of VALUES) {
      const r = await runReal([...g, 'put', key], { stdin: value });
      assert.equal(r.stdout.toString(), 'OK\n', show(r));
    }
  });

  after(async () => {
    await srv?.stop();
  });

  test('simple: each key line, then the decoded value; raw values as etcdctl prints them', T, async () => {
    const r = await runOurs([...g, 'get', '/registry', '--prefix', '--decode']);
    assert.equal(r.code, 0, show(r));
    assert.equal(r.stderr.toString(), '');
    const expected = Buffer.concat(VALUES.flatMap(([k, v]) => [Buffer.from(k + '\n'), valueText(v)]));
    assert.equal(r.stdout.toString('latin1'), expected.toString('latin1'));
    // a few lines spelled out, so that the expectation does not rest on the renderer alone
    const text = r.stdout.toString('utf8');
    assert.ok(text.startsWith('/registry/broken/x\napiVersion: v1\nkind: Pod\nunparsed: <25 bytes: '), text);
    assert.ok(text.includes('\n/registry/example.com/widgets/default/w1\n{\n  "apiVersion": "example.com/v1",\n'), text);
    assert.ok(text.includes('\n    "size": 12345678901234567890,\n'), text);
    assert.ok(text.includes('\n/registry/masterleases/10.0.0.1\n\n\x00\ufffda\n/registry/pods/default/pi-dqtsw\napiVersion: v1\nkind: Pod\nmetadata:\n  name: pi-dqtsw\n'), text);
    assert.ok(text.includes('\n  99: 18446744073709551615\n'), text);
    assert.ok(text.endsWith(`/registry/secrets/default/s\n${ENCRYPTED_TEXT}`), text);
  });

  test('json: get\'s JSON (as the real etcdctl prints it) with a "decoded" object in each kv', T, async () => {
    const args = [...g, 'get', '/registry', '--prefix', '-w', 'json'];
    const [ours, real] = await Promise.all([runOurs([...args, '--decode']), runReal(args)]);
    assert.equal(ours.code, 0, show(ours));
    assert.equal(ours.stderr.toString(), '');
    const text = ours.stdout.toString();
    const decoded = VALUES.map(([, v]) => `,"decoded":${decodedJSON(decodeValue(v))}}`);
    let at = 0;
    let stripped = '';
    for (const d of decoded) {
      const i = text.indexOf(d, at);
      assert.ok(i > 0, `missing ${d.slice(0, 80)}`);
      stripped += text.slice(at, i) + '}';
      at = i + d.length;
    }
    stripped += text.slice(at);
    assert.equal(stripped, real.stdout.toString());
    assert.ok(text.includes(',"decoded":{"format":"raw"}}'));
    assert.ok(text.includes('"99":18446744073709551615'));
    assert.ok(text.includes('"generation":1152921504606846977'));
    assert.ok(text.includes(',"decoded":{"format":"json","value":{"apiVersion":"example.com/v1",'));
    assert.ok(text.includes(',"decoded":{"format":"encrypted","provider":"aescbc","version":"v1","key":"key1","payloadBytes":32}}'));
  });

  test('--print-value-only: the decoded values without key lines; --hex: key lines and raw values in hex', T, async () => {
    const only = await runOurs([...g, 'get', '/registry/pods/default/web-0', '/registry/secrets/default/t', '--decode', '--print-value-only']);
    assert.equal(only.stdout.toString(), POD_TEXT + ENCRYPTED_TEXT, show(only));
    const hex = await runOurs([...g, '--hex', 'get', '/registry/masterleases/', '/registry/pods/default/web-1', '--decode']);
    const h = (s: string) => Buffer.from(s).toString('hex').replace(/../g, '\\x$&');
    assert.equal(hex.stdout.toString(),
      `${h('/registry/masterleases/10.0.0.1')}\n\\x0a\\x00\\xff\\x61\n` +
      `${h('/registry/pods/default/pi-dqtsw')}\n${valueText(fixture('pod.bin'))}${h('/registry/pods/default/web-0')}\n${POD_TEXT}`, show(hex));
  });

  test('without --decode, and with --keys-only: what the real etcdctl prints', T, async () => {
    for (const extra of [[], ['--decode', '--keys-only'], ['--decode', '--keys-only', '-w', 'json'], ['--decode', '--keys-only', '--limit', '2']]) {
      const base = [...g, 'get', '/registry', '--prefix'];
      const realArgs = extra.filter((a) => a !== '--decode');
      const [ours, real] = await Promise.all([runOurs([...base, ...extra]), runReal([...base, ...realArgs])]);
      assert.equal(ours.code, real.code, `${extra.join(' ')}: ${show(ours)}`);
      assert.ok(ours.stdout.equals(real.stdout), `${extra.join(' ')}: ${show(ours)}`);
    }
  });

  test('--count-only: --decode changes nothing (-w fields); other formats fail as get fails', T, async () => {
    const base = [...g, 'get', '/registry', '--prefix', '--count-only', '-w', 'fields'];
    const [plain, decoded] = await Promise.all([runOurs(base), runOurs([...base, '--decode'])]);
    assert.equal(decoded.code, 0, show(decoded));
    assert.ok(decoded.stdout.toString().includes('"Count" : 8\n'), show(decoded));
    assert.ok(decoded.stdout.equals(plain.stdout));
    // fields, table and protobuf have no rendering of get --decode: the error get gives for table
    const real = await runReal([...g, 'get', '/registry', '--prefix', '-w', 'table']);
    for (const format of ['fields', 'table', 'protobuf']) {
      const ours = await runOurs([...g, 'get', '/registry', '--prefix', '-w', format, '--decode']);
      assert.equal(ours.stdout.toString(), '');
      assert.equal(ours.stderr.toString(), stripZapLines(real.stderr).replace('table', format));
      assert.equal(ours.code, real.code);
    }
    assert.equal(stripZapLines(real.stderr), 'Error: table not supported as output format\n', 'premise: etcdctl\'s error for get -w table');
  });

  test('several endpoints, the first one down: the same output', T, async () => {
    const rest = g.filter((a) => !a.startsWith('--endpoints='));
    const eps = `--endpoints=https://127.0.0.1:1,${srv.clientUrls[0]}`;
    const r = await runOurs([eps, ...rest, 'get', '/registry/pods/default/web-0', '--decode']);
    assert.equal(r.stdout.toString(), `/registry/pods/default/web-0\n${POD_TEXT}`, show(r));
    assert.equal(r.code, 0);
  });

  test('a user without read permission on /registry: the permission error, as without --decode', T, async () => {
    await runReal([...g, 'put', '/app/k', 'v']);
    const rest = g.filter((a) => !a.startsWith('--user='));
    const args = [...rest, '--user=alice:alicepw', 'get', '/registry', '--prefix'];
    const [ours, real] = await Promise.all([runOurs([...args, '--decode']), runReal(args)]);
    assert.equal(ours.code, real.code, show(ours));
    assert.equal(ours.stderr.toString(), stripZapLines(real.stderr));
    const app = await runOurs([...rest, '--user=alice:alicepw', 'get', '/app/k', '--decode']);
    assert.equal(app.stdout.toString(), '/app/k\nv\n', show(app));
  });
});
