#!/usr/bin/env node
'use strict';
// The bundled CLI (dist/bundle/cli.cjs), loaded with its code cache by run-bundle.cjs.
const path = require('node:path');
const { runBundle } = require('./run-bundle.cjs');

runBundle(path.join(__dirname, '..', 'dist', 'bundle', 'cli.cjs'), 'ETCDCTL_TS_WRITE_CODE_CACHE');
