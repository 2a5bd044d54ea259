// Bundles the CLI into one CommonJS file, dist/bundle/cli.cjs, and warms a V8
// code cache for it (dist/bundle/cli.cjs.cache) that bin/run-bundle.cjs hands
// to V8 when it loads the bundle. One file instead of dozens, and no
// compiling on every run, are most of what keeps start-up close to
// `node -e 0`; `npm run bench` measures it. (Splitting into lazily loaded
// chunks was measured too: it helps `version` but makes `get` slower.)
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';

// commander requires child_process when it loads, for subcommands that are
// separate executables, which this CLI has none of; loading it (and dgram
// with it) cost every start about a millisecond. It is required on use instead.
const lazyChildProcessInCommander = {
  name: 'lazy-child-process-in-commander',
  setup(b) {
    b.onLoad({ filter: /[\\/]commander[\\/]lib[\\/]command\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const eager = "const childProcess = require('node:child_process');";
      if (!source.includes(eager)) throw new Error(`${args.path}: the require of child_process to make lazy is not there`);
      const lazy = "const childProcess = { spawn: (...a) => require('node:child_process').spawn(...a) };";
      return { contents: source.replace(eager, lazy), loader: 'js' };
    });
  },
};

// jq-web (for --jq) is jq compiled to WebAssembly: its loader and its 2.7 MB
// jq.wasm are shipped beside the bundle, not in it, and required only when
// --jq is given. The loader finds jq.wasm in its own folder.
const jqBesideBundle = {
  name: 'jq-web-beside-bundle',
  setup(b) {
    b.onResolve({ filter: /^jq-web$/ }, () => ({ path: './jq.cjs', external: true }));
  },
};
const JQ_WEB = 'node_modules/jq-web';

const result = await build({
  entryPoints: ['src/cli.ts'],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // import() becomes require(): the bundle is loaded through vm.Script (for
  // the code cache), where a real dynamic import has no loader to call.
  supported: { 'dynamic-import': false },
  // Native (a .node binary per platform): required at run time from node_modules, if there.
  external: ['@node-rs/crc32', '@node-rs/crc32-*'],
  outfile: 'dist/bundle/cli.cjs',
  logLevel: 'warning',
  write: false,
  metafile: true,
  plugins: [lazyChildProcessInCommander, jqBesideBundle],
});
// Written under a temporary name and renamed, so that a CLI starting meanwhile
// never loads half a bundle.
mkdirSync('dist/bundle', { recursive: true });
writeFileSync('dist/bundle/cli.cjs.tmp', result.outputFiles[0].contents);
renameSync('dist/bundle/cli.cjs.tmp', 'dist/bundle/cli.cjs');
copyFileSync(`${JQ_WEB}/jq.wasm`, 'dist/bundle/jq.wasm');
copyFileSync(`${JQ_WEB}/jq.js`, 'dist/bundle/jq.cjs');

// The licences of the packages bundled in, shipped beside the bundle.
const packages = new Set();
for (const input of Object.keys(result.metafile.inputs)) {
  const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
  if (m) packages.add(m[1]);
}
packages.add(JQ_WEB);
const notices = [];
for (const dir of [...packages].sort()) {
  const { name, version, license } = JSON.parse(readFileSync(`${dir}/package.json`, 'utf8'));
  const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
  notices.push(`${name}@${version} (${license ?? 'see below'})\n\n${file ? readFileSync(`${dir}/${file}`, 'utf8').trim() : '(no licence file in the package)'}\n`);
}
writeFileSync('dist/bundle/THIRD-PARTY-LICENSES.txt', notices.join('\n' + '-'.repeat(72) + '\n\n'));

// Run a few commands that need no server so that the functions they use are
// compiled, then keep V8's code for all of it. A refused connection walks
// the client up to the network.
rmSync('dist/bundle/cli.cjs.cache', { force: true });
const runs = [['help', 'get'], ['version'], ['--endpoints=127.0.0.1:1', '--dial-timeout=200ms', 'get', 'foo', '--prefix']];
for (const args of runs) {
  spawnSync(process.execPath, ['bin/etcdctl-ts.js', ...args], {
    env: { ...process.env, ETCDCTL_TS_WRITE_CODE_CACHE: '1' },
    stdio: 'ignore',
  });
}
