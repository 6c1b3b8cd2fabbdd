/**
 * Stand-in specific tests: wire-protocol details a driver rarely exercises (OP_QUERY,
 * checksums, moreToCome, split frames, malformed frames) and behaviour that cannot be
 * observed quickly on a real server (the TTL sweep). The server project's conformance suite
 * (test/db/conformance.test.ts), which must also pass on a real MongoDB, covers the rest.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { deserialize, serialize, Long, ObjectId, UUID, type Document } from 'bson';
import mongoose, { type Connection } from 'mongoose';
import { StandInServer } from '../src';
import { guardRawFieldLookup } from './support/raw-fields-guard';

const OP_REPLY = 1;
const OP_QUERY = 2004;
const OP_MSG = 2013;

let server: StandInServer;
let conn: Connection;
const db = (): mongoose.mongo.Db => {
  if (!conn.db) throw new Error('not connected');
  return conn.db;
};

before(async () => {
  server = new StandInServer({ ttlMonitorIntervalMs: 60_000 });
  await server.start();
  conn = await mongoose.createConnection(`${server.uri}/standin`).asPromise();
  guardRawFieldLookup(conn);
});

after(async () => {
  await conn.close();
  await server.stop();
});

/** A minimal wire client: frames messages, collects replies, notices when the server hangs up. */
class RawClient {
  private buffer = Buffer.alloc(0);
  private waiters: Array<(reply: { opCode: number; body: Buffer }) => void> = [];
  readonly closed: Promise<void>;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      while (this.buffer.length >= 4 && this.buffer.length >= this.buffer.readInt32LE(0)) {
        const length = this.buffer.readInt32LE(0);
        const message = this.buffer.subarray(0, length);
        this.buffer = this.buffer.subarray(length);
        this.waiters.shift()?.({ opCode: message.readInt32LE(12), body: message.subarray(16) });
      }
    });
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  static async open(port: number): Promise<RawClient> {
    const socket = connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    return new RawClient(socket);
  }

  send(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  next(): Promise<{ opCode: number; body: Buffer }> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  async isClosedWithin(ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    });
    const result = await Promise.race([this.closed.then(() => true), timeout]);
    clearTimeout(timer);
    return result;
  }

  destroy(): void {
    this.socket.destroy();
  }
}

function frame(opCode: number, payload: Buffer, requestId = 1): Buffer {
  const header = Buffer.alloc(16);
  header.writeInt32LE(16 + payload.length, 0);
  header.writeInt32LE(requestId, 4);
  header.writeInt32LE(0, 8);
  header.writeInt32LE(opCode, 12);
  return Buffer.concat([header, payload]);
}

function opMsg(
  body: Document,
  options: { flags?: number; sequences?: Record<string, Document[]>; checksum?: boolean } = {},
): Buffer {
  const flags = Buffer.alloc(4);
  flags.writeUInt32LE((options.flags ?? 0) | (options.checksum ? 1 : 0));
  const parts = [flags, Buffer.from([0]), Buffer.from(serialize(body))];
  for (const [id, docs] of Object.entries(options.sequences ?? {})) {
    const content = Buffer.concat([Buffer.from(`${id}\0`), ...docs.map((d) => Buffer.from(serialize(d)))]);
    const size = Buffer.alloc(4);
    size.writeInt32LE(4 + content.length);
    parts.push(Buffer.from([1]), size, content);
  }
  if (options.checksum) parts.push(Buffer.alloc(4)); // value is not verified by the stand-in
  return frame(OP_MSG, Buffer.concat(parts));
}

function opQuery(fullCollectionName: string, query: Document): Buffer {
  const flags = Buffer.alloc(4);
  const name = Buffer.from(`${fullCollectionName}\0`);
  const skipReturn = Buffer.alloc(8);
  skipReturn.writeInt32LE(-1, 4);
  return frame(OP_QUERY, Buffer.concat([flags, name, skipReturn, Buffer.from(serialize(query))]));
}

const msgReply = (reply: { opCode: number; body: Buffer }): Document => {
  assert.equal(reply.opCode, OP_MSG);
  assert.equal(reply.body[4], 0, 'single body section');
  return deserialize(reply.body.subarray(5));
};

describe('wire protocol', () => {
  test('legacy OP_QUERY isMaster gets an OP_REPLY describing a single-node replica set primary without compression', async () => {
    const client = await RawClient.open(server.port);
    client.send(opQuery('admin.$cmd', { isMaster: 1, helloOk: true, compression: ['zlib'] }));
    const reply = await client.next();
    assert.equal(reply.opCode, OP_REPLY);
    assert.equal(reply.body.readInt32LE(16), 1, 'numberReturned');
    const doc = deserialize(reply.body.subarray(20));
    assert.equal(doc.ismaster, true);
    assert.equal(doc.helloOk, true);
    assert.equal(doc.maxWireVersion, 21);
    assert.equal(doc.setName, 'standin');
    assert.deepEqual(doc.hosts, [`127.0.0.1:${server.port}`]);
    assert.equal(doc.primary, `127.0.0.1:${server.port}`);
    assert.equal(doc.me, `127.0.0.1:${server.port}`);
    assert.equal(doc.secondary, false);
    assert.equal(doc.logicalSessionTimeoutMinutes, 30);
    // Without topologyVersion drivers poll instead of streaming awaitable hellos.
    assert.equal(doc.topologyVersion, undefined);
    assert.equal(doc.compression, undefined);
    client.destroy();
  });

  test('OP_MSG with a checksum and kind-1 document sequences', async () => {
    const client = await RawClient.open(server.port);
    client.send(opMsg({ insert: 'seq', $db: 'wire' }, { checksum: true, sequences: { documents: [{ _id: 1 }, { _id: 2 }] } }));
    assert.deepEqual(msgReply(await client.next()), { n: 2, ok: 1 });
    client.destroy();
  });

  test('moreToCome requests get no reply, and frames split into single bytes still parse', async () => {
    const client = await RawClient.open(server.port);
    client.send(opMsg({ insert: 'fire', documents: [{ _id: 'x' }], $db: 'wire' }, { flags: 2 }));
    const find = opMsg({ find: 'fire', filter: {}, $db: 'wire' });
    for (const byte of find) client.send(Buffer.from([byte]));
    const reply = msgReply(await client.next());
    assert.deepEqual(reply.cursor.firstBatch, [{ _id: 'x' }]);
    client.destroy();
  });

  test('an OP_MSG without $db is an error, not a disconnect', async () => {
    const client = await RawClient.open(server.port);
    client.send(opMsg({ ping: 1 }));
    const reply = msgReply(await client.next());
    assert.equal(reply.ok, 0);
    assert.equal(reply.code, 40571);
    client.send(opMsg({ ping: 1, $db: 'admin' }));
    assert.equal(msgReply(await client.next()).ok, 1);
    client.destroy();
  });

  for (const [name, bytes] of [
    [
      'invalid BSON inside a well-formed frame',
      frame(OP_MSG, Buffer.concat([Buffer.alloc(4), Buffer.from([0]), Buffer.from([9, 0, 0, 0, 2, 0xff, 0xff, 0xff, 0xff])])),
    ],
    ['an unknown opcode', frame(1234, Buffer.alloc(8))],
    ['an unknown required flag bit', opMsg({ ping: 1, $db: 'admin' }, { flags: 1 << 4 })],
    ['a negative message length', Buffer.from([0xff, 0xff, 0xff, 0xff])],
    ['an unknown section kind', frame(OP_MSG, Buffer.concat([Buffer.alloc(4), Buffer.from([7, 1, 2, 3])]))],
  ] as const) {
    test(`${name} closes that connection only`, async () => {
      const bystander = await RawClient.open(server.port);
      const offender = await RawClient.open(server.port);
      offender.send(bytes);
      assert.equal(await offender.isClosedWithin(2000), true);
      bystander.send(opMsg({ ping: 1, $db: 'admin' }));
      assert.equal(msgReply(await bystander.next()).ok, 1);
      assert.equal((await db().admin().ping()).ok, 1);
      bystander.destroy();
    });
  }
});

describe('stand-in behaviour', () => {
  test('the TTL sweep removes documents whose date has passed', async () => {
    const coll = db().collection('ttl');
    await coll.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 60 });
    const now = Date.now();
    await coll.insertMany([
      { _id: 'old', expiresAt: new Date(now - 61_000) } as Document,
      { _id: 'fresh', expiresAt: new Date(now) } as Document,
      { _id: 'no-date', expiresAt: 'not a date' } as Document,
      { _id: 'array', expiresAt: [new Date(now), new Date(now - 120_000)] } as Document,
    ]);
    assert.equal(server.sweep(now), 2);
    assert.deepEqual(
      (await coll.find().sort({ _id: 1 }).toArray()).map((d) => d._id),
      ['fresh', 'no-date'],
    );
  });

  test('unknown query operators and pipeline stages fail like MongoDB', async () => {
    const coll = db().collection('errors');
    await coll.insertOne({ a: 1 });
    await assert.rejects(coll.find({ a: { $nope: 1 } }).toArray(), { code: 2 });
    await assert.rejects(coll.aggregate([{ $nope: {} }]).toArray(), { code: 40324 });
    await assert.rejects(coll.updateOne({}, { $set: { a: 1 }, $inc: { a: 1 } }), { code: 40 });
    await assert.rejects(coll.updateOne({}, { $set: { 'a.b': 1 } }), { code: 28 });
  });

  test('$out replaces the target collection', async () => {
    const src = db().collection('out_src');
    await src.insertMany([
      { _id: 1, v: 1 },
      { _id: 2, v: 2 },
    ] as Document[]);
    await db()
      .collection('out_dst')
      .insertOne({ _id: 'stale' } as Document);
    await src.aggregate([{ $match: { v: { $gt: 1 } } }, { $out: 'out_dst' }]).toArray();
    assert.deepEqual(await db().collection('out_dst').find().toArray(), [{ _id: 2, v: 2 }]);
  });

  test('unique index checks are hash lookups: inserts cost the same per document at 2,000 and 8,000', async () => {
    // A ratio, not a wall-clock bound: the machines running this are shared and noisy.
    // A scan per unique check makes four times the documents cost sixteen times as much.
    const timeInserts = async (name: string, count: number) => {
      const coll = db().collection(name);
      await coll.createIndex({ email: 1 }, { unique: true });
      const docs = Array.from({ length: count }, (_, i) => ({ email: `u${i}@example.com`, ref: new ObjectId() }));
      const started = process.hrtime.bigint();
      await coll.insertMany(docs);
      const took = Number(process.hrtime.bigint() - started);
      await assert.rejects(coll.insertOne({ email: `u${count - 1}@example.com` }), { code: 11000 });
      return took;
    };
    await timeInserts('bulk_unique_warmup', 2000);
    const small = await timeInserts('bulk_unique_small', 2000);
    const large = await timeInserts('bulk_unique_large', 8000);
    assert.ok(large / small < 10, `8,000 inserts took ${(large / small).toFixed(1)} times as long as 2,000`);
  });

  test('suspend refuses connections and resume serves the same data on the same port', async () => {
    const port = server.port;
    await db()
      .collection('suspended')
      .insertOne({ _id: 'kept' } as Document);
    await server.suspend();
    await assert.rejects(RawClient.open(port));
    await server.resume();
    assert.equal(server.port, port);
    const client = await RawClient.open(port);
    client.send(opMsg({ find: 'suspended', filter: {}, $db: 'standin' }));
    assert.deepEqual(msgReply(await client.next()).cursor.firstBatch, [{ _id: 'kept' }]);
    client.destroy();
  });
});

/**
 * Field names every JavaScript object inherits. The stand-in keeps documents as plain
 * objects in this process, so an update path through `__proto__` once reached
 * Object.prototype (every object in the process gained the field) and `constructor` led
 * to the Object function. These tests check the process itself after each such write.
 */
describe('field names JavaScript gives meaning to', () => {
  const BUILTIN = new Set(Object.getOwnPropertyNames(Object.prototype));
  const own = (key: string, value: unknown, rest: Document = {}): Document => {
    const out: Document = { ...rest };
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
    return out;
  };
  const hasOwn = (obj: unknown, key: string) => Object.prototype.hasOwnProperty.call(obj, key);

  function assertPrototypesUntouched() {
    assert.deepEqual(
      Object.getOwnPropertyNames(Object.prototype).filter((n) => !BUILTIN.has(n)),
      [],
    );
    assert.equal(({} as Record<string, unknown>).score, undefined);
    assert.equal((Object as unknown as Record<string, unknown>).score, undefined);
    assert.equal(Object.getPrototypeOf({}), Object.prototype);
  }

  test('$inc on accounts.__proto__.score creates a field and leaves Object.prototype alone', async () => {
    const coll = db().collection('proto_inc');
    await coll.insertMany([
      { _id: 'victim', accounts: { standard: { score: 0 } } },
      { _id: 'other', n: 1 },
    ] as Document[]);
    const after = await coll.findOneAndUpdate(
      { _id: 'victim' } as Document,
      { $inc: { 'accounts.__proto__.score': 5, 'accounts.__proto__.spendable': 5 }, $set: { at: 1 } },
      { returnDocument: 'after' },
    );
    assertPrototypesUntouched();
    assert.ok(after && hasOwn(after.accounts, '__proto__'));
    assert.deepEqual({ ...after.accounts.__proto__ }, { score: 5, spendable: 5 });
    assert.equal(Object.getPrototypeOf(after.accounts), Object.prototype);
    // The balance check of a spend goes through the same path, as a filter.
    const spent = await coll.findOneAndUpdate(
      { _id: 'victim', 'accounts.__proto__.spendable': { $gte: 3 } } as Document,
      { $inc: { 'accounts.__proto__.spendable': -3 } },
      { returnDocument: 'after' },
    );
    assert.equal(spent?.accounts.__proto__.spendable, 2);
    assert.equal(await coll.findOne({ _id: 'victim', 'accounts.__proto__.spendable': { $gte: 3 } } as Document), null);
    // Other documents and other updates keep working.
    await coll.updateOne({ _id: 'other' } as Document, { $inc: { n: 1 } });
    assert.deepEqual(await coll.findOne({ _id: 'other' } as Document), { _id: 'other', n: 2 });
    assertPrototypesUntouched();
  });

  test('constructor, toString and hasOwnProperty are ordinary fields for every update operator', async () => {
    const coll = db().collection('ctor_ops');
    await coll.insertOne({ _id: 'c' } as Document);
    for (const name of ['constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
      await coll.updateOne({ _id: 'c' } as Document, { $inc: { [`a.${name}.n`]: 2 }, $set: { [`s.${name}`]: name } });
      await coll.updateOne(
        { _id: 'c' } as Document,
        { $push: { [`l.${name}`]: { $each: [1, 2] } }, $max: { [`a.${name}.m`]: 7 } } as Document,
      );
      await coll.updateOne({ _id: 'c' } as Document, { $addToSet: { [`l.${name}`]: 2 }, $mul: { [`a.${name}.n`]: 3 } });
      await coll.updateOne({ _id: 'c' } as Document, { $pop: { [`l.${name}`]: -1 }, $unset: { [`s.${name}`]: '' } });
    }
    await coll.updateOne({ _id: 'c' } as Document, { $rename: { 'a.valueOf': 'b.constructor', 'l.toString': 'l.__proto__' } });
    assertPrototypesUntouched();
    const doc = await coll.findOne({ _id: 'c' } as Document);
    // JSON text: an object literal cannot hold a __proto__ key.
    assert.deepEqual(
      JSON.parse(JSON.stringify(doc)),
      JSON.parse(`{
        "_id": "c",
        "a": { "constructor": { "n": 6, "m": 7 }, "toString": { "n": 6, "m": 7 }, "hasOwnProperty": { "n": 6, "m": 7 } },
        "s": {},
        "l": { "constructor": [2], "hasOwnProperty": [2], "valueOf": [2], "__proto__": [2] },
        "b": { "constructor": { "n": 6, "m": 7 } }
      }`),
    );
  });

  test('upserts seed __proto__ and constructor paths from the filter and $setOnInsert', async () => {
    const coll = db().collection('proto_upsert');
    await coll.updateOne(
      { _id: 'u', 'k.__proto__': 'x', 'k.constructor': 'y' } as Document,
      { $setOnInsert: { 'm.__proto__.a': 1 }, $inc: { 'constructor.n': 1 } },
      { upsert: true },
    );
    assertPrototypesUntouched();
    const doc = await coll.findOne({ _id: 'u' } as Document);
    assert.deepEqual(
      JSON.parse(JSON.stringify(doc)),
      JSON.parse(
        '{"_id": "u", "k": {"__proto__": "x", "constructor": "y"}, "m": {"__proto__": {"a": 1}}, "constructor": {"n": 1}}',
      ),
    );
  });

  test('an inserted __proto__ key is stored, indexed and returned as a field', async () => {
    const coll = db().collection('proto_insert');
    await coll.createIndex(own('__proto__', 1), { unique: true });
    await coll.insertOne(own('__proto__', 'p1', { _id: 'i1', nested: own('__proto__', { x: [{ y: 1 }] }) }));
    assertPrototypesUntouched();
    const doc = await coll.findOne({ _id: 'i1' } as Document, { projection: { _id: 0 } });
    assert.ok(doc && hasOwn(doc, '__proto__') && hasOwn(doc.nested, '__proto__'));
    assert.deepEqual(
      JSON.parse(JSON.stringify(doc)),
      JSON.parse('{"__proto__": "p1", "nested": {"__proto__": {"x": [{"y": 1}]}}}'),
    );
    const included = await coll.findOne({ _id: 'i1' } as Document, {
      projection: own('__proto__', 1, { 'nested.__proto__.x.y': 1 }),
    });
    assert.deepEqual(
      JSON.parse(JSON.stringify(included)),
      JSON.parse('{"_id": "i1", "__proto__": "p1", "nested": {"__proto__": {"x": [{"y": 1}]}}}'),
    );
    assert.equal((await coll.find(own('__proto__', 'p1')).toArray()).length, 1);
    const err = await coll.insertOne(own('__proto__', 'p1', { _id: 'i2' })).then(
      () => undefined,
      (e: unknown) => e as Document,
    );
    assert.equal(err?.code, 11000);
    assert.ok(hasOwn(err?.keyValue, '__proto__'));
    assertPrototypesUntouched();
  });

  test('what only mingo could evaluate on such names is refused by name (238), never applied through a prototype', async () => {
    const coll = db().collection('proto_refused');
    await coll.insertOne({ _id: 'r', a: { constructor: [1, 2, 3], toString: [{ v: 1 }] } } as Document);
    const before = await coll.findOne({ _id: 'r' } as Document);
    await assert.rejects(coll.updateOne({ _id: 'r' } as Document, { $pull: { 'a.constructor': 2 } } as Document), {
      code: 238,
      message: /a\.constructor/,
    });
    await assert.rejects(coll.updateOne({ _id: 'r' } as Document, { $set: { 'a.toString.0.v': 2 } }), { code: 238 });
    await assert.rejects(coll.updateOne({ _id: 'r' } as Document, [{ $set: { 'a.constructor': 1 } }]), { code: 238 });
    await assert.rejects(coll.aggregate([{ $group: { _id: null, constructor: { $sum: 1 } } }]).toArray(), { code: 238 });
    // mingo refuses __proto__ in the selectors only it evaluates: an error, not a silent miss.
    await assert.rejects(coll.find({ 'a.__proto__': { $in: [1] } } as Document).toArray(), { code: 2 });
    assert.deepEqual(await coll.findOne({ _id: 'r' } as Document), before);
    assertPrototypesUntouched();
  });
});

describe('sessions and transactions (wire level)', () => {
  let client: RawClient;
  const run = async (body: Document): Promise<Document> => {
    client.send(opMsg({ ...body, $db: body.$db ?? 'wire' }));
    return msgReply(await client.next());
  };
  const txn = (lsid: Document, txnNumber: number, extra: Document = {}): Document => ({
    lsid,
    txnNumber: Long.fromNumber(txnNumber),
    autocommit: false,
    ...extra,
  });

  before(async () => {
    client = await RawClient.open(server.port);
  });
  after(() => client.destroy());

  test('a retried write (same lsid and txnNumber) gets the first reply and is not applied twice', async () => {
    const lsid = { id: new UUID() };
    await run({ insert: 'retry', documents: [{ _id: 'counter', n: 0 }] });
    const inc = {
      update: 'retry',
      updates: [{ q: { _id: 'counter' }, u: { $inc: { n: 1 } } }],
      lsid,
      txnNumber: Long.fromNumber(1),
    };
    const first = await run(inc);
    const second = await run(inc);
    assert.deepEqual(second, first);
    assert.deepEqual((await run({ find: 'retry', filter: {} })).cursor.firstBatch, [{ _id: 'counter', n: 1 }]);
    await run({ ...inc, txnNumber: Long.fromNumber(2) });
    assert.deepEqual((await run({ find: 'retry', filter: {} })).cursor.firstBatch, [{ _id: 'counter', n: 2 }]);
    const old = await run(inc);
    assert.equal(old.code, 225, 'TransactionTooOld');
  });

  test('a new txnNumber aborts the session’s open transaction; its later statements get NoSuchTransaction', async () => {
    const lsid = { id: new UUID() };
    assert.equal((await run({ insert: 'implicit', documents: [{ _id: 1 }], ...txn(lsid, 1, { startTransaction: true }) })).ok, 1);
    assert.equal((await run({ insert: 'implicit', documents: [{ _id: 2 }], ...txn(lsid, 2, { startTransaction: true }) })).ok, 1);
    const stale = await run({ commitTransaction: 1, $db: 'admin', ...txn(lsid, 1) });
    assert.equal(stale.code, 225, JSON.stringify(stale));
    assert.equal((await run({ commitTransaction: 1, $db: 'admin', ...txn(lsid, 2) })).ok, 1);
    // Committing again answers ok: drivers retry a commit whose reply was lost.
    assert.equal((await run({ commitTransaction: 1, $db: 'admin', ...txn(lsid, 2) })).ok, 1);
    assert.deepEqual((await run({ find: 'implicit', filter: {} })).cursor.firstBatch, [{ _id: 2 }]);
    const afterCommit = await run({ find: 'implicit', filter: {}, ...txn(lsid, 2) });
    assert.equal(afterCommit.code, 256, 'TransactionCommitted');
    const unknown = await run({ find: 'implicit', filter: {}, ...txn(lsid, 7) });
    assert.equal(unknown.code, 251);
    assert.deepEqual(unknown.errorLabels, ['TransientTransactionError']);
  });

  test('endSessions aborts the session’s transaction', async () => {
    const lsid = { id: new UUID() };
    await run({ insert: 'ended', documents: [{ _id: 1 }], ...txn(lsid, 1, { startTransaction: true }) });
    assert.equal((await run({ endSessions: [lsid], $db: 'admin' })).ok, 1);
    const commit = await run({ commitTransaction: 1, $db: 'admin', ...txn(lsid, 1) });
    assert.equal(commit.code, 251, JSON.stringify(commit));
    assert.deepEqual((await run({ find: 'ended', filter: {} })).cursor.firstBatch, []);
  });

  test('a transaction older than transactionLifetimeLimitSeconds is aborted', async () => {
    const was = await run({ setParameter: 1, transactionLifetimeLimitSeconds: 1, $db: 'admin' });
    assert.equal(was.was, 60);
    try {
      const lsid = { id: new UUID() };
      await run({ insert: 'expiring', documents: [{ _id: 1 }], ...txn(lsid, 1, { startTransaction: true }) });
      await new Promise((resolve) => setTimeout(resolve, 1200));
      const late = await run({ find: 'expiring', filter: {}, ...txn(lsid, 1) });
      assert.equal(late.code, 251);
      assert.match(late.errmsg, /transactionLifetimeLimitSeconds/);
      assert.deepEqual(late.errorLabels, ['TransientTransactionError']);
      assert.deepEqual((await run({ find: 'expiring', filter: {} })).cursor.firstBatch, []);
    } finally {
      await run({ setParameter: 1, transactionLifetimeLimitSeconds: 60, $db: 'admin' });
    }
  });

  test('commands MongoDB refuses in a transaction abort it with OperationNotSupportedInTransaction', async () => {
    const lsid = { id: new UUID() };
    await run({ insert: 'refused', documents: [{ _id: 1 }], ...txn(lsid, 1, { startTransaction: true }) });
    const count = await run({ count: 'refused', ...txn(lsid, 1) });
    assert.equal(count.code, 263);
    assert.equal((await run({ commitTransaction: 1, $db: 'admin', ...txn(lsid, 1) })).code, 251);
  });
});

describe('transactions: stand-in specifics', () => {
  test('a write outside any transaction to a document a transaction wrote makes that transaction fail at commit', async () => {
    // mongod makes the outside write wait for the transaction instead; the stand-in cannot
    // block a command, so the transaction loses and withTransaction runs it again.
    const coll = db().collection('outside_writer');
    await coll.insertOne({ _id: 'x', n: 0 } as Document);
    const session = conn.getClient().startSession();
    session.startTransaction();
    await coll.updateOne({ _id: 'x' } as Document, { $inc: { n: 1 } }, { session });
    await coll.updateOne({ _id: 'x' } as Document, { $inc: { n: 10 } });
    await assert.rejects(session.commitTransaction(), (err: mongoose.mongo.MongoServerError) => {
      assert.equal(err.code, 112);
      assert.ok(err.hasErrorLabel('TransientTransactionError'));
      return true;
    });
    await session.endSession();
    assert.deepEqual(await coll.findOne({ _id: 'x' } as Document), { _id: 'x', n: 10 });
  });

  test('documents may trade unique values within a transaction; the commit checks the final state', async () => {
    const coll = db().collection('swap');
    await coll.createIndex({ email: 1 }, { unique: true });
    await coll.insertMany([
      { _id: 'a', email: 'a@x' },
      { _id: 'b', email: 'b@x' },
    ] as Document[]);
    const session = conn.getClient().startSession();
    await session.withTransaction(async () => {
      await coll.updateOne({ _id: 'a' } as Document, { $set: { email: 'tmp@x' } }, { session });
      await coll.updateOne({ _id: 'b' } as Document, { $set: { email: 'a@x' } }, { session });
      await coll.updateOne({ _id: 'a' } as Document, { $set: { email: 'b@x' } }, { session });
    });
    await session.endSession();
    assert.deepEqual(await coll.find().sort({ _id: 1 }).toArray(), [
      { _id: 'a', email: 'b@x' },
      { _id: 'b', email: 'a@x' },
    ]);
    await assert.rejects(coll.insertOne({ email: 'a@x' }), { code: 11000 });
  });

  test('a unique key only a later commit holds is a write conflict, not a duplicate', async () => {
    const coll = db().collection('late_key');
    await coll.createIndex({ code: 1 }, { unique: true });
    const session = conn.getClient().startSession();
    session.startTransaction();
    await coll.findOne({}, { session });
    await coll.insertOne({ _id: 'outside', code: 'K' } as Document);
    await assert.rejects(coll.insertOne({ _id: 'inside', code: 'K' } as Document, { session }), { code: 112 });
    await session.abortTransaction();
    await session.endSession();
    assert.deepEqual(await coll.find().toArray(), [{ _id: 'outside', code: 'K' }]);
  });

  test('a transaction keeps reading documents the TTL sweep or a drop removed after its snapshot', async () => {
    const coll = db().collection('vanishing');
    await coll.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 1 });
    await coll.insertMany([{ _id: 'old', expiresAt: new Date(Date.now() - 5000) }, { _id: 'other' }] as Document[]);
    const session = conn.getClient().startSession();
    session.startTransaction();
    assert.equal(await coll.countDocuments({}, { session }), 2);
    assert.equal(server.sweep(), 1);
    assert.equal(await coll.countDocuments({}), 1);
    assert.equal(await coll.countDocuments({}, { session }), 2);
    await coll.drop();
    assert.deepEqual(
      (await coll.find({}, { session }).sort({ _id: 1 }).toArray()).map((d) => d._id),
      ['old', 'other'],
    );
    await session.abortTransaction();
    await session.endSession();
  });
});

describe('failCommand fail point', () => {
  const admin = () => db().admin();

  test('errorCode fails the next matching commands, then lets them through', async () => {
    const coll = db().collection('fail_times');
    await admin().command({
      configureFailPoint: 'failCommand',
      mode: { times: 2 },
      data: { failCommands: ['insert'], errorCode: 121 },
    });
    await assert.rejects(coll.insertOne({ _id: 1 } as Document), { code: 121, codeName: 'DocumentValidationFailure' });
    await assert.rejects(coll.insertOne({ _id: 1 } as Document), { code: 121 });
    await coll.insertOne({ _id: 1 } as Document);
    assert.equal(await coll.countDocuments({}), 1);
    const before = (await admin().command({ configureFailPoint: 'failCommand', mode: 'off' })).count;
    await admin().command({
      configureFailPoint: 'failCommand',
      mode: 'alwaysOn',
      data: { failCommands: ['ping'], errorCode: 2 },
    });
    await assert.rejects(admin().ping(), { code: 2 });
    // count: how often the fail point has caught a command so far.
    assert.deepEqual(await admin().command({ configureFailPoint: 'failCommand', mode: 'off' }), { count: before + 1, ok: 1 });
    assert.equal((await admin().ping()).ok, 1);
  });

  test('a retryable error is labelled RetryableWriteError and the driver retries the write once', async () => {
    const coll = db().collection('fail_retry');
    await admin().command({
      configureFailPoint: 'failCommand',
      mode: { times: 1 },
      data: { failCommands: ['insert'], errorCode: 91 },
    });
    await coll.insertOne({ _id: 'once' } as Document);
    assert.deepEqual(await coll.find().toArray(), [{ _id: 'once' }]);
  });

  test('closeConnection drops the connection; a read is retried on a new one', async () => {
    const coll = db().collection('fail_close');
    await coll.insertOne({ _id: 'here' } as Document);
    await admin().command({
      configureFailPoint: 'failCommand',
      mode: { times: 1 },
      data: { failCommands: ['find'], closeConnection: true },
    });
    assert.deepEqual(await coll.findOne({ _id: 'here' } as Document), { _id: 'here' });
  });

  test('inside a transaction a failed statement aborts it; the fail point must be set on admin', async () => {
    const coll = db().collection('fail_txn');
    await admin().command({
      configureFailPoint: 'failCommand',
      mode: { skip: 1 },
      data: { failCommands: ['insert'], errorCode: 2 },
    });
    const session = conn.getClient().startSession();
    await assert.rejects(
      session.withTransaction(async () => {
        await coll.insertOne({ _id: 1 } as Document, { session });
        await coll.insertOne({ _id: 2 } as Document, { session });
      }),
      { code: 2 },
    );
    await session.endSession();
    assert.equal(await coll.countDocuments({}), 0);
    await assert.rejects(db().command({ configureFailPoint: 'failCommand', mode: 'off' }), { code: 13 });
    await admin().command({ configureFailPoint: 'failCommand', mode: 'off' });
  });
});
