import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import mongoose, { type Connection } from 'mongoose';
import pino from 'pino';
import { RevisionPoller, Revisions, type RevisionName, type RevisionWatcher } from '../../src/common/revisions';
import { databaseUri, testMongo, uniqueDbName } from '../support/server';

let conn: Connection;
const reads: Record<string, unknown>[] = [];

before(async () => {
  const mongo = await testMongo();
  conn = await mongoose
    .createConnection(databaseUri(mongo.uri, uniqueDbName('revisions')), { monitorCommands: true })
    .asPromise();
  conn.getClient().on('commandStarted', (e) => {
    if (e.commandName === 'find' && e.command.find === 'revisions') reads.push(e.command.filter as Record<string, unknown>);
  });
});
after(async () => {
  await conn.dropDatabase();
  await conn.close();
  await (await testMongo()).stop();
});

class Watcher implements RevisionWatcher {
  readonly seen: number[] = [];
  constructor(readonly revisionName: RevisionName) {}
  async revisionSeen(revision: number): Promise<void> {
    this.seen.push(revision);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('one query per interval reads every cache counter, and each cache is told its own', async () => {
  const revisions = new Revisions(conn);
  await revisions.bump('entities');
  await revisions.bump('credentials');
  await revisions.bump('credentials');
  const caches = [new Watcher('entities'), new Watcher('security'), new Watcher('credentials')];
  const poller = new RevisionPoller(conn, caches, pino({ level: 'silent' }), 50);

  reads.length = 0;
  poller.start();
  await sleep(400);
  poller.stop();
  const polls = reads.length;
  await sleep(150);

  assert.ok(polls >= 3 && polls <= 9, `${polls} reads in 400 ms at a 50 ms interval`);
  assert.equal(reads.length, polls, 'a stopped poller still reads');
  for (const filter of reads) assert.deepEqual(filter, { _id: { $in: ['entities', 'security', 'credentials'] } });
  // A counter never bumped reads 0; every watcher hears on every poll.
  assert.deepEqual(
    caches.map((c) => c.seen.length),
    [polls, polls, polls],
  );
  assert.deepEqual(
    caches.map((c) => [...new Set(c.seen)]),
    [[1], [0], [2]],
  );
});
