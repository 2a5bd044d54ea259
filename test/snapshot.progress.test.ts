// snapshot save's progress line (a terminal only): what it says, and that a pipe gets none.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SnapshotText, timeLeft } from '../src/output/snapshot.js';

function capture(): { sink: { write(c: string | Uint8Array): void }; text(): string } {
  const parts: string[] = [];
  return { sink: { write: (c) => void parts.push(typeof c === 'string' ? c : Buffer.from(c).toString()) }, text: () => parts.join('') };
}

test('time left at the rate so far', () => {
  assert.equal(timeLeft(10, 100, 1000), '9s left');
  assert.equal(timeLeft(1, 100, 1000), '1m39s left');
  assert.equal(timeLeft(1, 10000, 1000), '2h46m left');
  assert.equal(timeLeft(99, 100, 1000), '1s left');
  assert.equal(timeLeft(0, 100, 1000), '');
  assert.equal(timeLeft(10, 0, 1000), '', 'no size announced');
  assert.equal(timeLeft(100, 100, 1000), '', 'done');
  assert.equal(timeLeft(10, 100, 0), '');
});

test('on a terminal: bytes, size, percentage, rate, time left; the final draw without the time left', () => {
  const out = capture();
  const err = capture();
  const t = new SnapshotText(out.sink, err.sink, true);
  t.progress(50_000_000, 200_000_000, 1000);
  assert.equal(err.text(), '\r\x1b[KDownloading snapshot: 50 MB of 200 MB (25%), 50 MB/s, 3s left');
  t.progress(60_000_000, 200_000_000, 1001);
  assert.equal(err.text().split('\r\x1b[K').length, 2, 'redrawn at most every 100 ms');
  t.progress(200_000_000, 200_000_000, 4000, true);
  t.done();
  assert.equal(err.text().split('\r\x1b[K')[2], 'Downloading snapshot: 200 MB of 200 MB (100%), 50 MB/s\n');
  assert.equal(out.text(), '');
});

test('not a terminal: no progress line at all', () => {
  const err = capture();
  const t = new SnapshotText(capture().sink, err.sink, false);
  t.progress(50_000_000, 200_000_000, 1000);
  t.progress(200_000_000, 200_000_000, 4000, true);
  t.done();
  assert.equal(err.text(), '');
});
