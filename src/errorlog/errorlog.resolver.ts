import { Types } from 'mongoose';
import { Arg, Ctx, ID, Int, Query, Resolver } from 'type-graphql';
import { ErrorLog, ErrorLogConnection } from './errorlog.type';
import { ErrorLogFilter } from './errorlog.filter.input';
import type { ErrorLogDoc } from './errorlog.model';
import { RootField } from '../security/root-field';
import { decodeCursor, encodeCursor, pageSize, type Connection } from '../common/pagination';
import { badUserInput } from '../common/errors';
import type { RequestContext } from '../graphql/context';

function toErrorLog(doc: ErrorLogDoc): ErrorLog {
  return { ...doc, id: doc._id.toHexString(), truncated: doc.truncated === true };
}

function mongoFilter(filter: ErrorLogFilter | undefined): Record<string, unknown> {
  const q: Record<string, unknown> = {};
  if (!filter) return q;
  if (filter.from || filter.to) {
    q.occurredAt = { ...(filter.from ? { $gte: filter.from } : {}), ...(filter.to ? { $lt: filter.to } : {}) };
  }
  if (filter.endpoint) q.endpoints = filter.endpoint;
  if (filter.errorCode) q.errorCodes = filter.errorCode;
  if (filter.httpStatus) q['response.status'] = filter.httpStatus;
  if (filter.operationName) q.operationName = filter.operationName;
  if (filter.apiKeyHint) q.apiKeyHint = filter.apiKeyHint;
  return q;
}

type Cursor = { t: number; id: string };

function decodeLogCursor(after: string): Cursor {
  const key = decodeCursor(after) as Partial<Cursor> | null;
  if (!key || typeof key.t !== 'number' || typeof key.id !== 'string' || !Types.ObjectId.isValid(key.id)) {
    throw badUserInput('"after" is not an error log cursor');
  }
  return key as Cursor;
}

@Resolver()
export class ErrorLogResolver {
  @Query(() => ErrorLogConnection, { description: 'Failed calls, newest first.' })
  @RootField({ adminOnly: true })
  async errorLogs(
    @Ctx() ctx: RequestContext,
    @Arg('filter', () => ErrorLogFilter, { nullable: true }) filter?: ErrorLogFilter,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ): Promise<Connection<ErrorLog>> {
    const size = pageSize(first);
    const base = mongoFilter(filter);
    let query = base;
    if (after) {
      const c = decodeLogCursor(after);
      const at = new Date(c.t);
      const id = new Types.ObjectId(c.id);
      // Keyset paging on (occurredAt, _id) descending: stable while new records arrive.
      query = { $and: [base, { $or: [{ occurredAt: { $lt: at } }, { occurredAt: at, _id: { $lt: id } }] }] };
    }
    const model = ctx.services.errorLog.model;
    const [docs, totalCount] = await Promise.all([
      model.find(query).sort({ occurredAt: -1, _id: -1 }).limit(size + 1).lean<ErrorLogDoc[]>(),
      model.countDocuments(base),
    ]);
    const nodes = docs.slice(0, size).map(toErrorLog);
    const edges = nodes.map((node) => ({ cursor: encodeCursor({ t: node.occurredAt.getTime(), id: node.id }), node }));
    return {
      nodes,
      edges,
      totalCount,
      pageInfo: {
        hasNextPage: docs.length > size,
        hasPreviousPage: after !== undefined && after !== null,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges[edges.length - 1]?.cursor ?? null,
      },
    };
  }

  @Query(() => ErrorLog, { nullable: true })
  @RootField({ adminOnly: true })
  async errorLog(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<ErrorLog | null> {
    if (!/^[0-9a-f]{24}$/i.test(id)) throw badUserInput(`"${id.slice(0, 64)}" is not an error log id`);
    const doc = await ctx.services.errorLog.model.findById(id).lean<ErrorLogDoc>();
    return doc ? toErrorLog(doc) : null;
  }
}
