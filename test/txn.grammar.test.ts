import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goTrimSpace } from '../src/go/text.js';
import { argify, parseCompare, readSection, scanCompare, goUnquote, goStringBytes, CompareResult, CompareTarget } from '../src/txn/grammar.js';
import { TxnReader } from '../src/txn/reader.js';
import { PassThrough, Readable } from 'node:stream';
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
  // The space after ")" in the format needs at least one space in the input.
  fails(() => parseCompare('value("k")="v"'), 'malformed comparison: value("k")="v"; got value("k")  ""', 3);
  fails(() => parseCompare('value("k")= "a b"'), 'malformed comparison: value("k")= "a b"; got value("k")  ""', 3);
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
  const same = (l: string) => l;
  assert.deepEqual(await readSection(next, same), ['a', 'b']);
  await assert.rejects(readSection(next, same), (err: unknown) => err instanceof EtcdctlError && err.message === 'EOF' && err.code === 3);
  const empty = ['   \n'];
  assert.deepEqual(await readSection(async () => empty.shift(), same), []);
});

test('each line is parsed as it is read: a bad one fails before the section ends', async () => {
  // Nothing follows the bad line: the old reader waited for a blank line and said EOF.
  for (const [input, message] of [
    [['garbage\n'], 'malformed comparison: garbage'],
    [['mod("a") > "x"\n'], 'invalid txn compare request: mod("a") > "x"'],
  ] as const) {
    const queue = [...input];
    await assert.rejects(readSection(async () => queue.shift(), parseCompare), (err: unknown) => err instanceof EtcdctlError && err.message === message && err.code === 3);
  }
  // The next line is never asked for.
  let asked = 0;
  const next = async () => (asked++ === 0 ? 'garbage\n' : new Promise<string>(() => {}));
  await assert.rejects(readSection(next, parseCompare), /malformed comparison: garbage/);
  assert.equal(asked, 1);
});

test('lines are trimmed as Go trims them (U+0085 is a space, U+FEFF is not)', async () => {
  assert.equal(goTrimSpace('\u0085\u00a0 x\t\v\f\r\u3000'), 'x');
  assert.equal(goTrimSpace('\ufeffx'), '\ufeffx');
  const lines = ['\u0085\r\n', 'z\n'];
  assert.deepEqual(await readSection(async () => lines.shift(), (l) => l), []);
});

test('compares scan as Go fmt.Sscanf(s, "%q) %s %q") does', () => {
  const scan = (line: string) => scanCompare(line.slice(line.indexOf('(') + 1));
  // One or more spaces of any kind Go knows between the parts, or none where a verb skips them.
  for (const sep of [' ', '  ', '\t', ' \t ', '\v', '\u00a0', '\u2003', '\u3000']) {
    assert.deepEqual(scan(`value("k")${sep}=${sep}"v"`), { n: 3, key: 'k', op: '=', val: 'v' }, JSON.stringify(sep));
  }
  assert.deepEqual(scan('value(  "k") = "v"'), { n: 3, key: 'k', op: '=', val: 'v' });
  // Whatever follows the value is ignored.
  assert.deepEqual(scan('value("k") = "v" junk'), { n: 3, key: 'k', op: '=', val: 'v' });
  assert.deepEqual(scan('value("k") = "v"junk'), { n: 3, key: 'k', op: '=', val: 'v' });
  assert.deepEqual(scan('value("k") != `raw "x"` `'), { n: 3, key: 'k', op: '!=', val: 'raw "x"' });
  // Partial scans: only what was scanned is set.
  assert.deepEqual(scan('value("k")= "v"'), { n: 1, key: 'k', op: '', val: '' });
  assert.deepEqual(scan('value("k")'), { n: 1, key: 'k', op: '', val: '' });
  assert.deepEqual(scan('value("k"))'), { n: 1, key: 'k', op: '', val: '' });
  assert.deepEqual(scan('value("k"] = "v"'), { n: 1, key: 'k', op: '', val: '' });
  assert.deepEqual(scan('value("k")x= "v"'), { n: 1, key: 'k', op: '', val: '' });
  assert.deepEqual(scan('value("k") ="v"'), { n: 2, key: 'k', op: '="v"', val: '' });
  assert.deepEqual(scan('value("k") ='), { n: 2, key: 'k', op: '=', val: '' });
  assert.deepEqual(scan('value("k") = v'), { n: 2, key: 'k', op: '=', val: '' });
  assert.deepEqual(scan('value("k") = "v'), { n: 2, key: 'k', op: '=', val: '' });
  assert.deepEqual(scan('value("k") = "\\q"'), { n: 2, key: 'k', op: '=', val: '' });
  assert.deepEqual(scan('value("k") = "\\"'), { n: 2, key: 'k', op: '=', val: '' });
  assert.deepEqual(scan('value("\\q") = "v"'), { n: 0, key: '', op: '', val: '' });
  assert.deepEqual(scan('value(`k) = "v"'), { n: 0, key: '', op: '', val: '' });
  assert.deepEqual(scan('value(k) = "v"'), { n: 0, key: '', op: '', val: '' });
  assert.deepEqual(scan('value('), { n: 0, key: '', op: '', val: '' });
  fails(() => parseCompare('value("k") = v'), 'malformed comparison: value("k") = v; got value("k") = ""', 3);
  fails(() => parseCompare('value("k")'), 'malformed comparison: value("k"); got value("k")  ""', 3);
  assert.deepEqual(parseCompare('value("k")\u00a0=\t"v"').value, Buffer.from('v'));
});

test('TxnReader: lines as bufio.ReadString gives them; a put without value reads what bufio has not', async () => {
  const r = new TxnReader(Readable.from([Buffer.from('a\nb'), Buffer.from('c\n\nrest')]));
  assert.equal(await r.next(), 'a\n');
  assert.equal(await r.next(), 'bc\n');
  assert.equal(await r.next(), '\n');
  assert.equal(await r.next(), 'rest');
  assert.equal(await r.next(), undefined);
  // Input read at once: bufio took the first 4096 bytes; the put's value is the rest.
  const big = '\nput a\n\n\n' + 'x'.repeat(5000);
  const r2 = new TxnReader(Readable.from([Buffer.from(big)]));
  assert.equal(await r2.next(), '\n');
  assert.equal(await r2.next(), 'put a\n');
  assert.equal((await r2.rest()).length, big.length - 4096);
  assert.equal(await r2.next(), '\n');
  assert.equal(await r2.next(), '\n');
  assert.equal(await r2.next(), 'x'.repeat(4096 - 9));
  // A line longer than the buffer comes whole.
  const long = 'y'.repeat(10000) + '\n';
  const r3 = new TxnReader(Readable.from([Buffer.from(long + 'z\n')]));
  assert.equal(await r3.next(), long);
  assert.equal(await r3.next(), 'z\n');
  // rest() waits for the end of the input.
  const pipe = new PassThrough();
  const r4 = new TxnReader(pipe);
  pipe.write('\nput a\n');
  assert.equal(await r4.next(), '\n');
  assert.equal(await r4.next(), 'put a\n');
  let value: Buffer | undefined;
  const pending = r4.rest().then((b) => (value = b));
  await new Promise((res) => setTimeout(res, 20));
  assert.equal(value, undefined);
  pipe.end('hello');
  await pending;
  assert.equal(value!.toString(), 'hello');
});

test('request lines: put without a value takes it from stdin, or fails with put\'s message (exit 128)', async () => {
  const put = (await parseRequestOp('put k', async () => Buffer.from('from stdin'))) as { request_put: { value: Buffer } };
  assert.deepEqual(put.request_put.value, Buffer.from('from stdin'));
  await assert.rejects(parseRequestOp('put k'), (err: unknown) =>
    err instanceof EtcdctlError && err.message === 'put command needs 1 argument and input from stdin or 2 arguments' && err.code === 128);
});
