#!/usr/bin/env node
// Writes test/fixtures/help35/: etcdctl 3.5's help pages, one file per command
// (and the root's page without its help flag, as `etcdctl help <unknown>`
// prints it). The pages come from test/harness/help35.ts, which renders them
// from facts transcribed from the etcd v3.5 source; run `npm run build` first.
//
// Usage (from the repository root): node scripts/gen-help35.mjs [--check]
//   --check: write nothing; exit 1 when a fixture file is missing, stale or extra.

import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(repoRoot, 'test', 'fixtures', 'help35');
const harness = join(repoRoot, 'dist', 'test', 'harness', 'help35.js');
if (!existsSync(harness)) {
  console.error(`gen-help35: ${harness} is missing; run npm run build first`);
  process.exit(1);
}
const { fixturePages } = await import(pathToFileURL(harness).href);

const check = process.argv.includes('--check');
const pages = fixturePages();
const wanted = new Set(pages.map((p) => p.name));
let bad = 0;
if (!check) mkdirSync(outDir, { recursive: true });
const present = existsSync(outDir) ? readdirSync(outDir).filter((f) => f.endsWith('.txt')) : [];
for (const f of present) {
  if (wanted.has(f)) continue;
  if (check) {
    console.error(`extra: ${f}`);
    bad++;
  } else rmSync(join(outDir, f));
}
for (const p of pages) {
  const file = join(outDir, p.name);
  const old = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  if (old === p.text) continue;
  if (check) {
    console.error(`${old === undefined ? 'missing' : 'stale'}: ${p.name}`);
    bad++;
  } else writeFileSync(file, p.text);
}
if (check && bad) process.exit(1);
console.log(`gen-help35: ${pages.length} pages ${check ? 'checked' : 'written'} in ${outDir}`);
