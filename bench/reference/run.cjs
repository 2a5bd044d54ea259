#!/usr/bin/env node
'use strict';
// Runs the reference bundle (dist/bench-reference/reference.cjs, made by
// build.mjs) through the very loader that runs ours (bin/run-bundle.cjs), so
// that the benchmark compares the code each one runs and not how it is loaded.
// With --floor first, it runs the floor (floor.cjs) instead.
const path = require('node:path');
const { runBundle } = require('../../bin/run-bundle.cjs');

const floor = process.argv[2] === '--floor';
if (floor) process.argv.splice(2, 1);
const bundle = path.join(__dirname, '..', '..', 'dist', 'bench-reference', floor ? 'floor.cjs' : 'reference.cjs');
const cache = runBundle(bundle, 'BENCH_REFERENCE_WRITE_CODE_CACHE');
if (process.env.BENCH_REFERENCE_REPORT_CACHE === '1') {
  process.stderr.write(`code cache: ${cache}\n`);
}
