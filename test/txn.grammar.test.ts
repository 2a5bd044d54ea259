import { test } from 'node:test';
import assert from 'node:assert/strict';
import { argify, parseCompare, readSection, goUnquote, goStringBytes, CompareResult, CompareTarget } from '../src/txn/grammar.js';
import { EtcdctlError } from '../src/errors.js';
import { parseRequestOp } from '../commands/txn.js';

function fails(fn: () => unknown, message: string, code: number) {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof EtcdctlError, `expected EtcdctlError, got ${err}`);
    assert.equal(err.message, message);
    assert.equal(err.code, code);
    return true;
  });
}

test('compare targets and operators', () => {
  assert.deepEqual(parseCompare('mod("key1") > "0"'), { result: CompareResult.GREATER, target: CompareTarget.MOD, key: Buffer.from('key1'), mod_revision: 0n });
  assert.deepEqual(parseCompare('ver("k") = "3"'), { result: CompareResult.EQUAL, target: CompareTarget.VERSION, key: Buffer.from('k'), version: 3n });
  assert.deepEqual(parseCompare('create("k") != "12"'), { result: CompareResult.NOT_EQUAL, target: CompareTarget.CREATE, key: Buffer.from('k'), create_revision: 12n });
  assert.deepEqual(parseCompare('c("k") < "12"').result, CompareResult.LESS);
  assert.deepEqual(parseCompare('value("k") = "a b"'), { result: CompareResult.EQUAL, target: CompareTarget.VALUE, key: Buffer.from('k'), value: Buffer.from('a b') });
  assert.deepEqual(parseCompare('val("k")   =    `raw\\n`').value, Buffer.from('raw\\n'));
  assert.deepEqual(parseCompare('lease("k") = "7af9a2001fda9713"'), { result: CompareResult.EQUAL, target: CompareTarget.LEASE, key: Buffer.from('k'), lease: 0x7af9a2001fda9713n });
});

test('compare keys and values take Go escapes, including bytes that are not UTF-8', () => {
  const c = parseCompare('value("a\\x00\\xffb") = "tab\\there"');
  assert.deepEqual(c.key, Buffer.from([0x61, 0, 0xff, 0x62]));
  assert.deepEqual(c.value, Buffer.from('tab\there'));
});

test('malformed compares give etcdctl messages and exit 3', () => {
  fails(() => parseCompare('mod key1 > "0"'), 'malformed comparison: mod key1 > "0"', 3);
  fails(() => parseCompare('mod(key1) > "0"'), 'malformed comparison: mod(key1) > "0"; got mod("")  ""', 3);
  fails(() => parseCompare('mod("key1") > 0'), 'malformed comparison: mod("key1") > 0; got mod("key1") > ""', 3);
  fails(() => parseCompare('value("k")="v"'), 'malformed comparison: value("k")="v"; got value("k") ="v" ""', 3);
  fails(() => parseCompare('bogus("key1") > "0"'), 'malformed comparison: bogus("key1") > "0" (unknown target bogus)', 3);
  fails(() => parseCompare('mod("key1") > "abc"'), 'invalid txn compare request: mod("key1") > "abc"', 3);
  fails(() => parseCompare('mod("key1") >= "1"'), 'malformed comparison: mod("key1") >= "1" (unknown operator >=; use =, !=, < or >)', 3);
});

test('argify splits like etcdctl: double quotes unescaped, single quotes literal, bare words kept', () => {
  assert.deepEqual(argify('put key1 "value with spaces" --lease=1234 --prev-kv'), ['put', 'key1', 'value with spaces', '--lease=1234', '--prev-kv']);
  assert.deepEqual(argify(`put 'single q' "dq\\tx"`), ['put', 'single q', 'dq\tx']);
  assert.deepEqual(argify('put plain\\"x v'), ['put', 'plain\\"x', 'v']);
  assert.deepEqual(argify('  get   k1   k9  '), ['get', 'k1', 'k9']);
  assert.deepEqual(argify(''), []);
});

test('goUnquote follows strconv.Unquote', () => {
  assert.equal(goUnquote('"a\\"b"'), 'a"b');
  assert.equal(goUnquote('"\\u00e9\\U0001F600"'), 'é😀');
  assert.equal(goUnquote('"\\101"'), 'A');
  assert.deepEqual(goStringBytes(goUnquote('"\\xff"')), Buffer.from([0xff]));
  assert.throws(() => goUnquote('"\\q"'));
  assert.throws(() => goUnquote('"abc'));
});

test('goUnquote: text and escapes mixed in runs, as long as a value may be', () => {
  // Runs of text between escapes, escapes next to each other, escapes first and last.
  assert.deepEqual(goStringBytes(goUnquote('"\\x00ab\\n\\t\\"cé\\377\\xff"')), Buffer.from([0, 0x61, 0x62, 10, 9, 0x22, 0x63, 0xc3, 0xa9, 0xff, 0xff]));
  assert.equal(goUnquote('"\\u00e9x\\U0001F600"'), 'éx😀');
  assert.equal(goUnquote('""'), '');
  assert.throws(() => goUnquote('"a\\\'b"'));
  assert.throws(() => goUnquote('"a\nb"'));
  // A value of 1.4 MiB (about etcd's largest request) with escapes spread through it.
  const unit = 'text é 😀 \\x00\\xff\\\\\\"\\u2028 more text ';
  const unitBytes = Buffer.concat([Buffer.from('text é 😀 '), Buffer.from([0, 0xff, 0x5c, 0x22]), Buffer.from('\u2028 more text ')]);
  const n = Math.ceil((1.4 * 1024 * 1024) / unitBytes.length);
  assert.deepEqual(goStringBytes(goUnquote(`"${unit.repeat(n)}"`)), Buffer.concat(Array(n).fill(unitBytes)));
});

test('request lines: keys and values that are not UTF-8 are sent as their bytes', async () => {
  const put = (await parseRequestOp('put "k\\xfe" "a\\xff\\x00é"')) as { request_put: { key: Buffer; value: Buffer } };
  assert.deepEqual(put.request_put.key, Buffer.from([0x6b, 0xfe]));
  assert.deepEqual(put.request_put.value, Buffer.from([0x61, 0xff, 0, 0xc3, 0xa9]));
  const get = (await parseRequestOp('get "\\xff" --prefix')) as { request_range: { key: Buffer; range_end: Buffer } };
  assert.deepEqual(get.request_range.key, Buffer.from([0xff]));
  const del = (await parseRequestOp('del "\\x80"')) as { request_delete_range: { key: Buffer } };
  assert.deepEqual(del.request_delete_range.key, Buffer.from([0x80]));
});

test('sections end at a blank line; a missing newline is EOF (exit 3)', async () => {
  const lines = ['a\n', '  b  \n', '\n', 'c'];
  const next = async () => lines.shift();
  assert.deepEqual(await readSection(next), ['a', 'b']);
  await assert.rejects(readSection(next), (err: unknown) => err instanceof EtcdctlError && err.message === 'EOF' && err.code === 3);
  const empty = ['   \n'];
  assert.deepEqual(await readSection(async () => empty.shift()), []);
});
