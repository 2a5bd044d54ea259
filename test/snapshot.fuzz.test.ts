// Bounded fuzzing of the snapshot reader: a real snapshot, mutated many ways
// (flipped bytes, truncations, zeroed pages, random junk), must give a status
// or a clear snapshot error, never an unhandled exception or a hang.
import { rng } from './harness/rng.js';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEtcd, type EtcdHandle } from './harness/etcd.js';
import { runReal } from './harness/run.js';
import { fileStatus, FileError } from '../src/snapshot/status.js';
import { BoltError, IntegrityError } from '../src/snapshot/bbolt.js';

let server: EtcdHandle;
let dir: string;
let original: Buffer;

before(async () => {
  server = await startEtcd();
  dir = mkdtempSync(path.join(tmpdir(), 'etcdctl-ts-snapfuzz-'));
  for (let i = 0; i < 40; i++) {
    assert.equal((await runReal([...server.etcdctlArgs(), 'put', `k${i}`, 'v'.repeat(i * 50)])).code, 0);
  }
  const file = path.join(dir, 'base.db');
  const r = await runReal([...server.etcdctlArgs(), 'snapshot', 'save', file]);
  assert.equal(r.code, 0, r.stderr.toString());
  original = readFileSync(file);
});

after(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});


test('mutated snapshots: a status or a snapshot error, nothing else', { timeout: 120000 }, async () => {
  const r = rng(Number(process.env.FUZZ_SEED ?? 7));
  const file = path.join(dir, 'mutant.db');
  const baseline = await fileStatus(path.join(dir, 'base.db'));
  assert.ok(Number(baseline.totalKey) > 40);
  let errors = 0;
  for (let i = 0; i < 300; i++) {
    const b = Buffer.from(original);
    const kind = i % 4;
    if (kind === 0) {
      for (let n = 1 + Math.floor(r() * 8); n > 0; n--) b[Math.floor(r() * b.length)] ^= 1 << Math.floor(r() * 8);
    } else if (kind === 1) {
      const page = 4096 * Math.floor(r() * (b.length / 4096));
      b.fill(0, page, page + 4096);
    } else if (kind === 2) {
      for (let n = 0; n < 64; n++) b[Math.floor(r() * b.length)] = Math.floor(r() * 256);
    }
    const data = kind === 3 ? b.subarray(0, Math.floor(r() * b.length)) : b;
    writeFileSync(file, data);
    try {
      const s = await fileStatus(file);
      assert.ok(Number(s.totalKey) >= 0 && Number(s.totalSize) >= 0, `mutation ${i}: ${s.totalKey} keys, ${s.totalSize} bytes`);
    } catch (err) {
      errors++;
      assert.ok(err instanceof BoltError || err instanceof IntegrityError || err instanceof FileError, `mutation ${i} (${kind}): ${(err as Error).stack}`);
      assert.ok((err as Error).message.length > 0);
    }
  }
  assert.ok(errors > 50, `only ${errors} of 300 mutants were refused`);
});
