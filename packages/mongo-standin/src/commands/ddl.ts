import { calculateObjectSize } from 'bson';
import { indexNotFound, invalidOptions, namespaceNotFound, notImplemented, failedToParse, toCommandError } from '../errors';
import { compileFilter } from '../query';
import type { Collection } from '../store/collection';
import { ID_INDEX_NAME, idIndexSpec } from '../store/indexes';
import type { BsonDocument } from '../values';
import { collectionName, optionalCount, optionalDocument, requiredArray } from './args';
import type { CommandContext, CommandHandler } from './context';
import { setField } from '../own';

// Fields every command may carry that are not collection options.
const GENERIC_FIELDS = new Set([
  '$db',
  'lsid',
  '$clusterTime',
  'txnNumber',
  'autocommit',
  'startTransaction',
  'writeConcern',
  'readConcern',
  '$readPreference',
  'comment',
  'maxTimeMS',
  'apiVersion',
  'apiStrict',
  'apiDeprecationErrors',
]);

function requireCollection(ctx: CommandContext, name: string): Collection {
  const collection = ctx.store.database(ctx.dbName)?.get(name);
  if (!collection) throw namespaceNotFound(`ns does not exist: ${ctx.dbName}.${name}`);
  return collection;
}

const create: CommandHandler = (cmd, ctx) => {
  const name = collectionName(cmd, 'create');
  if (cmd.viewOn !== undefined) throw notImplemented('views are not supported by the MongoDB stand-in');
  if (cmd.timeseries !== undefined) throw notImplemented('time series collections are not supported by the MongoDB stand-in');
  const options: BsonDocument = {};
  for (const [key, value] of Object.entries(cmd)) if (key !== 'create' && !GENERIC_FIELDS.has(key)) setField(options, key, value);
  ctx.store.ensureDatabase(ctx.dbName).create(name, options);
  return {};
};

const drop: CommandHandler = (cmd, ctx) => {
  const name = collectionName(cmd, 'drop');
  const dropped = ctx.store.database(ctx.dbName)?.drop(name);
  // Since MongoDB 7.0 dropping a missing collection succeeds quietly.
  return dropped ? { nIndexesWas: dropped.indexCount, ns: dropped.ns } : {};
};

const dropDatabase: CommandHandler = (_cmd, ctx) => {
  ctx.store.dropDatabase(ctx.dbName);
  return { dropped: ctx.dbName };
};

function collectionSize(collection: Collection): number {
  let bytes = 0;
  for (const doc of collection.all()) bytes += calculateObjectSize(doc);
  return bytes;
}

const listDatabases: CommandHandler = (cmd, ctx) => {
  const nameOnly = cmd.nameOnly === true;
  const filter = compileFilter(optionalDocument(cmd, 'filter'));
  const databases: BsonDocument[] = [];
  let totalSize = 0;
  for (const db of ctx.store.list()) {
    const sizeOnDisk = nameOnly ? 0 : db.list().reduce((sum, c) => sum + collectionSize(c), 0);
    const entry: BsonDocument = nameOnly ? { name: db.name } : { name: db.name, sizeOnDisk, empty: false };
    if (!filter(entry)) continue;
    databases.push(entry);
    totalSize += sizeOnDisk;
  }
  return nameOnly ? { databases } : { databases, totalSize, totalSizeMb: Math.floor(totalSize / (1024 * 1024)) };
};

const listCollections: CommandHandler = (cmd, ctx) => {
  const filter = compileFilter(optionalDocument(cmd, 'filter'));
  const nameOnly = cmd.nameOnly === true;
  const cursorOpts = optionalDocument(cmd, 'cursor');
  const entries: BsonDocument[] = [];
  for (const c of ctx.store.database(ctx.dbName)?.list() ?? []) {
    const full: BsonDocument = {
      name: c.name,
      type: 'collection',
      options: c.options,
      info: { readOnly: false, uuid: c.uuid },
      idIndex: idIndexSpec(),
    };
    if (!filter(full)) continue;
    entries.push(nameOnly ? { name: c.name, type: 'collection' } : full);
  }
  const batchSize = cursorOpts ? optionalCount(cursorOpts, 'batchSize') : undefined;
  return ctx.cursors.open(`${ctx.dbName}.$cmd.listCollections`, entries, batchSize);
};

const createIndexes: CommandHandler = (cmd, ctx) => {
  const name = collectionName(cmd, 'createIndexes');
  const specs = requiredArray(cmd, 'indexes');
  if (specs.length === 0) throw failedToParse('Must specify at least one index to create');
  const db = ctx.store.ensureDatabase(ctx.dbName);
  const { collection, created } = db.ensure(name);
  const numIndexesBefore = collection.indexCount;
  const built: string[] = [];
  try {
    for (const spec of specs) {
      if (collection.createIndex(spec) === 'created') built.push((spec as BsonDocument).name as string);
    }
  } catch (err) {
    // mongod builds all indexes of one command or none.
    for (const indexName of built) collection.dropIndex(indexName);
    if (created) db.drop(name);
    throw toCommandError(err);
  }
  const reply: BsonDocument = {
    numIndexesBefore,
    numIndexesAfter: collection.indexCount,
    createdCollectionAutomatically: created,
  };
  if (built.length === 0) reply.note = 'all indexes already exist';
  return reply;
};

const listIndexes: CommandHandler = (cmd, ctx) => {
  const name = collectionName(cmd, 'listIndexes');
  const collection = requireCollection(ctx, name);
  const cursorOpts = optionalDocument(cmd, 'cursor');
  const batchSize = cursorOpts ? optionalCount(cursorOpts, 'batchSize') : undefined;
  return ctx.cursors.open(`${ctx.dbName}.$cmd.listIndexes.${name}`, collection.listIndexes(), batchSize);
};

const dropIndexes: CommandHandler = (cmd, ctx) => {
  const commandName = 'dropIndexes' in cmd ? 'dropIndexes' : 'deleteIndexes';
  const name = collectionName(cmd, commandName);
  const collection = requireCollection(ctx, name);
  const nIndexesWas = collection.indexCount;
  const target = cmd.index;
  if (target === '*') {
    collection.dropAllIndexes();
    return { nIndexesWas, msg: 'non-_id indexes dropped for collection' };
  }
  const names = Array.isArray(target) ? target : [target];
  const resolved = names.map((n) => {
    const spec = collection.findIndex(n);
    if (!spec) {
      throw indexNotFound(
        typeof n === 'string' ? `index not found with name [${n}]` : `can't find index with key: ${JSON.stringify(n)}`,
      );
    }
    if (spec.name === ID_INDEX_NAME) throw invalidOptions('cannot drop _id index');
    return spec.name;
  });
  for (const indexName of resolved) collection.dropIndex(indexName);
  return { nIndexesWas };
};

const dbStats: CommandHandler = (_cmd, ctx) => {
  const collections = ctx.store.database(ctx.dbName)?.list() ?? [];
  const objects = collections.reduce((sum, c) => sum + c.size, 0);
  const dataSize = collections.reduce((sum, c) => sum + collectionSize(c), 0);
  return {
    db: ctx.dbName,
    collections: collections.length,
    views: 0,
    objects,
    avgObjSize: objects ? dataSize / objects : 0,
    dataSize,
    storageSize: dataSize,
    indexes: collections.reduce((sum, c) => sum + c.indexCount, 0),
    scaleFactor: 1,
  };
};

export const ddlCommands: Record<string, CommandHandler> = {
  create,
  drop,
  dropDatabase,
  listDatabases,
  listCollections,
  createIndexes,
  listIndexes,
  dropIndexes,
  deleteIndexes: dropIndexes,
  dbStats,
};
