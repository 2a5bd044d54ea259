// `npm pack` gives a tarball that installs and runs with no build step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PACKAGE_VERSION, REPO_ROOT } from './harness/run.js';
import { writeBolt } from '../src/snapshot/bbolt-writer.js';
import { BufferSource } from '../src/snapshot/source.js';
import { dbStatus } from '../src/snapshot/status.js';
import { snapshotStatusJSON } from '../src/output/snapshot.js';

test('the packed tarball installs offline and runs', { timeout: 120000 }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'etcdctl-ts-pack-'));
  try {
    // The build already ran (npm test builds first); pack what it made.
    const out = execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', dir], { cwd: REPO_ROOT, encoding: 'utf8' });
    const tgz = readdirSync(dir).find((f) => f.endsWith('.tgz'));
    assert.ok(tgz, out);
    const project = path.join(dir, 'project');
    execFileSync('mkdir', ['-p', project]);
    writeFileSync(path.join(project, 'package.json'), '{"name":"pack-check","version":"1.0.0","private":true}\n');
    execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', path.join(dir, tgz)], { cwd: project, stdio: 'pipe' });
    const installed = readdirSync(path.join(project, 'node_modules', 'etcdctl-ts', 'dist', 'bundle')).sort();
    assert.deepEqual(installed, ['THIRD-PARTY-LICENSES.txt', 'cli.cjs', 'cli.cjs.cache', 'etcdutl.cjs', 'etcdutl.cjs.cache', 'jq.cjs', 'jq.wasm']);
    const version = execFileSync(path.join(project, 'node_modules', '.bin', 'etcdctl-ts'), ['version'], { encoding: 'utf8' });
    assert.equal(version, `etcdctl version: 3.5.0\nAPI version: 3.5\netcdctl-ts version: ${PACKAGE_VERSION}\n`);
    // The second program, etcdutl-ts, with its own bundle.
    const utilVersion = execFileSync(path.join(project, 'node_modules', '.bin', 'etcdutl-ts'), ['version'], { encoding: 'utf8' });
    assert.equal(utilVersion, `etcdutl version: 3.6.0\nAPI version: 3.6\netcdutl-ts version: ${PACKAGE_VERSION}\n`);
    // snapshot status needs CRC-32C: @node-rs/crc32, required at run time (the bundle does not
    // contain it) from the install's node_modules, or the JavaScript CRC when it is not there.
    const db = path.join(dir, 'small.db');
    const file = writeBolt([[Buffer.from('key'), [[Buffer.from('00000000000000025f0000000000000000', 'hex'), Buffer.from('0a0161', 'hex')]]]]);
    writeFileSync(db, file);
    const status = execFileSync(path.join(project, 'node_modules', '.bin', 'etcdctl-ts'), ['snapshot', 'status', db, '-w', 'json'], { encoding: 'utf8' });
    assert.equal(status, snapshotStatusJSON(dbStatus(new BufferSource(file))));
    const utilStatus = execFileSync(path.join(project, 'node_modules', '.bin', 'etcdutl-ts'), ['snapshot', 'status', db, '-w', 'json'], { encoding: 'utf8' });
    const s = dbStatus(new BufferSource(file), { liveKeys: true });
    assert.equal(utilStatus, snapshotStatusJSON({ ...s, totalKey: s.liveKeys!, version: '' }));
    // --jq: jq-web's loader and wasm, shipped beside the bundle.
    const keys = execFileSync(path.join(project, 'node_modules', '.bin', 'etcdctl-ts'), ['snapshot', 'status', db, '--jq', '.totalKey'], { encoding: 'utf8' });
    assert.equal(keys, `${dbStatus(new BufferSource(file)).totalKey}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
