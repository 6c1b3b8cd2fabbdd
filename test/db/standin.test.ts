/**
 * Stand-in specific tests: wire-protocol details a driver rarely exercises (OP_QUERY,
 * checksums, moreToCome, split frames, malformed frames) and behaviour that cannot be
 * observed quickly on a real server (the TTL sweep). The conformance suite covers the rest.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { deserialize, serialize, ObjectId, type Document } from 'bson';
import mongoose, { type Connection } from 'mongoose';
import { StandInServer } from '../../src/db/standin';

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

function opMsg(body: Document, options: { flags?: number; sequences?: Record<string, Document[]>; checksum?: boolean } = {}): Buffer {
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
  test('legacy OP_QUERY isMaster gets an OP_REPLY describing a standalone without compression', async () => {
    const client = await RawClient.open(server.port);
    client.send(opQuery('admin.$cmd', { isMaster: 1, helloOk: true, compression: ['zlib'] }));
    const reply = await client.next();
    assert.equal(reply.opCode, OP_REPLY);
    assert.equal(reply.body.readInt32LE(16), 1, 'numberReturned');
    const doc = deserialize(reply.body.subarray(20));
    assert.equal(doc.ismaster, true);
    assert.equal(doc.helloOk, true);
    assert.equal(doc.maxWireVersion, 21);
    assert.equal(doc.setName, undefined);
    assert.equal(doc.compression, undefined);
    client.destroy();
  });

  test('OP_MSG with a checksum and kind-1 document sequences', async () => {
    const client = await RawClient.open(server.port);
    client.send(
      opMsg({ insert: 'seq', $db: 'wire' }, { checksum: true, sequences: { documents: [{ _id: 1 }, { _id: 2 }] } }),
    );
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
    ['invalid BSON inside a well-formed frame', frame(OP_MSG, Buffer.concat([Buffer.alloc(4), Buffer.from([0]), Buffer.from([9, 0, 0, 0, 2, 0xff, 0xff, 0xff, 0xff])]))],
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
    assert.deepEqual((await coll.find().sort({ _id: 1 }).toArray()).map((d) => d._id), ['fresh', 'no-date']);
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
    await src.insertMany([{ _id: 1, v: 1 }, { _id: 2, v: 2 }] as Document[]);
    await db().collection('out_dst').insertOne({ _id: 'stale' } as Document);
    await src.aggregate([{ $match: { v: { $gt: 1 } } }, { $out: 'out_dst' }]).toArray();
    assert.deepEqual(await db().collection('out_dst').find().toArray(), [{ _id: 2, v: 2 }]);
  });

  test('unique index checks are hash lookups: 5,000 unique inserts stay fast', async () => {
    const coll = db().collection('bulk_unique');
    await coll.createIndex({ email: 1 }, { unique: true });
    const started = Date.now();
    await coll.insertMany(Array.from({ length: 5000 }, (_, i) => ({ email: `u${i}@example.com`, ref: new ObjectId() })));
    await assert.rejects(coll.insertOne({ email: 'u4999@example.com' }), { code: 11000 });
    assert.ok(Date.now() - started < 1500, `took ${Date.now() - started} ms`);
  });

  test('suspend refuses connections and resume serves the same data on the same port', async () => {
    const port = server.port;
    await db().collection('suspended').insertOne({ _id: 'kept' } as Document);
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
