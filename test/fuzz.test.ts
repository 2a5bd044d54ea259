// Bounded fuzzing of the parsers: random and mutated input must give a clear
// error (an EtcdctlError or a parse error with a message), never an unhandled
// exception. Seeded, so a failure can be replayed.
import { rng } from './harness/rng.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { argify, parseCompare, goUnquote } from '../src/txn/grammar.js';
import { parseDuration, DurationError } from '../src/go/duration.js';
import { parseFlagValue, FlagValueError, type FlagSpec } from '../src/config/flags.js';
import { decodeMessage as decode } from '../src/proto/registry.js';
import { EtcdctlError } from '../src/errors.js';
import { runInProcess } from './harness/inprocess.js';


const SEED = Number(process.env.FUZZ_SEED ?? 20261122);
const pick = <T>(r: () => number, xs: T[]): T => xs[Math.floor(r() * xs.length)];

/** Mutates a valid input: drops, repeats, swaps or inserts characters. */
function mutate(r: () => number, s: string): string {
  const chars = [...s];
  const n = 1 + Math.floor(r() * 4);
  const alphabet = ['"', '`', '\\', '(', ')', ' ', '=', '<', '>', '!', 'x', '0', '\n', '\t', '\u00e9', '\u0000', "'", '-', '\\x', '\\u12'];
  for (let i = 0; i < n; i++) {
    const at = Math.floor(r() * (chars.length + 1));
    const op = r();
    if (op < 0.3 && chars.length) chars.splice(at, 1);
    else if (op < 0.6) chars.splice(at, 0, pick(r, alphabet));
    else if (op < 0.8 && chars.length) chars.splice(at, 0, chars[Math.floor(r() * chars.length)]);
    else chars.splice(at, 0, String.fromCharCode(Math.floor(r() * 0x2ff)));
  }
  return chars.join('');
}

function randomText(r: () => number, max = 40): string {
  let s = '';
  const len = Math.floor(r() * max);
  for (let i = 0; i < len; i++) s += String.fromCharCode(Math.floor(r() * 128));
  return s;
}

test('txn compares and request lines: only EtcdctlErrors', () => {
  const r = rng(SEED);
  const seeds = ['mod("key1") > "0"', 'value("k") = "v w"', 'ver("a") != "3"', 'c("x") < "10"', 'lease("k") = "1a2b"', 'val("k") = `raw`'];
  const lines = ['put key1 "value with spaces" --lease=1234 --prev-kv', "get 'a b' --prefix --limit 2", 'del k --from-key'];
  for (let i = 0; i < 3000; i++) {
    const input = i % 3 === 0 ? randomText(r) : mutate(r, pick(r, seeds));
    try {
      parseCompare(input);
    } catch (err) {
      assert.ok(err instanceof EtcdctlError, `parseCompare(${JSON.stringify(input)}) threw ${err}`);
    }
    const line = i % 3 === 0 ? randomText(r) : mutate(r, pick(r, lines));
    try {
      argify(line);
    } catch (err) {
      assert.ok(err instanceof EtcdctlError, `argify(${JSON.stringify(line)}) threw ${err}`);
    }
    try {
      goUnquote(`"${mutate(r, 'a\\tb\\x41\\u00e9')}"`);
    } catch (err) {
      assert.ok(err instanceof Error && err.message === 'invalid syntax', String(err));
    }
  }
});

test('durations and flag values: only parse errors with messages', () => {
  const r = rng(SEED + 1);
  const specs: FlagSpec[] = [
    { name: 'limit', type: 'int64', default: 0n, usage: '' },
    { name: 'ttl', type: 'int', default: 10, usage: '' },
    { name: 'id', type: 'uint64', default: 0n, usage: '' },
    { name: 'prefix', type: 'bool', default: false, usage: '' },
    { name: 'dial-timeout', type: 'duration', default: 2e9, usage: '' },
    { name: 'endpoints', type: 'stringSlice', default: [], usage: '' },
  ];
  const seeds = ['1m30s', '500ms', '2s', '-1.5h', '0', '0x1f', '-9223372036854775808', 'true', 'a,b,"c,d"'];
  for (let i = 0; i < 4000; i++) {
    const input = i % 2 ? randomText(r, 12) : mutate(r, pick(r, seeds));
    try {
      const ns = parseDuration(input);
      assert.ok(Number.isFinite(ns), `${JSON.stringify(input)} → ${ns}`);
    } catch (err) {
      assert.ok(err instanceof DurationError && err.message.startsWith('time: '), `parseDuration(${JSON.stringify(input)}) threw ${err}`);
    }
    const spec = pick(r, specs);
    try {
      parseFlagValue(spec, input);
    } catch (err) {
      assert.ok(err instanceof FlagValueError && err.message.startsWith('invalid argument '), `${spec.name}=${JSON.stringify(input)} threw ${err}`);
    }
  }
});

test('protobuf decoding of random and mutated bytes: an Error, never a crash', () => {
  const r = rng(SEED + 2);
  const types = ['etcdserverpb.RangeResponse', 'etcdserverpb.WatchResponse', 'etcdserverpb.MemberListResponse', 'etcdserverpb.TxnResponse'];
  for (let i = 0; i < 3000; i++) {
    const bytes = Buffer.alloc(Math.floor(r() * 64));
    for (let j = 0; j < bytes.length; j++) bytes[j] = Math.floor(r() * 256);
    try {
      decode(pick(r, types), bytes);
    } catch (err) {
      assert.ok(err instanceof Error && err.message.length > 0, String(err));
    }
  }
});

test('whole command lines: every outcome is an exit code, with nothing thrown', { timeout: 120000 }, async () => {
  const r = rng(SEED + 3);
  const vocab = [
    'get', 'put', 'del', 'txn', 'compaction', 'member', 'list', 'add', 'remove', 'endpoint', 'status', 'health', 'alarm',
    'version', 'help', 'lease', 'grant', 'revoke', 'user', 'role', 'auth', 'move-leader',
    '--prefix', '--from-key', '--limit', '-w', 'json', 'fields', 'table', 'bogus', '--hex', '--rev', '-1', '--', 'k', 'v',
    '--prefix=maybe', '--limit=abc', '--order', 'DESCEND', '--sort-by', 'x', '-h', '--help', '--write-out=protobuf', '--lease=zz',
    '--peer-urls', 'ftp://x', 'zz', '--keys-only', '--count-only', '--consistency=q', '-wjson', '--dial-timeout=5x', '--',
  ];
  for (let i = 0; i < 400; i++) {
    const argv = Array.from({ length: 1 + Math.floor(r() * 6) }, () => pick(r, vocab));
    // A closed port: anything that gets as far as connecting fails at once.
    const env = { ETCDCTL_ENDPOINTS: '127.0.0.1:1', ETCDCTL_DIAL_TIMEOUT: '200ms', ETCDCTL_COMMAND_TIMEOUT: '500ms' };
    let code: number;
    try {
      ({ code } = await runInProcess(argv, env));
    } catch (err) {
      assert.fail(`etcdctl-ts ${argv.join(' ')} threw ${(err as Error).stack}`);
    }
    assert.ok([0, 1, 2, 3, 4, 5, 128].includes(code), `etcdctl-ts ${argv.join(' ')} → ${code}`);
  }
});
