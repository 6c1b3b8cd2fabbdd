import { Arg, Ctx, ID, Int, Query, Resolver } from 'type-graphql';
import { ErrorLog, ErrorLogConnection } from './errorlog.type';
import { ErrorLogFilter } from './errorlog.filter.input';
import type { ErrorLogDoc } from './errorlog.model';
import { MANAGEMENT_OPERATION, RootField } from '../auth/root-field';
import { AFTER_ARG, FIRST_ARG, pageNewestFirst, type Page } from '../common/pagination';
import { badUserInput } from '../common/errors';
import { API_ENDPOINTS, type ApiEndpoint } from '../security/api-endpoint';
import type { ResolverContext } from '../call/context';
import type { ErrorLogService } from './errorlog.service';

/** The services these resolvers use. */
type Context = ResolverContext<{ errorLog: ErrorLogService }>;

const KNOWN_ENDPOINTS: ReadonlySet<string> = new Set(API_ENDPOINTS);
const isApiEndpoint = (name: string): name is ApiEndpoint => KNOWN_ENDPOINTS.has(name);

function toErrorLog(doc: ErrorLogDoc): ErrorLog {
  return {
    ...doc,
    id: doc._id.toHexString(),
    requestId: doc.requestId ?? null,
    truncated: doc.truncated === true,
    occurrences: doc.occurrences ?? 1,
    // Records outlive code: an endpoint renamed or removed since must not make the record unreadable.
    endpoints: doc.endpoints.filter(isApiEndpoint),
  };
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
  if (filter.requestId) q.requestId = filter.requestId;
  // Ordinary records have no count stored: they are one occurrence each.
  if (filter.minOccurrences && filter.minOccurrences > 1) q.occurrences = { $gte: filter.minOccurrences };
  return q;
}

@Resolver()
export class ErrorLogResolver {
  @Query(() => ErrorLogConnection, { description: 'Failed calls, newest first.' })
  @RootField(MANAGEMENT_OPERATION)
  async errorLogs(
    @Ctx() ctx: Context,
    @Arg('filter', () => ErrorLogFilter, { nullable: true, description: 'Only records matching every given condition.' })
    filter?: ErrorLogFilter,
    @Arg('first', () => Int, FIRST_ARG) first?: number,
    @Arg('after', () => String, AFTER_ARG) after?: string,
  ): Promise<Page<ErrorLog>> {
    const model = ctx.services.errorLog.model;
    return pageNewestFirst(
      { first, after },
      {
        filter: mongoFilter(filter),
        find: (query, sort, limit) => model.find(query).sort(sort).limit(limit).lean<ErrorLogDoc[]>(),
        count: (query) => model.countDocuments(query),
        toNode: toErrorLog,
        what: 'an error log',
      },
    );
  }

  @Query(() => ErrorLog, {
    nullable: true,
    description: 'One failed call by its id; null when there is no such record (or it expired).',
  })
  @RootField(MANAGEMENT_OPERATION)
  async errorLog(
    @Arg('id', () => ID, { description: 'The `id` of an ErrorLog record.' }) id: string,
    @Ctx() ctx: Context,
  ): Promise<ErrorLog | null> {
    if (!/^[0-9a-f]{24}$/i.test(id)) throw badUserInput(`"${id.slice(0, 64)}" is not an error log id`);
    const doc = await ctx.services.errorLog.model.findById(id).lean<ErrorLogDoc>();
    return doc ? toErrorLog(doc) : null;
  }
}
