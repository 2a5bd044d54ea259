// Builds the start-up reference (client.cjs) and the floor (floor.cjs: grpc-js
// alone) into dist/bench-reference/ the
// way scripts/bundle.mjs builds ours: esbuild, one CommonJS file for node20,
// then a V8 code cache warmed by a run against a refused connection (as ours
// is), and a check that V8 takes that cache.
//
// The descriptor is made here, at build time: protobufjs loads proto/*.proto
// with keepCase and root.toJSON() is bundled as the module
// 'reference-descriptor', which client.cjs hands to proto-loader's fromJSON.
//
// Usage (from anywhere): node bench/reference/build.mjs
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const protoDir = join(repo, 'proto');
const outDir = join(repo, 'dist', 'bench-reference');
const outFile = join(outDir, 'reference.cjs');

const protoFiles = readdirSync(protoDir).filter((f) => f.endsWith('.proto')).sort();
const root = new protobuf.Root();
root.loadSync(protoFiles.map((f) => join(protoDir, f)), { keepCase: true });
root.resolveAll();
const descriptorJson = JSON.stringify(root.toJSON());

mkdirSync(outDir, { recursive: true });
// Written out too, only to look at; the bundle carries its own copy.
writeFileSync(join(outDir, 'descriptor.json'), descriptorJson);

const descriptorModule = {
  name: 'reference-descriptor',
  setup(b) {
    b.onResolve({ filter: /^reference-descriptor$/ }, () => ({ path: 'reference-descriptor', namespace: 'reference-descriptor' }));
    b.onLoad({ filter: /.*/, namespace: 'reference-descriptor' }, () => ({ contents: descriptorJson, loader: 'json' }));
  },
};

/** Bundles `entry` to `out`, warms its code cache and checks that V8 takes it. */
async function bundle(entry, out, runArgs) {
  const result = await build({
    entryPoints: [join(here, entry)],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    supported: { 'dynamic-import': false },
    outfile: out,
    logLevel: 'warning',
    write: false,
    plugins: [descriptorModule],
  });
  writeFileSync(`${out}.tmp`, result.outputFiles[0].contents);
  renameSync(`${out}.tmp`, out);

  const run = (args, env) => spawnSync(process.execPath, [join(here, 'run.cjs'), ...runArgs, ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });

  // Warm the cache: a refused connection walks the client up to the network.
  rmSync(`${out}.cache`, { force: true });
  run(['127.0.0.1:1'], { BENCH_REFERENCE_WRITE_CODE_CACHE: '1' });
  const check = run(['127.0.0.1:1'], { BENCH_REFERENCE_REPORT_CACHE: '1' });
  if (!/^code cache: accepted$/m.test(check.stderr)) {
    console.error(`bench/reference/build.mjs: the code cache of ${entry} is not used:\n${check.stderr}`);
    process.exit(1);
  }
  if (!/UNAVAILABLE|No connection established/.test(check.stderr)) {
    console.error(`bench/reference/build.mjs: ${entry} against a refused connection did not fail as expected:\n${check.stderr}`);
    process.exit(1);
  }
}

await bundle('client.cjs', outFile, []);
await bundle('floor.cjs', join(outDir, 'floor.cjs'), ['--floor']);
