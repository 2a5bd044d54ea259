// What the bundle changes for start-up time gives what the original gives: the IP checks
// grpc-js sees (src/client/ip.ts) and @grpc/proto-loader with its descriptors made on first
// read (scripts/bundle-patches.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import vm from 'node:vm';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { isIP, isIPv6 } from '../src/client/ip.js';
import { DESCRIPTORS } from '../src/proto/descriptors.gen.js';
import { REPO_ROOT } from './harness/run.js';

interface Patches {
  lazyDescriptorsInProtoLoader(file: string, source: string): string;
  lazyChildProcessInCommander(file: string, source: string): string;
  replaceExact(file: string, source: string, replacements: [string, string, number?][]): string;
}
const patches = (): Promise<Patches> => import(pathToFileURL(path.join(REPO_ROOT, 'scripts', 'bundle-patches.mjs')).href) as Promise<Patches>;

/** Runs a CommonJS file's (patched) source as a module of its own, requiring from where the file is. */
function loadPatched(file: string, source: string): Record<string, unknown> {
  const fn = vm.compileFunction(source, ['exports', 'require', 'module', '__filename', '__dirname'], { filename: file });
  const module = { exports: {} as Record<string, unknown> };
  fn(module.exports, createRequire(file), module, file, path.dirname(file));
  return module.exports;
}

test("isIP and isIPv6 answer as node:net's", () => {
  const inputs = ['127.0.0.1', '0.0.0.0', '255.255.255.255', '256.1.1.1', '1.2.3', '::1', '::', 'fe80::1%eth0', '::ffff:1.2.3.4',
    '2001:db8::8a2e:370:7334', '[::1]', '::1:2379', 'a:b', 'localhost', 'etcd-0.example.com', '', ' 127.0.0.1', '1::2::3'];
  for (const s of inputs) {
    assert.equal(isIP(s), net.isIP(s), `isIP(${JSON.stringify(s)})`);
    assert.equal(isIPv6(s), net.isIPv6(s), `isIPv6(${JSON.stringify(s)})`);
  }
});

test('proto-loader with lazy descriptors: the same definitions, and descriptor.proto not loaded until one is read', async () => {
  const { lazyDescriptorsInProtoLoader } = await patches();
  const requireHere = createRequire(import.meta.url);
  const file = requireHere.resolve('@grpc/proto-loader');
  const extension = createRequire(file).resolve('protobufjs/ext/descriptor');
  const patched = loadPatched(file, lazyDescriptorsInProtoLoader(file, fs.readFileSync(file, 'utf8'))) as typeof import('@grpc/proto-loader');
  const options = { keepCase: true, longs: String, enums: Number, defaults: true, arrays: true, oneofs: false };

  // Nothing in this process has loaded the extension yet; making definitions must not either.
  const lazy = Object.fromEntries(Object.entries(DESCRIPTORS).map(([k, json]) => [k, patched.fromJSON(JSON.parse(json), options)]));
  assert.equal(requireHere.cache[extension], undefined, 'protobufjs/ext/descriptor was loaded by fromJSON');

  const original = createRequire(file)(file) as typeof import('@grpc/proto-loader');
  assert.notEqual(original, patched);
  let methods = 0;
  for (const [k, json] of Object.entries(DESCRIPTORS)) {
    const want = original.fromJSON(JSON.parse(json), options) as Record<string, any>;
    const got = lazy[k] as Record<string, any>;
    assert.deepEqual(Object.keys(got).sort(), Object.keys(want).sort(), k);
    for (const [name, w] of Object.entries(want)) {
      const g = got[name];
      if (typeof w.format === 'string') {
        // A message or enum type.
        assert.equal(g.format, w.format, name);
        assert.deepEqual(g.type, w.type, `${name}.type`);
        assert.deepEqual(g.fileDescriptorProtos, w.fileDescriptorProtos, `${name}.fileDescriptorProtos`);
        continue;
      }
      for (const [m, wm] of Object.entries(w as Record<string, any>)) {
        const gm = g[m];
        methods++;
        for (const field of ['path', 'requestStream', 'responseStream', 'originalName', 'options']) assert.deepEqual(gm[field], wm[field], `${name}.${m}.${field}`);
        for (const side of ['requestType', 'responseType']) {
          assert.deepEqual(gm[side].type, wm[side].type, `${name}.${m}.${side}.type`);
          assert.deepEqual(gm[side].fileDescriptorProtos, wm[side].fileDescriptorProtos, `${name}.${m}.${side}.fileDescriptorProtos`);
        }
        const empty = wm.requestSerialize({});
        assert.deepEqual(gm.requestSerialize({}), empty, `${name}.${m}: serialize`);
        assert.deepEqual(gm.responseDeserialize(wm.responseSerialize({})), wm.responseDeserialize(wm.responseSerialize({})), `${name}.${m}: deserialize`);
      }
    }
  }
  assert.ok(methods > 40, `only ${methods} methods compared`);
});

test('a patch whose text is not in the library fails the build, naming the file', async () => {
  const { replaceExact, lazyDescriptorsInProtoLoader, lazyChildProcessInCommander } = await patches();
  assert.throws(() => replaceExact('x.js', 'const a = 1;', [['const b = 2;', '']]), /x\.js: expected 1 of "const b = 2;" to replace, found 0/);
  assert.throws(() => lazyDescriptorsInProtoLoader('index.js', 'module.exports = {};'), /index\.js: expected 1 of/);
  const commander = path.join(path.dirname(createRequire(import.meta.url).resolve('commander')), 'lib', 'command.js');
  assert.match(lazyChildProcessInCommander(commander, fs.readFileSync(commander, 'utf8')), /spawn: \(\.\.\.a\) => require\('node:child_process'\)/);
});
