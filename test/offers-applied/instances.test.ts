import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { firstError, startStandaloneApp, startTestServer, uniqueDbName, type TestServer } from '../support/server';
import type { App } from '../../src/app/create-app';
import { offer, optIn, putOffers, redeem } from './support';

/**
 * The limits are held by the database, not by one process: two instances on one database
 * race each other here, and a standalone MongoDB (no transactions) holds them too.
 */
describe('two instances on one database', () => {
  let a: TestServer;
  let b: TestServer;
  before(async () => {
    const dbName = uniqueDbName('offers2');
    a = await startTestServer({ dbName, env: { RATE_LIMIT_PER_MINUTE: '1000000' } });
    b = await startTestServer({ dbName, env: { RATE_LIMIT_PER_MINUTE: '1000000' } });
    for (const c of ['x1', 'x2', 'x3']) await optIn(a, c);
  });
  after(async () => {
    await b.stop();
    await a.stop();
  });

  test('100 redemptions split across both, global inventory 10: exactly 10; one transactionId on both: one redemption', async () => {
    await putOffers(a, [offer('shared', { inventory_size: 10, inventory_scope: 'global' }), offer('once')]);
    await b.app.services.entities.refreshIfStale();
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        redeem(i % 2 === 0 ? a : b, { customer: `x${(i % 3) + 1}`, offer: 'shared', transactionId: `split-${i}` }),
      ),
    );
    const ok = results.filter((r) => r.status === 200 && !r.json.errors);
    assert.equal(ok.length, 10);
    for (const r of results.filter((r) => r.status !== 200)) assert.equal(firstError(r).extensions.reason, 'OUT_OF_STOCK');
    const db = a.app.connection.db!;
    assert.equal((await db.collection('offer_counters').findOne({ _id: JSON.stringify(['g', 'shared']) as any }))?.uses, 10);
    assert.equal(await db.collection('offer_redemptions').countDocuments({ offer: 'shared' }), 10);

    const same = await Promise.all(
      Array.from({ length: 20 }, (_, i) => redeem(i % 2 === 0 ? a : b, { customer: 'x1', offer: 'once', transactionId: 'both' })),
    );
    const answers = same.map((r) => {
      assert.equal(r.status, 200, r.text);
      return r.json.data.redeemOffer;
    });
    assert.equal(new Set(answers.map((x) => x.id)).size, 1);
    assert.equal(answers.filter((x) => !x.duplicate).length, 1);
    assert.equal(await db.collection('offer_redemptions').countDocuments({ offer: 'once' }), 1);
    assert.equal((await db.collection('offer_counters').findOne({ _id: JSON.stringify(['c', 'once', 'x1']) as any }))?.uses, 1);
  });
});

describe('on a standalone MongoDB (no transactions)', () => {
  let app: App;
  let stop: () => Promise<void>;
  before(async () => {
    ({ app, stop } = await startStandaloneApp('offers_solo'));
    for (const customer of ['s1', 's2']) await app.services.customers.submit({ customer, action: 'opt_in' }, undefined);
  });
  after(() => stop());

  test('conditional counter writes hold the limits, and a refused redemption leaves its counters as they were', async () => {
    const db = app.connection.db!;
    await db.collection('offers').insertOne({
      _id: 'solo' as any,
      ...offer('solo', { inventory_size: 5, inventory_scope: 'global', applications: 4 }),
    });
    await app.services.entities.changed();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 60 }, (_, i) =>
        app.services.offersApplied.redeem({ customer: i % 2 ? 's1' : 's2', offer: 'solo', transactionId: `solo-${i}` }),
      ),
    );
    const ok = outcomes.filter((o) => o.status === 'fulfilled');
    assert.equal(ok.length, 5);
    for (const o of outcomes) {
      if (o.status === 'rejected') assert.match(String((o.reason as any).extensions?.reason), /OUT_OF_STOCK|APPLICATIONS_USED/);
    }
    const counters = await db.collection('offer_counters').find({}).toArray();
    const global = counters.find((c) => c._id === (JSON.stringify(['g', 'solo']) as any));
    assert.equal(global?.uses, 5);
    // Each customer counter matches its stored redemptions: increments of refused attempts were undone.
    for (const customer of ['s1', 's2']) {
      const c = counters.find((x) => x._id === (JSON.stringify(['c', 'solo', customer]) as any));
      const stored = await db.collection('offer_redemptions').countDocuments({ offer: 'solo', customer });
      assert.equal(c?.uses ?? 0, stored, customer);
      assert.ok(stored <= 4);
    }
  });
});
