import { failedToParse } from '../errors';
import { projectDocuments, sortDocuments } from '../query';
import { applyUpdate, buildUpsertDocument, parseUpdate } from '../update';
import { valuesEqual, type BsonDocument } from '../values';
import { collectionName, optionalArray, optionalDocument, queryEnv } from './args';
import type { CommandHandler } from './context';

/**
 * findAndModify: one document, chosen by query + sort, updated or removed atomically, with
 * the before or after image returned. Errors (duplicate key, bad modifier) are command
 * errors here, not writeErrors, exactly as mongod reports them.
 */
const findAndModify: CommandHandler = (cmd, ctx) => {
  const commandName = 'findAndModify' in cmd ? 'findAndModify' : 'findandmodify';
  const name = collectionName(cmd, commandName);
  const query = optionalDocument(cmd, 'query') ?? {};
  const sort = optionalDocument(cmd, 'sort');
  const fields = optionalDocument(cmd, 'fields');
  const remove = cmd.remove === true;
  const upsert = cmd.upsert === true;
  const returnNew = cmd.new === true;
  if (remove && cmd.update !== undefined) throw failedToParse('Cannot specify both an update and remove=true');
  if (remove && upsert) throw failedToParse('Cannot specify both upsert=true and remove=true');
  if (remove && returnNew)
    throw failedToParse("Cannot specify both new=true and remove=true; 'remove' always returns the deleted document");
  if (!remove && cmd.update === undefined) throw failedToParse('Either an update or remove=true must be specified');

  const env = queryEnv(ctx, cmd);
  const project = (doc: BsonDocument | null): BsonDocument | null =>
    doc === null ? null : projectDocuments([doc], fields, query, env)[0];
  const collection = ctx.collections.get(name);
  const hasSort = sort !== undefined && Object.keys(sort).length > 0;
  const matches = collection ? collection.find(query, env, hasSort ? undefined : 1) : [];
  const target = sortDocuments(matches, sort)[0];

  if (remove) {
    if (!target || !collection) return { lastErrorObject: { n: 0 }, value: null };
    collection.remove(target);
    return { lastErrorObject: { n: 1 }, value: project(target) };
  }

  const parsed = parseUpdate(cmd.update);
  const arrayFilters = optionalArray(cmd, 'arrayFilters') as BsonDocument[] | undefined;
  const applyCtx = { filter: query, arrayFilters, env };
  if (target && collection) {
    const next = applyUpdate(target, parsed, applyCtx);
    if (!valuesEqual(target, next)) collection.replace(target, next);
    return { lastErrorObject: { n: 1, updatedExisting: true }, value: project(returnNew ? next : target) };
  }
  if (!upsert) return { lastErrorObject: { n: 0, updatedExisting: false }, value: null };
  const doc = buildUpsertDocument(query, parsed, applyCtx);
  ctx.collections.ensure(name).insert(doc);
  return {
    lastErrorObject: { n: 1, updatedExisting: false, upserted: doc._id },
    value: returnNew ? project(doc) : null,
  };
};

export const findAndModifyCommands: Record<string, CommandHandler> = {
  findAndModify,
  findandmodify: findAndModify,
};
