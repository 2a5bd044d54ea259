// --jq FILTER: the glue to jq-web without a server (results, messages, exit
// codes, one filtering per document), then against a real etcd with TLS,
// auth and several endpoints, beside the real etcdctl's -w json.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { JqFilter, JqSink, jqMessage, rawLines } from '../src/output/jq.js';
import { EtcdctlError } from '../src/errors.js';
import { OUR_BIN, cleanEnv, runOurs, runReal } from './harness/run.js';
import { startEtcd, type EtcdHandle } from './harness/etcd.js';

function capture() {
  let text = '';
  return { sink: { write: (c: string | Uint8Array) => void (text += c.toString()) }, get text() { return text; } };
}

describe('--jq glue (unit)', () => {
  test('string results are printed raw, the others as compact JSON, one per line', () => {
    assert.equal(rawLines('"a\\tb"\n{"x":[1,2]}\nnull\n"line\\nbreak"\n'), 'a\tb\n{"x":[1,2]}\nnull\nline\nbreak\n');
    assert.equal(rawLines(''), '');
  });

  test("jq's messages lose jq's prefix and jq-web's input name", () => {
    assert.equal(jqMessage('jq: error (at inputString:0): boom\n'), 'boom');
    assert.equal(jqMessage('jq: error: syntax error, unexpected INVALID_CHARACTER at <top-level>, line 1:\n.a |||    \njq: 1 compile error'), 'syntax error, unexpected INVALID_CHARACTER at <top-level>, line 1:\n.a |||\njq: 1 compile error');
  });

  test('a filter that does not compile is exit 128, with jq\'s message', async () => {
    await assert.rejects(JqFilter.compile('.a |||'), (err: unknown) => {
      assert.ok(err instanceof EtcdctlError);
      assert.equal(err.code, 128);
      assert.match(err.message, /^syntax error, unexpected/);
      assert.match(err.message, /compile error$/);
      return true;
    });
    // Run-time failures on the check's null input are not compile errors.
    await JqFilter.compile('error("only at run time")');
    await JqFilter.compile('.[0]');
  });

  test('large integers keep all their digits; a run-time error is exit 1', async () => {
    const f = await JqFilter.compile('.members[].ID, .header.cluster_id');
    const doc = '{"header":{"cluster_id":14841639068965178418},"members":[{"ID":10276657743932975437},{"ID":18446744073709551615}]}';
    assert.equal(f.apply(doc, () => {}), '10276657743932975437\n18446744073709551615\n14841639068965178418\n');
    const bad = await JqFilter.compile('.members[0].ID[0]');
    assert.throws(() => bad.apply(doc, () => {}), (err: unknown) => {
      assert.ok(err instanceof EtcdctlError);
      assert.equal(err.code, 1);
      assert.equal(err.message, 'Cannot index number with number');
      return true;
    });
  });

  test('debug and stderr messages go to stderr; an empty result prints nothing', async () => {
    const f = await JqFilter.compile('.a | debug | empty');
    const err: string[] = [];
    assert.equal(f.apply('{"a":7}', (t) => err.push(t)), '');
    assert.deepEqual(err, ['["DEBUG:",7]\n']);
  });

  test('the sink filters each document written to it, as it arrives', async () => {
    const out = capture();
    const err = capture();
    const sink = new JqSink(await JqFilter.compile('.Events[].kv.key'), out.sink, err.sink);
    sink.write('{"Events":[{"kv":{"key":"a"}},{"kv":{"key":"b"}}]}\n');
    assert.equal(out.text, 'a\nb\n');
    sink.write(Buffer.from('{"Events":[{"kv":{"key":"c"}}]}\n'));
    assert.equal(out.text, 'a\nb\nc\n');
    assert.equal(err.text, '');
  });
});

describe('--jq against a real etcd (TLS, auth, several endpoints)', () => {
  let etcd: EtcdHandle;
  /** --endpoints with a dead one first, then the server's; its TLS files and --user. */
  let flags: string[];

  before(async () => {
    etcd = await startEtcd({ tls: true, auth: true });
    flags = etcd.etcdctlArgs().map((a) => (a.startsWith('--endpoints=') ? `--endpoints=127.0.0.1:1,${a.slice('--endpoints='.length)}` : a));
    const put = await runReal([...etcd.etcdctlArgs(), 'put', '/app/k', 'v1']);
    assert.equal(put.code, 0, put.stderr.toString());
  });
  after(async () => {
    await etcd?.stop();
  });

  test("member list: the IDs have the digits of etcdctl's -w json", async () => {
    const real = await runReal([...etcd.etcdctlArgs(), 'member', 'list', '-w', 'json']);
    assert.equal(real.code, 0, real.stderr.toString());
    const ids = [...real.stdout.toString().matchAll(/"ID":(\d+)/g)].map((m) => m[1] + '\n').join('');
    assert.ok(ids.length > 16, 'a member ID');
    const ours = await runOurs([...flags, 'member', 'list', '--jq', '.members[].ID']);
    assert.equal(ours.stderr.toString(), '');
    assert.equal(ours.code, 0);
    assert.equal(ours.stdout.toString(), ids);
  });

  test("endpoint status --jq '.[0].Status.header.revision' and ETCDCTL_JQ", async () => {
    const real = await runReal([...etcd.etcdctlArgs(), 'endpoint', 'status', '-w', 'json']);
    const revision = /"revision":(\d+)/.exec(real.stdout.toString())![1];
    const ours = await runOurs([...etcd.etcdctlArgs(), 'endpoint', 'status', '--jq', '.[0].Status.header.revision']);
    assert.equal(ours.code, 0, ours.stderr.toString());
    assert.equal(ours.stdout.toString(), `${revision}\n`);
    const env = await runOurs([...flags, 'get', '/app/k'], { env: { ETCDCTL_JQ: '.kvs[0].value | @base64d' } });
    assert.equal(env.code, 0, env.stderr.toString());
    assert.equal(env.stdout.toString(), 'v1\n');
  });

  test('-w json is implied and may be given; another -w is exit 128 before connecting', async () => {
    const a = await runOurs([...flags, 'get', '/app/k', '--jq', '.count']);
    const b = await runOurs([...flags, '-w', 'json', 'get', '/app/k', '--jq', '.count']);
    assert.deepEqual([a.code, a.stdout.toString()], [0, '1\n']);
    assert.deepEqual([b.code, b.stdout.toString()], [0, '1\n']);
    const c = await runOurs(['--endpoints=127.0.0.1:1', '-w', 'table', 'member', 'list', '--jq', '.']);
    assert.equal(c.code, 128);
    assert.equal(c.stdout.toString(), '');
    assert.equal(c.stderr.toString(), 'Error: --jq filters the JSON output: it cannot be used with --write-out=table\n');
  });

  test('a bad filter: exit 128 before connecting; a run-time error: exit 1; never a stack trace', async () => {
    const bad = await runOurs(['--endpoints=127.0.0.1:1', 'get', 'x', '--jq', '.kvs |||']);
    assert.equal(bad.code, 128);
    assert.match(bad.stderr.toString(), /^Error: syntax error, unexpected .*\n\.kvs \|\|\|\njq: 1 compile error\n$/);
    const run = await runOurs([...flags, 'get', '/app/k', '--jq', '.count | error("no good")']);
    assert.equal(run.code, 1);
    assert.equal(run.stdout.toString(), '');
    assert.equal(run.stderr.toString(), 'Error: no good\n');
  });

  test('watch: one JSON document per response, filtered as it arrives', async () => {
    const child = spawn(process.execPath, [OUR_BIN, ...flags, 'watch', '/app/w', '--prefix', '--jq', '.Events[] | "\\(if .type == 1 then "DELETE" else "PUT" end) \\(.kv.value // "" | @base64d)"'], {
      env: cleanEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    try {
      // The watch is up once a put made after it starts shows.
      for (let i = 0; !out.includes('PUT first\n'); i++) {
        assert.ok(i < 100, `watch printed: ${JSON.stringify(out)} ${err}`);
        await runReal([...etcd.etcdctlArgs(), 'put', '/app/w/1', 'first']);
        await new Promise((r) => setTimeout(r, 100));
      }
      out = '';
      await runReal([...etcd.etcdctlArgs(), 'put', '/app/w/2', 'second']);
      await runReal([...etcd.etcdctlArgs(), 'del', '/app/w/1']);
      for (let i = 0; !out.includes('DELETE '); i++) {
        assert.ok(i < 100, `watch printed: ${JSON.stringify(out)} ${err}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      // (Late events of the start-up puts may still come first.)
      assert.equal(out.replace(/^(PUT first\n)+/, ''), 'PUT second\nDELETE \n');
    } finally {
      child.kill('SIGINT');
      await new Promise((r) => child.once('close', r));
    }
    assert.equal(err, '');
  });
});
