// One url.Parse (src/go/url.ts) serves both callers that check peer URLs:
// member add/update --peer-urls (commands/member.ts) and snapshot restore's
// --initial-cluster / --initial-advertise-peer-urls (src/snapshot/cluster.ts).
// Each caller's messages are pinned here byte for byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validatePeerURLs } from '../commands/member.js';
import { ClusterConfigError, parsePeerURLs } from '../src/snapshot/cluster.js';
import { goSplitHostPort } from '../src/go/url.js';
import { EtcdctlError } from '../src/errors.js';

const memberMessage = (url: string): string | undefined => {
  try {
    validatePeerURLs([url]);
    return undefined;
  } catch (err) {
    assert.ok(err instanceof EtcdctlError && err.code === 1, `${url}: ${String(err)}`);
    return err.message;
  }
};

const restoreMessage = (url: string): string | undefined => {
  try {
    parsePeerURLs([url]);
    return undefined;
  } catch (err) {
    assert.ok(err instanceof ClusterConfigError, `${url}: ${String(err)}`);
    return err.message;
  }
};

/** Both callers said these before the parsers were one, and say them still (etcdctl 3.4.23's words). */
const UNCHANGED: Array<[string, string]> = [
  ['ftp://h:1', 'URL scheme must be http, https, unix, or unixs: ftp://h:1'],
  ['localhost:2380', 'URL scheme must be http, https, unix, or unixs: localhost:2380'],
  ['http://h', 'URL address does not have the form "host:port": http://h'],
  ['http:h:1', 'URL address does not have the form "host:port": http:h:1'],
  ['http://h:1/p', 'URL must not contain a path: http://h:1/p'],
  ['127.0.0.1:2380', 'parse "127.0.0.1:2380": first path segment in URL cannot contain colon'],
  ['http://h:abc', 'parse "http://h:abc": invalid port ":abc" after host'],
  ['http://[::1:1', `parse "http://[::1:1": missing ']' in host`],
  [':1', 'parse ":1": missing protocol scheme'],
  ['://a', 'parse "://a": missing protocol scheme'],
  ['http://h:1/%zz', 'parse "http://h:1/%zz": invalid URL escape "%zz"'],
];

/**
 * restore's own parser (quoting with JSON.stringify, and without some of
 * url.Parse's checks) said something else for these, or let them through to
 * the new data dir; member add/update always said what etcdctl 3.4.23 says,
 * and now restore says it too (checked against the real etcdctl in
 * snapshot.restore.test.ts). Third column: what restore said before.
 */
const RESTORE_NOW_AS_ETCDCTL: Array<[string, string, string]> = [
  ['http://h\x01:1', 'parse "http://h\\x01:1": net/url: invalid control character in URL', 'parse "http://h\\u0001:1": net/url: invalid control character in URL'],
  ['http://h\x7f:1', 'parse "http://h\\x7f:1": net/url: invalid control character in URL', 'parse "http://h\x7f:1": net/url: invalid control character in URL'],
  ['http://%zz:1', 'parse "http://%zz:1": invalid URL escape "%zz"', 'accepted'],
  ['http://%41:1', 'parse "http://%41:1": invalid URL escape "%41"', 'accepted'],
  ['http://h%:1', 'parse "http://h%:1": invalid URL escape "%:1"', 'accepted'],
  ['http://[::1%eth0]:1', 'parse "http://[::1%eth0]:1": invalid URL escape "%et"', 'accepted'],
  ['http://a b:1', 'parse "http://a b:1": invalid character " " in host name', 'accepted'],
  ['http://u^@h:1', 'parse "http://u^@h:1": net/url: invalid userinfo', 'accepted'],
  ['http://h:1#%zz', 'parse "http://h:1#%zz": invalid URL escape "%zz"', 'accepted'],
  ['unix://x%zz', 'parse "unix://x%zz": invalid URL escape "%zz"', 'accepted'],
  ['http://h:1/x#%zz', 'parse "http://h:1/x#%zz": invalid URL escape "%zz"', 'URL must not contain a path: http://h:1/x#%zz'],
  ['http://[::1]x:1', 'parse "http://[::1]x:1": invalid port "x:1" after host', `parse "http://[::1]x:1": missing ']' in host`],
  ['http://[a]b]:1', 'URL address does not have the form "host:port": http://[a]b]:1', `parse "http://[a]b]:1": missing ']' in host`],
  ['http://h:1:2', 'URL address does not have the form "host:port": http://h:1:2', 'parse "http://h:1:2": invalid port ":1:2" after host'],
  ['http://h::1', 'URL address does not have the form "host:port": http://h::1', 'parse "http://h::1": invalid port "::1" after host'],
  ['http://[[::1]:1', 'URL address does not have the form "host:port": http://[[::1]:1', 'accepted'],
  ['http://h[:1', 'URL address does not have the form "host:port": http://h[:1', 'accepted'],
];

/** Accepted by both; restore keeps their text (member and cluster IDs derive from it). */
const ACCEPTED: Array<[string, string]> = [
  ['http://127.0.0.1:2380', 'http://127.0.0.1:2380'],
  [' http://b:2 ', 'http://b:2'],
  ['HTTP://a:1', 'http://a:1'],
  ['https://[::1]:2380', 'https://[::1]:2380'],
  ['http://u@h:1', 'http://u@h:1'],
  ['http://u:p@h:1', 'http://u:p@h:1'],
  ['http://h:1?x', 'http://h:1?x'],
  ['http://h:1?x#f', 'http://h:1?x#f'],
  ['http://%c3%a9:1', 'http://%c3%a9:1'],
  ['unix://foo', 'unix://foo'],
  ['unix://sock:1', 'unix://sock:1'],
  ['unix:///tmp/s', 'unix:///tmp/s'],
  ['unixs:bar', 'unixs:bar'],
];

test('member add/update and snapshot restore: the messages they gave before', () => {
  for (const [url, message] of UNCHANGED) {
    assert.equal(memberMessage(url), message, `member: ${url}`);
    assert.equal(restoreMessage(url), message, `restore: ${url}`);
  }
});

test("member add/update keep their messages; snapshot restore now has them too (etcdctl's)", () => {
  for (const [url, message, before] of RESTORE_NOW_AS_ETCDCTL) {
    assert.equal(memberMessage(url), message, `member: ${url}`);
    assert.equal(restoreMessage(url), message, `restore: ${url}`);
    assert.notEqual(before, message);
  }
});

test('URLs both accept; restore keeps their text', () => {
  for (const [url, text] of ACCEPTED) {
    assert.equal(memberMessage(url), undefined, `member: ${url}`);
    assert.deepEqual(parsePeerURLs([url]), [text], `restore: ${url}`);
  }
  // A control character after '#' is not url.Parse's concern (it checks before the fragment).
  assert.equal(memberMessage('http://h:1#\x01'), undefined);
  assert.deepEqual(parsePeerURLs(['http://h:1#\x01']), ['http://h:1#\x01']);
});

test('goSplitHostPort as net.SplitHostPort', () => {
  assert.deepEqual(goSplitHostPort('h:1'), { host: 'h', port: '1' });
  assert.deepEqual(goSplitHostPort('[::1]:2380'), { host: '::1', port: '2380' });
  assert.deepEqual(goSplitHostPort('h:'), { host: 'h', port: '' });
  for (const bad of ['h', 'h:1:2', '[::1]', '[::1]x:1', '[a]b]:1', '[[::1]:1', 'h[:1', 'h]:1', '[::1:1']) {
    assert.equal(goSplitHostPort(bad), undefined, bad);
  }
});
