#!/usr/bin/env node
'use strict';
// Loads the bundled CLI with V8's code cache when one is there and still fits
// this Node; without it, or when V8 turns it down, the code is simply compiled.
// (CommonJS, see bin/package.json: it starts faster than an ES module.)
const { readFileSync, renameSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const path = require('node:path');
const vm = require('node:vm');

const file = path.join(__dirname, '..', 'dist', 'bundle', 'cli.cjs');
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
  // The bundle has no import() of its own; this only keeps one working if it ever does.
  importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER,
});
const bundle = { exports: {} };
script.runInThisContext()(bundle.exports, createRequire(file), bundle, file, path.dirname(file));

bundle.exports.main(process.argv.slice(2)).then((code) => {
  if (process.env.ETCDCTL_TS_WRITE_CODE_CACHE === '1') {
    // Build time: keep the code compiled so far, which includes what came from
    // the cache this run started with. A temporary name and a rename, so that a
    // concurrent run never reads half a file.
    try {
      writeFileSync(`${cacheFile}.tmp`, script.createCachedData());
      renameSync(`${cacheFile}.tmp`, cacheFile);
    } catch {
      // A read-only install keeps working without a cache.
    }
  }
  process.exit(code);
});
