// Getting the command onto the PATH as the README's Install section says: `npm pack` gives a
// tarball that installs (project, global, npx) and runs with no build step and no install-time
// script; `npm install -g .` from a built clone; a fresh clone's `npm ci` warns of nothing and
// runs no build, and the programs then say how to build.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PACKAGE_VERSION, REPO_ROOT, runCommand, runReal, type RunResult } from './harness/run.js';
import { startEtcd, type EtcdHandle } from './harness/etcd.js';
import { writeBolt } from '../src/snapshot/bbolt-writer.js';
import { BufferSource } from '../src/snapshot/source.js';
import { dbStatus } from '../src/snapshot/status.js';
import { snapshotStatusJSON } from '../src/output/snapshot.js';

const T = { timeout: 120000 };
const VERSION = `etcdctl version: 3.5.0\nAPI version: 3.5\netcdctl-ts version: ${PACKAGE_VERSION}\n`;
/** What npm 11 prints when a package it installs has a script it did not run. */
const SCRIPT_WARNING = /install-scripts|allowScripts|allow-scripts/;
/** The scripts npm runs when it installs a package (prepare: from a folder, git or a tarball). */
const INSTALL_TIME = ['preinstall', 'install', 'postinstall', 'prepare'];

const show = (r: RunResult) => `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;

/** Runs npm with `args` in `cwd`; fails the test on a non-zero exit. */
async function npm(args: string[], cwd: string, timeoutMs = 60000): Promise<RunResult> {
  const r = await runCommand('npm', ['--no-audit', '--no-fund', '--no-update-notifier', ...args], { cwd, timeoutMs });
  assert.equal(r.code, 0, `npm ${args.join(' ')}\n${show(r)}`);
  return r;
}

describe('install', () => {
  let dir: string;
  let tgz: string;
  let server: EtcdHandle;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'etcdctl-ts-pack-'));
    server = await startEtcd();
    // The build already ran (npm test builds first): pack what it made, without prepack's build.
    await npm(['pack', '--ignore-scripts', '--pack-destination', dir], REPO_ROOT);
    const name = readdirSync(dir).find((f) => f.endsWith('.tgz'));
    assert.equal(name, `etcdctl-ts-${PACKAGE_VERSION}.tgz`);
    tgz = path.join(dir, name!);
  });
  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the tarball carries no install-time script', () => {
    const manifest = JSON.parse(execFileSync('tar', ['-xzOf', tgz, 'package/package.json'], { encoding: 'utf8' })) as { scripts?: Record<string, string> };
    assert.deepEqual(INSTALL_TIME.filter((s) => manifest.scripts?.[s] !== undefined), []);
  });

  test('npm install <tarball> in a project: offline, no script warning, both programs and --jq run', T, async () => {
    const project = path.join(dir, 'project');
    mkdirSync(project);
    writeFileSync(path.join(project, 'package.json'), '{"name":"pack-check","version":"1.0.0","private":true}\n');
    const install = await npm(['install', '--offline', tgz], project);
    assert.doesNotMatch(install.stderr.toString(), SCRIPT_WARNING, show(install));
    const installed = readdirSync(path.join(project, 'node_modules', 'etcdctl-ts', 'dist', 'bundle')).sort();
    assert.deepEqual(installed, ['THIRD-PARTY-LICENSES.txt', 'cli.cjs', 'cli.cjs.cache', 'etcdutl.cjs', 'etcdutl.cjs.cache', 'jq.cjs', 'jq.wasm']);
    const bin = (name: string) => path.join(project, 'node_modules', '.bin', name);
    assert.equal(execFileSync(bin('etcdctl-ts'), ['version'], { encoding: 'utf8' }), VERSION);
    // The second program, etcdutl-ts, with its own bundle.
    assert.equal(execFileSync(bin('etcdutl-ts'), ['version'], { encoding: 'utf8' }), `etcdutl version: 3.6.0\nAPI version: 3.6\netcdutl-ts version: ${PACKAGE_VERSION}\n`);
    // snapshot status needs CRC-32C: @node-rs/crc32, required at run time (the bundle does not
    // contain it) from the install's node_modules, or the JavaScript CRC when it is not there.
    const db = path.join(dir, 'small.db');
    const file = writeBolt([[Buffer.from('key'), [[Buffer.from('00000000000000025f0000000000000000', 'hex'), Buffer.from('0a0161', 'hex')]]]]);
    writeFileSync(db, file);
    assert.equal(execFileSync(bin('etcdctl-ts'), ['snapshot', 'status', db, '-w', 'json'], { encoding: 'utf8' }), snapshotStatusJSON(dbStatus(new BufferSource(file))));
    const s = dbStatus(new BufferSource(file), { liveKeys: true });
    assert.equal(execFileSync(bin('etcdutl-ts'), ['snapshot', 'status', db, '-w', 'json'], { encoding: 'utf8' }), snapshotStatusJSON({ ...s, totalKey: s.liveKeys!, version: '' }));
    // --jq: jq-web's loader and wasm, shipped beside the bundle.
    assert.equal(execFileSync(bin('etcdctl-ts'), ['snapshot', 'status', db, '--jq', '.totalKey'], { encoding: 'utf8' }), `${dbStatus(new BufferSource(file)).totalKey}\n`);
  });

  /** `etcdctl-ts member list` as `file` runs it against the test's etcd, beside the real etcdctl's. */
  async function memberListAsReal(file: string, args: string[] = []): Promise<void> {
    const list = ['--endpoints', server.endpoints[0], 'member', 'list'];
    const [ours, real] = [await runCommand(file, [...args, ...list], { timeoutMs: 60000 }), await runReal(list)];
    assert.equal(real.code, 0, show(real));
    assert.deepEqual([ours.code, ours.stdout.toString(), ours.stderr.toString()], [0, real.stdout.toString(), ''], show(ours));
  }

  test('npm install -g <tarball>: etcdctl-ts on the PATH of the prefix, member list as etcdctl prints it', T, async () => {
    const prefix = path.join(dir, 'global-tgz');
    const install = await npm(['install', '-g', '--offline', '--prefix', prefix, tgz], dir);
    assert.doesNotMatch(install.stderr.toString(), SCRIPT_WARNING, show(install));
    await memberListAsReal(path.join(prefix, 'bin', 'etcdctl-ts'));
  });

  test('npx --package <tarball> etcdctl-ts member list (an empty npm cache, offline)', T, async () => {
    const cache = path.join(dir, 'npx-cache');
    await memberListAsReal('npx', ['--yes', '--offline', '--cache', cache, '--package', tgz, 'etcdctl-ts']);
  });

  test('npm install -g . from a built clone links the clone: etcdctl-ts runs from the prefix', T, async () => {
    const prefix = path.join(dir, 'global-link');
    const install = await npm(['install', '-g', '--offline', '--prefix', prefix, '.'], REPO_ROOT);
    assert.doesNotMatch(install.stderr.toString(), SCRIPT_WARNING, show(install));
    await memberListAsReal(path.join(prefix, 'bin', 'etcdctl-ts'));
  });

  test("a fresh clone's npm ci warns of no script and builds nothing; the programs then say how to build", T, async () => {
    const clone = path.join(dir, 'clone');
    execFileSync('git', ['clone', '--quiet', '--no-hardlinks', REPO_ROOT, clone]);
    const ci = await npm(['ci', '--offline'], clone, 90000);
    assert.doesNotMatch(ci.stderr.toString(), SCRIPT_WARNING, show(ci));
    assert.deepEqual(readdirSync(clone).filter((f) => f === 'dist'), [], 'npm ci built');
    for (const name of ['etcdctl-ts', 'etcdutl-ts']) {
      const r = await runCommand(process.execPath, [path.join(clone, 'bin', `${name}.js`), 'version']);
      assert.deepEqual([r.code, r.stdout.toString(), r.stderr.toString()], [1, '', `Error: ${name} is not built yet: run \`npm run build\` in ${clone}\n`]);
    }
  });
});
