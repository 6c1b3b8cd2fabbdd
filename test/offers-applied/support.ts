import assert from 'node:assert/strict';
import { dataOf, startTestServer, type TestServer } from '../support/server';
import type { HttpResult } from '../support/http';

/** Shared by the offers-applied test files: offers put in place per test, customers, calls. */
export const EVALUATE = `query Evaluate($input: OfferEvaluationInput!) {
  evaluateOffers(input: $input) { offer { id } eligible reasons discount discountedItems { product quantity amount } }
}`;

export const REDEEM = `mutation Redeem($input: RedeemOfferInput!) {
  redeemOffer(input: $input) { id offerId offer { id } customerId transactionId redeemedAt recordedAt duplicate }
}`;

export interface Item {
  product: string;
  quantity: number;
  unitPrice: number;
  categories?: string[];
  lists?: string[];
}

export const item = (product: string, quantity: number, unitPrice: number, extra: Partial<Item> = {}): Item => ({
  product,
  quantity,
  unitPrice,
  ...extra,
});

/** A valid offer with no rules beyond its discount (10 % off every unit) unless overridden. */
export function offer(id: string, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return { id, name: `Offer ${id}`, discount: { type: 'percent discount', value: 10, target: 'all items' }, ...fields };
}

export async function startServer(): Promise<TestServer> {
  // Many calls per file; a per-key rate limit (if configured) must not be what a test measures.
  return startTestServer({ env: { RATE_LIMIT_PER_MINUTE: '1000000' } });
}

function db(server: TestServer) {
  return server.app.connection.db!;
}

/**
 * Replaces every stored offer with `valid` (through importEntities, so they pass its checks)
 * and `raw` (written straight into the collection: documents import refuses, as an older
 * import or an operator's hand edit could have left them), and waits for the cache.
 */
export async function putOffers(server: TestServer, valid: Record<string, unknown>[], raw: Record<string, unknown>[] = []) {
  await db(server).collection('offers').deleteMany({});
  if (raw.length > 0)
    await db(server)
      .collection('offers')
      .insertMany(raw.map((d) => ({ _id: d.id, ...d }) as any));
  if (valid.length > 0) {
    const result = await server
      .as(server.admin)
      .graphql(`mutation($d: [JSONObject!]!) { importEntities(entity: OFFER, documents: $d) { ids } }`, { d: valid });
    assert.equal(dataOf(result).importEntities.ids.length, valid.length);
  }
  await server.app.services.entities.changed();
}

/** Creates a customer through its opt_in event. */
export async function optIn(server: TestServer, customer: string) {
  const result = await server
    .as(server.client)
    .graphql(`mutation($input: EventInput!) { submitEvent(input: $input) { accepted } }`, {
      input: { customer, action: 'opt_in', data: { email: `${customer}@example.com` } },
    });
  assert.equal(dataOf(result).submitEvent.accepted, true);
}

/** Sets a customer's segments the way a shop does: a `profile` event with `data.segments`. */
export async function setSegments(server: TestServer, customer: string, segments: string[]) {
  const result = await server
    .as(server.client)
    .graphql(`mutation($input: EventInput!) { submitEvent(input: $input) { accepted } }`, {
      input: { customer, action: 'profile', data: { segments } },
    });
  assert.equal(dataOf(result).submitEvent.accepted, true);
}

export function evaluate(server: TestServer, input: Record<string, unknown>): Promise<HttpResult> {
  return server.as(server.client).graphql(EVALUATE, { input });
}

export async function evaluations(server: TestServer, input: Record<string, unknown>): Promise<any[]> {
  return dataOf(await evaluate(server, input)).evaluateOffers;
}

/** The evaluation of one offer, with every offer listed. */
export async function evaluationOf(server: TestServer, id: string, input: Record<string, unknown>): Promise<any> {
  const all = await evaluations(server, { eligibleOnly: false, ...input });
  const found = all.find((e) => e.offer.id === id);
  assert.ok(found, `offer ${id} not in ${JSON.stringify(all)}`);
  return found;
}

export function redeem(server: TestServer, input: Record<string, unknown>): Promise<HttpResult> {
  return server.as(server.client).graphql(REDEEM, { input });
}

/** Everything the redemptions store, to compare before and after a refusal. */
export async function storedState(server: TestServer) {
  const [counters, redemptions] = await Promise.all([
    db(server).collection('offer_counters').find({}).sort({ _id: 1 }).toArray(),
    db(server).collection('offer_redemptions').find({}).sort({ _id: 1 }).toArray(),
  ]);
  return { counters, redemptions };
}

export async function counter(server: TestServer, id: unknown[]): Promise<any> {
  return db(server)
    .collection('offer_counters')
    .findOne({ _id: JSON.stringify(id) as any });
}
