// CRC-32C: the native implementation (@node-rs/crc32) and the JavaScript fallback against the same
// vectors, and the bundled CLI choosing the fallback when the native package cannot be loaded
// (absent, or present without its binary for this platform), or not loading it at all when the
// command needs no CRC.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { crc32c, crc32cCombine, jsCrc32c, nativeCrc32c, type Crc32c } from '../src/snapshot/crc32c.js';
import { writeBolt } from '../src/snapshot/bbolt-writer.js';
import { BufferSource } from '../src/snapshot/source.js';
import { dbStatus } from '../src/snapshot/status.js';
import { snapshotStatusJSON } from '../src/output/snapshot.js';
import { REPO_ROOT, cleanEnv } from './harness/run.js';

const B = (s: string) => Buffer.from(s);

/** Deterministic pseudo-random bytes (xorshift32). */
function randomBytes(n: number, seed: number): Buffer {
  const out = Buffer.alloc(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** Bit by bit, straight from the definition: the reference the others are held to. */
function bitwise(data: Uint8Array, prev = 0): number {
  let c = ~prev;
  for (const byte of data) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return ~c >>> 0;
}

/** Whether this test can load the native package itself; if so, the module must have loaded it too. */
function nativeLoadsHere(): boolean {
  try {
    createRequire(import.meta.url)('@node-rs/crc32');
    return true;
  } catch {
    return false;
  }
}

const native = nativeCrc32c();
const impls: Array<[string, Crc32c | undefined]> = [
  ['native', native],
  ['JavaScript', jsCrc32c()],
];

test('the native CRC loads wherever @node-rs/crc32 does, and is the one used', () => {
  assert.equal(native !== undefined, nativeLoadsHere());
  if (native) {
    const data = randomBytes(1000, 1);
    assert.equal(crc32c(data), native(data));
  }
});

for (const [name, impl] of impls) {
  describe(`${name} CRC-32C`, { skip: impl === undefined && '@node-rs/crc32 does not load on this platform' }, () => {
    const crc = impl!;

    test('check values', () => {
      assert.equal(crc(B('123456789')), 0xe3069283);
      // RFC 3720 (iSCSI), B.4.
      assert.equal(crc(Buffer.alloc(32)), 0x8a9136aa);
      assert.equal(crc(Buffer.alloc(32, 0xff)), 0x62a8ab43);
      assert.equal(crc(Buffer.from(Array.from({ length: 32 }, (_, i) => i))), 0x46dd794e);
      assert.equal(crc(Buffer.from(Array.from({ length: 32 }, (_, i) => 31 - i))), 0x113fdb5c);
      assert.equal(crc(B('a')), 0xc1d04330);
    });

    test('empty input: 0, or the CRC it follows unchanged', () => {
      assert.equal(crc(Buffer.alloc(0)), 0);
      assert.equal(crc(Buffer.alloc(0), 0xe3069283), 0xe3069283);
      assert.equal(crc(B('123456789'), 0, 4, 4), 0);
      assert.equal(crc(B('123456789'), 0x12345678, 9, 9), 0x12345678);
    });

    test("continuing a finished CRC, as Go's crc32.Update does: any split gives the CRC of the whole", () => {
      const check = B('123456789');
      for (let cut = 0; cut <= 9; cut++) assert.equal(crc(check.subarray(cut), crc(check.subarray(0, cut))), 0xe3069283, `cut at ${cut}`);
      const data = randomBytes(5000, 2);
      const whole = bitwise(data);
      assert.equal(crc(data), whole);
      for (const cut of [1, 3, 15, 16, 17, 63, 64, 65, 1000, 4095, 4999]) {
        assert.equal(crc(data.subarray(cut), crc(data.subarray(0, cut))), whole, `cut at ${cut}`);
      }
      // In many uneven pieces, at every alignment.
      let running = 0;
      for (let i = 0, step = 1; i < data.length; i += step, step = (step * 7 + 3) % 97 + 1) {
        running = crc(data.subarray(i, Math.min(i + step, data.length)), running);
      }
      assert.equal(running, whole);
    });

    test('a range [start, end) is the CRC of that part', () => {
      const data = randomBytes(3000, 3);
      for (const [start, end] of [[0, 3000], [1, 2], [5, 1500], [7, 3000], [64, 128], [2999, 3000], [100, 100]]) {
        assert.equal(crc(data, 0, start, end), bitwise(data.subarray(start, end)), `[${start}, ${end})`);
        assert.equal(crc(data, 0xdeadbeef, start, end), bitwise(data.subarray(start, end), 0xdeadbeef), `[${start}, ${end}) after a CRC`);
      }
    });

    test('views: a Buffer at an odd offset, a plain Uint8Array, shared memory', () => {
      const data = randomBytes(10_000, 4);
      const want = bitwise(data.subarray(3, 9003));
      const odd = Buffer.concat([Buffer.alloc(1), data]).subarray(4, 9004);
      assert.equal(crc(odd), want);
      assert.equal(crc(new Uint8Array(data.subarray(3, 9003))), want);
      const shared = new Uint8Array(new SharedArrayBuffer(data.length));
      shared.set(data);
      assert.equal(crc(shared, 0, 3, 9003), want);
      assert.equal(crc(shared.subarray(3, 9003)), want);
    });

    test('large random buffers: the same as the other implementation and the reference', () => {
      for (const [n, seed] of [[1 << 20, 5], [3 * (1 << 20) + 13, 6]]) {
        const data = randomBytes(n, seed);
        const want = n <= 1 << 20 ? bitwise(data) : jsCrc32c()(data);
        assert.equal(crc(data), want, `${n} bytes`);
        // In pieces of 64 KiB + 1 byte, and as ranges of the whole.
        let running = 0;
        let ranged = 0;
        for (let i = 0; i < n; i += 65537) {
          running = crc(data.subarray(i, Math.min(i + 65537, n)), running);
          ranged = crc(data, ranged, i, Math.min(i + 65537, n));
        }
        assert.equal(running, want);
        assert.equal(ranged, want);
        if (native) assert.equal(native(data), jsCrc32c()(data));
      }
    });

    test('crc32cCombine joins two CRCs into the CRC of the concatenation', () => {
      const data = randomBytes(200_000, 7);
      const whole = crc(data);
      for (const cut of [0, 1, 4, 255, 4096, 65_537, 199_999, 200_000]) {
        const a = data.subarray(0, cut);
        const b = data.subarray(cut);
        assert.equal(crc32cCombine(crc(a), crc(b), b.length), whole, `cut at ${cut}`);
      }
    });
  });
}

describe('the bundled CLI without the native package', () => {
  const bundle = path.join(REPO_ROOT, 'dist', 'bundle', 'cli.cjs');

  /** A copy of the installed CLI (bin/ and dist/bundle/) in a directory of its own, with no node_modules above it. */
  function copyCli(dir: string): string {
    for (const f of ['bin/etcdctl-ts.js', 'bin/run-bundle.cjs', 'bin/package.json', 'dist/bundle/cli.cjs']) {
      fs.mkdirSync(path.join(dir, path.dirname(f)), { recursive: true });
      fs.copyFileSync(path.join(REPO_ROOT, f), path.join(dir, f));
    }
    return path.join(dir, 'bin', 'etcdctl-ts.js');
  }

  /**
   * Runs the CLI with a preloaded script that, when the process exits, writes which of the modules
   * it loaded are @node-rs ones: the JavaScript of the package and, if it loaded, the binary.
   */
  function run(bin: string, args: string[], dir: string): { stdout: string; loaded: string[] } {
    const hook = path.join(dir, 'loaded-hook.cjs');
    const report = path.join(dir, 'loaded.json');
    fs.writeFileSync(hook, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(report)},
  JSON.stringify(Object.keys(require.cache).filter((k) => k.includes('@node-rs')))));\n`);
    fs.rmSync(report, { force: true });
    let stdout = '';
    try {
      stdout = execFileSync(process.execPath, ['--require', hook, bin, ...args], {
        encoding: 'utf8',
        env: cleanEnv({ NODE_PATH: undefined, NODE_OPTIONS: undefined, NAPI_RS_NATIVE_LIBRARY_PATH: undefined }),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (err) {
      // A command that fails (get against a closed port) still reports what it loaded.
      stdout = String((err as { stdout?: string }).stdout ?? '');
    }
    return { stdout, loaded: JSON.parse(fs.readFileSync(report, 'utf8')) as string[] };
  }

  const etcdLike = (n: number, size: number): Array<[Buffer, Array<[Buffer, Buffer]>]> => [
    [B('key'), Array.from({ length: n }, (_, i): [Buffer, Buffer] => {
      const k = Buffer.alloc(17);
      k.writeBigInt64BE(BigInt(i + 2), 0);
      k[8] = 0x5f;
      return [k, randomBytes(size, i + 100)];
    })],
    [B('meta'), [[B('consistent_index'), Buffer.alloc(8, 1)]]],
  ];

  test('snapshot status gives the same numbers with the JavaScript CRC, on one thread and on two', { timeout: 120000 }, () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'etcdctl-ts-crc-'));
    try {
      // Below and above the size from which the file is hashed on two threads (32 MiB).
      const dbs: Array<[string, Buffer]> = [
        ['small.db', writeBolt(etcdLike(300, 500))],
        ['large.db', writeBolt(etcdLike(36, 1024 * 1024))],
      ];
      const want: string[] = [];
      for (const [name, file] of dbs) {
        fs.writeFileSync(path.join(dir, name), file);
        want.push(snapshotStatusJSON(dbStatus(new BufferSource(file))));
      }

      const installs: Array<[string, (root: string) => void, boolean]> = [
        ['no node_modules at all', () => {}, false],
        // The package's loader without the package of its binary: require throws "Cannot find native binding".
        ['@node-rs/crc32 without its binary', (root) => {
          const from = path.dirname(createRequire(bundle).resolve('@node-rs/crc32/package.json'));
          const to = path.join(root, 'node_modules', '@node-rs', 'crc32');
          fs.mkdirSync(to, { recursive: true });
          for (const f of ['index.js', 'package.json']) fs.copyFileSync(path.join(from, f), path.join(to, f));
        }, false],
      ];
      for (const [label, install, loads] of installs) {
        const root = path.join(dir, label.replace(/\W+/g, '-'));
        const bin = copyCli(root);
        install(root);
        assert.throws(() => createRequire(path.join(root, 'dist', 'bundle', 'cli.cjs'))('@node-rs/crc32'), label);
        for (let i = 0; i < dbs.length; i++) {
          const { stdout, loaded } = run(bin, ['snapshot', 'status', path.join(dir, dbs[i][0]), '-w', 'json'], dir);
          assert.equal(stdout, want[i], `${label}, ${dbs[i][0]}`);
          assert.equal(loaded.some((k) => k.endsWith('.node')), loads, `${label}: ${loaded.join(', ')}`);
        }
      }

      // And the CLI as built here, where the package and its binary are installed (when this
      // platform has one): the native CRC, the same numbers.
      if (native) {
        for (let i = 0; i < dbs.length; i++) {
          const { stdout, loaded } = run(path.join(REPO_ROOT, 'bin', 'etcdctl-ts.js'), ['snapshot', 'status', path.join(dir, dbs[i][0]), '-w', 'json'], dir);
          assert.equal(stdout, want[i], `native, ${dbs[i][0]}`);
          assert.ok(loaded.some((k) => k.endsWith('.node')), `native: ${loaded.join(', ')}`);
        }
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('commands that need no CRC do not load the package', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'etcdctl-ts-crc-'));
    try {
      const bin = path.join(REPO_ROOT, 'bin', 'etcdctl-ts.js');
      for (const args of [['version'], ['--endpoints=127.0.0.1:1', '--dial-timeout=200ms', 'get', 'foo']]) {
        assert.deepEqual(run(bin, args, dir).loaded, [], args.join(' '));
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
