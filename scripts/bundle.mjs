// Bundles the CLI into one CommonJS file, dist/bundle/cli.cjs, and etcdutl-ts
// into another, dist/bundle/etcdutl.cjs, and warms a V8 code cache for each
// (<bundle>.cache) that bin/run-bundle.cjs hands to V8 when it loads one. One file instead of dozens, and no
// compiling on every run, are most of what keeps start-up close to
// `node -e 0`; `npm run bench` measures it. (Splitting into lazily loaded
// chunks was measured too: it helps `version` but makes `get` slower.)
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { PATCHES } from './bundle-patches.mjs';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';

// Libraries' code made lazier on its way in (scripts/bundle-patches.mjs).
const libraryPatches = {
  name: 'library-patches',
  setup(b) {
    for (const { filter, patch } of PATCHES) {
      b.onLoad({ filter }, (args) => ({ contents: patch(args.path, readFileSync(args.path, 'utf8')), loader: 'js' }));
    }
  },
};

// grpc-js asks net.isIPv6 about every address it connects to; it gets src/client/ip.ts's
// check, which answers for an IPv4 address or a name without compiling Node's IPv6 expression.
const quickIpChecksForGrpc = {
  name: 'quick-ip-checks-for-grpc',
  setup(b) {
    b.onResolve({ filter: /^net$/ }, (args) =>
      /[\\/]@grpc[\\/]grpc-js[\\/]/.test(args.importer) ? { path: path.resolve('src/client/net-for-grpc.ts') } : undefined);
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

/** The bundles: their entry points and the programs that run them. */
const BUNDLES = [
  { entry: 'src/cli.ts', out: 'dist/bundle/cli.cjs', bin: 'bin/etcdctl-ts.js' },
  { entry: 'src/etcdutl.ts', out: 'dist/bundle/etcdutl.cjs', bin: 'bin/etcdutl-ts.js' },
];

const results = [];
for (const bundle of BUNDLES) results.push(await build({
  entryPoints: [bundle.entry],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // import() becomes require(): the bundle is loaded through vm.Script (for
  // the code cache), where a real dynamic import has no loader to call.
  supported: { 'dynamic-import': false },
  // Native (a .node binary per platform): required at run time from node_modules, if there.
  external: ['@node-rs/crc32', '@node-rs/crc32-*'],
  // No comments or indentation: a smaller file to read and compile at every start, and
  // ASCII only (esbuild escapes what strings hold; comments were the rest), which V8 keeps
  // as a one-byte string.
  minifyWhitespace: true,
  outfile: bundle.out,
  logLevel: 'warning',
  write: false,
  metafile: true,
  plugins: [libraryPatches, quickIpChecksForGrpc, jqBesideBundle],
}));
// Written under a temporary name and renamed, so that a CLI starting meanwhile
// never loads half a bundle.
mkdirSync('dist/bundle', { recursive: true });
BUNDLES.forEach((bundle, i) => {
  const contents = results[i].outputFiles[0].contents;
  // bin/run-bundle.cjs reads the bundle as Latin-1, which is its text only while it is ASCII.
  const at = contents.findIndex((byte) => byte > 0x7f);
  if (at >= 0) throw new Error(`${bundle.out}: a byte that is not ASCII at offset ${at}`);
  writeFileSync(`${bundle.out}.tmp`, contents);
  renameSync(`${bundle.out}.tmp`, bundle.out);
});
copyFileSync(`${JQ_WEB}/jq.wasm`, 'dist/bundle/jq.wasm');
copyFileSync(`${JQ_WEB}/jq.js`, 'dist/bundle/jq.cjs');

// The licences of the packages bundled in, shipped beside the bundle.
const packages = new Set();
for (const input of results.flatMap((r) => Object.keys(r.metafile.inputs))) {
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
const runs = [
  ['bin/etcdctl-ts.js', 'help', 'get'], ['bin/etcdctl-ts.js', 'version'],
  ['bin/etcdctl-ts.js', '--endpoints=127.0.0.1:1', '--dial-timeout=200ms', 'get', 'foo', '--prefix'],
  ['bin/etcdutl-ts.js', 'help', 'snapshot', 'status'], ['bin/etcdutl-ts.js', 'version'], ['bin/etcdutl-ts.js', 'hashkv', 'dist/bundle'],
];
for (const bundle of BUNDLES) rmSync(`${bundle.out}.cache`, { force: true });
for (const args of runs) {
  spawnSync(process.execPath, args, {
    env: { ...process.env, ETCDCTL_TS_WRITE_CODE_CACHE: '1' },
    stdio: 'ignore',
  });
}
