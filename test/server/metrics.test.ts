import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { dataOf, startTestServer, type TestServer } from '../support/server';
import { httpCall } from '../support/http';
import { loadConfig } from '../../src/config/config';

const TOKEN = 'metrics-token-0123456789';
let server: TestServer;

before(async () => {
  server = await startTestServer({ env: { METRICS_TOKEN: TOKEN } });
});
after(async () => {
  await server.stop();
});

const scrape = (headers: Record<string, string> = {}) => httpCall(server.url, 'GET', '/metrics', { headers });

/** The value of one sample line, e.g. `name{a="b"} 3`. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text
    .split('\n')
    .find(
      (l) =>
        l.startsWith(`${name}{`) &&
        want.every((w) => l.includes(w)) &&
        l.slice(0, l.indexOf('}')).split(',').length === want.length,
    );
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

test('GET /metrics refuses anonymous, CLIENT and wrong-token scrapes, and allows the token or an ADMIN key', async () => {
  const anonymous = await scrape();
  assert.equal(anonymous.status, 401);
  assert.equal(anonymous.json.error.code, 'UNAUTHENTICATED');
  assert.match(anonymous.json.error.message, /METRICS_TOKEN/);
  assert.equal(anonymous.json.error.requestId, anonymous.headers['x-request-id']);
  assert.equal((await scrape({ authorization: 'Bearer not-the-token-at-all' })).status, 401);
  const client = await scrape({ 'x-api-key': server.client.key });
  assert.equal(client.status, 403);
  assert.equal(client.json.error.code, 'FORBIDDEN');
  const allowed: Record<string, string>[] = [{ authorization: `Bearer ${TOKEN}` }, { 'x-api-key': server.admin.key }];
  for (const headers of allowed) {
    const ok = await scrape(headers);
    assert.equal(ok.status, 200, ok.text);
    assert.match(String(ok.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    assert.match(ok.text, /# TYPE loyalty_http_requests_total counter/);
  }
});

test('requests are counted and timed by path family, endpoint and status; error-log queue and drops are exposed', async () => {
  const before = (await scrape({ authorization: `Bearer ${TOKEN}` })).text;
  const labels = { route: 'graphql', endpoint: 'ENTITIES', status: '200' };
  const countBefore = sample(before, 'loyalty_http_requests_total', labels) ?? 0;
  for (let i = 0; i < 3; i++) dataOf(await server.as(server.client).graphql('{ tiers { id } }'));
  assert.equal((await server.as(server.client).graphql('{ apiCredentials { key } }')).status, 403);
  assert.equal((await server.as(server.client).get('/entities/tiers/tier')).status, 200);

  const text = (await scrape({ authorization: `Bearer ${TOKEN}` })).text;
  assert.equal(sample(text, 'loyalty_http_requests_total', labels), countBefore + 3);
  assert.ok((sample(text, 'loyalty_http_requests_total', { route: 'graphql', endpoint: 'MANAGEMENT', status: '403' }) ?? 0) >= 1);
  assert.ok((sample(text, 'loyalty_http_requests_total', { route: 'entities', endpoint: 'ENTITIES', status: '200' }) ?? 0) >= 1);
  // The histogram's +Inf bucket counts every observation of those labels.
  assert.equal(
    sample(text, 'loyalty_http_request_duration_seconds_bucket', { ...labels, le: '+Inf' }),
    sample(text, 'loyalty_http_request_duration_seconds_count', labels),
  );
  assert.equal(sample(text, 'loyalty_http_request_duration_seconds_count', labels), countBefore + 3);
  assert.match(text, /^loyalty_error_log_queue_length \d+$/m);
  assert.match(text, /^loyalty_error_log_dropped_total 0$/m);
  assert.match(text, /^loyalty_process_cpu_seconds_total /m);
  // Nothing secret: no key in the metrics.
  assert.ok(!text.includes(server.client.key) && !text.includes(server.admin.key));
});

test('the response cache reports its hits and misses, labelled by cache', async () => {
  const query = '{ tiers { id name } }';
  const before = (await scrape({ authorization: `Bearer ${TOKEN}` })).text;
  const hits0 = sample(before, 'loyalty_cache_hits_total', { cache: 'response' }) ?? 0;
  const misses0 = sample(before, 'loyalty_cache_misses_total', { cache: 'response' }) ?? 0;
  const first = await server.as(server.client).graphql(query);
  assert.equal(first.headers['x-cache'], 'MISS');
  // A poll of the entity revision already under way may drop the first answer once: ask until a hit.
  let hit = await server.as(server.client).graphql(query);
  for (let i = 0; i < 10 && hit.headers['x-cache'] !== 'HIT'; i++) hit = await server.as(server.client).graphql(query);
  assert.equal(hit.headers['x-cache'], 'HIT');
  const text = (await scrape({ authorization: `Bearer ${TOKEN}` })).text;
  assert.ok(sample(text, 'loyalty_cache_hits_total', { cache: 'response' })! >= hits0 + 1);
  assert.ok(sample(text, 'loyalty_cache_misses_total', { cache: 'response' })! >= misses0 + 1);
});

test('error-log drops counted by the recorder show as a counter that only grows', async () => {
  const recorder = server.app.services.errorLog.recorder;
  recorder.dropped += 2;
  assert.match((await scrape({ authorization: `Bearer ${TOKEN}` })).text, /^loyalty_error_log_dropped_total 2$/m);
  recorder.dropped += 3;
  assert.match((await scrape({ authorization: `Bearer ${TOKEN}` })).text, /^loyalty_error_log_dropped_total 5$/m);
  recorder.dropped -= 5;
});

test('METRICS_ENABLED=false: /metrics is not served at all', async () => {
  const off = await startTestServer({ env: { METRICS_ENABLED: 'false' } });
  try {
    const res = await httpCall(off.url, 'GET', '/metrics', { headers: { 'x-api-key': off.admin.key } });
    assert.equal(res.status, 404);
    assert.equal(res.json.error.code, 'NOT_FOUND');
  } finally {
    await off.stop();
  }
});

test('the metrics settings are checked at start: a short token or a non-boolean switch names the variable', () => {
  assert.throws(() => loadConfig({ METRICS_TOKEN: 'short' }), /METRICS_TOKEN: must be at least 16 characters/);
  assert.throws(() => loadConfig({ METRICS_ENABLED: 'maybe' }), /METRICS_ENABLED: must be true or false/);
  assert.throws(() => loadConfig({ LOG_FORMAT: 'xml' }), /LOG_FORMAT: must be json or pretty/);
  const defaults = loadConfig({});
  assert.deepEqual([defaults.metricsEnabled, defaults.metricsToken, defaults.logFormat], [true, undefined, undefined]);
  assert.equal(loadConfig({ METRICS_TOKEN: '  ' }).metricsToken, undefined, 'blank (compose default) = no token');
});
