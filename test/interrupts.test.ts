// The one source of interrupts (src/io/interrupts.ts): process.on/once
// semantics, one process listener per signal while anybody is subscribed.
// (Real signals against the CLI: lock, check, lease keep-alive, the prompt.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { firstInterrupt, onInterrupt } from '../src/io/interrupts.js';

const listening = (signal: NodeJS.Signals) => process.listenerCount(signal);
const emit = (signal: NodeJS.Signals) => process.emit(signal as 'SIGINT', signal);

test('subscribers are called in order, with the signal; one process listener per signal; none once all are gone', () => {
  const base = { SIGINT: listening('SIGINT'), SIGTERM: listening('SIGTERM') };
  const seen: string[] = [];
  const a = onInterrupt(['SIGINT', 'SIGTERM'], (s) => seen.push(`a ${s}`));
  const b = onInterrupt(['SIGINT'], (s) => seen.push(`b ${s}`));
  assert.equal(listening('SIGINT'), base.SIGINT + 1);
  assert.equal(listening('SIGTERM'), base.SIGTERM + 1);
  emit('SIGINT');
  emit('SIGTERM');
  emit('SIGINT');
  assert.deepEqual(seen, ['a SIGINT', 'b SIGINT', 'a SIGTERM', 'a SIGINT', 'b SIGINT']);
  a();
  assert.equal(listening('SIGTERM'), base.SIGTERM);
  assert.equal(listening('SIGINT'), base.SIGINT + 1);
  b();
  b();
  assert.equal(listening('SIGINT'), base.SIGINT);
});

test('once is per signal, as process.once: the first SIGINT ends the SIGINT part only', () => {
  const base = { SIGINT: listening('SIGINT'), SIGTERM: listening('SIGTERM') };
  const seen: string[] = [];
  const stop = onInterrupt(['SIGINT', 'SIGTERM'], (s) => seen.push(s), { once: true });
  emit('SIGINT');
  // Nobody listens for SIGINT any more: a real one would end the process.
  assert.equal(listening('SIGINT'), base.SIGINT);
  assert.equal(listening('SIGTERM'), base.SIGTERM + 1);
  emit('SIGTERM');
  assert.equal(listening('SIGTERM'), base.SIGTERM);
  assert.deepEqual(seen, ['SIGINT', 'SIGTERM']);
  stop();
});

test('those subscribed when a signal comes are all called, even if one unsubscribes another', () => {
  const seen: string[] = [];
  let stopB = () => {};
  const stopA = onInterrupt(['SIGINT'], () => {
    seen.push('a');
    stopB();
  });
  stopB = onInterrupt(['SIGINT'], () => seen.push('b'));
  emit('SIGINT');
  emit('SIGINT');
  assert.deepEqual(seen, ['a', 'b', 'a']);
  stopA();
});

test('firstInterrupt: aborted and resolved with the first signal', async () => {
  const base = listening('SIGTERM');
  const { signal, interrupted } = firstInterrupt();
  assert.equal(signal.aborted, false);
  emit('SIGTERM');
  assert.equal(signal.aborted, true);
  assert.equal(await interrupted, 'SIGTERM');
  assert.equal(listening('SIGTERM'), base);
  // Its SIGINT part stays until a SIGINT comes.
  emit('SIGINT');
  const only = firstInterrupt(['SIGINT']);
  emit('SIGINT');
  assert.equal(await only.interrupted, 'SIGINT');
});
