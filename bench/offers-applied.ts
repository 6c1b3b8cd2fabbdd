import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { App } from '../src/app/create-app';
import { load, type LoadResult, type LoadTarget } from './load';

/**
 * `BENCH_ONLY=offers npm run bench`: evaluateOffers over 1,000 offers and a 20-item cart
 * (issue 12: p99 under 20 ms), on an instance and database of its own so the other
 * benchmarks' catalogs are unaffected. The load generator runs in its own process (load.ts).
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
// A latency target, so a checkout-like load rather than saturation: 4 connections unless set.
const CONNECTIONS = Number(process.env.BENCH_OFFERS_CONNECTIONS ?? 4);

const OFFER_COUNT = 1000;
const STORE = '5efc5090ed12b58fcbda3e79';
const SEGMENTS = ['5ef1b7ac22ad1ad35307cc5f', '5ef1b68076026ba001408283'];

/** The bundled offers, varied: a quarter open to every store and segment, half running now. */
function benchOffers(): Record<string, unknown>[] {
  const base = JSON.parse(readFileSync(resolve(process.cwd(), 'src/entities/fixtures/offers.json'), 'utf8'));
  return Array.from({ length: OFFER_COUNT }, (_, i) => {
    const doc: Record<string, unknown> = { ...base[i % base.length], id: `bo${String(i).padStart(5, '0')}`, weight: i % 97 };
    if (i % 4 === 0) Object.assign(doc, { stores: [], segments: [] });
    if (i % 2 === 0) {
      Object.assign(doc, {
        starts_at: '2020-01-01T00:00:00+00:00',
        ends_at: '2040-01-01T00:00:00+00:00',
        issuance_start_at: '2020-01-01T00:00:00+00:00',
        issuance_end_at: '2040-01-01T00:00:00+00:00',
      });
    }
    return doc;
  });
}

const CATEGORIES = ['CAT-APPAREL', 'CAT-SHOES', 'CAT-ACCESSORIES', 'CAT-HOME', 'CAT-KIDS', 'CAT-SPORTSWEAR', 'CAT-SKINCARE'];
const LISTS = ['LIST-ALL-SKUS', 'LIST-SALE', 'LIST-FULL-PRICE', 'LIST-SHIPPABLE', 'LIST-NEW-ARRIVALS'];
const PRODUCTS = ['SKU-BT-4401', 'SKU-JW-7001', 'SKU-KD-6001', 'SKU-PET-8001', 'SKU-SND-1001', 'SKU-TWL-5101'];

function cart() {
  return Array.from({ length: 20 }, (_, i) => ({
    product: i < PRODUCTS.length ? PRODUCTS[i] : `SKU-X-${i}`,
    categories: [CATEGORIES[i % CATEGORIES.length], CATEGORIES[(i + 3) % CATEGORIES.length]],
    lists: [LISTS[i % LISTS.length]],
    quantity: 1 + (i % 3),
    unitPrice: 5 + ((i * 7.35) % 60),
  }));
}

const QUERY = `query Evaluate($input: OfferEvaluationInput!) {
  evaluateOffers(input: $input) { offer { id name } eligible reasons discount discountedItems { product quantity amount } }
}`;

async function gql(url: string, key: string, query: string, variables?: unknown): Promise<any> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': key },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: unknown; errors?: unknown };
  if (body.errors) throw new Error(`offers bench setup failed: ${JSON.stringify(body.errors)}`);
  return body.data;
}

export async function benchOffersApplied(
  mongoUri: string,
  adminKey: string,
  startApp: (mongoUri: string) => Promise<{ app: App; url: string }>,
): Promise<void> {
  const { app, url } = await startApp(mongoUri);
  try {
    const offers = benchOffers();
    // In parts: the whole set is larger than one request body may be.
    for (let i = 0; i < offers.length; i += 250) {
      await gql(url, adminKey, 'mutation($d: [JSONObject!]!) { importEntities(entity: OFFER, documents: $d) { created } }', {
        d: offers.slice(i, i + 250),
      });
    }
    const created = await gql(
      url,
      adminKey,
      'mutation { createApiCredential(input: { name: "offers bench" }) { credential { key } } }',
    );
    const key: string = created.createApiCredential.credential.key;
    await gql(
      url,
      key,
      'mutation($segments: JSONObject) { submitEvent(input: { customer: "bench-shopper", action: "opt_in", data: $segments }) { accepted } }',
      { segments: { segments: SEGMENTS } },
    );

    const inputs: [string, Record<string, unknown>][] = [
      ['customer + store, eligible only', { customer: 'bench-shopper', store: STORE, cart: { items: cart() } }],
      ['guest, no store, eligible only', { cart: { items: cart() } }],
      [
        'customer + store, every offer (eligibleOnly: false)',
        { customer: 'bench-shopper', store: STORE, cart: { items: cart() }, eligibleOnly: false },
      ],
    ];
    console.log(`\nevaluateOffers: ${OFFER_COUNT} offers, 20-item cart, ${CONNECTIONS} connections (target p99 < 20 ms)`);
    for (const [label, input] of inputs) {
      const sample = (await gql(url, key, QUERY, { input })).evaluateOffers as unknown[];
      const target: LoadTarget = {
        url,
        method: 'POST',
        path: '/graphql',
        headers: { 'content-type': 'application/json', 'x-api-key': key },
        body: JSON.stringify({ query: QUERY, variables: { input } }),
      };
      await load(target, 2, CONNECTIONS); // warm-up
      const runs: LoadResult[] = [];
      for (let i = 0; i < ROUNDS; i++) runs.push(await load(target, SECONDS, CONNECTIONS));
      const bad = runs.filter((r) => r.errors > 0 || r.non2xx > 0);
      if (bad.length > 0) throw new Error(`offers bench: failed requests ${JSON.stringify(bad.map((r) => r.statusCounts))}`);
      const median = (pick: (r: LoadResult) => number) => runs.map(pick).sort((a, b) => a - b)[Math.floor(runs.length / 2)];
      console.log(
        `  ${label.padEnd(54)} ${String(sample.length).padStart(4)} results  ${median((r) => r.rps)
          .toFixed(0)
          .padStart(
            6,
          )} req/s   p50 ${median((r) => r.p50)} ms   p99 ${median((r) => r.p99)} ms (runs: ${runs.map((r) => r.p99).join(', ')})   server CPU ${median((r) => r.serverUsPerRequest).toFixed(0)} µs/req`,
      );
    }
  } finally {
    // Requests the load generator left queued finish before the database closes under them.
    await new Promise((r) => setTimeout(r, 3000));
    await app.stop();
  }
}
