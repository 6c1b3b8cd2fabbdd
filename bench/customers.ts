import type { App } from '../src/app/create-app';
import { compare, type LoadResult, type LoadTarget } from './load';

/**
 * BENCH_ONLY=points: the read of `customer { tiers { … } }` and the throughput of
 * `submitEvent`, each for a customer with three years of daily point_add events (1,096 days
 * of earned points, a year of live expiring lots) against a customer with one event, same run,
 * alternating. The veteran's history is sent as the shops would: backdated events in batches.
 */
export interface CustomersBenchOptions {
  app: App;
  url: string;
  clientKey: string;
  adminKey: string;
  seconds: number;
  rounds: number;
  connections: number;
}

const DAY = 86_400_000;
const YEARS = 3;

const TIER_QUERY = `query Standing($id: ID!) {
  customer(id: $id) {
    id score spendable expired expiringPoints { points expiresAt }
    tiers { tier { id } level { id } next { id } pointsToNext points expiresAt pointsAfterExpiration }
  }
}`;
const SUBMIT = `mutation Add($input: EventInput!) { submitEvent(input: $input) { accepted customer { score spendable } } }`;
const SUBMIT_MANY = `mutation Many($inputs: [EventInput!]!) { submitEvents(inputs: $inputs) { accepted refused } }`;

function benchTiers(): Record<string, unknown>[] {
  const levels = [0, 100, 1000, 10000].map((threshold, i) => ({ id: `l${i}`, name: { en: `L${i}` }, threshold }));
  const base = { account: 'standard', status: 'active', type: 'point_based', calendar_expirations: [], tiers: levels };
  return [
    { ...base, id: 'bench-none', name: 'None', expiration_type: 'none' },
    { ...base, id: 'bench-rolling', name: 'Rolling', expiration_type: 'rolling', rolling_months: '12' },
    { ...base, id: 'bench-calendar', name: 'Calendar', expiration_type: 'calendar', calendar_expirations: ['01-01', '07-01'] },
    { ...base, id: 'bench-anniversary', name: 'Anniversary', expiration_type: 'anniversary' },
  ];
}

async function gql(url: string, key: string, query: string, variables?: unknown): Promise<any> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': key },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: any; errors?: unknown };
  if (body.errors) throw new Error(`bench setup failed: ${JSON.stringify(body.errors)}`);
  return body.data;
}

function line(label: string, r: LoadResult): string {
  return `  ${label.padEnd(44)} ${r.rps.toFixed(0).padStart(7)} req/s   p50 ${String(r.p50).padStart(4)} ms   p99 ${String(r.p99).padStart(4)} ms   server CPU ${r.serverUsPerRequest.toFixed(0).padStart(5)} µs/req`;
}

function check(label: string, r: LoadResult) {
  const bad = Object.entries(r.statusCounts).filter(([code]) => code !== '200');
  if (bad.length > 0 || r.errors > 0) throw new Error(`${label}: unexpected statuses ${JSON.stringify(r.statusCounts)}`);
}

/** Opts `id` in three years ago and sends one backdated point_add per day since, 50 per call. */
async function seedVeteran(url: string, key: string, id: string): Promise<number> {
  const now = Date.now();
  const start = now - YEARS * 365 * DAY - DAY;
  await gql(url, key, SUBMIT, {
    input: { customer: id, action: 'opt_in', data: { effective_timestamp: new Date(start).toISOString() } },
  });
  const inputs: unknown[] = [];
  for (let t = start + 3600_000; t < now - 60_000; t += DAY) {
    inputs.push({
      customer: id,
      action: 'point_add',
      externalId: `order-${t}`,
      data: {
        points: 1 + (inputs.length % 7),
        effective_timestamp: new Date(t).toISOString(),
        expires_at: new Date(t + 365 * DAY).toISOString(),
      },
    });
  }
  for (let i = 0; i < inputs.length; i += 50) {
    const result = await gql(url, key, SUBMIT_MANY, { inputs: inputs.slice(i, i + 50) });
    if (result.submitEvents.refused > 0) throw new Error('bench setup: a seeded event was refused');
  }
  return inputs.length;
}

export async function benchCustomers(o: CustomersBenchOptions): Promise<void> {
  await gql(o.url, o.adminKey, 'mutation($d: [JSONObject!]!) { importEntities(entity: TIER, documents: $d) { ids } }', {
    d: benchTiers(),
  });
  const days = await seedVeteran(o.url, o.clientKey, 'bench-veteran');
  await gql(o.url, o.clientKey, SUBMIT, { input: { customer: 'bench-new', action: 'opt_in' } });
  await gql(o.url, o.clientKey, SUBMIT, { input: { customer: 'bench-new', action: 'point_add', data: { points: 5 } } });
  const raw = await o.app.connection.db!.collection('customers').findOne({ _id: 'bench-veteran' as never });
  const bytes = Buffer.byteLength(JSON.stringify(raw));

  const target = (body: unknown): LoadTarget => ({
    url: o.url,
    method: 'POST',
    path: '/graphql',
    headers: { 'content-type': 'application/json', 'x-api-key': o.clientKey },
    body: JSON.stringify(body),
  });
  const read = (id: string) => target({ query: TIER_QUERY, variables: { id } });
  const write = (id: string) =>
    target({ query: SUBMIT, variables: { input: { customer: id, action: 'point_add', data: { points: 1 } } } });
  const options = { rounds: o.rounds, seconds: o.seconds, connections: o.connections };

  console.log(
    `\ncustomers: one with ${days} daily events over ${YEARS} years (document ~${Math.round(bytes / 1024)} KB as JSON) against one with a single event`,
  );
  const reads = await compare(read('bench-veteran'), read('bench-new'), options);
  check('tiers read', reads.a);
  check('tiers read', reads.b);
  console.log(line('customer { tiers { … } }, 3-year customer', reads.a));
  console.log(line('customer { tiers { … } }, new customer', reads.b));
  // Writes all go to one customer per side: the per-customer queue serializes them, which is the worst case.
  const writes = await compare(write('bench-veteran'), write('bench-new'), options);
  check('submitEvent', writes.a);
  check('submitEvent', writes.b);
  console.log(line('submitEvent point_add, 3-year customer', writes.a));
  console.log(line('submitEvent point_add, new customer', writes.b));
}
