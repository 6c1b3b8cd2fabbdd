import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import mongoose from 'mongoose';
import { databaseUri, testMongo, uniqueDbName } from '../support/server';
import { httpCall } from '../support/http';
import { startProcess, waitFor } from '../support/process';

/**
 * Issue 9 item 6, on the real process: SIGTERM closes idle and half-open connections at
 * once, lets a request in flight finish within the grace period, always flushes the error
 * log, and exits 0; a client abort is one debug line without a stack; the generated admin
 * key has no role prefix and at least 128 bits.
 */

const ADMIN_KEY = 'shutdown-admin-key-0001';
const GRACE_MS = 2000;

after(async () => {
  await (await testMongo()).stop();
});

const start = startProcess;

/** The server as deployed: its own database (MONGODB_URI), a bootstrap admin, the test's grace period. */
function startWithDatabase(uri: string) {
  return startProcess({
    MONGODB_URI: uri,
    ADMIN_API_KEY: ADMIN_KEY,
    ADMIN_API_SECRET: 'shutdown-admin-secret-0123456789',
    SECRETS_ENCRYPTION_KEY: Buffer.alloc(32, 3).toString('base64'),
    SHUTDOWN_GRACE_MS: String(GRACE_MS),
    LOG_LEVEL: 'debug',
  });
}

function open(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((ok, fail) => {
    const socket = connect(Number(port), hostname, () => ok(socket));
    socket.once('error', fail);
  });
}

const closed = (socket: Socket) => new Promise<void>((r) => (socket.destroyed ? r() : socket.once('close', () => r())));

test('SIGTERM: half-open and idle connections closed at once, in-flight request finishes, error log flushed, exit 0', async () => {
  const mongo = await testMongo();
  const uri = databaseUri(mongo.uri, uniqueDbName('shutdown'));
  const proc = startWithDatabase(uri);
  const db = mongoose.createConnection(uri);
  try {
    await waitFor(() => proc.output().includes('loyalty API listening'), 20_000);
    const url = /"url":"(http:\/\/[^"]+)\/graphql"/.exec(proc.output())![1];

    // Failed calls just before the signal: their records must be written before exit.
    const failed = await Promise.all(
      Array.from({ length: 20 }, (_, i) => httpCall(url, 'GET', `/entities/tiers/tier?api_key=wrong-key-${i}`)),
    );
    assert.ok(failed.every((r) => r.status === 401));

    // A client that sent half its headers, an idle keep-alive connection, and an upload
    // in flight whose last bytes come after the signal.
    const halfOpen = await open(url);
    halfOpen.write('POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: app');
    const idle = await open(url);
    idle.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    await new Promise((r) => idle.once('data', r));
    const body = JSON.stringify({ query: '{ tiers { id } }' });
    const inFlight = await open(url);
    let answer = '';
    inFlight.on('data', (c: Buffer) => (answer += c.toString()));
    inFlight.write(
      `POST /graphql HTTP/1.1\r\nHost: x\r\nX-Api-Key: ${ADMIN_KEY}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 5)}`,
    );
    await new Promise((r) => setTimeout(r, 100));

    const signalled = Date.now();
    proc.child.kill('SIGTERM');
    await Promise.all([closed(halfOpen), closed(idle)]);
    const idleClosedAfter = Date.now() - signalled;
    assert.ok(idleClosedAfter < 1000, `idle and half-open sockets closed after ${idleClosedAfter} ms`);

    // The upload in flight still completes and is answered.
    await new Promise((r) => setTimeout(r, 300));
    inFlight.write(body.slice(5));
    await closed(inFlight);
    assert.match(answer, /^HTTP\/1\.1 200 /);
    assert.match(answer, /"tiers":\[/);

    assert.equal(await proc.exited, 0, proc.output());
    const tookMs = Date.now() - signalled;
    assert.ok(tookMs < GRACE_MS + 3000, `exited after ${tookMs} ms`);

    await db.asPromise();
    const records = await db.db!.collection('error_logs').countDocuments({ 'response.status': 401 });
    assert.equal(records, 20, 'every failed call before the signal was written');
    assert.match(proc.output(), /error log flushed/);
  } finally {
    proc.child.kill('SIGKILL');
    await db.close();
  }
});

test('SIGTERM with a request that never finishes: cut after the grace period, still flushed and exit 0', async () => {
  const mongo = await testMongo();
  const uri = databaseUri(mongo.uri, uniqueDbName('shutdown'));
  const proc = startWithDatabase(uri);
  try {
    await waitFor(() => proc.output().includes('loyalty API listening'), 20_000);
    const url = /"url":"(http:\/\/[^"]+)\/graphql"/.exec(proc.output())![1];
    const stuck = await open(url);
    stuck.write(`POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"query"`);
    await new Promise((r) => setTimeout(r, 100));
    const signalled = Date.now();
    proc.child.kill('SIGTERM');
    assert.equal(await proc.exited, 0, proc.output());
    const tookMs = Date.now() - signalled;
    assert.ok(tookMs >= GRACE_MS - 100 && tookMs < GRACE_MS + 3000, `exited after ${tookMs} ms`);
    assert.match(proc.output(), /requests still running at shutdown were cut/);
    assert.match(proc.output(), /database connection closed/);
  } finally {
    proc.child.kill('SIGKILL');
  }
});

test('an aborted upload is one debug line without a stack; nothing at error level', async () => {
  const proc = start({ LOG_LEVEL: 'debug' });
  try {
    await waitFor(() => proc.output().includes('loyalty API listening'), 20_000);
    const url = /"url":"(http:\/\/[^"]+)\/graphql"/.exec(proc.output())![1];
    for (let i = 0; i < 5; i++) {
      const socket = await open(url);
      socket.write(
        'POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{"query": "{ tiers',
      );
      await new Promise((r) => setTimeout(r, 50));
      socket.destroy();
    }
    await waitFor(() => (proc.output().match(/client closed the connection/g) ?? []).length >= 5, 5000);
    const lines = proc
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l));
    const aborts = lines.filter((l) => /client closed the connection/.test(l.msg));
    assert.equal(aborts.length, 5, 'one line per aborted upload');
    for (const line of aborts) {
      assert.equal(line.level, 20, 'debug level');
      assert.equal(line.err, undefined, 'no error object, no stack');
    }
    assert.deepEqual(
      lines.filter((l) => l.level >= 50),
      [],
      'nothing at error level',
    );

    // The generated bootstrap key: no role prefix, 32 characters of [A-Za-z0-9] (≈190 bits).
    const key = /API key: +(\S+)/.exec(proc.output())![1];
    assert.match(key, /^[A-Za-z0-9]{32}$/);
    assert.doesNotMatch(key, /admin/i);
    const secret = /API secret: +(\S+)/.exec(proc.output())![1];
    assert.ok(Buffer.from(secret, 'base64url').length >= 32, 'the secret has at least 256 bits');
  } finally {
    proc.child.kill('SIGTERM');
    await proc.exited;
  }
});
