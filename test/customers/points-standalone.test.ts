/**
 * Points on a MongoDB without transactions (a stand-in posing as a standalone mongod): the
 * history entry claims the externalId before the customer changes and is taken back when the
 * event is refused, and point events rely on the conditional (revision) update alone.
 */
import 'reflect-metadata';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { App } from '../../src/app/create-app';
import { startStandaloneApp } from '../support/server';

let app: App;
let stop: () => Promise<void>;

before(async () => {
  ({ app, stop } = await startStandaloneApp('points_solo'));
  assert.equal((await app.services.customers.apply({ customer: 'solo', action: 'opt_in' }, undefined)).duplicate, false);
});
after(() => stop());

const events = () => app.connection.db!.collection('events');

test('50 concurrent duplicates award once', async () => {
  const outcomes = await Promise.all(
    Array.from({ length: 50 }, () =>
      app.services.customers.apply({ customer: 'solo', action: 'point_add', data: { points: 9 }, externalId: 'dup' }, undefined),
    ),
  );
  assert.equal(outcomes.filter((o) => !o.duplicate).length, 1);
  assert.equal((await app.services.customers.find('solo'))!.score, 9);
  assert.equal(await events().countDocuments({ customer: 'solo', externalId: 'dup' }), 1);
});

test('a refused event leaves no history entry and its externalId free', async () => {
  const before_ = await events().countDocuments();
  await assert.rejects(
    app.services.customers.apply(
      { customer: 'solo', action: 'point_spend', data: { points: 1000 }, externalId: 'free' },
      undefined,
    ),
    /exceeds the spendable balance of 9/,
  );
  assert.equal(await events().countDocuments(), before_);
  const later = await app.services.customers.apply(
    { customer: 'solo', action: 'point_add', data: { points: 1 }, externalId: 'free' },
    undefined,
  );
  assert.deepEqual([later.duplicate, later.customer.score], [false, 10]);
});

test('30 concurrent adds and 20 concurrent spends lose no update and never overspend', async () => {
  await Promise.all(
    Array.from({ length: 30 }, () =>
      app.services.customers.apply({ customer: 'solo', action: 'point_add', data: { points: 1 } }, undefined),
    ),
  );
  const spends = await Promise.allSettled(
    Array.from({ length: 20 }, () =>
      app.services.customers.apply({ customer: 'solo', action: 'point_spend', data: { points: 3 } }, undefined),
    ),
  );
  // 40 points: 13 spends of 3 fit.
  assert.equal(spends.filter((s) => s.status === 'fulfilled').length, 13);
  const solo = (await app.services.customers.find('solo'))!;
  assert.deepEqual([solo.score, solo.spent, solo.spendable], [40, 39, 1]);
});
