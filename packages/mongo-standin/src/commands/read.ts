import { Long } from 'bson';
import { badValue, failedToParse, typeMismatch } from '../errors';
import { collectPathValues } from '../paths';
import { projectDocuments, sortDocuments } from '../query';
import { canonicalKey } from '../values';
import { collectionName, nonNegative, optionalArray, optionalCount, optionalDocument, queryEnv } from './args';
import type { CommandHandler } from './context';

const find: CommandHandler = (cmd, ctx) => {
  const name = collectionName(cmd, 'find');
  const ns = `${ctx.dbName}.${name}`;
  if (cmd.tailable === true) {
    throw badValue(`error processing query: ns=${ns} :: caused by :: tailable cursor requested on non capped collection`);
  }
  const filter = optionalDocument(cmd, 'filter') ?? {};
  const sort = optionalDocument(cmd, 'sort');
  const projection = optionalDocument(cmd, 'projection');
  const skip = nonNegative('skip', optionalCount(cmd, 'skip')) ?? 0;
  let limit = optionalCount(cmd, 'limit') ?? 0;
  let singleBatch = cmd.singleBatch === true;
  // A negative limit is the legacy spelling of "one batch of at most |limit| documents".
  if (limit < 0) {
    limit = -limit;
    singleBatch = true;
  }
  const batchSize = nonNegative('batchSize', optionalCount(cmd, 'batchSize'));
  const env = queryEnv(ctx, cmd);

  const collection = ctx.collections.get(name);
  if (!collection) return ctx.cursors.open(ns, [], batchSize, true);
  const hasSort = sort !== undefined && Object.keys(sort).length > 0;
  // Without a sort the scan can stop as soon as skip + limit documents have matched.
  const scanLimit = !hasSort && limit > 0 ? skip + limit : Number.POSITIVE_INFINITY;
  let docs = sortDocuments(collection.find(filter, env, scanLimit), sort);
  docs = docs.slice(skip, limit > 0 ? skip + limit : undefined);
  docs = projectDocuments(docs, projection, filter, env);
  const firstBatchSize = singleBatch && limit > 0 ? Math.min(limit, batchSize ?? limit) : batchSize;
  return ctx.cursors.open(ns, docs, firstBatchSize, singleBatch);
};

const getMore: CommandHandler = (cmd, ctx) => {
  const id = cmd.getMore instanceof Long ? cmd.getMore.toNumber() : cmd.getMore;
  if (typeof id !== 'number') throw typeMismatch("BSON field 'getMore.getMore' is the wrong type, expected type 'long'");
  const collection = cmd.collection;
  if (typeof collection !== 'string') throw failedToParse("BSON field 'getMore.collection' is missing but a required field");
  const batchSize = optionalCount(cmd, 'batchSize');
  return ctx.cursors.getMore(id, `${ctx.dbName}.${collection}`, batchSize && batchSize > 0 ? batchSize : undefined);
};

const killCursors: CommandHandler = (cmd, ctx) => {
  collectionName(cmd, 'killCursors');
  const ids = (optionalArray(cmd, 'cursors') ?? []).map((v) => (v instanceof Long ? v.toNumber() : Number(v)));
  const { killed, notFound } = ctx.cursors.kill(ids);
  const asLongs = (xs: number[]): Long[] => xs.map((x) => Long.fromNumber(x));
  return { cursorsKilled: asLongs(killed), cursorsNotFound: asLongs(notFound), cursorsAlive: [], cursorsUnknown: [] };
};

const count: CommandHandler = (cmd, ctx) => {
  const name = collectionName(cmd, 'count');
  const query = optionalDocument(cmd, 'query') ?? {};
  const skip = nonNegative('skip', optionalCount(cmd, 'skip')) ?? 0;
  const limit = Math.abs(optionalCount(cmd, 'limit') ?? 0);
  const collection = ctx.collections.get(name);
  if (!collection) return { n: 0 };
  const total =
    Object.keys(query).length === 0
      ? collection.size
      : collection.find(query, queryEnv(ctx, cmd), limit > 0 ? skip + limit : undefined).length;
  const n = Math.max(0, total - skip);
  return { n: limit > 0 ? Math.min(n, limit) : n };
};

const distinct: CommandHandler = (cmd, ctx) => {
  const name = collectionName(cmd, 'distinct');
  const key = cmd.key;
  if (typeof key !== 'string') throw failedToParse("BSON field 'distinct.key' is missing but a required field");
  const query = optionalDocument(cmd, 'query') ?? {};
  const collection = ctx.collections.get(name);
  const values: unknown[] = [];
  const seen = new Set<string>();
  for (const doc of collection?.find(query, queryEnv(ctx, cmd)) ?? []) {
    for (const value of collectPathValues(doc, key)) {
      // Arrays are unwound one level, like MongoDB does for distinct.
      if (value === undefined) continue;
      const k = canonicalKey(value);
      if (!seen.has(k)) {
        seen.add(k);
        values.push(value);
      }
    }
  }
  return { values };
};

export const readCommands: Record<string, CommandHandler> = { find, getMore, killCursors, count, distinct };
