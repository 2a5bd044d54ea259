import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDuration, formatDuration } from '../src/go/duration.js';
import { parseFlagValue, parseGoInt, parseGoBool, defaultText, type FlagSpec } from '../src/config/flags.js';
import { resolveGlobals, GLOBAL_FLAGS } from '../src/config/globals.js';
import { parseHexInt64, hex16 } from '../src/ids.js';
import { prefixEnd, applyRangeFlags, keyBytes } from '../src/keys.js';
import { recoverRawArgs, argText } from '../src/cli/rawargs.js';

test('Go durations parse to nanoseconds with Go error messages', () => {
  assert.equal(parseDuration('2s'), 2e9);
  assert.equal(parseDuration('500ms'), 5e8);
  assert.equal(parseDuration('1m30s'), 90e9);
  assert.equal(parseDuration('1.5h'), 5400e9);
  assert.equal(parseDuration('300us'), 3e5);
  assert.equal(parseDuration('300µs'), 3e5);
  assert.equal(parseDuration('0'), 0);
  assert.equal(parseDuration('-1s'), -1e9);
  assert.throws(() => parseDuration('abc'), { message: 'time: invalid duration "abc"' });
  assert.throws(() => parseDuration('5'), { message: 'time: missing unit in duration "5"' });
  assert.throws(() => parseDuration('5x'), { message: 'time: unknown unit "x" in duration "5x"' });
  assert.throws(() => parseDuration(''), { message: 'time: invalid duration ""' });
});

test('durations print like time.Duration.String()', () => {
  assert.equal(formatDuration(0), '0s');
  assert.equal(formatDuration(752793), '752.793µs');
  assert.equal(formatDuration(1536662), '1.536662ms');
  assert.equal(formatDuration(1000950017), '1.000950017s');
  assert.equal(formatDuration(60e9), '1m0s');
  assert.equal(formatDuration(3723.5e9), '1h2m3.5s');
  assert.equal(formatDuration(999), '999ns');
  assert.equal(formatDuration(2e9), '2s');
});

test('integers and booleans parse like strconv', () => {
  assert.equal(parseGoInt('0x10', 'int64'), 16n);
  assert.equal(parseGoInt('-9223372036854775808', 'int64'), -(1n << 63n));
  assert.throws(() => parseGoInt('9223372036854775808', 'int64'), { message: 'strconv.ParseInt: parsing "9223372036854775808": value out of range' });
  assert.throws(() => parseGoInt('abc', 'int64'), { message: 'strconv.ParseInt: parsing "abc": invalid syntax' });
  assert.equal(parseGoInt('18446744073709551615', 'uint64'), (1n << 64n) - 1n);
  assert.equal(parseGoBool('T'), true);
  assert.equal(parseGoBool('0'), false);
  assert.throws(() => parseGoBool('yes'), { message: 'strconv.ParseBool: parsing "yes": invalid syntax' });
});

test('flag values fail with pflag messages', () => {
  const limit: FlagSpec = { name: 'limit', type: 'int64', default: 0n, usage: '' };
  const w: FlagSpec = { name: 'write-out', short: 'w', type: 'string', default: 'simple', usage: '' };
  const dial: FlagSpec = { name: 'dial-timeout', type: 'duration', default: 2e9, usage: '' };
  const eps: FlagSpec = { name: 'endpoints', type: 'stringSlice', default: [], usage: '' };
  assert.throws(() => parseFlagValue(limit, 'abc'), { message: 'invalid argument "abc" for "--limit" flag: strconv.ParseInt: parsing "abc": invalid syntax' });
  assert.throws(() => parseFlagValue(dial, '5'), { message: 'invalid argument "5" for "--dial-timeout" flag: time: missing unit in duration "5"' });
  assert.equal(parseFlagValue(w, 'json'), 'json');
  assert.deepEqual(parseFlagValue(eps, 'a:1, b:2', ['x:0']), ['x:0', 'a:1', 'b:2']);
  assert.equal(defaultText(w), '"simple"');
  assert.equal(defaultText(dial), '2s');
  assert.equal(defaultText({ ...eps, default: ['127.0.0.1:2379'] }), '[127.0.0.1:2379]');
});

test('globals: flag over environment over default; bad environment values ignored', () => {
  const env = { ETCDCTL_ENDPOINTS: 'a:1,b:2', ETCDCTL_DIAL_TIMEOUT: 'abc', ETCDCTL_WRITE_OUT: 'json', ETCDCTL_FOO: 'bar', ETCDCTL_API: '3' };
  const g = resolveGlobals(new Map([['write-out', 'fields']]), env, GLOBAL_FLAGS);
  assert.deepEqual(g.endpoints, ['a:1', 'b:2']);
  assert.equal(g.dialTimeout, 2e9);
  assert.equal(g.writeOut, 'fields');
  assert.deepEqual(g.unknownEnv, ['ETCDCTL_FOO=bar']);
  assert.ok(g.given.has('write-out') && g.fromEnv.has('endpoints') && !g.fromEnv.has('dial-timeout'));
});

test('IDs stay exact beyond 2^53', () => {
  assert.equal(parseHexInt64('7af9a2001fda9713'), 0x7af9a2001fda9713n);
  assert.throws(() => parseHexInt64('zz'), { message: 'strconv.ParseInt: parsing "zz": invalid syntax' });
  assert.throws(() => parseHexInt64('ffffffffffffffff'), { message: 'strconv.ParseInt: parsing "ffffffffffffffff": value out of range' });
  assert.equal(hex16(0x1234n), '0000000000001234');
  assert.equal(hex16(-1n), 'ffffffffffffffff');
});

test('prefix ends', () => {
  assert.deepEqual(prefixEnd(Buffer.from('/a')), Buffer.from('/b'));
  assert.deepEqual(prefixEnd(Buffer.from([0x61, 0xff])), Buffer.from([0x62]));
  assert.deepEqual(prefixEnd(Buffer.from([0xff, 0xff])), Buffer.from([0]));
});

test('--prefix and --from-key ranges, and the empty key meaning everything', () => {
  const k = Buffer.from('/a');
  assert.deepEqual(applyRangeFlags(k, Buffer.alloc(0), true, false), { key: k, rangeEnd: Buffer.from('/b') });
  assert.deepEqual(applyRangeFlags(Buffer.alloc(0), Buffer.alloc(0), true, false), { key: Buffer.from([0]), rangeEnd: Buffer.from([0]) });
  assert.deepEqual(applyRangeFlags(k, Buffer.alloc(0), false, true), { key: k, rangeEnd: Buffer.from([0]) });
  assert.deepEqual(applyRangeFlags(Buffer.alloc(0), Buffer.alloc(0), false, true), { key: Buffer.from([0]), rangeEnd: Buffer.from([0]) });
  assert.deepEqual(applyRangeFlags(k, Buffer.from('/z'), false, false), { key: k, rangeEnd: Buffer.from('/z') });
});

test('arguments that are not UTF-8 get their raw bytes back from the command line', () => {
  const raw = (...parts: (string | number[])[]) => () =>
    Buffer.concat(parts.map((p) => Buffer.concat([typeof p === 'string' ? Buffer.from(p) : Buffer.from(p), Buffer.from([0])])));
  const cmdline = raw('/usr/bin/node', '/x/bin/etcdctl-ts.js', 'put', [0x6b, 0xff, 0xfe], [0x76, 0x80], '--endpoints', [0x68, 0xff], 'ok\uFFFD');
  const argv = ['put', 'k\uFFFD\uFFFD', 'v\uFFFD', '--endpoints', 'h\uFFFD', 'ok\uFFFD'];
  const got = recoverRawArgs(argv, cmdline);
  assert.equal(got[0], 'put');
  assert.deepEqual(keyBytes(got[1]), Buffer.from([0x6b, 0xff, 0xfe]));
  assert.deepEqual(keyBytes(got[2]), Buffer.from([0x76, 0x80]));
  // Raw bytes go to keys and values; anywhere else the argument reads as Node decoded it.
  assert.equal(argText(got[1]), 'k\uFFFD\uFFFD');
  assert.equal(got[3], '--endpoints');
  assert.deepEqual(keyBytes(got[4]), Buffer.from([0x68, 0xff]));
  // A real U+FFFD typed as UTF-8 lost nothing and stays as it is.
  assert.equal(got[5], 'ok\uFFFD');
  // Of --flag=value, the value gets its bytes; entries that do not decode to the argument are not used.
  const [flag] = recoverRawArgs(['--prefix=\uFFFD'], raw('node', 'bin', [0x2d, 0x2d, 0x70, 0x72, 0x65, 0x66, 0x69, 0x78, 0x3d, 0xff]));
  assert.ok(flag.startsWith('--prefix='));
  assert.deepEqual(keyBytes(flag.slice('--prefix='.length)), Buffer.from([0xff]));
  assert.deepEqual(recoverRawArgs(['--\uFFFD=\uFFFD'], raw('node', 'bin', [0x2d, 0x2d, 0xfe, 0x3d, 0xff])), ['--\uFFFD=\uFFFD']);
  assert.deepEqual(recoverRawArgs(['a\uFFFD'], raw('node', 'bin', [0x62, 0xff])), ['a\uFFFD']);
  // Without a readable command line, or with nothing lost, argv is kept (and not read).
  assert.deepEqual(recoverRawArgs(['a\uFFFD'], () => undefined), ['a\uFFFD']);
  let read = false;
  assert.deepEqual(recoverRawArgs(['get', 'foo'], () => { read = true; return undefined; }), ['get', 'foo']);
  assert.equal(read, false);
});
