#!/usr/bin/env node
'use strict';
// The bundled etcdutl-ts (dist/bundle/etcdutl.cjs), loaded with its code cache by run-bundle.cjs.
const path = require('node:path');
const { runBundle } = require('./run-bundle.cjs');

runBundle(path.join(__dirname, '..', 'dist', 'bundle', 'etcdutl.cjs'), 'ETCDCTL_TS_WRITE_CODE_CACHE');
