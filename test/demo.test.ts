// The README's first set-up command: `npm run demo` starts a throw-away etcd on
// 127.0.0.1:2379 when none answers there (a sandbox, the code of `sandbox up`), uses
// etcdctl-ts against it, and stops it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';
import { runCommand, REPO_ROOT } from './harness/run.js';

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

test('npm run demo starts an etcd, prints member list -w table and a put/get, and stops it', { timeout: 60000 }, async (t) => {
  if (await answers(2379)) {
    // Someone's etcd is there: the demo would use it, and a test has no business writing to it.
    t.skip('an etcd already answers on 127.0.0.1:2379');
    return;
  }
  const r = await runCommand(process.execPath, [path.join(REPO_ROOT, 'scripts', 'demo.mjs')], { timeoutMs: 50000 });
  const out = r.stdout.toString();
  assert.equal(r.code, 0, `${out}\n${r.stderr}`);
  assert.match(out, /starting a throw-away etcd on 127\.0\.0\.1:2379/);
  assert.match(out, /\|\s+ID\s+\| STATUS  \|  NAME   \|\s+PEER ADDRS\s+\|\s+CLIENT ADDRS\s+\| IS LEARNER \|/);
  assert.match(out, /\| [0-9a-f]+ \| started \| default \| http:\/\/127\.0\.0\.1:2380 \| http:\/\/127\.0\.0\.1:2379 \|      false \|/);
  assert.ok(out.endsWith('$ etcdctl-ts put greeting hello from etcdctl-ts\nOK\n$ etcdctl-ts get greeting\ngreeting\nhello from etcdctl-ts\n'), out);
  assert.equal(await answers(2379), false, 'the demo stops the etcd it started');
});
