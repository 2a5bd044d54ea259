#!/usr/bin/env node
'use strict';
// Loads the reference bundle (dist/bench-reference/reference.cjs, made by
// build.mjs) the way bin/etcdctl-ts.js loads ours: through vm.Script with
// V8's code cache when one is there, then exits once stdout and stderr are
// flushed. Kept the same on purpose, so that the benchmark compares the code
// each one runs and not how it is loaded.
const { readFileSync, renameSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const path = require('node:path');
const vm = require('node:vm');

const file = path.join(__dirname, '..', '..', 'dist', 'bench-reference', 'reference.cjs');
const cacheFile = `${file}.cache`;
let cachedData;
try {
  cachedData = readFileSync(cacheFile);
} catch {
  cachedData = undefined;
}
const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${readFileSync(file, 'utf8')}\n})`, {
  filename: file,
  cachedData,
  importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER,
});
if (process.env.BENCH_REFERENCE_REPORT_CACHE === '1') {
  process.stderr.write(`code cache: ${cachedData === undefined ? 'none' : script.cachedDataRejected ? 'rejected' : 'accepted'}\n`);
}

function exitAfterFlush(code) {
  let pending = 2;
  const done = () => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
}

const bundle = { exports: {} };
script.runInThisContext()(bundle.exports, createRequire(file), bundle, file, path.dirname(file));

bundle.exports.main(process.argv.slice(2)).then((code) => {
  if (process.env.BENCH_REFERENCE_WRITE_CODE_CACHE === '1') {
    try {
      writeFileSync(`${cacheFile}.tmp`, script.createCachedData());
      renameSync(`${cacheFile}.tmp`, cacheFile);
    } catch {
      // Without a cache it still runs, only slower.
    }
  }
  exitAfterFlush(code);
});
