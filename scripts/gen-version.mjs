#!/usr/bin/env node
// Build step: write src/cli/version.gen.ts with the package's own version
// (package.json's "version"), which `version` and the root help page print
// beside etcdctl's. Generated rather than read from package.json at run time:
// no file to find and parse when the CLI starts.
//
// Usage (from the repository root): node scripts/gen-version.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
if (typeof version !== 'string' || !/^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]+)?$/.test(version)) {
  console.error(`gen-version: package.json's version ${JSON.stringify(version)} is not a semantic version`);
  process.exit(1);
}
const out = join(repoRoot, 'src', 'cli', 'version.gen.ts');
const text = `// Written by scripts/gen-version.mjs from package.json; do not edit.\nexport const ETCDCTL_TS_VERSION = ${JSON.stringify(version)};\n`;
let old = '';
try { old = readFileSync(out, 'utf8'); } catch { /* first build */ }
if (old !== text) writeFileSync(out, text);
