import type { App } from '../src/app/create-app';
import { replaceDatabaseName } from '../src/db/provider';
import { antavoEscherConfig } from '../src/escher';
import { signRequest } from '../test/support/signers/escher-signer';
import { OFFERS_QUERY } from '../test/support/queries';
import { compare, type LoadResult, type LoadTarget } from './load';
import { newCall } from '../src/call/call';

function limiterCost(app: App): number {
  const credential = app.services.credentials.lookup('bench-admin-key-0001');
  if (credential.status !== 'active') throw new Error('bench admin key not found');
  const auth = {
    credential: credential.credential,
    method: 'key' as const,
    client: undefined,
    keyHint: '***0001',
    failure: undefined,
  };
  const samples: number[] = [];
  for (let round = 0; round < 5; round++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < 100_000; i++) {
      const call = newCall('bench', {
        method: 'POST',
        url: '/graphql',
        path: '/graphql',
        search: '',
        headers: {},
        body: Buffer.alloc(0),
        socketAddress: '127.0.0.1',
      });
      call.auth = auth;
      if (app.rateLimiter.admit(call)) throw new Error('refused');
      call.response = { status: 200, headers: {}, body: '' };
      app.rateLimiter.finish(call);
    }
    samples.push(Number(process.hrtime.bigint() - started) / 1000 / 100_000);
  }
  return samples.sort((a, b) => a - b)[2];
}

/** What run.ts lends this case (kept there so the cases share one way of starting a server). */
export interface RateLimitBenchDeps {
  mongoUri: string;
  adminKey: string;
  startApp(mongoUri: string, env?: Record<string, string>): Promise<{ app: App; url: string }>;
  gql(url: string, key: string, query: string, variables?: unknown): Promise<any>;
  offers: Record<string, unknown>[];
  rounds: number;
  seconds: number;
  connections: number;
  line(label: string, r: LoadResult): string;
  ratio(label: string, a: LoadResult, b: LoadResult): string;
}

/**
 * BENCH_ONLY=ratelimit: the fully secured repeated offers query (signed, a 1,000-entry IP
 * filter, enforcement on) on two instances that differ only in the rate limits: on (every
 * call counted against its key and shared in the background, with a limit high enough never
 * to refuse, so the whole cost is measured and no 429 skews the numbers) and off.
 */
export async function rateLimitBench(deps: RateLimitBenchDeps): Promise<void> {
  const { adminKey, gql } = deps;
  const body = JSON.stringify({ query: OFFERS_QUERY });
  const secured = async (dbName: string, env: Record<string, string>): Promise<{ app: App; target: LoadTarget }> => {
    const { app, url } = await deps.startApp(replaceDatabaseName(deps.mongoUri, dbName), env);
    const created = await gql(
      url,
      adminKey,
      'mutation { createApiCredential(input: { name: "bench" }) { credential { key } secret } }',
    );
    const { key } = created.createApiCredential.credential;
    const secret: string = created.createApiCredential.secret;
    await gql(url, adminKey, 'mutation($d: [JSONObject!]!) { importEntities(entity: OFFER, documents: $d) { created } }', {
      d: deps.offers,
    });
    const entries = Array.from({ length: 999 }, (_, i) => `10.${(i >> 8) & 255}.${i & 255}.0/24`);
    entries.push('203.0.113.0/24');
    await app.services.security.model.updateOne(
      { _id: 'settings' },
      { $set: { 'endpoints.ENTITIES.ipFilters': entries, 'endpoints.ENTITIES.signatureEnforced': true } },
      { upsert: true },
    );
    await app.services.security.changed();
    await gql(
      url,
      adminKey,
      'mutation { a: setSecurityModule(module: IP_FILTER, enabled: true) { ipFilterEnabled } b: setSecurityModule(module: SIGNATURE_CHECK, enabled: true) { signatureCheckEnabled } }',
    );
    const host = new URL(url).host;
    const headers = signRequest({
      method: 'POST',
      url: '/graphql',
      headers: { host, 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.50' },
      body,
      key,
      secret,
      config: antavoEscherConfig('local'),
    }) as Record<string, string>;
    return { app, target: { url, method: 'POST', path: '/graphql', headers, body } };
  };

  const on = await secured('bench_ratelimit_on', { RATE_LIMIT_PER_MINUTE: '1000000000', AUTH_FAILURES_PER_MINUTE: '60' });
  const off = await secured('bench_ratelimit_off', { RATE_LIMIT_PER_MINUTE: '0', AUTH_FAILURES_PER_MINUTE: '0' });
  const result = await compare(on.target, off.target, {
    rounds: deps.rounds,
    seconds: deps.seconds,
    connections: deps.connections,
  });
  for (const [label, r] of [
    ['limits on', result.a],
    ['limits off', result.b],
  ] as const) {
    const bad = Object.keys(r.statusCounts).filter((code) => code !== '200');
    if (bad.length > 0 || r.errors > 0) throw new Error(`${label}: unexpected statuses ${JSON.stringify(r.statusCounts)}`);
  }
  // The limiter's own steps, in process: what every call pays for them.
  const limiterUs = limiterCost(on.app);
  const counted = await on.app.connection.collection('rate_limit_windows').find().toArray();
  console.log('\nfully secured offers query (signed, 1,000 IP entries, enforced): rate limits on vs off');
  console.log(deps.line('rate limits on (counted, shared)', result.a));
  console.log(deps.line('rate limits off', result.b));
  console.log(deps.ratio('on / off', result.a, result.b));
  console.log(`  limiter steps (admit + finish) per call, in process: ${limiterUs.toFixed(2)} µs (median of 5 × 100,000)`);
  console.log(`  calls counted in the shared window documents: ${counted.reduce((sum, doc) => sum + (doc.count as number), 0)}`);
  await on.app.stop();
  await off.app.stop();
}
