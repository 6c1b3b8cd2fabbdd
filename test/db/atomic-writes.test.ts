/**
 * src/db/transactions.ts: the server decides once at start whether MongoDB runs
 * transactions, runs multi-document writes in one where it does, and says in the start log
 * what a standalone server without them risks. Runs on two stand-ins: a single-node
 * replica set (as the suite's default database) and one posing as a standalone mongod.
 */
import 'reflect-metadata';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Collection, Document } from 'mongodb';
import mongoose, { type Connection } from 'mongoose';
import pino from 'pino';
import { StandInServer } from '@loyalty/mongo-standin';
import { STANDALONE_WARNING, detectAtomicWrites } from '../../src/db/transactions';
import { OneAtATime } from '../../src/common/one-at-a-time';
import { createApp } from '../../src/app/create-app';
import { loadConfig } from '../../src/config/config';

interface LogLine {
  level: number;
  msg: string;
}

function capturingLogger(): { logger: pino.Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  return { logger: pino({ level: 'info' }, { write: (s: string) => lines.push(JSON.parse(s) as LogLine) }), lines };
}

const WARN = 40;
// The sessions are typed as the `mongodb` package, like the application's raw collections.
const raw = <T extends Document>(conn: Connection, name: string) => conn.db!.collection(name) as unknown as Collection<T>;
const replicaSet = new StandInServer();
const standalone = new StandInServer({ replicaSet: false });
let rsConn: Connection;
let soloConn: Connection;

before(async () => {
  await Promise.all([replicaSet.start(), standalone.start()]);
  rsConn = await mongoose.createConnection(`${replicaSet.uri}/atomic`).asPromise();
  soloConn = await mongoose.createConnection(`${standalone.uri}/atomic`).asPromise();
});

after(async () => {
  await Promise.all([rsConn.close(), soloConn.close()]);
  await Promise.all([replicaSet.stop(), standalone.stop()]);
});

describe('on a replica set', () => {
  test('work runs in a transaction: stored all together, or nothing when it throws; no warning', async () => {
    const { logger, lines } = capturingLogger();
    const atomic = await detectAtomicWrites(rsConn, logger);
    assert.equal(atomic.transactional, true);
    assert.deepEqual(lines, []);
    const docs = raw<{ _id: string }>(rsConn, 'rs_work');

    await assert.rejects(
      atomic.run(async (session) => {
        assert.equal(session?.inTransaction(), true);
        await docs.insertOne({ _id: 'first' }, { session });
        await docs.insertOne({ _id: 'first' }, { session });
      }),
      { code: 11000 },
    );
    assert.equal(await docs.countDocuments(), 0);

    const result = await atomic.run(async (session) => {
      await docs.insertOne({ _id: 'a' }, { session });
      await docs.insertOne({ _id: 'b' }, { session });
      return 'done';
    });
    assert.equal(result, 'done');
    assert.equal(await docs.countDocuments(), 2);
  });

  test('work on one contended key runs one at a time, so concurrent transactions do not conflict', async () => {
    const atomic = await detectAtomicWrites(rsConn, capturingLogger().logger);
    const counters = raw<{ _id: string; n: number }>(rsConn, 'rs_contended');
    await counters.insertOne({ _id: 'hot', n: 0 });
    let attempts = 0;
    await Promise.all(
      Array.from({ length: 20 }, () =>
        atomic.run(
          async (session) => {
            attempts++;
            await counters.updateOne({ _id: 'hot' }, { $inc: { n: 1 } }, { session });
          },
          { contendedKey: 'hot' },
        ),
      ),
    );
    assert.equal((await counters.findOne({ _id: 'hot' }))?.n, 20);
    assert.equal(attempts, 20, 'no transaction had to run again');
  });
});

describe('on a standalone server', () => {
  test('one warning names the consequence; work runs without a session, one write at a time', async () => {
    const { logger, lines } = capturingLogger();
    const atomic = await detectAtomicWrites(soloConn, logger);
    assert.equal(atomic.transactional, false);
    assert.deepEqual(
      lines.map((l) => [l.level, l.msg]),
      [[WARN, STANDALONE_WARNING]],
    );
    assert.match(STANDALONE_WARNING, /import that fails mid-way may leave part of it stored/);
    assert.match(STANDALONE_WARNING, /history entry may be missing/);
    const docs = soloConn.db!.collection<{ _id: string }>('solo_work');
    await assert.rejects(
      atomic.run(async (session) => {
        assert.equal(session, undefined);
        await docs.insertOne({ _id: 'kept' });
        await docs.insertOne({ _id: 'kept' });
      }),
      { code: 11000 },
    );
    assert.equal(await docs.countDocuments(), 1, 'the write before the failure stands');
  });

  test('the stand-in refuses transactions there as mongod does (IllegalOperation)', async () => {
    const session = soloConn.getClient().startSession();
    try {
      session.startTransaction();
      await assert.rejects(
        soloConn.db!.collection('solo_txn').insertOne({}, { session }),
        (err: { code?: number; originalError?: { code?: number } }) => {
          assert.equal(err.code ?? err.originalError?.code, 20);
          return true;
        },
      );
    } finally {
      await session.abortTransaction().catch(() => undefined);
      await session.endSession();
    }
  });

  test('the server logs the warning once while starting, and still serves', async () => {
    const { logger, lines } = capturingLogger();
    const config = loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      HOST: '127.0.0.1',
      SECRETS_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
      LOG_LEVEL: 'info',
    });
    const app = await createApp({ config, logger, mongoUri: `${standalone.uri}/app_start` });
    try {
      assert.equal(lines.filter((l) => l.msg === STANDALONE_WARNING && l.level === WARN).length, 1);
      const customer = await app.services.customers.submit(
        { customer: 'solo', action: 'opt_in', data: { email: 's@example.com' } },
        undefined,
      );
      assert.equal(customer.id, 'solo');
      assert.equal(await app.connection.db!.collection('events').countDocuments({ customer: 'solo' }), 1);
    } finally {
      await app.stop();
    }
  });
});

describe('OneAtATime', () => {
  test('tasks with one key run in order without overlapping; other keys run alongside; a failure does not block the queue', async () => {
    const queues = new OneAtATime();
    const log: string[] = [];
    const task =
      (name: string, ms: number, fail = false) =>
      async () => {
        log.push(`start ${name}`);
        await new Promise((r) => setTimeout(r, ms));
        log.push(`end ${name}`);
        if (fail) throw new Error(name);
        return name;
      };
    const results = await Promise.allSettled([
      queues.run('k', task('a1', 20, true)),
      queues.run('k', task('a2', 5)),
      queues.run('other', task('b', 5)),
    ]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['rejected', 'fulfilled', 'fulfilled'],
    );
    assert.ok(log.indexOf('end a1') < log.indexOf('start a2'), log.join(', '));
    assert.ok(log.indexOf('start b') < log.indexOf('end a1'), log.join(', '));
    await new Promise((r) => setImmediate(r));
    assert.equal(queues.size, 0);
  });
});
