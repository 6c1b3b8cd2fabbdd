import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dataOf, firstError, startTestServer, type TestServer } from '../support/server';
import { fixture, manyOffers } from '../support/fixtures';
import { OFFER_FIELDS } from '../support/queries';
import { supportsTransactions } from '../../src/db/transactions';

const IMPORT = `mutation Import($entity: EntityKind!, $documents: [JSONObject!]!) {
  importEntities(entity: $entity, documents: $documents) { entity received created updated ids }
}`;

let server: TestServer;

before(async () => {
  server = await startTestServer();
});
after(async () => {
  await server.stop();
});

async function importDocs(entity: 'TIER' | 'OFFER', documents: unknown[]) {
  return server.as(server.admin).graphql(IMPORT, { entity, documents });
}

async function offerIdsInDb(): Promise<string[]> {
  const docs = await server.app.services.entities.models.offer.find({}, { _id: 1 }).lean();
  return docs.map((d) => String(d._id)).sort();
}

describe('tiers and offers, stored exactly as they arrive', () => {
  const tiers = fixture('tiers');
  const offers = fixture('offers');
  const extra: Record<string, any> = {
    ...structuredClone(offers[0]),
    id: 'offer-with-extras',
    vendor_notes: { crm: ['a', 1, null, { deep: true }], empty: {} },
    card_description: {},
    calendar: [],
  };

  test('import → /entities → GraphQL round trip is deep-equal, unknown keys included', async () => {
    const t = dataOf(await importDocs('TIER', tiers)).importEntities;
    assert.deepEqual(t, { entity: 'TIER', received: 2, created: 2, updated: 0, ids: ['standard', 'bonus'] });
    const o = dataOf(await importDocs('OFFER', [...offers, extra])).importEntities;
    assert.equal(o.created, offers.length + 1);

    const restTiers = await server.as(server.client).get('/entities/tiers/tier');
    assert.equal(restTiers.status, 200);
    assert.deepEqual(
      [...restTiers.json.data].sort((a: any, b: any) => a.id.localeCompare(b.id)),
      [...tiers].sort((a, b) => a.id.localeCompare(b.id)),
    );
    const restOffers = await server.as(server.client).get('/entities/offers/offer');
    assert.equal(restOffers.status, 200);
    const byId = new Map(restOffers.json.data.map((d: any) => [d.id, d]));
    for (const offer of [...offers, extra]) assert.deepEqual(byId.get(offer.id), offer);
    assert.equal(restOffers.json.data.length, offers.length + 1);

    const one = await server.as(server.client).get('/entities/offers/offer/offer-with-extras');
    assert.deepEqual([one.status, one.json], [200, { data: extra }]);
    const standard = await server.as(server.client).get('/entities/tiers/tier/standard');
    assert.deepEqual([standard.status, standard.json], [200, { data: tiers[0] }]);

    const gql = dataOf(
      await server
        .as(server.client)
        .graphql(
          `query($id: ID!) { offer(id: $id) { ${OFFER_FIELDS} document } tiers { id name rollingMonths calendarExpirations account status type expirationType levels { id name threshold } document } }`,
          { id: 'offer-with-extras' },
        ),
    );
    assert.deepEqual(gql.offer.document, extra);
    assert.equal(gql.offer.couponPool, extra.coupon_pool);
    assert.equal(gql.offer.startsAt, new Date(extra.starts_at).toISOString());
    assert.deepEqual(
      gql.offer.requiredItems,
      extra.required_items.map((r: any) => ({
        type: r.type.toUpperCase(),
        minQuantity: Number(r.min_quantity),
        ids: r.id,
      })),
    );
    assert.deepEqual(gql.offer.discount, {
      type: extra.discount.type,
      value: extra.discount.value,
      target: extra.discount.target,
      maxQuantity: extra.discount.max_quantity,
    });
    assert.equal(gql.offer.redemptionFrequencyPeriod, extra.redemption_frequency_period.toUpperCase());
    const standardTier = gql.tiers.find((t: any) => t.id === 'standard');
    assert.equal(standardTier.rollingMonths, 12);
    assert.equal(standardTier.document.rolling_months, '12');
    assert.deepEqual(standardTier.levels, [
      { id: 't0', name: { en: 'Basic' }, threshold: 0 },
      { id: 't1', name: { en: 'medium' }, threshold: 100 },
    ]);

    // What MongoDB holds: `_id` = entity id, no `__v`, nothing added.
    const raw = await server.app.connection.db!.collection('offers').findOne({ _id: 'offer-with-extras' as any });
    assert.deepEqual(raw, { _id: 'offer-with-extras', ...extra });
  });

  test('re-import replaces by id (updated, not created) and drops keys the new version lacks', async () => {
    const { vendor_notes: _dropped, ...withoutExtras } = extra;
    const result = dataOf(await importDocs('OFFER', [{ ...withoutExtras, name: 'Renamed' }])).importEntities;
    assert.deepEqual([result.created, result.updated], [0, 1]);
    const one = await server.as(server.client).get('/entities/offers/offer/offer-with-extras');
    assert.equal(one.status, 200);
    assert.equal(one.json.data.name, 'Renamed');
    assert.equal('vendor_notes' in one.json.data, false);
  });

  test('unknown ids: GraphQL null, REST 404', async () => {
    const gql = dataOf(await server.as(server.client).graphql(`{ offer(id: "nope") { id } tier(id: "nope") { id } }`));
    assert.deepEqual(gql, { offer: null, tier: null });
    const rest = await server.as(server.client).get('/entities/offers/offer/nope');
    assert.equal(rest.status, 404);
    assert.equal(rest.json.error.code, 'NOT_FOUND');
    const bad = await server.as(server.client).get('/entities/coupons/coupon');
    assert.equal(bad.status, 404);
    assert.equal(bad.json.error.code, 'NOT_FOUND');
  });

  test('deleteEntity removes one entity and says whether it existed', async () => {
    const del = `mutation($id: ID!) { deleteEntity(entity: OFFER, id: $id) }`;
    assert.equal(dataOf(await server.as(server.admin).graphql(del, { id: 'offer-with-extras' })).deleteEntity, true);
    assert.equal(dataOf(await server.as(server.admin).graphql(del, { id: 'offer-with-extras' })).deleteEntity, false);
    const gone = await server.as(server.client).get('/entities/offers/offer/offer-with-extras');
    assert.equal(gone.status, 404);
    assert.equal(gone.json.error.code, 'NOT_FOUND');
    assert.equal(await server.app.connection.db!.collection('offers').countDocuments({ _id: 'offer-with-extras' as any }), 0);
  });
});

describe('invalid documents are refused whole', () => {
  const valid = () => structuredClone(fixture('offers')[1]);
  const cases: { name: string; doc: () => Record<string, any>; field: string }[] = [
    {
      name: 'missing id',
      doc: () => {
        const d = valid();
        delete d.id;
        return d;
      },
      field: 'id',
    },
    { name: 'wrong type', doc: () => ({ ...valid(), weight: 'heavy' }), field: 'weight' },
    { name: 'bad date', doc: () => ({ ...valid(), starts_at: '2020-13-45' }), field: 'starts_at' },
    {
      name: 'bad enumeration',
      doc: () => ({ ...valid(), redemption_frequency_period: 'fortnight' }),
      field: 'redemption_frequency_period',
    },
    { name: 'bad inventory scope', doc: () => ({ ...valid(), inventory_scope: 'planet' }), field: 'inventory_scope' },
    {
      name: 'nested error in required_items[2]',
      doc: () => {
        const d = valid();
        d.required_items = [
          { type: 'product', min_quantity: '1', id: ['a'] },
          { type: 'category', min_quantity: '2', id: ['b'] },
          { type: 'list', min_quantity: 'many', id: ['c'] },
        ];
        return d;
      },
      field: 'required_items[2].min_quantity',
    },
    { name: 'ends before it starts', doc: () => ({ ...valid(), ends_at: '2000-01-01T00:00:00+00:00' }), field: 'ends_at' },
  ];

  for (const c of cases) {
    test(`${c.name} → 400 BAD_USER_INPUT naming documents[1] and ${c.field}; nothing stored`, async () => {
      const before = await offerIdsInDb();
      const good = { ...valid(), id: `good-${c.field.replace(/\W/g, '')}` };
      const result = await importDocs('OFFER', [
        good,
        { ...c.doc(), ...(c.field === 'id' ? {} : { id: `bad-${c.field.replace(/\W/g, '')}` }) },
      ]);
      assert.equal(result.status, 400);
      const error = firstError(result);
      assert.equal(error.extensions.code, 'BAD_USER_INPUT');
      assert.equal(error.extensions.documentIndex, 1);
      assert.equal(error.extensions.field, c.field);
      assert.match(error.message, /documents\[1\]/);
      assert.ok(error.message.includes(c.field), error.message);
      assert.deepEqual(await offerIdsInDb(), before);
    });
  }

  test('a tier level with a non-numeric threshold names tiers[1].threshold', async () => {
    const tier = structuredClone(fixture('tiers')[0]);
    tier.id = 'broken-tier';
    tier.tiers[1].threshold = '100';
    const result = await importDocs('TIER', [tier]);
    assert.equal(result.status, 400);
    assert.equal(firstError(result).extensions.code, 'BAD_USER_INPUT');
    assert.equal(firstError(result).extensions.field, 'tiers[1].threshold');
    const rest = await server.as(server.client).get('/entities/tiers/tier/broken-tier');
    assert.equal(rest.status, 404);
    assert.equal(await server.app.connection.db!.collection('tiers').countDocuments({ _id: 'broken-tier' as any }), 0);
  });

  test('a CLIENT cannot import (403) and nothing is stored', async () => {
    const result = await server
      .as(server.client)
      .graphql(IMPORT, { entity: 'OFFER', documents: [{ ...valid(), id: 'by-client' }] });
    assert.equal(result.status, 403);
    assert.equal(firstError(result).extensions.code, 'FORBIDDEN');
    assert.equal((await offerIdsInDb()).includes('by-client'), false);
  });

  test('a body over the size limit is refused with 413', async () => {
    const big = manyOffers(2000, 'big');
    const result = await importDocs('OFFER', big);
    assert.equal(result.status, 413);
    assert.equal(firstError(result).extensions.code, 'PAYLOAD_TOO_LARGE');
    assert.equal(
      (await offerIdsInDb()).some((id) => id.startsWith('big')),
      false,
    );
  });
});

describe('a document the database refuses mid-way', () => {
  // Valid for the importer, refused by MongoDB: a unique index planted on a key the
  // import format does not know makes the third document collide with a stored one.
  const PLANTED_INDEX = 'planted_unique_vendor_ref';
  const offer = (id: string, extra: Record<string, unknown> = {}) => ({ ...structuredClone(fixture('offers')[1]), id, ...extra });
  const offers = () => server.app.services.entities.models.offer.collection;

  before(async () => {
    dataOf(
      await importDocs('OFFER', [offer('ref-holder', { vendor_ref: 'R-1' }), offer('ref-kept', { name: 'Kept as it was' })]),
    );
    await offers().createIndex({ vendor_ref: 1 }, { name: PLANTED_INDEX, unique: true, sparse: true });
  });
  after(async () => {
    await offers().dropIndex(PLANTED_INDEX);
  });

  test('stores none of the call: no document before it is created or replaced', async (t) => {
    if (!supportsTransactions(await server.app.connection.db!.admin().command({ hello: 1 }))) {
      t.skip('the server has no transactions: the documents before the refused one stay stored');
      return;
    }
    const before = await offers().find({}).sort({ _id: 1 }).toArray();
    const result = await importDocs('OFFER', [
      offer('refused-call-new'),
      offer('ref-kept', { name: 'Replaced by a call that fails' }),
      offer('refused-call-twin', { vendor_ref: 'R-1' }),
      offer('refused-call-after'),
    ]);
    const error = firstError(result);
    assert.equal(result.status, 500, result.text);
    assert.equal(error.extensions.code, 'INTERNAL_SERVER_ERROR', result.text);
    assert.equal(result.json.data?.importEntities ?? null, null);
    assert.deepEqual(await offers().find({}).sort({ _id: 1 }).toArray(), before);
    const kept = await server.as(server.client).get('/entities/offers/offer/ref-kept');
    assert.equal(kept.json.data.name, 'Kept as it was');
    assert.equal((await server.as(server.client).get('/entities/offers/offer/refused-call-new')).status, 404);
  });
});

describe('offers connection', () => {
  let all: Record<string, any>[];

  before(async () => {
    await server.app.services.entities.models.offer.deleteMany({});
    all = manyOffers(120);
    // Vary the filterable fields deterministically so every filter has hits and misses.
    all.forEach((offer, i) => {
      offer.type = ['coupon', 'discount', 'free_shipping'][i % 3];
      offer.card_enabled = i % 4 !== 0;
      offer.segments = [{ id: `seg${i % 5}`, name: `Segment ${i % 5}` }];
      offer.stores = [
        { id: `store${i % 7}`, name: `Store ${i % 7}` },
        { id: `store${(i + 1) % 7}`, name: 'x' },
      ];
      offer.starts_at = new Date(Date.UTC(2026, 0, 1 + (i % 30))).toISOString().replace('.000Z', '+00:00');
      offer.ends_at = new Date(Date.UTC(2026, 1, 1 + (i % 20))).toISOString().replace('.000Z', '+00:00');
    });
    dataOf(await importDocs('OFFER', all));
  });

  async function page(filter: Record<string, unknown> | undefined, first: number, afterCursor?: string) {
    return dataOf(
      await server.as(server.client).graphql(
        `query($filter: OfferFilter, $first: Int, $after: String) {
          offers(filter: $filter, first: $first, after: $after) {
            totalCount nodes { id } edges { cursor node { id } }
            pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
          }
        }`,
        { filter, first, after: afterCursor },
      ),
    ).offers;
  }

  async function walk(filter?: Record<string, unknown>, size = 13): Promise<{ ids: string[]; total: number }> {
    const ids: string[] = [];
    let cursor: string | undefined;
    let total = -1;
    for (let i = 0; i < 100; i++) {
      const p = await page(filter, size, cursor);
      total = p.totalCount;
      assert.deepEqual(
        p.nodes.map((n: any) => n.id),
        p.edges.map((e: any) => e.node.id),
      );
      ids.push(...p.nodes.map((n: any) => n.id));
      if (!p.pageInfo.hasNextPage) break;
      assert.equal(p.pageInfo.endCursor, p.edges[p.edges.length - 1].cursor);
      cursor = p.pageInfo.endCursor;
    }
    return { ids, total };
  }

  test('pages over 120 offers without loss or repetition, in a stable order', async () => {
    const { ids, total } = await walk(undefined, 13);
    const expected = all.map((o) => o.id).sort();
    assert.equal(total, 120);
    assert.deepEqual(ids, expected);
    assert.equal(new Set(ids).size, 120);
    const again = await walk(undefined, 50);
    assert.deepEqual(again.ids, expected);
  });

  const reference = (pred: (o: Record<string, any>) => boolean) =>
    all
      .filter(pred)
      .map((o) => o.id)
      .sort();
  const at = '2026-01-20T00:00:00.000Z';
  const filters: { name: string; filter: Record<string, unknown>; pred: (o: Record<string, any>) => boolean }[] = [
    {
      name: 'activeAt',
      filter: { activeAt: at },
      pred: (o) => Date.parse(o.starts_at) <= Date.parse(at) && Date.parse(at) < Date.parse(o.ends_at),
    },
    { name: 'segmentId', filter: { segmentId: 'seg3' }, pred: (o) => o.segments.some((s: any) => s.id === 'seg3') },
    { name: 'storeId', filter: { storeId: 'store2' }, pred: (o) => o.stores.some((s: any) => s.id === 'store2') },
    { name: 'type', filter: { type: 'discount' }, pred: (o) => o.type === 'discount' },
    { name: 'cardEnabled', filter: { cardEnabled: false }, pred: (o) => o.card_enabled === false },
    {
      name: 'all combined',
      filter: { activeAt: at, type: 'coupon', cardEnabled: true, storeId: 'store1' },
      pred: (o) =>
        Date.parse(o.starts_at) <= Date.parse(at) &&
        Date.parse(at) < Date.parse(o.ends_at) &&
        o.type === 'coupon' &&
        o.card_enabled === true &&
        o.stores.some((s: any) => s.id === 'store1'),
    },
  ];
  for (const f of filters) {
    test(`filter by ${f.name}`, async () => {
      const expected = reference(f.pred);
      assert.ok(expected.length > 0 && expected.length < all.length, `filter ${f.name} should split the set`);
      const { ids, total } = await walk(f.filter, 7);
      assert.equal(total, expected.length);
      assert.deepEqual(ids, expected);
    });
  }

  test('bad cursor is BAD_USER_INPUT', async () => {
    const badCursor = await server.as(server.client).graphql(`{ offers(after: "!!not-a-cursor") { totalCount } }`);
    assert.equal(firstError(badCursor).extensions.code, 'BAD_USER_INPUT');
    assert.equal(badCursor.status, 400);
    // A cursor of another list decodes but is not an offer id.
    const foreign = Buffer.from(JSON.stringify({ k: { t: 0, id: '0'.repeat(24) } })).toString('base64url');
    const wrongList = await server.as(server.client).graphql(`{ offers(after: "${foreign}") { totalCount } }`);
    assert.equal(wrongList.status, 400);
    assert.equal(wrongList.json.data, null);
    assert.equal(firstError(wrongList).message, '"after" is not an offer cursor');
    assert.equal(firstError(wrongList).extensions.code, 'BAD_USER_INPUT');
    assert.equal(firstError(wrongList).extensions.argumentName, 'after');
  });

  test('page size: 0 and 200 (the maximum) are served; -1 and 201 are BAD_USER_INPUT', async () => {
    // More offers than the largest page, so a page of 200 is really cut at 200.
    const extra = manyOffers(100, 'zz');
    dataOf(await importDocs('OFFER', extra));
    try {
      const empty = await page(undefined, 0);
      assert.deepEqual(empty.nodes, []);
      assert.equal(empty.totalCount, 220);
      assert.equal(empty.pageInfo.hasNextPage, true);
      const full = await page(undefined, 200);
      const expected = [...all, ...extra].map((o) => o.id).sort();
      assert.deepEqual(
        full.nodes.map((n: any) => n.id),
        expected.slice(0, 200),
      );
      assert.equal(full.pageInfo.hasNextPage, true);
      assert.deepEqual(
        (await page(undefined, 200, full.pageInfo.endCursor)).nodes.map((n: any) => n.id),
        expected.slice(200),
      );

      for (const first of [-1, 201]) {
        const refused = await server.as(server.client).graphql(`{ offers(first: ${first}) { totalCount } }`);
        assert.equal(refused.status, 400, refused.text);
        assert.equal(firstError(refused).extensions.code, 'BAD_USER_INPUT');
        assert.equal(firstError(refused).message, `"first" must be between 0 and 200, got ${first}`);
      }
    } finally {
      await server.app.services.entities.models.offer.deleteMany({ _id: { $in: extra.map((o) => o.id) } });
    }
  });
});
