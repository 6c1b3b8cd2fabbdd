import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { loadConfig } from '../src/config/config';
import { createLogger } from '../src/logging/logger';
import { replaceDatabaseName } from '../src/db/provider';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { createApp, type App } from '../src/app/create-app';
import { antavoEscherConfig } from '../src/escher';
import { signRequest } from '../test/support/signers/escher-signer';
import { OFFERS_QUERY, aliasBomb } from '../test/support/queries';
import { compare, compareAll, load, medianOf, type LoadResult, type LoadTarget } from './load';
import { apolloCanned, apolloExecuting, mercuriusCanned, nodeHttpBytes, type Reference } from './reference-servers';
import { authCost, benchRequests } from './auth-cost';
import { rateLimitBench } from './rate-limit';
import { benchCustomers } from './customers';
import { benchOffersApplied } from './offers-applied';

/**
 * `npm run bench`: every comparison runs both sides in the same process and the same run,
 * alternating, and reports the ratio (see bench/README in the main README).
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const ADMIN_KEY = 'bench-admin-key-0001';
const ADMIN_SECRET = 'bench-admin-secret-0123456789abcdef';

function offers(count: number): Record<string, unknown>[] {
  const base = JSON.parse(readFileSync(resolve(process.cwd(), 'src/entities/fixtures/offers.json'), 'utf8'));
  return Array.from({ length: count }, (_, i) => ({ ...base[i % base.length], id: `bench${String(i).padStart(5, '0')}` }));
}

async function startApp(mongoUri: string, env: Record<string, string> = {}): Promise<{ app: App; url: string }> {
  const config = loadConfig({
    NODE_ENV: 'production',
    MONGODB_URI: mongoUri,
    PORT: '0',
    ADMIN_API_KEY: ADMIN_KEY,
    ADMIN_API_SECRET: ADMIN_SECRET,
    SECRETS_ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('base64'),
    LOG_LEVEL: 'error',
    TRUST_PROXY: '127.0.0.1',
    // The other cases measure other things at full speed; BENCH_ONLY=ratelimit measures the limits.
    RATE_LIMIT_PER_MINUTE: '0',
    AUTH_FAILURES_PER_MINUTE: '0',
    ...env,
  });
  const app = await createApp({ config, logger: createLogger({ level: 'error' }), mongoUri });
  return { app, url: await app.listen() };
}

async function gql(url: string, key: string, query: string, variables?: unknown): Promise<any> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': key },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: unknown; errors?: unknown };
  if (body.errors) throw new Error(`bench setup failed: ${JSON.stringify(body.errors)}`);
  return body.data;
}

function line(label: string, r: LoadResult): string {
  return `  ${label.padEnd(44)} ${r.rps.toFixed(0).padStart(7)} req/s   p50 ${String(r.p50).padStart(4)} ms   p99 ${String(r.p99).padStart(4)} ms   server CPU ${r.serverUsPerRequest.toFixed(0).padStart(5)} µs/req`;
}

function ratio(label: string, a: LoadResult, b: LoadResult): string {
  const cost = ((a.serverUsPerRequest / b.serverUsPerRequest - 1) * 100).toFixed(1);
  return `  ${label}: throughput ${((a.rps / b.rps) * 100).toFixed(1)}% (${a.rps.toFixed(0)} / ${b.rps.toFixed(0)} req/s); server CPU per request ${cost}% (${a.serverUsPerRequest.toFixed(0)} vs ${b.serverUsPerRequest.toFixed(0)} µs)`;
}

function assertStatuses(label: string, r: LoadResult, expected: number) {
  const bad = Object.entries(r.statusCounts).filter(([code]) => Number(code) !== expected);
  if (bad.length > 0 || r.errors > 0)
    throw new Error(`${label}: unexpected statuses ${JSON.stringify(r.statusCounts)}, ${r.errors} errors`);
}

async function startDatabase(): Promise<{ uri: string; kind: string; stop: () => void }> {
  const child = spawn(process.execPath, [resolve(__dirname, 'database-process.js')], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: process.env,
  });
  const first = await new Promise<string>((ok, fail) => {
    createInterface({ input: child.stdout! }).once('line', ok);
    child.once('exit', (code) => fail(new Error(`database process exited with ${code}`)));
  });
  const { uri, kind } = JSON.parse(first) as { uri: string; kind: string };
  return { uri, kind, stop: () => child.stdin!.end() };
}

async function main() {
  const mongo = await startDatabase();
  const { app, url } = await startApp(replaceDatabaseName(mongo.uri, 'bench_main'));
  const client = await gql(
    url,
    ADMIN_KEY,
    'mutation { createApiCredential(input: { name: "bench client" }) { credential { key } secret } }',
  );
  const clientKey: string = client.createApiCredential.credential.key;
  const clientSecret: string = client.createApiCredential.secret;
  await gql(url, ADMIN_KEY, 'mutation($d: [JSONObject!]!) { importEntities(entity: OFFER, documents: $d) { created } }', {
    d: offers(200),
  });

  const body = JSON.stringify({ query: OFFERS_QUERY });
  const plain: LoadTarget = {
    url,
    method: 'POST',
    path: '/graphql',
    headers: { 'content-type': 'application/json', 'x-api-key': clientKey },
    body,
  };
  console.log(
    `\nnpm run bench — ${ROUNDS} alternating rounds of ${SECONDS}s, ${CONNECTIONS} connections, medians; database: ${mongo.kind}\n`,
  );

  const only = process.env.BENCH_ONLY?.split(','); // entities | miss | customers | points | offers | security | errorlog | limits | ratelimit
  const runs = (part: string) => !only || only.includes(part);
  const host = new URL(url).host;
  const signed = (requestBody = body): LoadTarget => ({
    ...plain,
    body: requestBody,
    // Signed once per measurement: a signature stays valid for the clock skew (300 s).
    headers: {
      ...(signRequest({
        method: 'POST',
        url: '/graphql',
        headers: { host, 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.50' },
        body: requestBody,
        key: clientKey,
        secret: clientSecret,
        config: antavoEscherConfig('local'),
      }) as Record<string, string>),
    },
  });
  const setModules = (on: boolean) =>
    gql(
      url,
      ADMIN_KEY,
      `mutation { a: setSecurityModule(module: IP_FILTER, enabled: ${on}) { ipFilterEnabled } b: setSecurityModule(module: SIGNATURE_CHECK, enabled: ${on}) { signatureCheckEnabled } }`,
    );
  // Fully secured: an IP filter of 1,001 entries on ENTITIES (the client's the last), signature
  // enforcement on; written in one update (the mutation path is exercised by the tests, not timed here).
  const entries = Array.from({ length: 1000 }, (_, i) => `10.${(i >> 8) & 255}.${i & 255}.0/24`);
  entries.push('203.0.113.0/24');
  await app.services.security.model.updateOne(
    { _id: 'settings' },
    { $set: { 'endpoints.ENTITIES.ipFilters': entries } },
    { upsert: true },
  );
  await app.services.security.changed();
  await gql(url, ADMIN_KEY, 'mutation { setSignatureEnforcement(endpoint: ENTITIES, enforced: true) { signatureCheckEnabled } }');
  const options = { rounds: ROUNDS, seconds: SECONDS, connections: CONNECTIONS };

  if (runs('entities')) {
    // 1. The repeated query, fully secured, against three servers answering the same response
    //    from memory: Apollo Server alone (same plugins), Fastify + Mercurius + graphql-jit, and
    //    node:http writing the same bytes (the limit).
    const canned = (await gql(url, clientKey, OFFERS_QUERY)).offers;
    const bytes = await (await fetch(`${url}/graphql`, { method: 'POST', headers: plain.headers, body })).text();
    const refs = [
      await apolloCanned(canned, [ApolloServerPluginCacheControlDisabled()]),
      await mercuriusCanned(canned),
      await nodeHttpBytes(bytes),
    ];
    await setModules(true);
    const target = (ref: Reference): LoadTarget => ({
      ...plain,
      url: ref.url,
      path: ref.path,
      headers: { 'content-type': 'application/json' },
    });
    const r = await compareAll([() => signed(), ...refs.map(target)], options);
    await setModules(false);
    const labels = [
      'project, signed + 1,001 IP entries + enforced',
      'Apollo Server alone, same plugins, canned',
      'Fastify + Mercurius + graphql-jit, canned',
      'node:http, same bytes (the limit)',
    ];
    r.medians.forEach((m, i) => assertStatuses(labels[i], m, 200));
    console.log('offers(first: 50), every nested field, the same request repeated (project: response cache hits)');
    r.medians.forEach((m, i) => console.log(line(labels[i], m)));
    console.log(ratio('project / Apollo alone', r.medians[0], r.medians[1]));
    console.log(ratio('project / Mercurius + jit (target ≥ 100%)', r.medians[0], r.medians[2]));
    console.log(ratio('project / node:http (target ≥ 50%)', r.medians[0], r.medians[3]));
    for (const ref of refs) await ref.stop();
  }

  if (runs('miss')) {
    // 2. Every request a miss: the same query with a different activeAt on each request.
    const missQuery = OFFERS_QUERY.replace('query Offers {', 'query Offers($at: DateTimeISO) {').replace(
      'offers(first: 50)',
      'offers(first: 50, filter: { activeAt: $at })',
    );
    const missBody = JSON.stringify({ query: missQuery, variables: { at: '@AT@' } });
    const vary = { placeholder: '@AT@', startMs: Date.UTC(2026, 0, 1), stepMs: 1 };
    const bare = await apolloExecuting(app, [ApolloServerPluginCacheControlDisabled()]);
    const cache = app.services.responseCache;
    const hitsBefore = cache.stats.hits;
    const r = await compareAll(
      [
        { ...plain, body: missBody, vary },
        { url: bare.url, path: bare.path, method: 'POST', headers: { 'content-type': 'application/json' }, body: missBody, vary },
      ],
      options,
    );
    assertStatuses('project, miss', r.medians[0], 200);
    assertStatuses('Apollo executing', r.medians[1], 200);
    console.log('\nthe same query, a different activeAt on every request (every request a miss), plain key');
    console.log(line('project (graphql-jit, cache miss + store)', r.medians[0]));
    console.log(line('Apollo Server alone, same plugins, graphql-js', r.medians[1]));
    console.log(ratio('project / Apollo alone (target ≥ 120%)', r.medians[0], r.medians[1]));
    console.log(
      `  response cache hits meanwhile: ${cache.stats.hits - hitsBefore}; held: ${cache.size} entries, ${cache.bytes} bytes`,
    );
    await bare.stop();
  }

  if (runs('customers')) {
    // 3. Customers: the answer needs the database; Apollo alone runs the same resolvers.
    await gql(url, ADMIN_KEY, 'mutation($d: [JSONObject!]!) { importEntities(entity: TIER, documents: $d) { created } }', {
      d: JSON.parse(readFileSync(resolve(process.cwd(), 'src/entities/fixtures/tiers.json'), 'utf8')),
    });
    const ids = Array.from({ length: 32 }, (_, i) => `bench-customer-${i}`);
    for (const id of ids) {
      await gql(
        url,
        clientKey,
        `mutation { submitEvent(input: { customer: "${id}", action: "opt_in", data: { first_name: "B" } }) { accepted } }`,
      );
      await gql(
        url,
        clientKey,
        `mutation { submitEvent(input: { customer: "${id}", action: "point_add", data: { points: 150 } }) { accepted } }`,
      );
    }
    const read = ids.map((id) =>
      JSON.stringify({
        query: `query C($id: ID!) { customer(id: $id) { id score spendable tiers { tier { id } level { id threshold } next { id threshold } pointsToNext } } }`,
        variables: { id },
      }),
    );
    const write = ids.map((id) =>
      JSON.stringify({
        query: `mutation P($id: ID!) { submitEvent(input: { customer: $id, action: "point_add", data: { points: 1 } }) { accepted customer { score spendable } } }`,
        variables: { id },
      }),
    );
    const bare = await apolloExecuting(app, [ApolloServerPluginCacheControlDisabled()]);
    const bareTarget = (bodies: string[]): LoadTarget => ({
      url: bare.url,
      path: bare.path,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      bodies,
    });
    for (const [label, bodies] of [
      ['customer(id) with tier standing', read],
      ['submitEvent point_add', write],
    ] as const) {
      const r = await compareAll([{ ...plain, bodies: [...bodies] }, bareTarget([...bodies])], options);
      assertStatuses(`project, ${label}`, r.medians[0], 200);
      assertStatuses(`Apollo, ${label}`, r.medians[1], 200);
      console.log(`\n${label}, 32 customers in turn, plain key`);
      console.log(line('project', r.medians[0]));
      console.log(line('Apollo Server alone, same resolvers', r.medians[1]));
      console.log(ratio('project / Apollo alone', r.medians[0], r.medians[1]));
    }
    await bare.stop();
  }

  if (runs('security')) {
    // 4. Fully secured against plain, same server: the modules switched on and off.
    const rounds: { secured: LoadResult[]; plain: LoadResult[] } = { secured: [], plain: [] };
    for (let i = 0; i < ROUNDS; i++) {
      await setModules(true);
      const s = await compare(signed(), signed(), { rounds: 1, seconds: SECONDS, connections: CONNECTIONS });
      rounds.secured.push(s.a, s.b);
      await setModules(false);
      const p = await compare(plain, plain, { rounds: 1, seconds: SECONDS, connections: CONNECTIONS });
      rounds.plain.push(p.a, p.b);
    }
    rounds.secured.forEach((r) => assertStatuses('secured', r, 200));
    rounds.plain.forEach((r) => assertStatuses('plain', r, 200));
    console.log('\nsame query, same server: fully secured vs plain key with the modules off');
    console.log(line('secured (signed, 1,001 IP entries, enforced)', medianOf(rounds.secured)));
    console.log(line('plain key, modules off', medianOf(rounds.plain)));
    console.log(ratio('secured / plain (target ≥ 95%)', medianOf(rounds.secured), medianOf(rounds.plain)));
    await setModules(false);

    const requests = benchRequests({ clientKey, clientSecret, host, body });
    const plainCost = authCost(app, requests.plain);
    await setModules(true);
    const securedCost = authCost(app, requests.signed);
    await setModules(false);
    console.log('\nauthentication step per request, in process (median of 5 × 20,000 calls)');
    console.log(`  plain key, modules off:                       ${plainCost.toFixed(2)} µs`);
    console.log(`  signed, 1,001-entry IP filter, enforced:      ${securedCost.toFixed(2)} µs`);
  }
  if (runs('errorlog')) {
    // 3. Error log: a stream of failing calls (401s and validation errors), recording on vs off.
    // Two fresh instances that differ only in the switch, each with its own database.
    const { app: recording, url: recordingUrl } = await startApp(replaceDatabaseName(mongo.uri, 'bench_recording'));
    const { app: quiet, url: quietUrl } = await startApp(replaceDatabaseName(mongo.uri, 'bench_quiet'), {
      ERROR_LOG_ENABLED: 'false',
    });
    for (const target of [recordingUrl, quietUrl]) {
      await gql(target, ADMIN_KEY, 'mutation($d: [JSONObject!]!) { importEntities(entity: OFFER, documents: $d) { created } }', {
        d: offers(200),
      });
    }
    const failing = (base: string, i: number): LoadTarget =>
      i % 2 === 0
        ? {
            url: base,
            method: 'POST',
            path: '/graphql',
            headers: { 'content-type': 'application/json', 'x-api-key': 'no-such-key-0000' },
            body,
          }
        : {
            url: base,
            method: 'POST',
            path: '/graphql',
            headers: { 'content-type': 'application/json', 'x-api-key': ADMIN_KEY },
            body: JSON.stringify({
              query: '{ offers(first: 5) { nodes { id nope } } }',
              variables: { password: 'hunter2-hunter2' },
            }),
          };
    const recOn: LoadResult[] = [];
    const recOff: LoadResult[] = [];
    for (const kind of [0, 1]) {
      const r = await compare(failing(recordingUrl, kind), failing(quietUrl, kind), {
        rounds: ROUNDS,
        seconds: SECONDS,
        connections: CONNECTIONS,
      });
      assertStatuses('recording on', r.a, kind === 0 ? 401 : 400);
      recOn.push(r.a);
      recOff.push(r.b);
    }
    await recording.services.errorLog.recorder.flush(30_000);
    const stored = await recording.services.errorLog.model.estimatedDocumentCount();
    console.log('\nfailing calls (401 unknown key, 400 validation error): error log recording on vs off');
    console.log(line('401s, recording on', recOn[0]));
    console.log(line('401s, recording off', recOff[0]));
    console.log(ratio('401s on / off', recOn[0], recOff[0]));
    console.log(line('400s, recording on', recOn[1]));
    console.log(line('400s, recording off', recOff[1]));
    console.log(ratio('400s on / off', recOn[1], recOff[1]));
    console.log(`  records written: ${stored}; dropped: ${recording.services.errorLog.recorder.dropped}`);

    await recording.stop();
    await quiet.stop();
  }
  if (runs('limits')) {
    // 4. Operation limits: alias bombs refused before they run, and what they do to everyone else.
    const bombTarget = (query: string): LoadTarget => ({ ...plain, body: JSON.stringify({ query }) });
    const issueBomb = bombTarget(aliasBomb(3000));
    const inlineBomb = bombTarget(aliasBomb(1200, { inline: true }));
    const refusals = await compare(issueBomb, inlineBomb, { rounds: ROUNDS, seconds: SECONDS, connections: CONNECTIONS });
    assertStatuses('issue bomb', refusals.a, 400);
    assertStatuses('inline bomb', refusals.b, 400);
    console.log('\nalias bombs of offers(first: 100) with every field, refused (400 OPERATION_TOO_COMPLEX) at parse time');
    console.log(line(`3,000 aliases, fragment (${Math.round(issueBomb.body!.length / 1024)} KB)`, refusals.a));
    console.log(line(`1,200 aliases written out (${Math.round(inlineBomb.body!.length / 1024)} KB)`, refusals.b));
    // How much of a refusal is recording it: the same bomb on an instance with the error log off.
    const { app: unlogged, url: unloggedUrl } = await startApp(replaceDatabaseName(mongo.uri, 'bench_limits_quiet'), {
      ERROR_LOG_ENABLED: 'false',
    });
    const quietKey = (
      await gql(
        unloggedUrl,
        ADMIN_KEY,
        'mutation { createApiCredential(input: { name: "bench client" }) { credential { key } } }',
      )
    ).createApiCredential.credential.key;
    const unrecorded: LoadTarget = { ...inlineBomb, url: unloggedUrl, headers: { ...inlineBomb.headers, 'x-api-key': quietKey } };
    const recording = await compare(inlineBomb, unrecorded, { rounds: ROUNDS, seconds: SECONDS, connections: CONNECTIONS });
    assertStatuses('recorded bomb', recording.a, 400);
    assertStatuses('unrecorded bomb', recording.b, 400);
    console.log(line('1,200 aliases, error log on', recording.a));
    console.log(line('1,200 aliases, error log off', recording.b));
    console.log(ratio('error log on / off', recording.a, recording.b));
    await unlogged.stop();

    // A cheap query on two connections, alone and while bombs arrive on others (one bomb always
    // in flight, then four), alternating like compare(); its latency is what other clients feel.
    const cheap: LoadTarget = { ...plain, body: JSON.stringify({ query: '{ tiers { id } }' }) };
    const CHEAP_CONNECTIONS = 2;
    const BOMBERS = [1, 4];
    const alone: LoadResult[] = [];
    const attacked = new Map(BOMBERS.map((n) => [n, { cheap: [] as LoadResult[], bombs: [] as LoadResult[] }]));
    const phases: (number | 'alone')[] = ['alone', ...BOMBERS];
    await load(cheap, 2, CHEAP_CONNECTIONS);
    for (let i = 0; i < ROUNDS; i++) {
      for (const phase of i % 2 === 0 ? phases : [...phases].reverse()) {
        if (phase === 'alone') {
          alone.push(await load(cheap, SECONDS, CHEAP_CONNECTIONS));
          continue;
        }
        const [c, b] = await Promise.all([load(cheap, SECONDS, CHEAP_CONNECTIONS), load(inlineBomb, SECONDS, phase)]);
        attacked.get(phase)!.cheap.push(c);
        attacked.get(phase)!.bombs.push(b);
      }
    }
    const medianOf = (list: LoadResult[], key: 'p50' | 'p99' | 'rps') =>
      list.map((r) => r[key]).sort((x, y) => x - y)[Math.floor(list.length / 2)];
    const latency = (label: string, list: LoadResult[]) =>
      `  ${label.padEnd(44)} ${medianOf(list, 'rps').toFixed(0).padStart(7)} req/s   p50 ${String(medianOf(list, 'p50')).padStart(4)} ms   p99 ${String(medianOf(list, 'p99')).padStart(4)} ms`;
    alone.forEach((r) => assertStatuses('cheap query', r, 200));
    console.log(
      `\n{ tiers { id } } on ${CHEAP_CONNECTIONS} connections, alone and while 1,200-alias bombs are refused on others`,
    );
    console.log(latency('cheap query alone', alone));
    for (const [bombers, runs] of attacked) {
      runs.cheap.forEach((r) => assertStatuses('cheap query', r, 200));
      runs.bombs.forEach((r) => assertStatuses('bombs', r, 400));
      console.log(latency(`cheap query, ${bombers} bomb connection${bombers > 1 ? 's' : ''}`, runs.cheap));
      console.log(latency(`  bombs refused meanwhile`, runs.bombs));
      console.log(
        `  ${bombers} bomb connection${bombers > 1 ? 's' : ''} / alone: cheap p50 ${medianOf(runs.cheap, 'p50')} vs ${medianOf(alone, 'p50')} ms, p99 ${medianOf(runs.cheap, 'p99')} vs ${medianOf(alone, 'p99')} ms, throughput ${((medianOf(runs.cheap, 'rps') / medianOf(alone, 'rps')) * 100).toFixed(1)}%`,
      );
    }
  }
  if (runs('points')) {
    // A customer with three years of daily events: tier standing read, and submitEvent throughput.
    const bench = { app, url, clientKey, adminKey: ADMIN_KEY, seconds: SECONDS, rounds: ROUNDS, connections: CONNECTIONS };
    await benchCustomers(bench);
  }
  if (runs('offers')) await benchOffersApplied(replaceDatabaseName(mongo.uri, 'bench_offers'), ADMIN_KEY, startApp);
  if (runs('ratelimit')) {
    await rateLimitBench({
      mongoUri: mongo.uri,
      adminKey: ADMIN_KEY,
      startApp,
      gql,
      offers: offers(200),
      rounds: ROUNDS,
      seconds: SECONDS,
      connections: CONNECTIONS,
      line,
      ratio,
    });
  }
  await app.stop();
  mongo.stop();
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
