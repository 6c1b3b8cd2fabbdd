import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WindowCounters } from '../../src/rate-limit/window-counters';

const W = 60_000;

function admitWhileFits(counters: WindowCounters, subject: string, limit: number, max: number, now = 0): number {
  let admitted = 0;
  for (let i = 0; i < max; i++) {
    const counter = counters.counter(subject, counters.windowOf(now), limit);
    if (!WindowCounters.fits(counter, limit)) break;
    WindowCounters.add(counter);
    admitted++;
  }
  return admitted;
}

test('alone and before any read, an instance admits up to the limit on its own counts', () => {
  const counters = new WindowCounters(W);
  assert.equal(admitWhileFits(counters, 'k', 10, 100), 10);
});

test('after a read, an instance admits half its fair share of what the fleet has left, rounded up', () => {
  const counters = new WindowCounters(W);
  const counter = counters.counter('k', 0, 600);
  for (let i = 0; i < 90; i++) WindowCounters.add(counter);
  counter.sending = counter.unsynced;
  counter.unsynced = 0;
  // The fleet has 500 of 600; three instances count this key: ceil(100 / (2 × 3)) = 17 each.
  WindowCounters.learn(counter, 500, 3);
  assert.equal(WindowCounters.estimate(counter), 500);
  assert.equal(admitWhileFits(counters, 'k', 600, 1000), 17);
  // The next read moves the fleet total to 599: one more fits, not a third of one.
  counter.sending = counter.unsynced;
  counter.unsynced = 0;
  WindowCounters.learn(counter, 599, 3);
  assert.equal(admitWhileFits(counters, 'k', 600, 1000), 1);
  counter.sending = counter.unsynced;
  counter.unsynced = 0;
  WindowCounters.learn(counter, 600, 3);
  assert.equal(admitWhileFits(counters, 'k', 600, 1000), 0);
});

test('calls admitted while a read is under way use up the share it brings', () => {
  const counters = new WindowCounters(W);
  const counter = counters.counter('k', 0, 100);
  WindowCounters.add(counter);
  counter.sending = counter.unsynced;
  counter.unsynced = 0;
  for (let i = 0; i < 5; i++) WindowCounters.add(counter); // during the round trip
  WindowCounters.learn(counter, 40, 2); // ceil(60 / (2 × 2)) = 15, 5 of them already used
  assert.equal(WindowCounters.estimate(counter), 45);
  assert.equal(admitWhileFits(counters, 'k', 100, 1000), 10);
});

test('without the database an instance limits on its own counts: what was sent and not confirmed is counted again', () => {
  const counters = new WindowCounters(W);
  const counter = counters.counter('k', 0, 10);
  for (let i = 0; i < 4; i++) WindowCounters.add(counter);
  counter.sending = counter.unsynced;
  counter.unsynced = 0;
  WindowCounters.learn(counter, 4, 5); // share ceil(6 / 5) = 2
  for (let i = 0; i < 2; i++) WindowCounters.add(counter);
  counter.sending = counter.unsynced;
  counter.unsynced = 0;
  WindowCounters.failed(counter, false);
  assert.equal(WindowCounters.estimate(counter), 6);
  assert.equal(admitWhileFits(counters, 'k', 10, 100), 4, 'the share no longer applies; the limit does');
  // A read that failed after the write landed: the sent calls are in the fleet total, once.
  const other = counters.counter('j', 0, 10);
  WindowCounters.add(other);
  other.sending = other.unsynced;
  other.unsynced = 0;
  WindowCounters.failed(other, true);
  assert.equal(WindowCounters.estimate(other), 1);
});

test('a new window starts from zero with the last window’s split among instances; old windows are dropped', () => {
  const counters = new WindowCounters(W);
  const first = counters.counter('k', 0, 90);
  WindowCounters.learn(first, 10, 3);
  const next = counters.counter('k', 1, 90);
  assert.equal(WindowCounters.estimate(next), 0);
  assert.equal(next.share, 30);
  assert.equal(counters.windowEndMs(1), 2 * W);
  counters.counter('old', 1, 5);
  assert.deepEqual(
    counters.current(2).map((c) => c.subject),
    [],
  );
  assert.equal(counters.peek('k', 1), undefined);
});

test('alone in the fleet, an instance may spend all that is left; a fresh key is split among the instances alive', () => {
  const counters = new WindowCounters(W);
  const counter = counters.counter('k', 0, 100);
  WindowCounters.learn(counter, 40, 1, 1);
  assert.equal(admitWhileFits(counters, 'k', 100, 1000), 60);
  counters.fleetInstances = 4;
  assert.equal(admitWhileFits(counters, 'fresh', 100, 1000), 25);
});
