import { Types } from 'mongoose';
import { badUserInput } from './errors';
import { decodeCursor, encodeCursor, type Connection } from './pagination';

export interface TimeKeyed {
  _id: Types.ObjectId;
  occurredAt: Date;
}

export const NEWEST_FIRST = { occurredAt: -1, _id: -1 } as const;

type Cursor = { t: number; id: string };

/**
 * Keyset paging over a log-like collection, newest first on (occurredAt, _id): stable while
 * new documents arrive, and each page is one indexed range query, however deep it is.
 */
export async function newestFirstPage<D extends TimeKeyed, N>(options: {
  filter: Record<string, unknown>;
  first: number;
  after: string | null | undefined;
  /** Runs the query sorted by NEWEST_FIRST with the given limit. */
  find: (query: Record<string, unknown>, limit: number) => Promise<D[]>;
  count: (filter: Record<string, unknown>) => Promise<number>;
  toNode: (doc: D) => N;
  what: string;
}): Promise<Connection<N>> {
  const { filter, first, after } = options;
  let query = filter;
  if (after !== undefined && after !== null) {
    const key = decodeCursor(after) as Partial<Cursor> | null;
    if (!key || typeof key.t !== 'number' || typeof key.id !== 'string' || !/^[0-9a-f]{24}$/i.test(key.id)) {
      throw badUserInput(`"after" is not ${options.what} cursor`, { argumentName: 'after' });
    }
    const at = new Date(key.t);
    const id = new Types.ObjectId(key.id);
    query = { $and: [filter, { $or: [{ occurredAt: { $lt: at } }, { occurredAt: at, _id: { $lt: id } }] }] };
  }
  const [docs, totalCount] = await Promise.all([options.find(query, first + 1), options.count(filter)]);
  const page = docs.slice(0, first);
  const edges = page.map((doc) => ({
    cursor: encodeCursor({ t: doc.occurredAt.getTime(), id: doc._id.toHexString() }),
    node: options.toNode(doc),
  }));
  return {
    nodes: edges.map((e) => e.node),
    edges,
    totalCount,
    pageInfo: {
      hasNextPage: docs.length > first,
      hasPreviousPage: after !== undefined && after !== null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}
