// The pure parts of auth, user and role: argument validation, permission ranges, password
// input, and how every format prints each result (expectations from etcdctl 3.5's printers,
// checked against real 3.4.23 output where the two agree).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { createPrinter } from '../src/output/index.js';
import { decodeMessage as decode, encodeMessage as encode } from '../src/proto/registry.js';
import type { Reply } from '../src/client/client.js';
import { EtcdctlError } from '../src/errors.js';
import { grantPermissionRequest, permissionType, permRange, revokePermissionRequest } from '../commands/role.js';
import { askNewPassword, obtainPassword, userAddOptions } from '../commands/user.js';
import { goTrimSpace } from '../src/go/text.js';
import { askPassword, readWord, scanWord } from '../src/io/prompt.js';
import { permissionLine, roleGetFields, roleGetSimple, roleListFields, roleRevokeSimple, userGetSimple } from '../src/output/auth.js';
import type { IO } from '../src/io/types.js';

const header = { cluster_id: 13372511425055127929n, member_id: 9522282460842048857n, revision: 1n, raft_term: 2n };
const HDR_FIELDS = '"ClusterID" : 13372511425055127929\n"MemberID" : 9522282460842048857\n"Revision" : 1\n"RaftTerm" : 2\n';
const HDR_JSON = '{"cluster_id":13372511425055127929,"member_id":9522282460842048857,"revision":1,"raft_term":2}';

function reply(type: string, msg: object): Reply {
  const raw = encode(type, msg);
  return { msg: decode(type, raw), raw, type };
}

/** Prints with a fresh printer of `format`; returns stdout, or the error a format without this result gives. */
function print(format: string, fn: (p: any) => void): Buffer | EtcdctlError {
  const chunks: Buffer[] = [];
  const sink = { write: (c: string | Uint8Array) => void chunks.push(Buffer.from(c)) };
  try {
    fn(createPrinter(format, sink, { hex: false, valueOnly: false }));
  } catch (err) {
    if (err instanceof EtcdctlError) return err;
    throw err;
  }
  return Buffer.concat(chunks);
}

function text(b: Buffer | EtcdctlError): string {
  if (b instanceof EtcdctlError) return `Error(${b.code}): ${b.message}`;
  return b.toString('latin1');
}

function expectUnsupported(format: string, fn: (p: any) => void): void {
  assert.equal(text(print(format, fn)), `Error(4): ${format} not supported as output format`);
}

function badArgs(fn: () => unknown, message: string): void {
  assert.throws(fn, (err: unknown) => err instanceof EtcdctlError && err.code === 128 && err.message === message);
}

const b = (s: string | number[]) => (typeof s === 'string' ? Buffer.from(s, 'utf8') : Buffer.from(s));

// ---------------------------------------------------------------------------------------------

describe('role grant-permission / revoke-permission arguments', () => {
  test('permission types in any case; others rejected with etcdctl message', () => {
    assert.equal(permissionType('read'), 0);
    assert.equal(permissionType('Write'), 1);
    assert.equal(permissionType('READWRITE'), 2);
    assert.equal(permissionType('readWrite'), 2);
    badArgs(() => permissionType('bogus'), 'invalid permission type: bogus');
    badArgs(() => permissionType('rw'), 'invalid permission type: rw');
  });

  test('ranges: single key, endkey, --prefix, --from-key, prefix of 0xff bytes', () => {
    assert.deepEqual(permRange(['/a'], false, false), { key: b('/a'), rangeEnd: b('') });
    assert.deepEqual(permRange(['/a', '/b'], false, false), { key: b('/a'), rangeEnd: b('/b') });
    assert.deepEqual(permRange(['/a', '/b', '/ignored'], false, false), { key: b('/a'), rangeEnd: b('/b') });
    assert.deepEqual(permRange(['/a'], true, false), { key: b('/a'), rangeEnd: b('/b') });
    assert.deepEqual(permRange(['/a'], false, true), { key: b('/a'), rangeEnd: b([0]) });
    assert.deepEqual(permRange(['ÿ'], true, false), { key: b([0xc3, 0xbf]), rangeEnd: b([0xc3, 0xc0]) });
    assert.deepEqual(permRange(['\u{10ffff}'], true, false).rangeEnd, b([0xf4, 0x8f, 0xbf, 0xc0]));
  });

  test('the empty key: "\\0", with end "\\0" under either flag, and any endkey ignored', () => {
    assert.deepEqual(permRange([''], false, false), { key: b([0]), rangeEnd: b('') });
    assert.deepEqual(permRange(['', '/x'], false, false), { key: b([0]), rangeEnd: b('') });
    assert.deepEqual(permRange([''], true, false), { key: b([0]), rangeEnd: b([0]) });
    assert.deepEqual(permRange([''], false, true), { key: b([0]), rangeEnd: b([0]) });
    assert.deepEqual(permRange(['', '/x'], true, false), { key: b([0]), rangeEnd: b([0]) });
  });

  test('flag errors, in etcdctl order', () => {
    badArgs(() => permRange(['/a'], true, true), '--from-key and --prefix flags are mutually exclusive');
    badArgs(() => permRange([''], true, true), '--from-key and --prefix flags are mutually exclusive');
    badArgs(() => permRange(['/a', '/b'], true, false), 'unexpected endkey argument with --prefix flag');
    badArgs(() => permRange(['/a', '/b'], false, true), 'unexpected endkey argument with --from-key flag');
    badArgs(() => permRange(['/a', '/b'], true, true), 'unexpected endkey argument with --prefix flag');
  });

  test('requests and argument counts', () => {
    assert.deepEqual(grantPermissionRequest(['r', 'readwrite', '/c'], { prefix: true }), {
      name: 'r', perm: { permType: 2, key: b('/c'), range_end: b('/d') },
    });
    badArgs(() => grantPermissionRequest(['r', 'read'], {}), 'role grant command requires role name, permission type, and key [endkey] as its argument');
    // the type is checked before the range
    badArgs(() => grantPermissionRequest(['r', 'x', '/a', '/b'], { prefix: true }), 'invalid permission type: x');
    assert.deepEqual(revokePermissionRequest(['r', '/e'], { 'from-key': true }), { role: 'r', key: b('/e'), range_end: b([0]) });
    badArgs(() => revokePermissionRequest(['r'], {}), 'role revoke-permission command requires role name and key [endkey] as its argument');
  });
});

describe('user add arguments and passwords', () => {
  const flags = (f: Record<string, unknown> = {}) => ({ interactive: true, 'new-user-password': '', 'no-password': false, ...f });

  test('where the password comes from, in etcdctl order', () => {
    assert.deepEqual(userAddOptions(['bob:pw:x'], flags()), { name: 'bob', noPassword: false, password: { kind: 'given', password: 'pw:x' } });
    assert.deepEqual(userAddOptions(['bob:'], flags()), { name: 'bob', noPassword: false, password: { kind: 'given', password: '' } });
    assert.deepEqual(userAddOptions(['bob:x'], flags({ 'new-user-password': 'flag' })), { name: 'bob:x', noPassword: false, password: { kind: 'given', password: 'flag' } });
    assert.deepEqual(userAddOptions(['bob:x'], flags({ 'no-password': true, 'new-user-password': 'flag' })), { name: 'bob:x', noPassword: true, password: { kind: 'given', password: '' } });
    assert.deepEqual(userAddOptions(['bob'], flags()), { name: 'bob', noPassword: false, password: { kind: 'prompt' } });
    assert.deepEqual(userAddOptions(['bob'], flags({ interactive: false })), { name: 'bob', noPassword: false, password: { kind: 'stdin' } });
    badArgs(() => userAddOptions([':pw'], flags()), 'empty user name is not allowed');
    badArgs(() => userAddOptions([], flags()), 'user add command requires user name as its argument');
    badArgs(() => userAddOptions(['a', 'b'], flags()), 'user add command requires user name as its argument');
  });

  test('prompts: both answers trimmed like Go TrimSpace; empty; different', async () => {
    const io = {} as IO;
    const answers = (...a: string[]) => {
      const asked: string[] = [];
      return { asked, ask: async (p: string) => (asked.push(p), a.shift() ?? '') };
    };
    let q = answers(' pw\t', 'pw\r');
    assert.equal(await askNewPassword('bob', io, q.ask), 'pw');
    assert.deepEqual(q.asked, ['Password of bob: ', 'Type password of bob again for confirmation: ']);
    q = answers('', 'x');
    await assert.rejects(askNewPassword('bob', io, q.ask), (e: unknown) => e instanceof EtcdctlError && e.code === 128 && e.message === 'empty password');
    assert.equal(q.asked.length, 1);
    q = answers('a', 'b');
    await assert.rejects(askNewPassword('bob', io, q.ask), (e: unknown) => e instanceof EtcdctlError && e.code === 128 && e.message === 'given passwords are different');
    const failing = async () => { throw new Error('boom'); };
    await assert.rejects(askNewPassword('bob', io, failing), (e: unknown) => e instanceof EtcdctlError && e.code === 128 && e.message === 'failed to ask password: failed during password entry: boom');
    assert.equal(goTrimSpace('\u00a0 x y \u3000\n'), 'x y');
    assert.equal(goTrimSpace('\ufeffx'), '\ufeffx');
  });

  test('fmt.Scanf("%s"): spaces skipped, a newline first gives "", the word ends at a space which is used up', () => {
    assert.deepEqual(scanWord('pw\nrest', false), { used: 3, value: 'pw' });
    assert.deepEqual(scanWord('  a b\n', false), { used: 4, value: 'a' });
    assert.deepEqual(scanWord('\nxx\n', false), { used: 1, value: '' });
    assert.deepEqual(scanWord('\r\nxx\n', false), { used: 2, value: '' });
    assert.deepEqual(scanWord('\rxx\n', false), { used: 4, value: 'xx' });
    assert.deepEqual(scanWord('', true), { used: 0, value: '' });
    assert.deepEqual(scanWord('   ', true), { used: 3, value: '' });
    assert.deepEqual(scanWord('noeol', true), { used: 5, value: 'noeol' });
    assert.equal(scanWord('noeol', false), undefined);
    assert.equal(scanWord('  ', false), undefined);
    assert.equal(scanWord('\r', false), undefined);
    assert.deepEqual(scanWord('a\u00a0b', false), { used: 2, value: 'a' });
  });

  test('reads from one stream follow each other: prompts, then a word, then a line, from one chunk', async () => {
    const stdin = new PassThrough();
    const out: string[] = [];
    const io = { stdin, stdout: { write: (c: string | Uint8Array) => void out.push(String(c)) }, stderr: { write: () => {} } } as unknown as IO;
    stdin.end('p1\r\np1\nword rest of line\nlast');
    assert.equal(await obtainPassword('bob', { kind: 'prompt' }, io), 'p1');
    assert.equal(await readWord(io), 'word');
    assert.equal(await askPassword('Password: ', io), 'rest of line');
    assert.equal(await askPassword('Password: ', io), 'last');
    assert.equal(await askPassword('Password: ', io), '');
    assert.equal(await readWord(io), '');
    assert.equal(out.join(''), 'Password of bob: \nType password of bob again for confirmation: \nPassword: \nPassword: \nPassword: \n');
  });

  test('a line split over several chunks, and a UTF-8 character split between chunks', async () => {
    const stdin = new PassThrough();
    const io = { stdin, stdout: { write: () => {} }, stderr: { write: () => {} } } as unknown as IO;
    const p = askPassword('', io);
    const bytes = Buffer.from('pä\n');
    stdin.write(bytes.subarray(0, 2));
    setTimeout(() => stdin.write(bytes.subarray(2)), 10);
    assert.equal(await p, 'pä');
  });
});

// ---------------------------------------------------------------------------------------------

const perms = [
  { permType: 1, key: b([0]), range_end: b([0]) }, // write "" --prefix
  { permType: 0, key: b('/a'), range_end: b('') }, // read /a
  { permType: 2, key: b('/c'), range_end: b('/d') }, // readwrite /c --prefix
  { permType: 0, key: b('/e'), range_end: b([0]) }, // read /e --from-key
  { permType: 1, key: b('/x'), range_end: b('/z') }, // write /x /z
  { permType: 0, key: b([0xc3, 0xbf]), range_end: b([0xc3, 0xc0]) }, // read ÿ --prefix: raw bytes
  { permType: 1, key: b([0xff]), range_end: b([0]) }, // write "\xff" --prefix: prefix end is "\0"
];

describe('role get rendering', () => {
  test('simple: TAB-indented, single keys bare, <open ended> without a bracket, (prefix k), raw bytes', () => {
    const want = Buffer.concat([
      b('Role r1\nKV Read:\n\t/a\n\t[/c, /d) (prefix /c)\n\t[/e, <open ended>\n\t['), b([0xc3, 0xbf]), b(', '), b([0xc3, 0xc0]),
      b(') (prefix '), b([0xc3, 0xbf]), b(')\nKV Write:\n\t['), b([0]), b(', <open ended>\n\t[/c, /d) (prefix /c)\n\t[/x, /z)\n\t['),
      b([0xff]), b(', <open ended> (prefix '), b([0xff]), b(')\n'),
    ]);
    assert.deepEqual(roleGetSimple('r1', perms), want);
    assert.deepEqual(print('simple', (p) => p.roleGet('r1', reply('etcdserverpb.AuthRoleGetResponse', { header, perm: perms }))), want);
    assert.equal(roleGetSimple('root', []).toString(), 'Role root\nKV Read:\nKV Write:\n');
    assert.deepEqual(permissionLine({ permType: 0, key: b([0]), range_end: b('') }), b([9, 0, 10]));
    // a range given as key and end that happens to be a prefix is shown as one
    assert.equal(permissionLine({ permType: 0, key: b('/p'), range_end: b('/q') }).toString(), '\t[/p, /q) (prefix /p)\n');
  });

  test('fields: header, then PermType (two spaces), Key and RangeEnd quoted like Go %q', () => {
    assert.equal(roleGetFields(perms.slice(0, 2)), '"PermType" :  WRITE\n"Key" : "\\x00"\n"RangeEnd" : "\\x00"\n"PermType" :  READ\n"Key" : "/a"\n"RangeEnd" : ""\n');
    assert.equal(text(print('fields', (p) => p.roleGet('r', reply('etcdserverpb.AuthRoleGetResponse', { header, perm: [perms[5]] })))),
      `${HDR_FIELDS}"PermType" :  READ\n"Key" : "ÿ"\n"RangeEnd" : "\\xc3\\xc0"\n`.replace('ÿ', '\xc3\xbf'));
  });

  test('json: READ (0) permType left out, bytes base64; protobuf: the bytes received', () => {
    const r = reply('etcdserverpb.AuthRoleGetResponse', { header, perm: perms.slice(0, 3) });
    assert.equal(text(print('json', (p) => p.roleGet('r', r))),
      `{"header":${HDR_JSON},"perm":[{"permType":1,"key":"AA==","range_end":"AA=="},{"key":"L2E="},{"permType":2,"key":"L2M=","range_end":"L2Q="}]}\n`);
    assert.deepEqual(print('protobuf', (p) => p.roleGet('r', r)), r.raw);
    expectUnsupported('table', (p) => p.roleGet('r', r));
  });
});

describe('revoke-permission messages', () => {
  test('single key, range, open ended (no closing bracket), the key as typed', () => {
    assert.equal(roleRevokeSimple('r', b('/a'), b('')).toString(), 'Permission of key /a is revoked from role r\n');
    assert.equal(roleRevokeSimple('r', b('/x'), b('/z')).toString(), 'Permission of range [/x, /z) is revoked from role r\n');
    assert.equal(roleRevokeSimple('r', b('/e'), b([0])).toString(), 'Permission of range [/e, <open ended> is revoked from role r\n');
    assert.equal(roleRevokeSimple('r', b(''), b([0])).toString(), 'Permission of range [, <open ended> is revoked from role r\n');
    assert.equal(roleRevokeSimple('r', b(''), b('')).toString(), 'Permission of key  is revoked from role r\n');
    assert.deepEqual(roleRevokeSimple('r', b('ÿ'), b([0xc3, 0xc0])), Buffer.concat([b('Permission of range [ÿ, '), b([0xc3, 0xc0]), b(') is revoked from role r\n')]));
    assert.deepEqual(roleRevokeSimple('r', b([0xff]), b([0])), Buffer.concat([b('Permission of range ['), b([0xff]), b(', <open ended> is revoked from role r\n')]));
    const r = reply('etcdserverpb.AuthRoleRevokePermissionResponse', { header });
    assert.equal(text(print('fields', (p) => p.roleRevokePermission('r', b('/a'), b(''), r))), HDR_FIELDS);
    assert.equal(text(print('json', (p) => p.roleRevokePermission('r', b('/a'), b(''), r))), `{"header":${HDR_JSON}}\n`);
    expectUnsupported('table', (p) => p.roleRevokePermission('r', b('/a'), b(''), r));
  });
});

describe('user and role printers in every format', () => {
  const hdrOnly = (type: string) => reply(type, { header });
  const cases: Array<{ name: string; type: string; call: (p: any, r: Reply) => void; simple: string }> = [
    { name: 'user add', type: 'AuthUserAddResponse', call: (p, r) => p.userAdd('bob', r), simple: 'User bob created\n' },
    { name: 'user delete', type: 'AuthUserDeleteResponse', call: (p, r) => p.userDelete('bob', r), simple: 'User bob deleted\n' },
    { name: 'user passwd', type: 'AuthUserChangePasswordResponse', call: (p, r) => p.userChangePassword(r), simple: 'Password updated\n' },
    { name: 'user grant-role', type: 'AuthUserGrantRoleResponse', call: (p, r) => p.userGrantRole('bob', 'r1', r), simple: 'Role r1 is granted to user bob\n' },
    { name: 'user revoke-role', type: 'AuthUserRevokeRoleResponse', call: (p, r) => p.userRevokeRole('bob', 'r1', r), simple: 'Role r1 is revoked from user bob\n' },
    { name: 'role add', type: 'AuthRoleAddResponse', call: (p, r) => p.roleAdd('r1', r), simple: 'Role r1 created\n' },
    { name: 'role delete', type: 'AuthRoleDeleteResponse', call: (p, r) => p.roleDelete('r1', r), simple: 'Role r1 deleted\n' },
    { name: 'role grant-permission', type: 'AuthRoleGrantPermissionResponse', call: (p, r) => p.roleGrantPermission('r1', r), simple: 'Role r1 updated\n' },
  ];
  for (const c of cases) {
    test(`${c.name}: simple text, fields header, json header, protobuf bytes, table unsupported`, () => {
      const r = hdrOnly(`etcdserverpb.${c.type}`);
      assert.equal(text(print('simple', (p) => c.call(p, r))), c.simple);
      assert.equal(text(print('fields', (p) => c.call(p, r))), HDR_FIELDS);
      assert.equal(text(print('json', (p) => c.call(p, r))), `{"header":${HDR_JSON}}\n`);
      assert.deepEqual(print('protobuf', (p) => c.call(p, r)), r.raw);
      expectUnsupported('table', (p) => c.call(p, r));
    });
  }

  test('user get: "Roles:" alone or with each role after a space; json roles; fields/table unsupported', () => {
    assert.equal(userGetSimple('bob', []), 'User: bob\nRoles:\n');
    const r = reply('etcdserverpb.AuthUserGetResponse', { header, roles: ['app', 'root'] });
    assert.equal(text(print('simple', (p) => p.userGet('bob', r))), 'User: bob\nRoles: app root\n');
    assert.equal(text(print('json', (p) => p.userGet('bob', r))), `{"header":${HDR_JSON},"roles":["app","root"]}\n`);
    assert.deepEqual(print('protobuf', (p) => p.userGet('bob', r)), r.raw);
    expectUnsupported('fields', (p) => p.userGet('bob', r));
    expectUnsupported('table', (p) => p.userGet('bob', r));
  });

  test('user list / role list: one per line; json; role list fields quoted on one line; user list fields unsupported', () => {
    const u = reply('etcdserverpb.AuthUserListResponse', { header, users: ['alice', 'root'] });
    assert.equal(text(print('simple', (p) => p.userList(u))), 'alice\nroot\n');
    assert.equal(text(print('json', (p) => p.userList(u))), `{"header":${HDR_JSON},"users":["alice","root"]}\n`);
    expectUnsupported('fields', (p) => p.userList(u));
    expectUnsupported('table', (p) => p.userList(u));
    const r = reply('etcdserverpb.AuthRoleListResponse', { header, roles: ['app', 'we"ird'] });
    assert.equal(text(print('simple', (p) => p.roleList(r))), 'app\nwe"ird\n');
    assert.equal(text(print('fields', (p) => p.roleList(r))), `${HDR_FIELDS}"Roles" : "app" "we\\"ird"\n`);
    assert.equal(roleListFields([]), '"Roles" :\n');
    assert.equal(text(print('json', (p) => p.roleList(reply('etcdserverpb.AuthRoleListResponse', { header })))), `{"header":${HDR_JSON}}\n`);
    expectUnsupported('table', (p) => p.roleList(r));
  });

  test('auth status (3.5): simple two lines; json; protobuf; fields and table unsupported', () => {
    const r = reply('etcdserverpb.AuthStatusResponse', { header, enabled: true, authRevision: 12n });
    assert.equal(text(print('simple', (p) => p.authStatus(r))), 'Authentication Status: true\nAuthRevision: 12\n');
    assert.equal(text(print('json', (p) => p.authStatus(r))), `{"header":${HDR_JSON},"enabled":true,"authRevision":12}\n`);
    assert.deepEqual(print('protobuf', (p) => p.authStatus(r)), r.raw);
    expectUnsupported('fields', (p) => p.authStatus(r));
    expectUnsupported('table', (p) => p.authStatus(r));
  });
});
