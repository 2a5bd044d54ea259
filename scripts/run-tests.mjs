// Runs every compiled test file under dist/test with Node's test runner.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function find(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...find(p));
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

// The files that run longest (measured: each holds a test of 40-65 s) start first, so that the
// short ones fill in beside them and none is left running alone at the end. Three at a time on
// two cores: with two, a core was idle whenever a file waited (on a timeout, a server's start,
// an election), about 18 % of the run; with three, vmstat shows 0-4 % idle (measured
// 2026-12-04: the tests took 612 s with two, 502 s with three, the second run also with about
// 200 fewer CLI processes in the help tests). TEST_CONCURRENCY=n changes it.
const LONGEST_FIRST = ['kv.diff', 'auth.diff', 'check.test', 'help35', 'faults.test', 'watch.diff', 'mirror.test', 'large.diff', 'connection.test'];
const rank = (f) => {
  const i = LONGEST_FIRST.findIndex((name) => f.includes(`/${name}`));
  return i < 0 ? LONGEST_FIRST.length : i;
};
const only = process.argv.slice(2);
const files = find('dist/test')
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort()
  .sort((a, b) => rank(a) - rank(b));
if (files.length === 0) {
  console.error('no test files found under dist/test');
  process.exit(1);
}
// Node reads the certificates NODE_EXTRA_CA_CERTS names when any node process
// starts, before its code runs: about 90 ms for a system CA bundle, paid by
// every test file and every CLI run a test makes (thousands). No test needs
// them (their servers' certificates are made by the tests, and given with
// --cacert), so the tests run without.
const env = { ...process.env };
delete env.NODE_EXTRA_CA_CERTS;
const r = spawnSync(process.execPath, ['--test', `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 3}`, '--test-reporter=spec', ...files], { stdio: 'inherit', env });
process.exit(r.status ?? 1);
