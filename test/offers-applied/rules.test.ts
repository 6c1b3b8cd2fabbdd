import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { roundMoney } from '../../src/offers-applied/money';
import { periodKey, windowReasons } from '../../src/offers-applied/windows';
import { compileOffer, byRank, normaliseSpelling } from '../../src/offers-applied/rules';
import { IndexedCart } from '../../src/offers-applied/cart';
import { applyDiscount, unitAmount } from '../../src/offers-applied/discount';
import { limitReasons, customerCap } from '../../src/offers-applied/limits';
import { OfferIneligibility as R, REASON_ORDER } from '../../src/offers-applied/ineligibility.enum';
import { offerView } from '../../src/entities/offer/offer.view';

const compiled = (doc: Record<string, unknown>) => compileOffer(offerView({ id: 'o', name: 'O', ...doc }));

describe('roundMoney: 2 decimals, half away from zero', () => {
  const cases: [number, number][] = [
    [0.015, 0.02],
    [0.025, 0.03],
    [1.005, 1.01], // 1.00499999… in binary
    [2.675, 2.68],
    [0.0049, 0],
    [0.6, 0.6],
    [-0.015, -0.02],
    [-1.005, -1.01],
    [123456.785, 123456.79],
    [0, 0],
    [NaN, 0],
  ];
  for (const [input, expected] of cases) test(`${input} → ${expected}`, () => assert.equal(roundMoney(input), expected));
});

describe('periodKey: calendar periods in UTC, weeks from Monday', () => {
  const cases: [string, string, string][] = [
    ['day', '2026-05-10T23:59:59.999Z', 'd2026-05-10'],
    ['day', '2026-05-11T00:00:00.000Z', 'd2026-05-11'],
    ['week', '2026-05-10T23:59:59.999Z', 'w2026-05-04'], // Sunday: the week of Monday the 4th
    ['week', '2026-05-11T00:00:00.000Z', 'w2026-05-11'], // Monday
    ['week', '2026-01-01T10:00:00.000Z', 'w2025-12-29'], // a week across the new year
    ['month', '2026-02-28T23:59:59.999Z', 'm2026-02'],
    ['month', '2026-03-01T00:00:00.000Z', 'm2026-03'],
    ['year', '2025-12-31T23:59:59.999Z', 'y2025'],
    ['year', '2026-01-01T00:00:00.000Z', 'y2026'],
  ];
  for (const [period, at, key] of cases) {
    test(`${period} of ${at} → ${key}`, () => assert.equal(periodKey(period as any, new Date(at)), key));
  }
});

describe('windowReasons', () => {
  test('half-open [start, end) for both windows; missing bounds are open', () => {
    const out: R[] = [];
    windowReasons(10, { start: 10, end: 11 }, { start: null, end: null }, out);
    assert.deepEqual(out, []);
    windowReasons(11, { start: 10, end: 11 }, { start: 12, end: 11 }, out);
    assert.deepEqual(out, [R.ENDED, R.NOT_ISSUED_YET, R.ISSUANCE_ENDED]);
  });
});

describe('compileOffer', () => {
  test('min_quantity as string or number; missing → 1; match modes default to all', () => {
    const c = compiled({
      required_items: [{ type: 'product', id: ['a'], min_quantity: '3' }],
      eligible_items: [
        { type: 'list', id: ['l'], min_quantity: 2 },
        { type: 'category', id: ['c'] },
      ],
    });
    assert.equal(c.invalid, undefined);
    assert.deepEqual(c.rules!.required, { mode: 'all', entries: [{ kind: 'product', ids: ['a'], minQuantity: 3 }] });
    assert.deepEqual(
      c.rules!.eligible.entries.map((e) => e.minQuantity),
      [2, 1],
    );
  });

  test('spellings normalise; the "fixed pice" typo is fixed price', () => {
    assert.equal(normaliseSpelling('  Most_Expensive-Item '), 'most expensive item');
    for (const type of ['fixed pice', 'fixed_price', 'Fixed Price']) {
      assert.equal(compiled({ discount: { type, value: 1 } }).rules!.discount!.kind, 'fixed_price');
    }
    assert.equal(
      compiled({ discount: { type: 'percent_discount', value: 1, target: 'cheapest_item' } }).rules!.discount!.target,
      'cheapest',
    );
  });

  test('empty stores/segments mean any (null); lists become sets', () => {
    const c = compiled({ stores: [], segments: [{ id: 'g' }] });
    assert.equal(c.rules!.stores, null);
    assert.deepEqual([...c.rules!.segments!], ['g']);
  });

  const invalid: [string, Record<string, unknown>, RegExp][] = [
    ['no value', { discount: { type: 'percent discount' } }, /discount\.value/],
    ['negative value', { discount: { type: 'percent discount', value: -1 } }, /discount\.value/],
    ['unknown type', { discount: { type: 'bogo', value: 1 } }, /discount\.type/],
    ['unknown target', { discount: { type: 'fixed price', value: 1, target: 'some' } }, /discount\.target/],
    ['max_quantity 1.5', { discount: { type: 'fixed price', value: 1, max_quantity: 1.5 } }, /max_quantity/],
    ['min_quantity "x"', { required_items: [{ type: 'product', id: ['a'], min_quantity: 'x' }] }, /min_quantity/],
    ['id not a list', { eligible_items: [{ type: 'product', id: 'a' }] }, /\.id/],
    ['match mode', { eligible_match: 'most' }, /eligible_match/],
    ['date', { ends_at: 'soon' }, /ends_at/],
    ['min_total text', { min_total: '5' }, /min_total/],
    ['inventory scope', { inventory_size: 1, inventory_scope: 'planet' }, /inventory_scope/],
    [
      'frequency period',
      { redemption_frequency_threshold: 1, redemption_frequency_period: 'hour' },
      /redemption_frequency_period/,
    ],
    ['weight text', { weight: 'high' }, /weight/],
  ];
  for (const [label, doc, field] of invalid) {
    test(`invalid: ${label}`, () => {
      const c = compiled(doc);
      assert.equal(c.rules, undefined);
      assert.match(c.invalid!, field);
    });
  }

  test('rank: weight descending, then id; missing weight is 0', () => {
    const offers = [
      compileOffer(offerView({ id: 'b', name: 'b', weight: 1 })),
      compileOffer(offerView({ id: 'a', name: 'a', weight: 1 })),
      compileOffer(offerView({ id: 'c', name: 'c' })),
      compileOffer(offerView({ id: 'd', name: 'd', weight: -1 })),
    ].sort(byRank);
    assert.deepEqual(
      offers.map((o) => o.id),
      ['a', 'b', 'c', 'd'],
    );
  });
});

describe('IndexedCart and applyDiscount', () => {
  const cart = new IndexedCart([
    { product: 'a', categories: ['x', 'y'], lists: [], quantity: 2, unitPrice: 10 },
    { product: 'b', categories: ['x'], lists: ['l'], quantity: 1, unitPrice: 3 },
    { product: 'c', categories: [], lists: [], quantity: 1, unitPrice: 10 },
  ]);

  test('an item matched through two ids counts once', () => {
    assert.equal(cart.meets({ mode: 'all', entries: [{ kind: 'category', ids: ['x', 'y'], minQuantity: 3 }] }), true);
    assert.equal(cart.meets({ mode: 'all', entries: [{ kind: 'category', ids: ['x', 'y'], minQuantity: 4 }] }), false);
  });

  test('equal prices keep cart order in both directions', () => {
    assert.deepEqual(cart.dearestFirst, [0, 2, 1]);
    assert.deepEqual(cart.cheapestFirst, [1, 0, 2]);
  });

  test('unit amounts: percent, fixed discount capped at the price, fixed price never negative', () => {
    assert.equal(unitAmount({ kind: 'percent', value: 15, target: 'all', maxQuantity: null }, 4), 0.6);
    assert.equal(unitAmount({ kind: 'percent', value: 150, target: 'all', maxQuantity: null }, 4), 4);
    assert.equal(unitAmount({ kind: 'fixed_discount', value: 5, target: 'all', maxQuantity: null }, 3), 3);
    assert.equal(unitAmount({ kind: 'fixed_price', value: 5, target: 'all', maxQuantity: null }, 3), 0);
    assert.equal(unitAmount({ kind: 'fixed_price', value: 2.5, target: 'all', maxQuantity: null }, 3), 0.5);
  });

  test('a block of units is split by max_quantity', () => {
    const r = applyDiscount({ kind: 'fixed_discount', value: 1, target: 'most_expensive', maxQuantity: 3 }, cart, null);
    assert.deepEqual(r, {
      discount: 3,
      items: [
        { product: 'a', quantity: 2, amount: 2 },
        { product: 'c', quantity: 1, amount: 1 },
      ],
    });
  });
});

describe('limitReasons', () => {
  const limits = {
    applications: 2,
    frequency: { threshold: 1, period: 'day' as const },
    inventory: { size: 3, scope: 'global' as const },
  };
  test('each limit on both sides of its edge, in enum order', () => {
    const at = (usage: { global: number; customer: number; period: number }, hasCustomer = true) => {
      const out: R[] = [];
      limitReasons(limits, usage, hasCustomer, out);
      return out;
    };
    assert.deepEqual(at({ global: 2, customer: 1, period: 0 }), []);
    assert.deepEqual(at({ global: 3, customer: 2, period: 1 }), [R.APPLICATIONS_USED, R.FREQUENCY, R.OUT_OF_STOCK]);
    assert.deepEqual(at({ global: 3, customer: 2, period: 1 }, false), [R.OUT_OF_STOCK]);
  });

  test('per-customer cap: the tighter of applications and a customer inventory', () => {
    assert.equal(customerCap({ applications: 5, frequency: null, inventory: { size: 2, scope: 'customer' } }), 2);
    assert.equal(customerCap({ applications: 5, frequency: null, inventory: { size: 2, scope: 'global' } }), 5);
    assert.equal(customerCap({ applications: null, frequency: null, inventory: null }), null);
  });

  test('the enum order is the contract order, EXCLUSIVE and INVALID_RULES last', () => {
    assert.deepEqual(REASON_ORDER, [
      'NOT_STARTED',
      'ENDED',
      'NOT_ISSUED_YET',
      'ISSUANCE_ENDED',
      'STORE',
      'SEGMENT',
      'MIN_TOTAL',
      'MAX_TOTAL',
      'REQUIRED_ITEMS',
      'NO_ELIGIBLE_ITEMS',
      'APPLICATIONS_USED',
      'FREQUENCY',
      'OUT_OF_STOCK',
      'EXCLUSIVE',
      'INVALID_RULES',
    ]);
  });
});
