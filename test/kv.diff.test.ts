// Differential tests of put / get / del / compaction: the real etcdctl (3.4.23) against ours.
//
// Mutating commands change the revision, so running real and ours one after the other against
// one server can never give byte-identical output. Instead this file starts TWIN single-member
// servers whose cluster ID and member ID are equal by construction (same advertised peer URL and
// cluster token; nobody listens on that URL, a lone member never dials it). Every command runs
// as real-on-twin-A and ours-on-twin-B, every setup step runs (with the real etcdctl) on both,
// so both servers see the same history and every output - headers, revisions, protobuf bytes -
// must match byte for byte, without any normalisation. After each mutating case the two key
// spaces are compared (with the real etcdctl) to prove that ours wrote the same thing.
//
// 3.4 vs 3.5: the KV printers did not change between 3.4.23 and 3.5 (checked against the v3.5
// sources), so real 3.4.23 output is the 3.5 expectation here, except:
//   * `get --count-only` (3.5 only): tested against ours alone with hand-written expectations.
//   * `del <key> <range_end>`: 3.5.6+ prints "In etcd v3.6, ..." on stderr; ours intentionally
//     does not, and 3.4.23 does not either, so the comparison is direct.

import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test, type TestContext } from 'node:test';
import { startEtcd, type EtcdHandle } from './harness/etcd.js';
import { OUR_BIN, REAL_ETCDCTL, runBytes, runOurs, runReal, stripZapLines, type RunOptions, type RunResult } from './harness/run.js';
import { helpPageAs35 } from './harness/help35.js';

const T = { timeout: 60000 };
const FORMATS = ['simple', 'json', 'fields', 'protobuf', 'table'] as const;

// Same advertised peer URL + token on both twins -> same member ID and cluster ID.
const TWIN_ARGS = [
  '--initial-advertise-peer-urls', 'http://127.0.0.1:1',
  '--initial-cluster', 'default=http://127.0.0.1:1',
  '--initial-cluster-token', 'etcdctl-ts-kv-twin',
];

let realSrv: EtcdHandle; // twin A: the real etcdctl talks to it
let oursSrv: EtcdHandle; // twin B: our CLI talks to it

before(async () => {
  [realSrv, oursSrv] = await Promise.all([startEtcd({ extraArgs: TWIN_ARGS }), startEtcd({ extraArgs: TWIN_ARGS })]);
});

after(async () => {
  await Promise.all([realSrv?.stop(), oursSrv?.stop()]);
});

const ep = (h: EtcdHandle) => `--endpoints=${h.clientUrls[0]}`;

function show(r: RunResult): string {
  return `exit=${r.code}${r.signal ? ` signal=${r.signal}` : ''}${r.timedOut ? ' TIMED OUT' : ''}\n` +
    `--- stdout (hex ${r.stdout.toString('hex').slice(0, 400)}) ---\n${r.stdout.toString('utf8')}\n--- stderr ---\n${r.stderr.toString('utf8')}`;
}

/**
 * A real etcdctl result whose stdout is a help page, with that page replaced by the one etcdctl-ts
 * must print (etcdctl 3.5's from its source, plus our documented additions: harness/help35.ts).
 */
function realAs35(r: RunResult): RunResult {
  if (!r.stdout.subarray(0, 6).equals(Buffer.from('NAME:\n'))) return r;
  return { ...r, stdout: Buffer.from(helpPageAs35(r.stdout.toString('utf8')), 'utf8') };
}

interface DiffOptions extends RunOptions {
  /**
   * For mutating commands: the key prefix the command writes under. After the run, the keys under
   * it (and the store revision) are compared between the twins, with the real etcdctl.
   */
  mutates?: string;
}

/**
 * Runs the real etcdctl against twin A and ours against twin B with the same arguments (the
 * endpoint flag first) and asserts equal stdout bytes, equal zap-stripped stderr, equal exit.
 */
async function both(t: TestContext, args: (string | Buffer)[], opts: DiffOptions = {}): Promise<{ real: RunResult; ours: RunResult }> {
  const { mutates, ...runOpts } = opts;
  const strings = args.every((a) => typeof a === 'string');
  const [real34, ours] = await Promise.all(strings
    ? [runReal([ep(realSrv), ...args], runOpts), runOurs([ep(oursSrv), ...args], runOpts)]
    : [runBytes(REAL_ETCDCTL, [ep(realSrv), ...args], runOpts), runBytes(process.execPath, [OUR_BIN, ep(oursSrv), ...args], runOpts)]);
  const real = realAs35(real34);
  const view = (r: RunResult) => ({
    stdout: r.stdout.toString('utf8'),
    stderr: stripZapLines(r.stderr),
    code: r.code,
  });
  const a = view(ours);
  const b = view(real);
  const same = a.stdout === b.stdout && a.stderr === b.stderr && a.code === b.code && ours.stdout.equals(real.stdout);
  if (!same) {
    const lines = [`args: ${JSON.stringify(args)}`, `=== real etcdctl: ${show(real)}`, `=== etcdctl-ts: ${show(ours)}`]
      .join('\n')
      .split('\n');
    for (const line of lines) t.diagnostic(line);
  }
  let outputError: unknown;
  try {
    assert.deepStrictEqual(a, b, `etcdctl-ts differs from etcdctl for ${JSON.stringify(args)} (actual = ours, expected = real)`);
    assert.ok(ours.stdout.equals(real.stdout),
      `stdout bytes differ for ${JSON.stringify(args)}:\nours: ${ours.stdout.toString('hex')}\nreal: ${real.stdout.toString('hex')}`);
  } catch (err) {
    outputError = err;
  }
  if (mutates !== undefined) {
    try {
      await assertSameState(t, mutates, args);
    } catch (err) {
      // The output difference is the primary finding; the state check only adds a diagnostic then.
      if (outputError === undefined) throw err;
      t.diagnostic(`(also) ${(err as Error).message.split('\n')[0]}`);
    }
  }
  if (outputError !== undefined) throw outputError;
  return { real, ours };
}

/** The keys under `prefix` of a server, as the real etcdctl prints them in JSON (header included). */
async function dump(h: EtcdHandle, prefix: string): Promise<string> {
  const r = await runReal([ep(h), 'get', '--prefix', '-w', 'json', '--', prefix]);
  assert.equal(r.code, 0, `dump failed: ${stripZapLines(r.stderr)}`);
  return r.stdout.toString('utf8');
}

async function assertSameState(t: TestContext, prefix: string, after: (string | Buffer)[]): Promise<void> {
  const [a, b] = await Promise.all([dump(realSrv, prefix), dump(oursSrv, prefix)]);
  if (a !== b) t.diagnostic(`keys under ${JSON.stringify(prefix)} after ${JSON.stringify(after)}:\n real: ${a}\n ours: ${b}`);
  assert.equal(b, a, `after ${JSON.stringify(after)} the keys under ${JSON.stringify(prefix)} (or the revision) differ between the server ours wrote to and the one the real etcdctl wrote to`);
}

/** A setup step run with the real etcdctl on both twins. */
async function setupBoth(args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const [a, b] = await Promise.all([runReal([ep(realSrv), ...args], opts), runReal([ep(oursSrv), ...args], opts)]);
  for (const r of [a, b]) {
    assert.equal(r.code, 0, `setup ${JSON.stringify(args)} failed: ${stripZapLines(r.stderr)}`);
  }
  assert.ok(a.stdout.equals(b.stdout), `setup ${JSON.stringify(args)} gave different output on the twins:\n${a.stdout}\n${b.stdout}`);
  return a;
}

/** Current store revision (identical on both twins while they are in sync). */
async function revisionOf(h: EtcdHandle): Promise<number> {
  const r = await runReal([ep(h), 'get', 'no-such-key-for-revision', '-w', 'json']);
  return Number(/"revision":(\d+)/.exec(r.stdout.toString('utf8'))?.[1] ?? NaN);
}

/**
 * If a failing case left the twins at different revisions (ours failed a write that real did, or
 * the other way round), pad the one behind with writes to "\x01pad" so later cases still compare
 * equal and one bug does not fail every test after it.
 */
async function resync(): Promise<void> {
  const [ra, rb] = await Promise.all([revisionOf(realSrv), revisionOf(oursSrv)]);
  if (ra === rb || Number.isNaN(ra) || Number.isNaN(rb)) return;
  const behind = ra < rb ? realSrv : oursSrv;
  for (let i = 0; i < Math.abs(ra - rb); i++) await runReal([ep(behind), 'put', '\x01pad', String(i)]);
}

/** The 3.5 expectation for `-w table` on put/get/del: nothing on stdout, exit 4. */
const TABLE_ERROR = 'Error: table not supported as output format\n';

// ---------------------------------------------------------------------------------------------

// Read-only: the cases may run side by side.
describe('get (read-only, on an identical data set)', { concurrency: 4 }, () => {
  let revAfterFirstWrites = 0;
  let leaseDec = '';

  before(async () => {
    // g/c first so that create order differs from key order; several updates so that VERSION
    // and MODIFY orders differ from CREATE and KEY; values chosen so VALUE order is different again.
    for (const [k, v] of [['g/c', 'v3'], ['g/a', 'v5'], ['g/e', 'v1'], ['g/b', 'v4'], ['g/d', 'v2']]) await setupBoth(['put', k, v]);
    revAfterFirstWrites = await revisionOf(realSrv);
    for (const [k, v] of [['g/a', 'v9'], ['g/d', 'v0'], ['g/a', 'v6'], ['g/c', 'v7']]) await setupBoth(['put', k, v]);
    await setupBoth(['put', 'g/ключ/日本', 'значение ✓']);
    await setupBoth(['put', 'g/sp ace\nnew line', 'v\twith\ttabs "q" \\ <&>']);
    await setupBoth(['put', 'g/empty', '']);
    await setupBoth(['put', 'g/bin'], { stdin: Buffer.from([0x00, 0x61, 0xff, 0x0a, 0x80, 0x62, 0x00]) });
    await setupBoth(['put', 'g/nl'], { stdin: 'line1\nline2\n' });
    await setupBoth(['put', 'h/other', 'outside g/']);
    // A lease with the same ID on both twins: granted by the real etcdctl on twin A, then on
    // twin B through etcd's JSON gateway with that ID.
    // An hour: a lease that expired while the file runs (it takes minutes under load) would
    // delete its key on each twin at a slightly different moment, and the revisions drift.
    const grant = await runReal([ep(realSrv), 'lease', 'grant', '3600']);
    const hex = /lease ([0-9a-f]+) granted/.exec(grant.stdout.toString('utf8'))?.[1];
    assert.ok(hex, `lease grant: ${grant.stdout}${grant.stderr}`);
    leaseDec = BigInt('0x' + hex).toString();
    const res = await fetch(`${oursSrv.clientUrls[0]}/v3/lease/grant`, {
      method: 'POST',
      body: JSON.stringify({ TTL: '3600', ID: leaseDec }),
    });
    const body = (await res.json()) as { ID?: string };
    assert.equal(body.ID, leaseDec, `gateway lease grant: ${JSON.stringify(body)}`);
    await setupBoth(['put', 'g/leased', 'with lease', `--lease=${hex}`]);
  });

  for (const f of FORMATS) {
    test(`get one key -w ${f}`, T, async (t) => {
      await both(t, ['get', 'g/a', '-w', f]);
    });
    test(`get range [g/a, g/d) -w ${f}`, T, async (t) => {
      await both(t, ['get', 'g/a', 'g/d', '-w', f]);
    });
    test(`get --prefix g/ -w ${f}`, T, async (t) => {
      await both(t, ['get', 'g/', '--prefix', '-w', f]);
    });
    test(`get --prefix "" -w ${f}`, T, async (t) => {
      await both(t, ['get', '--prefix', '', '-w', f]);
    });
    test(`get --from-key g/c -w ${f}`, T, async (t) => {
      await both(t, ['get', 'g/c', '--from-key', '-w', f]);
    });
    test(`get --prefix --limit 2 -w ${f}`, T, async (t) => {
      await both(t, ['get', 'g/', '--prefix', '--limit', '2', '-w', f]);
    });
    test(`get --keys-only -w ${f}`, T, async (t) => {
      await both(t, ['get', 'g/', '--prefix', '--keys-only', '-w', f]);
    });
    test(`get --rev (older revision) -w ${f}`, T, async (t) => {
      await both(t, ['get', 'g/', '--prefix', `--rev=${revAfterFirstWrites}`, '-w', f]);
    });
    test(`get --consistency=s -w ${f}`, T, async (t) => {
      await both(t, ['get', 'g/b', '--consistency=s', '-w', f]);
    });
    test(`get with no match -w ${f}`, T, async (t) => {
      await both(t, ['get', 'g/zzz', '-w', f]);
    });
    test(`get binary / unicode / leased values -w ${f}`, T, async (t) => {
      await both(t, ['get', 'g/bin', '-w', f]);
      await both(t, ['get', 'g/ключ/日本', '-w', f]);
      await both(t, ['get', 'g/sp ace\nnew line', '-w', f]);
      await both(t, ['get', 'g/empty', '-w', f]);
      await both(t, ['get', 'g/nl', '-w', f]);
      await both(t, ['get', 'g/leased', '-w', f]);
    });
    test(`get --hex -w ${f}`, T, async (t) => {
      await both(t, ['get', 'g/', '--prefix', '--hex', '-w', f]);
    });
    test(`get --print-value-only -w ${f}`, T, async (t) => {
      // simple: values only; every other format: exit 128 after the RPC.
      await both(t, ['get', 'g/', '--prefix', '--print-value-only', '-w', f]);
    });
  }

  test('get --print-value-only --hex', T, async (t) => {
    await both(t, ['get', 'g/', '--prefix', '--print-value-only', '--hex']);
  });

  test('get --keys-only --hex, --keys-only --limit 1', T, async (t) => {
    await both(t, ['get', 'g/', '--prefix', '--keys-only', '--hex']);
    await both(t, ['get', 'g/', '--prefix', '--keys-only', '--limit=1']);
  });

  test('get --from-key ""', T, async (t) => {
    await both(t, ['get', '--from-key', '']);
  });

  const TARGETS = ['CREATE', 'KEY', 'MODIFY', 'VALUE', 'VERSION'];
  for (const order of ['ASCEND', 'DESCEND']) {
    for (const target of TARGETS) {
      test(`get --order=${order} --sort-by=${target}`, T, async (t) => {
        await both(t, ['get', 'g/', '--prefix', `--order=${order}`, `--sort-by=${target}`]);
        await both(t, ['get', 'g/', '--prefix', `--order=${order}`, `--sort-by=${target}`, '--limit=3', '-w', 'json']);
      });
    }
  }
  for (const target of TARGETS) {
    test(`get --sort-by=${target} alone (lower case)`, T, async (t) => {
      await both(t, ['get', 'g/', '--prefix', `--sort-by=${target.toLowerCase()}`]);
    });
  }
  for (const order of ['ascend', 'DESCEND', 'Descend']) {
    test(`get --order=${order} alone`, T, async (t) => {
      await both(t, ['get', 'g/', '--prefix', `--order=${order}`]);
    });
  }

  test('get errors: arguments (exit 128)', T, async (t) => {
    await both(t, ['get']);
    await both(t, ['get', 'g/', '--prefix', '--from-key']);
    await both(t, ['get', 'g/a', 'g/z', '--prefix']);
    await both(t, ['get', 'g/a', 'g/z', '--from-key']);
  });

  test('get errors: bad --consistency / --order / --sort-by (exit 4)', T, async (t) => {
    await both(t, ['get', 'g/a', '--consistency=x']);
    await both(t, ['get', 'g/a', '--order=UP']);
    await both(t, ['get', 'g/a', '--sort-by=FOO']);
  });

  test('get errors: bad flag values (usage on stdout, exit 1)', T, async (t) => {
    await both(t, ['get', 'g/a', '--limit=abc']);
    await both(t, ['get', 'g/a', '--rev=x']);
  });

  test('get --rev in the future', T, async (t) => {
    await both(t, ['get', 'g/a', '--rev=999999']);
    await both(t, ['get', 'g/a', '--rev=999999', '-w', 'json']);
  });

  test('get: extra arguments beyond range_end are ignored', T, async (t) => {
    await both(t, ['get', 'g/a', 'g/c', 'g/zzz']);
  });

  // --count-only exists in 3.5 (and 3.4.24+) but not in the 3.4.23 binary: ours alone.
  describe('get --count-only (3.5; ours alone)', () => {
    test('-w fields prints the header, "More" : false and "Count" : N', T, async () => {
      // The header lines are what real 3.4.23 prints for the same range on the twin.
      const real = await runReal([ep(realSrv), 'get', 'g/', '--prefix', '-w', 'fields']);
      const header = real.stdout.toString('utf8').split('\n').slice(0, 4).join('\n') + '\n';
      const count = /"Count" : (\d+)/.exec(real.stdout.toString('utf8'))?.[1];
      assert.ok(count && Number(count) > 5, `real get -w fields: ${real.stdout}`);
      const ours = await runOurs([ep(oursSrv), 'get', 'g/', '--prefix', '--count-only', '-w', 'fields']);
      assert.equal(ours.stderr.toString('utf8'), '');
      assert.equal(ours.stdout.toString('utf8'), `${header}"More" : false\n"Count" : ${count}\n`);
      assert.equal(ours.code, 0);
    });
    for (const f of ['simple', 'json', 'protobuf', 'table']) {
      test(`-w ${f} fails with exit 128`, T, async () => {
        const ours = await runOurs([ep(oursSrv), 'get', 'g/', '--prefix', '--count-only', '-w', f]);
        assert.equal(ours.stdout.toString('utf8'), '');
        assert.equal(ours.stderr.toString('utf8'), 'Error: --count-only is only for `--write-out=fields`\n');
        assert.equal(ours.code, 128);
      });
    }
    test('--count-only with --keys-only fails with exit 128', T, async () => {
      const ours = await runOurs([ep(oursSrv), 'get', 'g/', '--prefix', '--count-only', '--keys-only', '-w', 'fields']);
      assert.equal(ours.stdout.toString('utf8'), '');
      assert.equal(ours.stderr.toString('utf8'), 'Error: `--keys-only` and `--count-only` cannot be set at the same time, choose one\n');
      assert.equal(ours.code, 128);
    });
  });
});

// ---------------------------------------------------------------------------------------------

describe('put', () => {
  let leaseHex = '';

  before(async () => {
    // An hour: a lease that expired while the file runs (it takes minutes under load) would
    // delete its key on each twin at a slightly different moment, and the revisions drift.
    const grant = await runReal([ep(realSrv), 'lease', 'grant', '3600']);
    const hex = /lease ([0-9a-f]+) granted/.exec(grant.stdout.toString('utf8'))?.[1];
    assert.ok(hex, `lease grant: ${grant.stdout}${grant.stderr}`);
    leaseHex = hex;
    const res = await fetch(`${oursSrv.clientUrls[0]}/v3/lease/grant`, {
      method: 'POST',
      body: JSON.stringify({ TTL: '3600', ID: BigInt('0x' + hex).toString() }),
    });
    assert.equal(((await res.json()) as { ID?: string }).ID, BigInt('0x' + hex).toString());
  });

  afterEach(resync);

  for (const f of FORMATS) {
    test(`put new key, overwrite, --prev-kv -w ${f}`, T, async (t) => {
      await both(t, ['put', `p/${f}/a`, 'v1', '-w', f], { mutates: `p/${f}/` });
      await both(t, ['put', `p/${f}/a`, 'v2', '-w', f], { mutates: `p/${f}/` });
      await both(t, ['put', `p/${f}/a`, 'v3', '--prev-kv', '-w', f], { mutates: `p/${f}/` });
      await both(t, ['put', `p/${f}/fresh`, 'v', '--prev-kv', '-w', f], { mutates: `p/${f}/` }); // no previous kv
    });
    test(`put value from stdin (trailing newline, binary) -w ${f}`, T, async (t) => {
      await both(t, ['put', `p/${f}/stdin`, '-w', f], { stdin: 'from stdin\n', mutates: `p/${f}/` });
      await both(t, ['put', `p/${f}/bin`, '-w', f], { stdin: Buffer.from([0x00, 0xff, 0x0a, 0xc3, 0x28, 0x00]), mutates: `p/${f}/` });
      await both(t, ['put', `p/${f}/bin`, '--prev-kv', '-w', f], { stdin: Buffer.from([0xfe, 0x00]), mutates: `p/${f}/` });
      await both(t, ['get', `p/${f}/stdin`, '-w', f]);
      await both(t, ['get', `p/${f}/bin`, '-w', f]);
      await both(t, ['get', `p/${f}/bin`, '--hex', '-w', f]);
    });
    test(`put --lease, --ignore-lease, --ignore-value -w ${f}`, T, async (t) => {
      await both(t, ['put', `p/${f}/leased`, 'lv', `--lease=${leaseHex}`, '-w', f], { mutates: `p/${f}/` });
      await both(t, ['get', `p/${f}/leased`, '-w', f]);
      await both(t, ['put', `p/${f}/leased`, 'lv2', '--ignore-lease', '--prev-kv', '-w', f], { mutates: `p/${f}/` });
      await both(t, ['put', `p/${f}/leased`, '--ignore-value', '--prev-kv', '-w', f], { mutates: `p/${f}/` });
      await both(t, ['get', `p/${f}/leased`, '-w', f]);
      await both(t, ['put', `p/${f}/leased`, '--ignore-value', '--lease=0', '-w', f], { mutates: `p/${f}/` }); // detaches the lease
      await both(t, ['get', `p/${f}/leased`, '-w', f]);
    });
    test(`put unicode key, key with space and newline, empty value -w ${f}`, T, async (t) => {
      await both(t, ['put', `p/${f}/ключ/日本`, 'значение ✓', '-w', f], { mutates: `p/${f}/` });
      await both(t, ['put', `p/${f}/sp ace\nnl`, 'v "q" <&>', '--prev-kv', '-w', f], { mutates: `p/${f}/` });
      await both(t, ['put', `p/${f}/sp ace\nnl`, '', '--prev-kv', '-w', f], { mutates: `p/${f}/` });
      await both(t, ['get', `p/${f}/`, '--prefix', '-w', f]);
    });
    test(`put --hex -w ${f}`, T, async (t) => {
      await both(t, ['put', `p/${f}/hex`, 'x'], { mutates: `p/${f}/` });
      await both(t, ['put', `p/${f}/hex`, 'y', '--prev-kv', '--hex', '-w', f], { mutates: `p/${f}/` });
    });
  }

  test('keys and values typed as bytes that are not UTF-8 (put, get, range, --prefix, del)', T, async (t) => {
    const b = (...parts: (string | number[])[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));
    const key = b('p/raw/', [0xff, 0xfe, 0x20]);
    await both(t, ['put', key, b('v', [0x80, 0xc3, 0x28])], { mutates: 'p/raw/' });
    await both(t, ['put', b('p/raw/', [0xff, 0x01]), 'w', '--prev-kv', '-w', 'json'], { mutates: 'p/raw/' });
    await both(t, ['put', b('p/raw/\u00e9', [0xe9]), b([0xfe])], { mutates: 'p/raw/' });
    for (const f of FORMATS) await both(t, ['get', key, '-w', f]);
    await both(t, ['get', key, '--hex']);
    await both(t, ['get', b('p/raw/', [0xff]), b('p/raw/', [0xff, 0xff]), '-w', 'json']);
    await both(t, ['get', '--prefix', b('p/raw/', [0xff])]);
    await both(t, ['get', '--prefix', 'p/raw/', '--keys-only']);
    await both(t, ['del', '--prev-kv', key], { mutates: 'p/raw/' });
    await both(t, ['del', '--prefix', b('p/raw/', [0xff]), '-w', 'json'], { mutates: 'p/raw/' });
    // Flag values and words quoted in errors as Go quotes them (%q; time's own quoting for durations).
    await both(t, ['get', b('p/raw/', [0xff]), '--limit', b([0xff])]);
    await both(t, ['get', 'k', b('--limit=\u00e9\u0001\u007f\u00a0', [0xff])]);
    await both(t, [b('--dial-timeout=\u00e9\u0001"x\\', [0xff]), 'get', 'k']);
    await both(t, ['get', b('--prefix=', [0xfe]), 'k']);
    await both(t, [b('g', [0xff], 'et'), 'k']);
  });

  test('put errors on the server: unknown lease, --ignore-value / --ignore-lease on a missing key', T, async (t) => {
    await both(t, ['put', 'p/err/k', 'v', '--lease=123456789abc'], { mutates: 'p/err/' }); // lease not found, exit 1
    await both(t, ['put', 'p/err/missing', '--ignore-value'], { mutates: 'p/err/' }); // key not found, exit 1
    await both(t, ['put', 'p/err/missing', 'v', '--ignore-lease'], { mutates: 'p/err/' }); // key not found, exit 1
    await both(t, ['put', 'p/err/missing', 'v', '--ignore-lease', '-w', 'json'], { mutates: 'p/err/' });
  });

  test('put argument errors', T, async (t) => {
    await both(t, ['put'], { mutates: 'p/err/' }); // 128
    await both(t, ['put', 'p/err/k'], { stdin: '', mutates: 'p/err/' }); // empty stdin: 128
    await both(t, ['put', 'p/err/k', 'v', '--ignore-value'], { mutates: 'p/err/' }); // 128
    await both(t, ['put', 'p/err/k', 'v', '--lease=zz'], { mutates: 'p/err/' }); // bad lease ID, 128
    await both(t, ['put', 'p/err/k', 'v', '--lease=-1x'], { mutates: 'p/err/' });
    await both(t, ['put', 'p/err/k', 'v', '--lease=ffffffffffffffffff'], { mutates: 'p/err/' }); // out of range
    await both(t, ['put', 'p/err/k', '-v'], { mutates: 'p/err/' }); // unknown shorthand flag, usage, exit 1
    await both(t, ['put', 'p/err/k', '--bogus'], { mutates: 'p/err/' }); // unknown flag, usage, exit 1
  });

  test('arguments that look like negative numbers are shorthand flags (pflag)', T, async (t) => {
    await both(t, ['put', 'p/neg/k', '-1'], { mutates: 'p/neg/' }); // unknown shorthand flag: '1' in -1
    await both(t, ['del', '-1'], { mutates: '-' });
    await both(t, ['compaction', '-5']);
    await both(t, ['get', '-1']); // last: its usage is the get help, which has its own test
  });

  test('put with "--" before a value or key that starts with "-"', T, async (t) => {
    await both(t, ['put', 'p/dash/k', '--', '-v'], { mutates: 'p/dash/' });
    await both(t, ['put', '--', '-p/dash/k', '-v'], { mutates: '-p/dash/' });
    await both(t, ['put', '--prev-kv', 'p/dash/k', '--', '--x'], { mutates: 'p/dash/' });
    await both(t, ['get', 'p/dash/k']);
    await both(t, ['get', '--', '-p/dash/k']);
  });

  test('put: extra arguments beyond the value are ignored; value arg wins over stdin', T, async (t) => {
    await both(t, ['put', 'p/extra/k', 'v', 'ignored', 'also'], { mutates: 'p/extra/' });
    await both(t, ['put', 'p/extra/k', 'arg'], { stdin: 'stdin\n', mutates: 'p/extra/' });
    await both(t, ['get', 'p/extra/k']);
  });

  test('put --ignore-value with one argument does not read stdin', T, async (t) => {
    await both(t, ['put', 'p/extra/k', '--ignore-value'], { stdin: 'must not be used\n', mutates: 'p/extra/' });
    await both(t, ['get', 'p/extra/k']);
  });

  test('put -w table runs the put, then fails with exit 4', T, async (t) => {
    const { ours } = await both(t, ['put', 'p/table/k', 'v', '-w', 'table'], { mutates: 'p/table/' });
    assert.equal(ours.stderr.toString('utf8'), TABLE_ERROR);
    assert.equal(ours.code, 4);
  });
});

// ---------------------------------------------------------------------------------------------

describe('del', () => {
  afterEach(resync);

  async function fill(prefix: string): Promise<void> {
    for (const [k, v] of [['a', '1'], ['b', '2'], ['c', '3'], ['d', '4'], ['e', '5']]) await setupBoth(['put', `${prefix}${k}`, v]);
  }

  for (const f of FORMATS) {
    test(`del single key, nothing deleted -w ${f}`, T, async (t) => {
      await fill(`d/${f}/single/`);
      await both(t, ['del', `d/${f}/single/a`, '-w', f], { mutates: `d/${f}/single/` });
      await both(t, ['del', `d/${f}/single/a`, '-w', f], { mutates: `d/${f}/single/` }); // 0 deleted
      await both(t, ['del', `d/${f}/single/b`, '--prev-kv', '-w', f], { mutates: `d/${f}/single/` });
      await both(t, ['del', `d/${f}/single/zzz`, '--prev-kv', '-w', f], { mutates: `d/${f}/single/` });
    });
    test(`del range [b, d) --prev-kv -w ${f}`, T, async (t) => {
      await fill(`d/${f}/range/`);
      await both(t, ['del', `d/${f}/range/b`, `d/${f}/range/d`, '--prev-kv', '-w', f], { mutates: `d/${f}/range/` });
      await both(t, ['del', `d/${f}/range/d`, `d/${f}/range/f`, '-w', f], { mutates: `d/${f}/range/` });
    });
    test(`del --prefix --prev-kv -w ${f}`, T, async (t) => {
      await fill(`d/${f}/prefix/`);
      await setupBoth(['put', `d/${f}/prefix/bin`], { stdin: Buffer.from([0x00, 0xff, 0x0a]) });
      await setupBoth(['put', `d/${f}/prefix/ключ`, 'значение']);
      await both(t, ['del', `d/${f}/prefix/`, '--prefix', '--prev-kv', '-w', f], { mutates: `d/${f}/prefix/` });
    });
    test(`del --from-key -w ${f}`, T, async (t) => {
      // "~" sorts after every other ASCII key used in this file; nothing else lives there.
      await fill(`~fk/${f}/`);
      await both(t, ['del', `~fk/${f}/c`, '--from-key', '--prev-kv', '-w', f], { mutates: `~fk/${f}/` });
      await both(t, ['del', `~fk/${f}/`, '--from-key', '-w', f], { mutates: `~fk/${f}/` });
    });
    test(`del --prev-kv --hex -w ${f}`, T, async (t) => {
      await fill(`d/${f}/hex/`);
      await both(t, ['del', `d/${f}/hex/`, '--prefix', '--prev-kv', '--hex', '-w', f], { mutates: `d/${f}/hex/` });
    });
  }

  test('del -w table deletes, then fails with exit 4', T, async (t) => {
    await fill('d/table/');
    const { ours } = await both(t, ['del', 'd/table/a', '-w', 'table'], { mutates: 'd/table/' });
    assert.equal(ours.stderr.toString('utf8'), TABLE_ERROR);
    assert.equal(ours.code, 4);
  });

  test('del argument errors', T, async (t) => {
    await both(t, ['del'], { mutates: 'd/a' }); // 128
    await both(t, ['del', 'a', 'b', 'c'], { mutates: 'd/a' }); // 128
    await both(t, ['del', 'd/', '--prefix', '--from-key'], { mutates: 'd/a' }); // 128
    await both(t, ['del', 'd/a', 'd/z', '--prefix'], { mutates: 'd/a' }); // 128
    await both(t, ['del', 'd/a', 'd/z', '--from-key'], { mutates: 'd/a' }); // 128
    await both(t, ['del', 'd/a', '--consistency=s'], { mutates: 'd/a' }); // unknown flag: del has none
  });
});

// ---------------------------------------------------------------------------------------------

describe('compaction', () => {
  afterEach(resync);

  let rev1 = 0; // revision of c/k's first write
  let rev3 = 0; // revision after c/k's third write

  before(async () => {
    await setupBoth(['put', 'c/k', 'one']);
    rev1 = await revisionOf(realSrv);
    await setupBoth(['put', 'c/k', 'two']);
    await setupBoth(['put', 'c/k', 'three']);
    rev3 = await revisionOf(realSrv);
    assert.equal(await revisionOf(oursSrv), rev3, 'twins out of sync before compaction');
  });

  test('compaction argument errors', T, async (t) => {
    await both(t, ['compaction']); // 128
    await both(t, ['compaction', 'abc']); // exit 1
    await both(t, ['compaction', '1.5']);
    await both(t, ['compaction', '--', '-5']);
    await both(t, ['compaction', '1', '2']); // 128
  });

  test('compaction of a future revision', T, async (t) => {
    await both(t, ['compaction', String(rev3 + 1000)]);
  });

  test('reads before compaction see old revisions', T, async (t) => {
    await both(t, ['get', 'c/k', `--rev=${rev1}`, '-w', 'json']);
  });

  test('compaction ok (simple output, -w json ignored), then already compacted', T, async (t) => {
    await both(t, ['compaction', String(rev1 + 1)], { mutates: 'c/' });
    await both(t, ['compaction', String(rev1 + 1)]); // already compacted: exit 1
    await both(t, ['compaction', String(rev1)]);
    await both(t, ['compaction', '--physical', String(rev3), '-w', 'json'], { mutates: 'c/' }); // text whatever -w says
  });

  test('get --rev of a compacted revision', T, async (t) => {
    await both(t, ['get', 'c/k', `--rev=${rev1}`]);
    await both(t, ['get', 'c/k', `--rev=${rev1}`, '-w', 'fields']);
    await both(t, ['get', 'c/k', `--rev=${rev3}`, '-w', 'fields']); // the compaction revision itself is readable
  });
});
