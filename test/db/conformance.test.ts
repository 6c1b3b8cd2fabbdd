/**
 * MongoDB conformance suite. It runs against whichever database provideMongo picks
 * (MONGODB_URI, a local mongod, or the in-process stand-in) through real mongoose models,
 * and asserts only documented MongoDB behaviour, so the same file passes on a real server.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connect as netConnect } from 'node:net';
import mongoose, { mongo, Schema, type Connection, type Model } from 'mongoose';
import pino from 'pino';
import { provideMongo, withDatabaseName, type MongoProvider } from '../../src/db/provider';
import { guardRawFieldLookup } from '../../src/db/raw-fields-guard';

// The driver's own BSON classes: what it encodes and decodes, whichever server answers.
const { Decimal128, Double, Long, ObjectId, UUID } = mongo;
type Long = mongo.Long;
type ObjectId = mongo.ObjectId;
type Document = mongo.Document;

interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

function capturingLogger(): { logger: pino.Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = pino({ level: 'info' }, { write: (s: string) => lines.push(JSON.parse(s) as LogLine) });
  return { logger, lines };
}

interface Visit {
  store: string;
  at: Date;
  items: Array<{ sku: string; qty: number }>;
}
interface Member {
  _id: string;
  email: string;
  tier: string;
  points: number;
  tags: string[];
  visits: Visit[];
  nickname?: string;
}
interface Offer {
  _id: string;
  tenant: string;
  code: string;
  title?: string;
}
interface Counter {
  _id: string;
  n: number;
}
interface Item {
  _id: string;
  seq: number;
  group: string;
}

const visitSchema = new Schema<Visit>(
  { store: String, at: Date, items: [new Schema({ sku: String, qty: Number }, { _id: false })] },
  { _id: false },
);
const memberSchema = new Schema<Member>(
  {
    _id: String,
    email: { type: String, required: true, unique: true },
    tier: String,
    points: { type: Number, default: 0 },
    tags: [String],
    visits: [visitSchema],
    nickname: String,
  },
  { versionKey: false },
);
const offerSchema = new Schema<Offer>({ _id: String, tenant: String, code: String, title: String }, { versionKey: false });
offerSchema.index({ tenant: 1, code: 1 }, { unique: true });
const counterSchema = new Schema<Counter>({ _id: String, n: Number }, { versionKey: false });
const itemSchema = new Schema<Item>({ _id: String, seq: Number, group: String }, { versionKey: false });
const sessionSchema = new Schema<{ _id: string; expiresAt: Date }>(
  { _id: String, expiresAt: { type: Date, expires: 3600 } },
  { versionKey: false },
);

let provider: MongoProvider;
let providerLog: LogLine[];
let conn: Connection;
let dbName: string;
let Members: Model<Member>;
let Offers: Model<Offer>;
let Counters: Model<Counter>;
let Items: Model<Item>;
let Sessions: Model<{ _id: string; expiresAt: Date }>;
const commands: Array<{ name: string; body: Document }> = [];
const replies: Array<{ name: string; reply: Document }> = [];

const db = (): mongoose.mongo.Db => {
  if (!conn.db) throw new Error('not connected');
  return conn.db;
};

function member(id: string, overrides: Partial<Member> = {}): Member {
  return {
    _id: id,
    email: `${id}@example.com`,
    tier: 'silver',
    points: 10,
    tags: ['a', 'b'],
    visits: [
      {
        store: 's1',
        at: new Date('2024-01-01T00:00:00Z'),
        items: [
          { sku: 'x', qty: 1 },
          { sku: 'y', qty: 2 },
        ],
      },
      { store: 's2', at: new Date('2024-02-01T00:00:00Z'), items: [{ sku: 'z', qty: 3 }] },
    ],
    ...overrides,
  };
}

async function expectServerError(work: Promise<unknown>, code: number): Promise<mongoose.mongo.MongoServerError> {
  try {
    await work;
  } catch (err) {
    assert.ok(err instanceof mongoose.mongo.MongoServerError, `expected MongoServerError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    return err;
  }
  assert.fail(`expected MongoServerError with code ${code}`);
}

before(async () => {
  const { logger, lines } = capturingLogger();
  dbName = `conformance_${randomBytes(4).toString('hex')}`;
  provider = await provideMongo({ uri: process.env.MONGODB_URI, dbName, logger });
  providerLog = lines;
  // A fresh database of its own even when MONGODB_URI names one: `after` drops it.
  conn = await mongoose
    .createConnection(provider.uri, {
      dbName,
      monitorCommands: true,
      heartbeatFrequencyMS: 500,
      serverSelectionTimeoutMS: 10_000,
    })
    .asPromise();
  guardRawFieldLookup(conn);
  conn.getClient().on('commandStarted', (e) => commands.push({ name: e.commandName, body: e.command }));
  conn.getClient().on('commandSucceeded', (e) => replies.push({ name: e.commandName, reply: e.reply as Document }));
  Members = conn.model<Member>('Member', memberSchema);
  Offers = conn.model<Offer>('Offer', offerSchema);
  Counters = conn.model<Counter>('Counter', counterSchema);
  Items = conn.model<Item>('Item', itemSchema);
  Sessions = conn.model<{ _id: string; expiresAt: Date }>('Session', sessionSchema);
  await Promise.all([Members.init(), Offers.init(), Counters.init(), Items.init(), Sessions.init()]);
});

after(async () => {
  await conn?.dropDatabase().catch(() => undefined);
  await conn?.close();
  await provider?.stop();
});

describe('provider', () => {
  test('logs exactly one info line naming the chosen provider', (t) => {
    const info = providerLog.filter((l) => l.level === 30);
    t.diagnostic(`conformance suite database: ${info[0]?.msg ?? provider.kind}`);
    assert.equal(info.length, 1, JSON.stringify(providerLog));
    assert.equal(info[0].provider, provider.kind);
    assert.match(info[0].msg, /^MongoDB: using /);
    if (provider.kind === 'standin') assert.match(info[0].msg, /stand-in \(.+\)/);
    assert.match(provider.uri, /^mongodb(\+srv)?:\/\/[^/]+\/[^/?]+/);
  });

  test("an explicit URI wins, gets a database name, keeps its password out of the log and can't be suspended", async () => {
    const { logger, lines } = capturingLogger();
    const external = await provideMongo({
      uri: 'mongodb://app:s3cret@db.invalid:27017/?authSource=admin',
      dbName: 'shop',
      logger,
    });
    assert.equal(external.kind, 'uri');
    assert.equal(external.uri, 'mongodb://app:s3cret@db.invalid:27017/shop?authSource=admin');
    assert.equal(lines.length, 1);
    assert.equal(lines[0].provider, 'uri');
    assert.doesNotMatch(JSON.stringify(lines), /s3cret/);
    await assert.rejects(external.suspend(), /cannot suspend/);
    await assert.rejects(external.resume(), /cannot resume/);
    await external.stop();
    assert.equal(withDatabaseName('mongodb://h/existing', 'other'), 'mongodb://h/existing');
    assert.equal(withDatabaseName('mongodb+srv://h', 'x'), 'mongodb+srv://h/x');
  });
});

describe('handshake and admin commands', () => {
  test('hello and legacy isMaster describe a writable primary with a supported wire version', async () => {
    const hello = await db().admin().command({ hello: 1 });
    assert.equal(hello.isWritablePrimary, true);
    assert.ok(hello.maxWireVersion >= 8, `maxWireVersion ${hello.maxWireVersion}`);
    assert.equal(typeof hello.maxBsonObjectSize, 'number');
    assert.ok(hello.localTime instanceof Date);
    const legacy = await db().admin().command({ isMaster: 1 });
    assert.equal(legacy.ismaster, true);
  });

  test('ping, buildInfo, serverStatus and getParameter answer', async () => {
    assert.equal((await db().admin().ping()).ok, 1);
    const info = await db().admin().buildInfo();
    assert.match(info.version, /^\d+\.\d+\.\d+/);
    assert.ok(Array.isArray(info.versionArray));
    const status = await db().admin().serverStatus();
    assert.equal(typeof status.connections.current, 'number');
    assert.ok(status.connections.current >= 1);
    const fcv = await db().admin().command({ getParameter: 1, featureCompatibilityVersion: 1 });
    assert.match(fcv.featureCompatibilityVersion.version, /^\d+\.\d+$/);
  });

  test('sessions can be started, used and ended; endSessions and killAllSessions are accepted', async () => {
    await Members.create(member('session-user'));
    const session = await conn.startSession();
    try {
      const found = await Members.findById('session-user').session(session).lean();
      assert.equal(found?._id, 'session-user');
    } finally {
      await session.endSession();
    }
    assert.equal(
      (
        await db()
          .admin()
          .command({ endSessions: [{ id: new UUID() }] })
      ).ok,
      1,
    );
    assert.equal((await db().admin().command({ killAllSessions: [] })).ok, 1);
    await Members.deleteOne({ _id: 'session-user' });
  });

  test('transactions: refused with IllegalOperation on a standalone, committed on a replica set', async () => {
    const hello = await db().admin().command({ hello: 1 });
    const session = await conn.startSession();
    try {
      const run = session.withTransaction(async () => {
        await Counters.create([{ _id: 'txn', n: 1 }], { session });
      });
      if (hello.setName) {
        await run;
        assert.equal((await Counters.findById('txn').lean())?.n, 1);
      } else {
        // The server answers IllegalOperation (20); the driver rewraps that for writes as
        // "does not support retryable writes", keeping the server's error as originalError.
        await assert.rejects(run, (err: mongoose.mongo.MongoServerError & { originalError?: { code?: number } }) => {
          assert.ok(err instanceof mongoose.mongo.MongoServerError);
          assert.equal(err.code ?? err.originalError?.code, 20);
          return true;
        });
        assert.equal(await Counters.findById('txn').lean(), null);
      }
    } finally {
      await session.endSession();
      await Counters.deleteOne({ _id: 'txn' });
    }
  });

  test('an unknown command fails with CommandNotFound (59)', async () => {
    const err = await expectServerError(db().command({ nope: 1 }), 59);
    assert.equal(err.codeName, 'CommandNotFound');
    assert.match(err.message, /no such command: 'nope'/);
  });

  test('listDatabases lists this database; dropDatabase removes another', async () => {
    const scratch = conn.useDb(`${dbName}_scratch`);
    await scratch.collection('things').insertOne({ _id: 'x' } as Document);
    const names = async () => (await db().admin().listDatabases({ nameOnly: true })).databases.map((d) => d.name);
    assert.ok((await names()).includes(dbName));
    assert.ok((await names()).includes(`${dbName}_scratch`));
    await scratch.dropDatabase();
    assert.ok(!(await names()).includes(`${dbName}_scratch`));
  });
});

describe('insert and _id', () => {
  test('documents with nested subdocument arrays round-trip exactly', async () => {
    const doc = member('m-roundtrip', { nickname: 'Ro' });
    await Members.create(doc);
    const found = await Members.findById('m-roundtrip').lean();
    assert.deepEqual(found, doc);
  });

  test('a missing _id becomes a generated ObjectId; ObjectIds compare by value', async () => {
    const raw = db().collection('raw_ids');
    const { insertedId } = await raw.insertOne({ kind: 'generated' });
    assert.ok(insertedId instanceof ObjectId);
    const byCopy = await raw.findOne({ _id: new ObjectId(insertedId.toHexString()) });
    assert.equal(byCopy?.kind, 'generated');
    const byIn = await raw.find({ _id: { $in: [new ObjectId(insertedId.toHexString())] } }).toArray();
    assert.equal(byIn.length, 1);
  });

  test('_id may be a string, a number or an ObjectId, and sorts in BSON type order', async () => {
    const raw = db().collection<{ _id: string | number | ObjectId; t: string }>('mixed_ids');
    const oid = new ObjectId();
    await raw.insertMany([
      { _id: oid, t: 'oid' },
      { _id: 'abc', t: 'string' },
      { _id: 5, t: 'number' },
    ]);
    assert.equal((await raw.findOne({ _id: 5 }))?.t, 'number');
    assert.equal((await raw.findOne({ _id: 5.0 }))?.t, 'number');
    assert.equal(await raw.findOne({ _id: '5' }), null);
    assert.equal((await raw.findOne({ _id: 'abc' }))?.t, 'string');
    const sorted = await raw.find().sort({ _id: 1 }).toArray();
    assert.deepEqual(
      sorted.map((d) => d.t),
      ['number', 'string', 'oid'],
    );
  });

  test('Long, Int32, Double and Decimal128 values match by numeric value', async () => {
    const raw = db().collection<{ _id: string; [field: string]: unknown }>('numbers');
    await raw.insertMany([
      { _id: 'long', v: Long.fromNumber(42) },
      { _id: 'double', v: new Double(2.5) },
      { _id: 'dec', d: Decimal128.fromString('1.5') },
      { _id: 'date', at: new Date('2024-05-01T00:00:00Z') },
    ]);
    assert.equal((await raw.findOne({ v: 42 }))?._id, 'long');
    assert.equal((await raw.findOne({ v: { $gt: 2, $lt: 3 } }))?._id, 'double');
    assert.equal((await raw.findOne({ d: Decimal128.fromString('1.5') }))?._id, 'dec');
    assert.equal((await raw.findOne({ at: { $gte: new Date('2024-04-30T00:00:00Z') } }))?._id, 'date');
  });

  test('insertMany ordered:false keeps going after a duplicate and reports it', async () => {
    await Members.create(member('m-dup-base'));
    const err = await expectServerError(
      db()
        .collection<Member>('members')
        .insertMany([member('m-ok-1'), member('m-dup-base', { email: 'other@x' }), member('m-ok-2')], { ordered: false }),
      11000,
    );
    assert.ok(err instanceof mongoose.mongo.MongoBulkWriteError);
    assert.equal(err.result.insertedCount, 2);
    assert.equal(err.writeErrors instanceof Array ? err.writeErrors.length : 1, 1);
    assert.equal(await Members.countDocuments({ _id: { $in: ['m-ok-1', 'm-ok-2'] } }), 2);
  });

  test('insertMany ordered stops at the first duplicate', async () => {
    await Counters.create({ _id: 'ord-1', n: 0 });
    await assert.rejects(
      db()
        .collection<Counter>('counters')
        .insertMany(
          [
            { _id: 'ord-0', n: 0 },
            { _id: 'ord-1', n: 1 },
            { _id: 'ord-2', n: 2 },
          ],
          { ordered: true },
        ),
      (err: mongoose.mongo.MongoBulkWriteError) => err.code === 11000 && err.result.insertedCount === 1,
    );
    assert.equal(await Counters.exists({ _id: 'ord-2' }), null);
  });
});

describe('find', () => {
  before(async () => {
    await Members.insertMany([
      member('f-1', { tier: 'gold', points: 50, tags: ['vip', 'a'] }),
      member('f-2', { tier: 'gold', points: 20, tags: ['b'] }),
      member('f-3', { tier: 'silver', points: 30, tags: [], visits: [] }),
      member('f-4', { tier: 'bronze', points: 40, tags: ['vip'], nickname: 'Four' }),
    ]);
  });

  test('filter, sort on several keys, skip, limit', async () => {
    const docs = await Members.find({ _id: /^f-/ }).sort({ tier: 1, points: -1 }).skip(1).limit(2).lean();
    assert.deepEqual(
      docs.map((d) => d._id),
      ['f-1', 'f-2'],
    );
  });

  test('inclusion and exclusion projections', async () => {
    const inc = await Members.findById('f-4', { email: 1, nickname: 1 }).lean();
    assert.deepEqual(inc, { _id: 'f-4', email: 'f-4@example.com', nickname: 'Four' });
    const noId = await Members.findById('f-4', { email: 1, _id: 0 }).lean();
    assert.deepEqual(noId, { email: 'f-4@example.com' });
    const exc = await Members.findById('f-4', { visits: 0, tags: 0 }).lean();
    assert.deepEqual(Object.keys(exc ?? {}).sort(), ['_id', 'email', 'nickname', 'points', 'tier']);
  });

  test('queries into nested subdocument arrays: dotted paths, $elemMatch, $size, $all', async () => {
    const bySku = await Members.find({ _id: /^f-/, 'visits.items.sku': 'z' }).sort({ _id: 1 }).lean();
    assert.deepEqual(
      bySku.map((d) => d._id),
      ['f-1', 'f-2', 'f-4'],
    );
    const elem = await Members.find({
      _id: /^f-/,
      visits: { $elemMatch: { store: 's2', 'items.qty': { $gte: 3 } } },
    }).countDocuments();
    assert.equal(elem, 3);
    assert.deepEqual(
      (await Members.find({ _id: /^f-/, tags: { $size: 0 } }).lean()).map((d) => d._id),
      ['f-3'],
    );
    assert.deepEqual(
      (await Members.find({ tags: { $all: ['vip', 'a'] } }).lean()).map((d) => d._id),
      ['f-1'],
    );
  });

  test('logical operators, $in/$nin, $exists, $regex and $expr', async () => {
    const ids = async (filter: Document) =>
      (
        await Members.find({ _id: /^f-/, ...filter })
          .sort({ _id: 1 })
          .lean()
      ).map((d) => d._id);
    assert.deepEqual(await ids({ $or: [{ tier: 'bronze' }, { points: { $lt: 25 } }] }), ['f-2', 'f-4']);
    assert.deepEqual(await ids({ tier: { $nin: ['gold', 'silver'] } }), ['f-4']);
    assert.deepEqual(await ids({ nickname: { $exists: true } }), ['f-4']);
    assert.deepEqual(await ids({ email: { $regex: '^F-3', $options: 'i' } }), ['f-3']);
    assert.deepEqual(await ids({ $expr: { $gt: ['$points', 45] } }), ['f-1']);
  });

  test('sorting by an array field uses the smallest element ascending and largest descending', async () => {
    const raw = db().collection<{ _id: string; a: unknown }>('array_sort');
    await raw.insertMany([
      { _id: 'arr', a: [5, 1] },
      { _id: 'three', a: 3 },
    ]);
    assert.deepEqual(
      (await raw.find().sort({ a: 1 }).toArray()).map((d) => d._id),
      ['arr', 'three'],
    );
    assert.deepEqual(
      (await raw.find().sort({ a: -1 }).toArray()).map((d) => d._id),
      ['arr', 'three'],
    );
  });

  test('findOne and exists use limit 1', async () => {
    assert.equal((await Members.findOne({ tier: 'bronze' }).lean())?._id, 'f-4');
    assert.deepEqual(await Members.exists({ _id: 'f-3' }), { _id: 'f-3' });
    assert.equal(await Members.exists({ _id: 'nobody' }), null);
  });
});

describe('cursors', () => {
  before(async () => {
    const docs = Array.from({ length: 1000 }, (_, i) => ({ _id: `i${String(i).padStart(4, '0')}`, seq: i, group: `g${i % 10}` }));
    await Items.insertMany(docs);
  });

  test('a 1,000 document find pages with batchSize through getMore', async () => {
    commands.length = 0;
    const started = Date.now();
    const seen: number[] = [];
    for await (const doc of Items.find().sort({ seq: 1 }).batchSize(100).lean().cursor()) seen.push(doc.seq);
    assert.equal(seen.length, 1000);
    assert.deepEqual(
      seen,
      Array.from({ length: 1000 }, (_, i) => i),
    );
    const getMores = commands.filter((c) => c.name === 'getMore');
    // 9 full batches after the first; a server may need one more, empty, getMore to see the end.
    assert.ok(getMores.length === 9 || getMores.length === 10, `${getMores.length} getMores`);
    assert.ok(getMores.every((c) => Number(c.body.batchSize) === 100));
    assert.ok(Date.now() - started < 2000, 'paging 1,000 documents must be quick');
  });

  test('closing a cursor early sends killCursors; a killed cursor is gone', async () => {
    replies.length = 0;
    const cursor = Items.collection.find({}, { batchSize: 10 });
    await cursor.next();
    const id = cursor.id;
    assert.ok(id && !id.isZero());
    await cursor.close();
    const kill = replies.find((r) => r.name === 'killCursors');
    assert.ok(kill, 'killCursors was sent');
    assert.deepEqual((kill.reply.cursorsKilled as Long[]).map(String), [String(id)]);
    await expectServerError(db().command({ getMore: id, collection: 'items' }), 43);
  });

  test('the aggregate cursor pages too', async () => {
    commands.length = 0;
    replies.length = 0;
    const rows: Array<{ seq: number }> = [];
    const cursor = Items.aggregate<{ seq: number }>([
      { $match: { seq: { $gte: 0 } } },
      { $sort: { seq: -1 } },
      { $project: { seq: 1 } },
    ]).cursor({ batchSize: 250 });
    for await (const row of cursor) rows.push(row);
    assert.equal(rows.length, 1000);
    assert.equal(rows[0].seq, 999);
    assert.equal(rows[999].seq, 0);
    const first = replies.find((r) => r.name === 'aggregate')?.reply as { cursor: { firstBatch: unknown[] } } | undefined;
    assert.equal(first?.cursor.firstBatch.length, 250);
    assert.ok(commands.some((c) => c.name === 'getMore'));
  });

  test('single-batch finds return no cursor', async () => {
    replies.length = 0;
    const docs = await Items.find({ group: 'g1' }).sort({ seq: 1 }).limit(5).lean();
    assert.equal(docs.length, 5);
    const reply = replies.find((r) => r.name === 'find')?.reply as { cursor: { id: Long } } | undefined;
    assert.ok(reply && Long.fromValue(reply.cursor.id).isZero());
  });
});

describe('update', () => {
  before(async () => {
    await Members.insertMany([member('u-1'), member('u-2', { tier: 'gold' }), member('u-3', { tier: 'gold' })]);
  });

  test('$set, $unset, $inc, $min, $max in one update', async () => {
    const res = await Members.updateOne(
      { _id: 'u-1' },
      {
        $set: { tier: 'gold' },
        $unset: { nickname: '' },
        $inc: { points: 5 },
        $min: { 'visits.0.items.0.qty': 0 },
        $max: { 'visits.1.items.0.qty': 10 },
      },
    );
    assert.equal(res.matchedCount, 1);
    assert.equal(res.modifiedCount, 1);
    const doc = await Members.findById('u-1').lean();
    assert.equal(doc?.tier, 'gold');
    assert.equal(doc?.points, 15);
    assert.equal(doc?.visits[0].items[0].qty, 0);
    assert.equal(doc?.visits[1].items[0].qty, 10);
  });

  test('$push with $each, $pull with a condition, $addToSet with $each', async () => {
    await Members.updateOne({ _id: 'u-1' }, { $push: { tags: { $each: ['c', 'd'] } } });
    await Members.updateOne({ _id: 'u-1' }, { $pull: { tags: { $in: ['a', 'c'] } } });
    await Members.updateOne({ _id: 'u-1' }, { $addToSet: { tags: { $each: ['b', 'e'] } } });
    assert.deepEqual((await Members.findById('u-1').lean())?.tags, ['b', 'd', 'e']);
    await Members.updateOne({ _id: 'u-1' }, { $push: { visits: { store: 's3', at: new Date(0), items: [] } } });
    await Members.updateOne({ _id: 'u-1' }, { $pull: { visits: { store: 's1' } } });
    assert.deepEqual(
      (await Members.findById('u-1').lean())?.visits.map((v) => v.store),
      ['s2', 's3'],
    );
  });

  test('positional $ and arrayFilters reach into nested subdocument arrays', async () => {
    await Members.updateOne({ _id: 'u-2', 'visits.store': 's2' }, { $set: { 'visits.$.store': 's2-renamed' } });
    await Members.updateOne(
      { _id: 'u-2' },
      { $inc: { 'visits.$[v].items.$[i].qty': 100 } },
      { arrayFilters: [{ 'v.store': 's1' }, { 'i.sku': 'y' }] },
    );
    const doc = await Members.findById('u-2').lean();
    assert.deepEqual(
      doc?.visits.map((v) => v.store),
      ['s1', 's2-renamed'],
    );
    assert.deepEqual(doc?.visits[0].items, [
      { sku: 'x', qty: 1 },
      { sku: 'y', qty: 102 },
    ]);
  });

  test('multi updates, and an update that changes nothing reports modifiedCount 0', async () => {
    const res = await Members.updateMany({ _id: { $in: ['u-2', 'u-3'] } }, { $set: { tier: 'platinum' } });
    assert.equal(res.matchedCount, 2);
    assert.equal(res.modifiedCount, 2);
    const again = await Members.updateMany({ _id: { $in: ['u-2', 'u-3'] } }, { $set: { tier: 'platinum' } });
    assert.equal(again.matchedCount, 2);
    assert.equal(again.modifiedCount, 0);
  });

  test('replacement documents keep _id', async () => {
    const res = await Members.replaceOne(
      { _id: 'u-3' },
      { email: 'u3-new@example.com', tier: 'none', points: 1, tags: [], visits: [] },
    );
    assert.equal(res.modifiedCount, 1);
    assert.deepEqual(await Members.findById('u-3').lean(), {
      _id: 'u-3',
      email: 'u3-new@example.com',
      tier: 'none',
      points: 1,
      tags: [],
      visits: [],
    });
  });

  test("upsert inserts from the filter's equality fields plus $set and $setOnInsert", async () => {
    const res = await Counters.updateOne(
      { _id: 'up-1' },
      { $inc: { n: 2 }, $setOnInsert: { createdBy: 'upsert' } },
      { upsert: true, strict: false },
    );
    assert.equal(res.upsertedCount, 1);
    assert.equal(res.upsertedId, 'up-1');
    const second = await Counters.updateOne(
      { _id: 'up-1' },
      { $inc: { n: 2 }, $setOnInsert: { createdBy: 'again' } },
      { upsert: true, strict: false },
    );
    assert.equal(second.upsertedCount, 0);
    assert.equal(second.modifiedCount, 1);
    assert.deepEqual(await Counters.collection.findOne({ _id: 'up-1' } as Document), { _id: 'up-1', n: 4, createdBy: 'upsert' });
    const generated = await db()
      .collection('upserts')
      .updateOne({ key: 'k' }, { $set: { v: 1 } }, { upsert: true });
    assert.ok(generated.upsertedId instanceof ObjectId);
    assert.deepEqual(
      await db()
        .collection('upserts')
        .findOne({ key: 'k' }, { projection: { _id: 0 } }),
      { key: 'k', v: 1 },
    );
  });

  test('pipeline-style updates compute from the document', async () => {
    await Counters.create({ _id: 'pipe', n: 3 });
    await Counters.collection.updateOne({ _id: 'pipe' } as Document, [{ $set: { doubled: { $multiply: ['$n', 2] } } }]);
    assert.equal((await Counters.collection.findOne({ _id: 'pipe' } as Document))?.doubled, 6);
  });

  test('a bad update operator fails with FailedToParse (9)', async () => {
    await Counters.create({ _id: 'bad-op', n: 1 });
    const err = await expectServerError(
      Counters.collection.updateOne({ _id: 'bad-op' } as Document, { $foo: { n: 1 } } as Document),
      9,
    );
    assert.match(err.message, /Unknown modifier: \$foo/);
  });

  test('$inc on a string fails with TypeMismatch (14); changing _id fails with ImmutableField (66)', async () => {
    await db().collection<{ _id: string; n: unknown }>('counters').insertOne({ _id: 'typed', n: 'text' });
    await expectServerError(Counters.collection.updateOne({ _id: 'typed' } as Document, { $inc: { n: 1 } }), 14);
    await expectServerError(Counters.collection.updateOne({ _id: 'typed' } as Document, { $set: { _id: 'other' } }), 66);
    assert.equal((await Counters.collection.findOne({ _id: 'typed' } as Document))?.n, 'text');
  });

  test('500 concurrent $inc on one document lose nothing', async () => {
    await Counters.create({ _id: 'hot', n: 0 });
    await Promise.all(Array.from({ length: 500 }, () => Counters.updateOne({ _id: 'hot' }, { $inc: { n: 1 } })));
    assert.equal((await Counters.findById('hot').lean())?.n, 500);
  });
});

describe('field names are arbitrary strings', () => {
  // MongoDB gives `__proto__`, `constructor`, `prototype` or `toString` no meaning: they are
  // fields like any other, in documents, update paths, filters and projections. Expected
  // values are JSON text because a JavaScript object literal cannot hold a `__proto__` key.
  const json = (value: unknown) => JSON.parse(JSON.stringify(value));
  const coll = () => db().collection('js_names');

  before(async () => {
    await coll().insertOne(
      JSON.parse(
        '{"_id": "n1", "__proto__": {"p": 1}, "constructor": [{"c": 1}, {"c": 2}], "meta": {"prototype": "x", "toString": [1]}}',
      ),
    );
  });

  test('documents keep such keys on insert and read', async () => {
    const doc = await coll().findOne({ _id: 'n1' } as Document);
    assert.ok(doc && Object.prototype.hasOwnProperty.call(doc, '__proto__'));
    assert.deepEqual(
      json(doc),
      JSON.parse(
        '{"_id": "n1", "__proto__": {"p": 1}, "constructor": [{"c": 1}, {"c": 2}], "meta": {"prototype": "x", "toString": [1]}}',
      ),
    );
  });

  test('update operators create and change them as fields', async () => {
    for (let i = 0; i < 2; i++) {
      await coll().updateOne({ _id: 'n1' } as Document, {
        $inc: { 'a.__proto__.n': 1, 'a.constructor.n': 1, 'a.prototype.n': 1 },
        $set: { 'b.constructor.x': i },
      });
    }
    await coll().updateOne(
      { _id: 'n1' } as Document,
      { $unset: { 'meta.prototype': '' }, $push: { constructor: { c: 3 } } } as Document,
    );
    const doc = await coll().findOneAndUpdate(
      { _id: 'n1' } as Document,
      { $set: { '__proto__.q': 2 } },
      { returnDocument: 'after' },
    );
    assert.deepEqual(
      json(doc),
      JSON.parse(`{"_id": "n1", "__proto__": {"p": 1, "q": 2}, "constructor": [{"c": 1}, {"c": 2}, {"c": 3}], "meta": {"toString": [1]},
        "a": {"__proto__": {"n": 2}, "constructor": {"n": 2}, "prototype": {"n": 2}}, "b": {"constructor": {"x": 1}}}`),
    );
  });

  test('filters and projections address them', async () => {
    const ids = async (filter: Document) => (await coll().find(filter).toArray()).map((d) => d._id);
    assert.deepEqual(await ids({ 'a.__proto__.n': 2 }), ['n1']);
    assert.deepEqual(await ids({ 'a.constructor.n': { $gte: 2 } }), ['n1']);
    assert.deepEqual(await ids({ 'a.constructor.n': { $lt: 2 } }), []);
    assert.deepEqual(await ids({ 'constructor.c': 3 }), ['n1']);
    assert.deepEqual(await ids({ 'a.toString': { $exists: true } }), []);
    const projected = await coll().findOne({ _id: 'n1' } as Document, { projection: { 'a.constructor': 1, 'meta.toString': 1 } });
    assert.deepEqual(json(projected), { _id: 'n1', a: { constructor: { n: 2 } }, meta: { toString: [1] } });
    const excluded = await coll().findOne({ _id: 'n1' } as Document, { projection: { a: 0, b: 0, constructor: 0, meta: 0 } });
    assert.deepEqual(json(excluded), JSON.parse('{"_id": "n1", "__proto__": {"p": 1, "q": 2}}'));
  });

  test('an upsert takes them from the filter and $setOnInsert', async () => {
    await coll().updateOne(
      { _id: 'n2', 'k.constructor': 'v', 'k.__proto__': 'w' } as Document,
      { $setOnInsert: { 'k.prototype': 1 } },
      { upsert: true },
    );
    assert.deepEqual(
      json(await coll().findOne({ _id: 'n2' } as Document)),
      JSON.parse('{"_id": "n2", "k": {"constructor": "v", "__proto__": "w", "prototype": 1}}'),
    );
  });
});

describe('delete', () => {
  test('deleteOne removes one match, deleteMany removes all', async () => {
    await Counters.insertMany([
      { _id: 'd-1', n: 7 },
      { _id: 'd-2', n: 7 },
      { _id: 'd-3', n: 7 },
    ]);
    assert.equal((await Counters.deleteOne({ n: 7 })).deletedCount, 1);
    assert.equal(await Counters.countDocuments({ n: 7 }), 2);
    assert.equal((await Counters.deleteMany({ n: 7 })).deletedCount, 2);
    assert.equal((await Counters.deleteMany({ n: 7 })).deletedCount, 0);
  });
});

describe('findAndModify', () => {
  before(async () => {
    await Counters.insertMany([
      { _id: 'fam-a', n: 1 },
      { _id: 'fam-b', n: 2 },
      { _id: 'fam-c', n: 3 },
    ]);
  });

  test('returns the document before or after, honouring sort and projection', async () => {
    const before = await Counters.findOneAndUpdate(
      { _id: /^fam-/ },
      { $inc: { n: 10 } },
      { sort: { n: -1 }, returnDocument: 'before' },
    ).lean();
    assert.deepEqual(before, { _id: 'fam-c', n: 3 });
    const afterDoc = await Counters.findOneAndUpdate(
      { _id: 'fam-a' },
      { $inc: { n: 10 } },
      { returnDocument: 'after', projection: { n: 1 } },
    ).lean();
    assert.deepEqual(afterDoc, { _id: 'fam-a', n: 11 });
    const raw = await Counters.collection.findOneAndUpdate(
      { _id: 'fam-a' } as Document,
      { $inc: { n: 1 } },
      { returnDocument: 'after', projection: { _id: 0 } },
    );
    assert.deepEqual(raw, { n: 12 });
  });

  test('reply metadata: lastErrorObject for update, upsert and miss', async () => {
    const coll = Counters.collection;
    const updated = await coll.findOneAndUpdate(
      { _id: 'fam-b' } as Document,
      { $set: { n: 20 } },
      { includeResultMetadata: true, returnDocument: 'after' },
    );
    assert.equal(updated.ok, 1);
    assert.deepEqual(updated.lastErrorObject, { n: 1, updatedExisting: true });
    assert.deepEqual(updated.value, { _id: 'fam-b', n: 20 });
    const upserted = await coll.findOneAndUpdate(
      { _id: 'fam-new' } as Document,
      { $set: { n: 5 } },
      { upsert: true, includeResultMetadata: true, returnDocument: 'after' },
    );
    assert.deepEqual(upserted.lastErrorObject, { n: 1, updatedExisting: false, upserted: 'fam-new' });
    assert.deepEqual(upserted.value, { _id: 'fam-new', n: 5 });
    const miss = await coll.findOneAndUpdate(
      { _id: 'fam-none' } as Document,
      { $set: { n: 5 } },
      { includeResultMetadata: true },
    );
    assert.deepEqual(miss.lastErrorObject, { n: 0, updatedExisting: false });
    assert.equal(miss.value, null);
  });

  test('findOneAndDelete and findOneAndReplace', async () => {
    const removed = await Counters.findOneAndDelete({ _id: 'fam-new' }).lean();
    assert.deepEqual(removed, { _id: 'fam-new', n: 5 });
    assert.equal(await Counters.exists({ _id: 'fam-new' }), null);
    const replaced = await Counters.findOneAndReplace({ _id: 'fam-b' }, { n: 99 }, { returnDocument: 'after' }).lean();
    assert.deepEqual(replaced, { _id: 'fam-b', n: 99 });
  });
});

describe('count, distinct, aggregate', () => {
  before(async () => {
    await Offers.insertMany([
      { _id: 'o-1', tenant: 't1', code: 'A', title: 'one' },
      { _id: 'o-2', tenant: 't1', code: 'B', title: 'two' },
      { _id: 'o-3', tenant: 't2', code: 'A', title: 'three' },
    ]);
  });

  test('estimatedDocumentCount (count command) and countDocuments (aggregate) with skip/limit', async () => {
    assert.equal(await Offers.estimatedDocumentCount(), 3);
    assert.equal(await Offers.countDocuments({ tenant: 't1' }), 2);
    assert.equal(await Offers.countDocuments({}, { skip: 1, limit: 1 }), 1);
    const raw = await db().command({ count: 'offers', query: { code: 'A' } });
    assert.equal(raw.n, 2);
  });

  test('distinct unwinds arrays and removes duplicates', async () => {
    assert.deepEqual((await Offers.distinct('tenant')).sort(), ['t1', 't2']);
    await Members.insertMany([member('dist-1', { tags: ['p', 'q'] }), member('dist-2', { tags: ['q', 'r'] })]);
    assert.deepEqual((await Members.distinct('tags', { _id: /^dist-/ })).sort(), ['p', 'q', 'r']);
  });

  test('$match $group $sort $project $skip $limit $count', async () => {
    const byTenant = await Offers.aggregate([
      { $match: { code: { $in: ['A', 'B'] } } },
      { $sort: { code: 1 } },
      { $group: { _id: '$tenant', n: { $sum: 1 }, codes: { $push: '$code' } } },
      { $sort: { _id: 1 } },
      { $project: { _id: 0, tenant: '$_id', n: 1, codes: 1 } },
    ]);
    assert.deepEqual(byTenant, [
      { n: 2, codes: ['A', 'B'], tenant: 't1' },
      { n: 1, codes: ['A'], tenant: 't2' },
    ]);
    const paged = await Offers.aggregate([{ $sort: { _id: 1 } }, { $skip: 1 }, { $limit: 1 }]);
    assert.deepEqual(
      paged.map((d) => d._id),
      ['o-2'],
    );
    assert.deepEqual(await Offers.aggregate([{ $match: { tenant: 't1' } }, { $count: 'total' }]), [{ total: 2 }]);
  });

  test('$unwind, $lookup and $facet', async () => {
    await db()
      .collection('tenants')
      .insertMany([
        { _id: 't1', name: 'Tenant One' },
        { _id: 't2', name: 'Tenant Two' },
      ] as Document[]);
    const joined = await Offers.aggregate([
      { $match: { _id: 'o-3' } },
      { $lookup: { from: 'tenants', localField: 'tenant', foreignField: '_id', as: 'owner' } },
      { $unwind: '$owner' },
      { $project: { _id: 1, owner: '$owner.name' } },
    ]);
    assert.deepEqual(joined, [{ _id: 'o-3', owner: 'Tenant Two' }]);
    const skus = await Members.aggregate([
      { $match: { _id: 'f-1' } },
      { $unwind: '$visits' },
      { $unwind: '$visits.items' },
      { $group: { _id: null, qty: { $sum: '$visits.items.qty' } } },
    ]);
    assert.deepEqual(skus, [{ _id: null, qty: 6 }]);
    const [facets] = await Offers.aggregate([
      { $facet: { total: [{ $count: 'n' }], firstTwo: [{ $sort: { _id: 1 } }, { $limit: 2 }, { $project: { _id: 1 } }] } },
    ]);
    assert.deepEqual(facets, { total: [{ n: 3 }], firstTwo: [{ _id: 'o-1' }, { _id: 'o-2' }] });
  });
});

describe('indexes and collections', () => {
  test('unique index: duplicate insert and update fail with E11000, keyPattern and keyValue', async () => {
    await Members.create(member('uniq-1', { email: 'taken@example.com' }));
    const err = await expectServerError(Members.create(member('uniq-2', { email: 'taken@example.com' })), 11000);
    assert.match(
      err.message,
      new RegExp(
        `^E11000 duplicate key error collection: ${dbName}\\.members index: email_1 dup key: \\{ email: "taken@example\\.com" \\}`,
      ),
    );
    assert.deepEqual(err.keyPattern, { email: 1 });
    assert.deepEqual(err.keyValue, { email: 'taken@example.com' });
    await Members.create(member('uniq-3'));
    await expectServerError(Members.updateOne({ _id: 'uniq-3' }, { $set: { email: 'taken@example.com' } }), 11000);
    await expectServerError(Members.findOneAndUpdate({ _id: 'uniq-3' }, { $set: { email: 'taken@example.com' } }), 11000);
    assert.equal((await Members.findById('uniq-3').lean())?.email, 'uniq-3@example.com');
  });

  test('compound unique index reports every field in keyValue; _id is always unique', async () => {
    const err = await expectServerError(Offers.create({ _id: 'o-dup', tenant: 't1', code: 'A' }), 11000);
    assert.deepEqual(err.keyPattern, { tenant: 1, code: 1 });
    assert.deepEqual(err.keyValue, { tenant: 't1', code: 'A' });
    await Offers.create({ _id: 'o-4', tenant: 't2', code: 'B' });
    const idErr = await expectServerError(Offers.create({ _id: 'o-4', tenant: 't3', code: 'Z' }), 11000);
    assert.deepEqual(idErr.keyValue, { _id: 'o-4' });
    assert.match(idErr.message, /index: _id_ dup key: \{ _id: "o-4" \}/);
  });

  test('sparse and partial unique indexes only constrain the documents they cover', async () => {
    const coll = db().collection('sparse_partial');
    await coll.createIndex({ code: 1 }, { unique: true, sparse: true });
    await coll.createIndex({ ref: 1 }, { unique: true, partialFilterExpression: { active: true } });
    await coll.insertMany([{ x: 1 }, { x: 2 }, { ref: 'r', active: false }, { ref: 'r', active: true }]);
    await expectServerError(coll.insertOne({ ref: 'r', active: true }), 11000);
  });

  test('createIndexes, listIndexes, dropIndexes; unique build over duplicates fails', async () => {
    const coll = db().collection('idx');
    await coll.insertMany([
      { _id: 1, a: 1, b: 'x' },
      { _id: 2, a: 1, b: 'y' },
    ] as Document[]);
    assert.equal(await coll.createIndex({ b: 1, a: -1 }), 'b_1_a_-1');
    assert.equal(await coll.createIndex({ b: 1, a: -1 }), 'b_1_a_-1');
    await expectServerError(coll.createIndex({ a: 1 }, { unique: true }), 11000);
    const names = (await coll.indexes()).map((i) => i.name);
    assert.deepEqual(names, ['_id_', 'b_1_a_-1']);
    await coll.dropIndex('b_1_a_-1');
    await expectServerError(coll.dropIndex('b_1_a_-1'), 27);
    await coll.createIndex({ a: 1 });
    await coll.dropIndexes();
    assert.deepEqual(
      (await coll.indexes()).map((i) => i.name),
      ['_id_'],
    );
    await expectServerError(db().collection('never_created').indexes(), 26);
  });

  test('TTL indexes are created with expireAfterSeconds', async () => {
    const ttl = (await Sessions.collection.indexes()).find((i) => i.name === 'expiresAt_1');
    assert.equal(ttl?.expireAfterSeconds, 3600);
  });

  test('syncIndexes drops indexes the schema no longer declares', async () => {
    await Offers.collection.createIndex({ title: 1 }, { name: 'legacy_title' });
    const dropped = await Offers.syncIndexes();
    assert.deepEqual(dropped, ['legacy_title']);
    assert.deepEqual((await Offers.collection.indexes()).map((i) => i.name).sort(), ['_id_', 'tenant_1_code_1']);
  });

  test('create, listCollections with a name filter, NamespaceExists, drop', async () => {
    await conn.createCollection('explicit');
    const listed = await db().listCollections({ name: 'explicit' }).toArray();
    assert.equal(listed.length, 1);
    assert.equal(listed[0].name, 'explicit');
    assert.equal(listed[0].type, 'collection');
    await expectServerError(db().command({ create: 'explicit' }), 48);
    assert.equal(await db().dropCollection('explicit'), true);
    assert.deepEqual(await db().listCollections({ name: 'explicit' }).toArray(), []);
  });
});

describe('transactions', () => {
  // Documented for replica sets and sharded clusters; a standalone MONGODB_URI has none.
  async function skipWithoutTransactions(t: { skip(message: string): void }): Promise<boolean> {
    const hello = await db().admin().command({ hello: 1 });
    if (typeof hello.setName === 'string' || hello.msg === 'isdbgrid') return false;
    t.skip('the server is a standalone: no transactions');
    return true;
  }

  const SNAPSHOT: mongoose.mongo.TransactionOptions = { readConcern: { level: 'snapshot' }, writeConcern: { w: 'majority' } };
  const count = async (ids: string[]) => Counters.countDocuments({ _id: { $in: ids } });

  async function inTransaction(work: (session: mongoose.ClientSession) => Promise<void>): Promise<mongoose.ClientSession> {
    const session = await conn.startSession();
    session.startTransaction(SNAPSHOT);
    try {
      await work(session);
    } catch (err) {
      await session.abortTransaction().catch(() => undefined);
      await session.endSession();
      throw err;
    }
    return session;
  }

  function isTransient(err: unknown, code: number): boolean {
    assert.ok(err instanceof mongoose.mongo.MongoServerError, String(err));
    assert.equal(err.code, code, err.message);
    assert.ok(err.hasErrorLabel('TransientTransactionError'), `labels: ${JSON.stringify(err.errorLabels)}`);
    return true;
  }

  test('a commit makes every write visible at once; before it, readers outside see none of them', async (t) => {
    if (await skipWithoutTransactions(t)) return;
    await Counters.create([
      { _id: 'tx-kept', n: 0 },
      { _id: 'tx-gone', n: 0 },
    ]);
    const session = await inTransaction(async (s) => {
      await Counters.create([{ _id: 'tx-new', n: 1 }], { session: s });
      await Items.create([{ _id: 'tx-item', seq: 1, group: 'tx' }], { session: s });
      await Counters.updateOne({ _id: 'tx-kept' }, { $inc: { n: 5 } }, { session: s });
      await Counters.deleteOne({ _id: 'tx-gone' }, { session: s });
      // The transaction reads its own writes...
      assert.equal((await Counters.findById('tx-kept').session(s).lean())?.n, 5);
      assert.deepEqual(
        await Counters.find({ _id: { $in: ['tx-new', 'tx-kept', 'tx-gone'] } })
          .session(s)
          .sort({ _id: 1 })
          .lean(),
        [
          { _id: 'tx-kept', n: 5 },
          { _id: 'tx-new', n: 1 },
        ],
      );
      // ...and nobody else does.
      assert.equal(await Counters.findById('tx-new').lean(), null);
      assert.equal(await Items.findById('tx-item').lean(), null);
      assert.equal((await Counters.findById('tx-kept').lean())?.n, 0);
      assert.equal((await Counters.findById('tx-gone').lean())?.n, 0);
    });
    await session.commitTransaction();
    await session.endSession();
    assert.deepEqual(
      await Counters.find({ _id: { $in: ['tx-new', 'tx-kept', 'tx-gone'] } })
        .sort({ _id: 1 })
        .lean(),
      [
        { _id: 'tx-kept', n: 5 },
        { _id: 'tx-new', n: 1 },
      ],
    );
    assert.deepEqual(await Items.findById('tx-item').lean(), { _id: 'tx-item', seq: 1, group: 'tx' });
    await Counters.deleteMany({ _id: { $in: ['tx-new', 'tx-kept'] } });
    await Items.deleteOne({ _id: 'tx-item' });
  });

  test('an aborted transaction leaves nothing behind', async (t) => {
    if (await skipWithoutTransactions(t)) return;
    await Counters.create({ _id: 'abort-kept', n: 1 });
    const items = await Items.countDocuments({});
    const session = await inTransaction(async (s) => {
      await Counters.create([{ _id: 'abort-new', n: 1 }], { session: s });
      await Counters.updateOne({ _id: 'abort-kept' }, { $set: { n: 99 } }, { session: s });
      await Items.deleteMany({}, { session: s });
    });
    await session.abortTransaction();
    await session.endSession();
    assert.equal(await Counters.findById('abort-new').lean(), null);
    assert.deepEqual(await Counters.findById('abort-kept').lean(), { _id: 'abort-kept', n: 1 });
    assert.equal(await Items.countDocuments({}), items);
    await Counters.deleteOne({ _id: 'abort-kept' });
  });

  test('snapshot isolation: a transaction does not see what others commit after it started', async (t) => {
    if (await skipWithoutTransactions(t)) return;
    await Counters.create({ _id: 'snap', n: 1 });
    const session = await inTransaction(async (s) => {
      assert.equal((await Counters.findById('snap').session(s).lean())?.n, 1);
      await Counters.updateOne({ _id: 'snap' }, { $set: { n: 2 } });
      await Counters.create({ _id: 'snap-later', n: 3 });
      assert.equal((await Counters.findById('snap').session(s).lean())?.n, 1);
      assert.equal(await Counters.findById('snap-later').session(s).lean(), null);
      assert.equal(await Counters.countDocuments({ _id: { $in: ['snap', 'snap-later'] } }).session(s), 1);
    });
    await session.commitTransaction();
    await session.endSession();
    assert.equal((await Counters.findById('snap').lean())?.n, 2);
    assert.equal(await count(['snap', 'snap-later']), 2);
    await Counters.deleteMany({ _id: { $in: ['snap', 'snap-later'] } });
  });

  test('writing a document changed after the snapshot is a WriteConflict labelled TransientTransactionError', async (t) => {
    if (await skipWithoutTransactions(t)) return;
    await Counters.create({ _id: 'conflict', n: 0 });
    const session = await conn.startSession();
    session.startTransaction(SNAPSHOT);
    await Counters.findById('conflict').session(session).lean();
    await Counters.updateOne({ _id: 'conflict' }, { $inc: { n: 10 } });
    await assert.rejects(Counters.updateOne({ _id: 'conflict' }, { $inc: { n: 1 } }, { session }), (err) =>
      isTransient(err, 112),
    );
    await session.abortTransaction();
    await session.endSession();
    assert.equal((await Counters.findById('conflict').lean())?.n, 10);
    await Counters.deleteOne({ _id: 'conflict' });
  });

  test('the second transaction to write a document gets a WriteConflict; the first commits', async (t) => {
    if (await skipWithoutTransactions(t)) return;
    await Counters.create({ _id: 'two-writers', n: 0 });
    const first = await inTransaction((s) =>
      Counters.updateOne({ _id: 'two-writers' }, { $inc: { n: 1 } }, { session: s }).then(() => undefined),
    );
    const second = await conn.startSession();
    second.startTransaction(SNAPSHOT);
    await assert.rejects(Counters.updateOne({ _id: 'two-writers' }, { $inc: { n: 100 } }, { session: second }), (err) =>
      isTransient(err, 112),
    );
    await second.abortTransaction();
    await second.endSession();
    await first.commitTransaction();
    await first.endSession();
    assert.equal((await Counters.findById('two-writers').lean())?.n, 1);
    await Counters.deleteOne({ _id: 'two-writers' });
  });

  test('connection.transaction() and session.withTransaction() run a conflicting transaction again until it commits', async (t) => {
    if (await skipWithoutTransactions(t)) return;
    await Counters.create({ _id: 'retried', n: 0 });
    let attempts = 0;
    await conn.transaction(async (session) => {
      attempts++;
      await Counters.findById('retried').session(session).lean();
      if (attempts === 1) await Counters.updateOne({ _id: 'retried' }, { $inc: { n: 100 } });
      await Counters.updateOne({ _id: 'retried' }, { $inc: { n: 1 } }, { session });
    }, SNAPSHOT);
    assert.equal(attempts, 2);
    assert.equal((await Counters.findById('retried').lean())?.n, 101);

    attempts = 0;
    const session = await conn.startSession();
    try {
      await session.withTransaction(async () => {
        attempts++;
        await Counters.create([{ _id: `retried-${attempts}`, n: attempts }], { session });
        await Counters.findById('retried').session(session).lean();
        if (attempts === 1) await Counters.updateOne({ _id: 'retried' }, { $inc: { n: 100 } });
        await Counters.updateOne({ _id: 'retried' }, { $inc: { n: 1 } }, { session });
      }, SNAPSHOT);
    } finally {
      await session.endSession();
    }
    assert.equal(attempts, 2);
    assert.equal((await Counters.findById('retried').lean())?.n, 202);
    // The first attempt's insert was rolled back with it.
    assert.equal(await count(['retried-1']), 0);
    assert.equal(await count(['retried-2']), 1);
    await Counters.deleteMany({ _id: { $in: ['retried', 'retried-2'] } });
  });

  test('a duplicate key inside a transaction aborts all of it', async (t) => {
    if (await skipWithoutTransactions(t)) return;
    await Members.create(member('txn-owner', { email: 'txn-taken@example.com' }));
    const session = await conn.startSession();
    try {
      await assert.rejects(
        session.withTransaction(async () => {
          await Counters.create([{ _id: 'txn-before-dup', n: 1 }], { session });
          await Members.create([member('txn-first', { email: 'txn-fresh@example.com' })], { session });
          // Unique within the transaction's own writes too.
          await Members.create([member('txn-second', { email: 'txn-fresh@example.com' })], { session });
        }, SNAPSHOT),
        (err: mongoose.mongo.MongoServerError) => err.code === 11000,
      );
      await assert.rejects(
        session.withTransaction(async () => {
          await Counters.create([{ _id: 'txn-before-dup', n: 2 }], { session });
          await Members.updateOne({ _id: 'txn-owner' }, { $set: { points: 1 } }, { session });
          await Members.create([member('txn-third', { email: 'txn-taken@example.com' })], { session });
        }, SNAPSHOT),
        (err: mongoose.mongo.MongoServerError) => err.code === 11000,
      );
    } finally {
      await session.endSession();
    }
    assert.equal(await count(['txn-before-dup']), 0);
    assert.equal(await Members.countDocuments({ _id: { $in: ['txn-first', 'txn-second', 'txn-third'] } }), 0);
    assert.equal((await Members.findById('txn-owner').lean())?.points, 10);
    await Members.deleteOne({ _id: 'txn-owner' });
  });
});

describe('resilience', () => {
  function hostAndPort(): { host: string; port: number } | undefined {
    const match = /^mongodb:\/\/(?:[^@/]*@)?([^:/,?]+):(\d+)/.exec(provider.uri);
    return match ? { host: match[1], port: Number(match[2]) } : undefined;
  }

  test('a malformed message closes only its own connection', async (t) => {
    const target = hostAndPort();
    if (!target) {
      t.skip('the connection string has no single host:port');
      return;
    }
    const socket = netConnect(target);
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => undefined);
    // The first four bytes read as a message length far beyond maxMessageSizeBytes.
    socket.write(Buffer.from('this is not a MongoDB message at all'));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error('the server did not close the connection')), 3000);
    });
    await Promise.race([closed, timeout]).finally(() => clearTimeout(timer));
    assert.equal((await Counters.countDocuments({})) >= 0, true);
    assert.equal((await db().admin().ping()).ok, 1);
  });

  test('suspend and resume keep the data and mongoose reconnects', async (t) => {
    if (provider.kind === 'uri') {
      t.skip('the database behind MONGODB_URI cannot be suspended');
      return;
    }
    await Counters.create({ _id: 'survivor', n: 42 });
    const target = hostAndPort();
    await provider.suspend();
    try {
      if (target) {
        const refused = await new Promise<boolean>((resolve) => {
          const s = netConnect(target);
          s.once('connect', () => {
            s.destroy();
            resolve(false);
          });
          s.once('error', () => resolve(true));
        });
        assert.equal(refused, true, 'the port must be closed while suspended');
      }
    } finally {
      await provider.resume();
    }
    let found: Counter | null = null;
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      try {
        found = await Counters.findById('survivor').lean();
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    assert.deepEqual(found, { _id: 'survivor', n: 42 });
    await Counters.updateOne({ _id: 'survivor' }, { $inc: { n: 1 } });
    assert.equal((await Counters.findById('survivor').lean())?.n, 43);
  });
});
