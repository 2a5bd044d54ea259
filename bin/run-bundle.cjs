'use strict';
// Loads a bundled program with V8's code cache when one is there and still
// fits this Node; without it, or when V8 turns it down, the code is simply
// compiled. Then runs its main(argv) and exits with its code once stdout and
// stderr are flushed. bin/etcdctl-ts.js runs the CLI with it, and the start-up
// benchmark's reference program is run the same way.
// (CommonJS, see bin/package.json: it starts faster than an ES module.)
const { readFileSync, renameSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const path = require('node:path');
const vm = require('node:vm');

/** Exits once everything written to stdout and stderr has been handed to the OS. */
function exitAfterFlush(code) {
  let pending = 2;
  const done = (err) => {
    if (err && err.code === 'EPIPE') process.exit(141);
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
}

/**
 * Runs the bundle `file` (its code cache is `${file}.cache`). When the
 * variable `writeCacheVar` is '1' (build time), the cache is written after
 * the run. Returns what became of the cache: 'none', 'rejected' (by V8) or
 * 'accepted'.
 */
function runBundle(file, writeCacheVar) {
  const cacheFile = `${file}.cache`;
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  let source;
  try {
    // The bundle is ASCII (scripts/bundle.mjs checks): read as Latin-1, which is the same
    // text and quicker to turn into a string than UTF-8.
    source = readFileSync(file, 'latin1');
  } catch (err) {
    if (err.code !== 'ENOENT') throw err;
    // A clone where `npm run build` has not run yet (npm ci does not build).
    const root = path.resolve(path.dirname(file), '..', '..');
    process.stderr.write(`Error: ${path.basename(process.argv[1] || file).replace(/\.js$/, '')} is not built yet: run \`npm run build\` in ${root}\n`);
    process.exit(1);
  }
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: file,
    cachedData,
    // The bundle has no import() of its own; this only keeps one working if it ever does.
    importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  // A reader that goes away (`etcdctl-ts get ... | head -1`) ends us quietly, with
  // the status a shell reports for a command killed by SIGPIPE, as etcdctl gets.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err) => {
      if (err.code === 'EPIPE') process.exit(141);
      throw err;
    });
  }
  const bundle = { exports: {} };
  script.runInThisContext()(bundle.exports, createRequire(file), bundle, file, path.dirname(file));
  bundle.exports.main(process.argv.slice(2)).then((code) => {
    if (process.env[writeCacheVar] === '1') {
      // Keep the code compiled so far, which includes what came from the cache
      // this run started with. A temporary name and a rename, so that a
      // concurrent run never reads half a file.
      try {
        writeFileSync(`${cacheFile}.tmp`, script.createCachedData());
        renameSync(`${cacheFile}.tmp`, cacheFile);
      } catch {
        // A read-only install keeps working without a cache.
      }
    }
    exitAfterFlush(code);
  });
  return cachedData === undefined ? 'none' : script.cachedDataRejected ? 'rejected' : 'accepted';
}

module.exports = { runBundle };
