import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Types } from 'mongoose';
import pino from 'pino';
import { startTestServer, testMongo, type TestServer } from '../support/server';
import { ErrorLogRecorder } from '../../src/errorlog/recorder';
import type { ErrorLogDoc } from '../../src/errorlog/errorlog.model';

let server: TestServer;

before(async () => {
  server = await startTestServer();
});
after(async () => {
  await server.stop();
});

function record(i: number): ErrorLogDoc {
  return {
    _id: new Types.ObjectId(),
    occurredAt: new Date(),
    requestId: `req-${i}`,
    endpoints: ['ENTITIES'],
    operationName: `op${i}`,
    clientIp: '127.0.0.1',
    apiKeyHint: '***abcd',
    httpMethod: 'POST',
    path: '/graphql',
    request: { query: '{ tiers { id } }', variables: null, headers: {} },
    response: { status: 401, body: { errors: [] } },
    errorCodes: ['UNAUTHENTICATED'],
    truncated: false,
  };
}

function capturingLogger() {
  const lines: { level: number; msg: string; dropped?: number }[] = [];
  return { lines, logger: pino({ level: 'info' }, { write: (s: string) => lines.push(JSON.parse(s)) }) };
}

test('a burst of 1,000 failed-call records is written in bounded batches', async () => {
  const model = server.app.services.errorLog.model;
  const batches: number[] = [];
  // A spy that calls through to the real driver: it only notes each batch's size.
  const collection = model.collection;
  const insertMany = collection.insertMany.bind(collection);
  const recorder = new ErrorLogRecorder(
    Object.assign(Object.create(model), {
      collection: Object.assign(Object.create(collection), {
        insertMany: (docs: ErrorLogDoc[], options: object) => {
          batches.push(docs.length);
          return insertMany(docs, options);
        },
      }),
    }),
    capturingLogger().logger,
    { batchSize: 50, flushIntervalMs: 5, maxBuffered: 10_000, retryDelayMs: 50, maxRetryDelayMs: 200 },
  );
  const before = await model.countDocuments();
  for (let i = 0; i < 1000; i++) recorder.enqueue(record(i));
  assert.ok(await recorder.flush(10_000));
  assert.equal((await model.countDocuments()) - before, 1000);
  assert.equal(
    batches.reduce((a, b) => a + b, 0),
    1000,
  );
  assert.ok(Math.max(...batches) <= 50, `largest batch ${Math.max(...batches)}`);
  await recorder.stop();
});

test('while MongoDB is down the buffer is bounded: overflow is counted and logged, the rest is written later', async (t) => {
  const mongo = await testMongo();
  if (mongo.kind === 'uri') {
    t.skip('the database of MONGODB_URI cannot be stopped by the test');
    return;
  }
  const model = server.app.services.errorLog.model;
  const { logger, lines } = capturingLogger();
  const recorder = new ErrorLogRecorder(model, logger, {
    batchSize: 20,
    flushIntervalMs: 5,
    maxBuffered: 100,
    retryDelayMs: 50,
    maxRetryDelayMs: 200,
  });
  const before = await model.countDocuments();
  await mongo.suspend();
  try {
    for (let i = 0; i < 130; i++) recorder.enqueue(record(i));
    assert.equal(recorder.dropped, 30);
    assert.equal(recorder.pending, 100);
    const overflow = lines.find((l) => l.level === 50 && /buffer full/.test(l.msg));
    assert.ok(overflow, 'the overflow is logged as an error');
    // The outage lasts until a write has failed: on a replica set the driver sends a write
    // that met a closed connection once more, and right after a short outage that retry
    // would succeed without the recorder ever seeing a failure.
    const deadline = Date.now() + 20_000;
    while (!lines.some((l) => l.level === 40 && /will retry/.test(l.msg)) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    await mongo.resume();
  }
  assert.ok(await recorder.flush(20_000), 'the buffered records are written once MongoDB is back');
  assert.equal((await model.countDocuments()) - before, 100);
  assert.ok(
    lines.some((l) => l.level === 40 && /will retry/.test(l.msg)),
    'failed writes are logged and retried',
  );
  await recorder.stop();
});

test('a record with a key BSON cannot hold (NUL) is stored with the NUL spelled out and never holds back its batch', async () => {
  const model = server.app.services.errorLog.model;
  const { logger, lines } = capturingLogger();
  const recorder = new ErrorLogRecorder(model, logger, {
    batchSize: 20,
    flushIntervalMs: 5,
    maxBuffered: 1000,
    retryDelayMs: 50,
    maxRetryDelayMs: 200,
  });
  const poisoned = record(5);
  poisoned.request.variables = { ['evil\u0000key']: 1, nested: { ['x\u0000']: [{ ['\u0000']: 2 }] } };
  const records = [
    ...Array.from({ length: 5 }, (_, i) => record(i)),
    poisoned,
    ...Array.from({ length: 30 }, (_, i) => record(i + 6)),
  ];
  for (const r of records) recorder.enqueue(r);
  assert.ok(await recorder.flush(10_000), 'everything was written');
  for (const r of records) assert.ok(await model.exists({ _id: r._id }), `record ${r.operationName} stored`);
  const stored = await model.collection.findOne({ _id: poisoned._id });
  assert.deepEqual(stored!.request.variables, { 'evil\\u0000key': 1, nested: { 'x\\u0000': [{ '\\u0000': 2 }] } });
  assert.equal(recorder.dropped, 0);
  assert.deepEqual(
    lines.filter((l) => l.level >= 40),
    [],
    'no retry loop, nothing dropped',
  );
  await recorder.stop();
});
