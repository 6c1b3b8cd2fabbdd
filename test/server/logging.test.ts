import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataOf, firstError, startTestServer } from '../support/server';
import { httpCall } from '../support/http';
import { startProcess, waitFor } from '../support/process';
import { apiKeyHint } from '../../src/common/key-hint';

/** A port nothing listens on (taken, then released). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address() as { port: number };
  await new Promise((r) => probe.close(r));
  return port;
}

test('one log line per request: method, path, status, ms, endpoints, key hint and request id, never the key', async () => {
  const lines: string[] = [];
  const server = await startTestServer({ env: { LOG_LEVEL: 'info' }, logDestination: { write: (l) => lines.push(l) } });
  try {
    const ok = await server.as(server.client).graphql('query Tiers { tiers { id } }', undefined, {
      headers: { 'x-request-id': 'log-ok-1' },
    });
    dataOf(ok);
    const refused = await server.as(server.client).graphql('{ apiCredentials { key } }', undefined, {
      headers: { 'x-request-id': 'log-refused-1' },
    });
    assert.equal(refused.status, 403);
    assert.equal(firstError(refused).extensions.requestId, 'log-refused-1');
    assert.equal(refused.headers['x-request-id'], 'log-refused-1');
    const rest = await server.as(server.client).get('/entities/tiers/tier', { headers: { 'x-request-id': 'log-rest-1' } });
    assert.equal(rest.status, 200);
    const missing = await httpCall(server.url, 'GET', '/nowhere', { headers: { 'x-request-id': 'log-404-1' } });
    assert.equal(missing.status, 404);
    await waitFor(() => lines.some((l) => l.includes('log-404-1')), 5000);

    const entries = lines.map((l) => JSON.parse(l)).filter((e) => typeof e.requestId === 'string' && e.status !== undefined);
    const byId = (id: string) => {
      const found = entries.filter((e) => e.requestId === id);
      assert.equal(found.length, 1, `exactly one line for ${id}: ${JSON.stringify(found)}`);
      return found[0];
    };
    const hint = apiKeyHint(server.client.key);
    const okLine = byId('log-ok-1');
    assert.equal(okLine.level, 30, 'info');
    assert.deepEqual(
      { method: okLine.method, path: okLine.path, status: okLine.status, endpoints: okLine.endpoints, key: okLine.key },
      { method: 'POST', path: '/graphql', status: 200, endpoints: ['ENTITIES'], key: hint },
    );
    assert.equal(okLine.operation, 'Tiers');
    assert.equal(typeof okLine.ms, 'number');
    assert.ok(okLine.ms >= 0 && okLine.ms < 60_000);
    assert.equal(okLine.msg, `POST /graphql 200 ${okLine.ms} ms`);
    assert.deepEqual((({ status, endpoints, key }) => ({ status, endpoints, key }))(byId('log-refused-1')), {
      status: 403,
      endpoints: ['MANAGEMENT'],
      key: hint,
    });
    assert.deepEqual((({ path, status, endpoints }) => ({ path, status, endpoints }))(byId('log-rest-1')), {
      path: '/entities/tiers/tier',
      status: 200,
      endpoints: ['ENTITIES'],
    });
    assert.equal(byId('log-404-1').status, 404);
    // ISO timestamps, not epoch numbers.
    assert.match(okLine.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    // The key itself is in no line (only its hint).
    assert.equal(lines.filter((l) => l.includes(server.client.key)).length, 0);

    // The refused call's error record carries the same request id, and the filter finds it.
    await server.app.services.errorLog.recorder.flush();
    const logs = dataOf(
      await server
        .as(server.admin)
        .graphql('{ errorLogs(filter: { requestId: "log-refused-1" }) { totalCount nodes { requestId response { status } } } }'),
    );
    assert.deepEqual(logs.errorLogs, { totalCount: 1, nodes: [{ requestId: 'log-refused-1', response: { status: 403 } }] });
  } finally {
    await server.stop();
  }
});

test('real process: JSON logs on stdout in a pipe, the admin banner and database URI on stderr apart from them', async () => {
  const proc = startProcess({ PORT: '0', LOG_LEVEL: 'info' });
  try {
    await waitFor(() => proc.output().includes('loyalty API listening') && proc.stderr().includes('API secret'), 30_000);
    const stdoutLines = proc.stdout().trim().split('\n');
    for (const line of stdoutLines) assert.doesNotThrow(() => JSON.parse(line), `not a JSON line: ${line}`);
    const listening = stdoutLines.map((l) => JSON.parse(l)).find((e) => e.msg === 'loyalty API listening');
    assert.match(listening.databaseUri, /^mongodb:\/\/127\.0\.0\.1:\d+\/loyalty/);
    assert.ok(!listening.databaseUri.includes('@'), 'no credentials in the printed URI');
    const key = /API key: +(\S+)/.exec(proc.stderr())![1];
    const secret = /API secret: +(\S+)/.exec(proc.stderr())![1];
    assert.ok(proc.stderr().includes(`MONGODB_URI='${listening.databaseUri}' npm run import`));
    assert.ok(!proc.stdout().includes(key) && !proc.stdout().includes(secret), 'the banner is not in the log stream');
    // The request line of the process itself.
    const url = listening.url.replace(/\/graphql$/, '');
    const res = await httpCall(url, 'POST', '/graphql', {
      headers: { 'content-type': 'application/json', 'x-api-key': key, 'x-request-id': 'proc-line-1' },
      body: JSON.stringify({ query: '{ tiers { id } }' }),
    });
    assert.equal(res.status, 200);
    await waitFor(() => proc.stdout().includes('proc-line-1'), 5000);
    const line = JSON.parse(
      proc
        .stdout()
        .split('\n')
        .find((l) => l.includes('proc-line-1'))!,
    );
    assert.equal(line.key, apiKeyHint(key));
    assert.equal(line.status, 200);
  } finally {
    proc.child.kill('SIGKILL');
  }
});

test('LOG_FORMAT=pretty forces readable lines in a pipe; a bad LOG_FORMAT names the variable', async () => {
  const proc = startProcess({ PORT: '0', LOG_LEVEL: 'info', LOG_FORMAT: 'pretty', NO_COLOR: '1' });
  try {
    await waitFor(() => proc.stdout().includes('loyalty API listening'), 30_000);
    const line = proc
      .stdout()
      .split('\n')
      .find((l) => l.includes('loyalty API listening'))!;
    assert.match(line, /^\[\d\d:\d\d:\d\d\.\d{3}\] .*INFO.*loyalty API listening/);
    assert.throws(() => JSON.parse(line));
  } finally {
    proc.child.kill('SIGKILL');
  }
  const bad = startProcess({ LOG_FORMAT: 'yaml' });
  assert.equal(await bad.exited, 1);
  assert.match(bad.stderr(), /^Cannot start: The configuration is not valid: LOG_FORMAT: must be json or pretty/);
});

/** One sentence on stderr, exit code 1, no stack trace. */
async function assertStartFailure(env: Record<string, string>, expected: RegExp) {
  const proc = startProcess(env);
  const code = await proc.exited;
  assert.equal(code, 1, proc.output());
  const err = proc.stderr().trim();
  assert.equal(err.split('\n').length, 1, `one line: ${err}`);
  assert.match(err, /^Cannot start: /);
  assert.match(err, expected);
  assert.doesNotMatch(proc.output(), /\n\s+at /, 'no stack trace');
}

test('start failures: one sentence naming the cause and the fix, exit code 1, no stack', async () => {
  const taken = createServer();
  await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
  const { port } = taken.address() as { port: number };
  try {
    await assertStartFailure({ PORT: String(port) }, new RegExp(`Port ${port} is already in use.*PORT=`));
  } finally {
    taken.close();
  }
  await assertStartFailure({ PORT: 'eighty' }, /configuration is not valid: PORT: must be a whole number.*Fix PORT/);
  const closed = await freePort();
  await assertStartFailure(
    {
      MONGODB_URI: `mongodb://user:pw@127.0.0.1:${closed}/x`,
      ADMIN_API_KEY: 'admin-key-0001',
      ADMIN_API_SECRET: 'admin-secret-0123456789',
    },
    new RegExp(`Cannot reach MongoDB at mongodb://127\\.0\\.0\\.1:${closed}/x.*MONGODB_URI`),
  );
  const file = join(mkdtempSync(join(tmpdir(), 'loyalty-')), 'not-a-folder');
  writeFileSync(file, '');
  await assertStartFailure({ PORT: '0', DATA_DIR: join(file, 'data') }, /Cannot write .*not-a-folder.*DATA_DIR/);
});
