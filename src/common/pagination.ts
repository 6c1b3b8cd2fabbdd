import { GraphQLError } from 'graphql';
import { Types } from 'mongoose';
import { ClassType, Field, Int, ObjectType } from 'type-graphql';
import { badUserInput } from './errors';

/**
 * Relay-style connections, built in one place: a source picks the window of rows (an
 * in-memory sorted list, or a keyset range query) and `buildPage` turns it into cursors,
 * edges, pageInfo and totalCount. Cursors are opaque to clients (base64url of a small JSON)
 * so the ordering key can change without breaking them; a cursor that does not decode is
 * the client's mistake and says so.
 */
function encodeCursor(key: unknown): string {
  return Buffer.from(JSON.stringify({ k: key })).toString('base64url');
}

function decodeCursor(cursor: string): unknown {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (parsed && typeof parsed === 'object' && 'k' in parsed) return (parsed as { k: unknown }).k;
  } catch {
    // fall through to the user-facing error
  }
  throw new GraphQLError(`"after" is not a cursor this API returned: "${cursor.slice(0, 64)}"`, {
    extensions: { code: 'BAD_USER_INPUT', argumentName: 'after' },
  });
}

/** The cursor's key, or undefined for the first page; `what` names the list in the refusal. */
function cursorKey<K>(after: string | null | undefined, isKey: (key: unknown) => key is K, what: string): K | undefined {
  if (after === undefined || after === null) return undefined;
  const key = decodeCursor(after);
  if (!isKey(key)) throw badUserInput(`"after" is not ${what} cursor`, { argumentName: 'after' });
  return key;
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 200;

function pageSize(first: number | null | undefined): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw new GraphQLError(`"first" must be between 0 and ${MAX_PAGE_SIZE}, got ${first}`, {
      extensions: { code: 'BAD_USER_INPUT', argumentName: 'first' },
    });
  }
  return first;
}

@ObjectType({ description: 'Where a page sits in the whole list, and the cursors to go on from it.', simpleResolvers: true })
export class PageInfo {
  @Field(() => Boolean, { description: 'More items follow this page: ask again with `after: endCursor`.' })
  hasNextPage!: boolean;

  @Field(() => Boolean, { description: 'This page was asked for with an `after` cursor.' })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true, description: 'The cursor of the first item of the page; null for an empty page.' })
  startCursor!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'The cursor of the last item of the page, for `after`; null for an empty page.',
  })
  endCursor!: string | null;
}

/** The `first` argument of every connection field: its default and maximum are part of its SDL. */
export const FIRST_ARG = {
  nullable: true,
  defaultValue: DEFAULT_PAGE_SIZE,
  description: `How many items to return: ${DEFAULT_PAGE_SIZE} when not given, at most ${MAX_PAGE_SIZE} (more is refused with BAD_USER_INPUT); 0 returns only totalCount.`,
} as const;

/** The `after` argument of every connection field. */
export const AFTER_ARG = {
  nullable: true,
  description:
    'Return the items after this cursor (an `endCursor` or edge `cursor` of an earlier page); not given = from the start.',
} as const;

export interface Edge<T> {
  cursor: string;
  node: T;
}

/**
 * What a resolver returns for an `XConnection` field. Not called Connection: mongoose
 * exports a Connection too, and both are imported side by side.
 */
export interface Page<T> {
  nodes: T[];
  edges: Edge<T>[];
  pageInfo: PageInfo;
  totalCount: number;
}

/** The `first` and `after` arguments of a connection field, as the client sent them. */
export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

/** Builds the `XConnection` and `XEdge` GraphQL object types for a node type. */
export function ConnectionType<T extends object>(nodeType: ClassType<T>, name: string, plural: string) {
  @ObjectType(`${name}Edge`, { description: `One of the ${plural} of a page, with its cursor.`, simpleResolvers: true })
  class EdgeClass {
    @Field(() => String, { description: 'Pass as `after` to continue after this item.' })
    cursor!: string;

    @Field(() => nodeType, { description: 'The item.' })
    node!: T;
  }

  @ObjectType(`${name}Connection`, {
    description: `A page of ${plural}: the items (as \`nodes\`, or as \`edges\` with cursors), where the page is, and how many there are in all.`,
    simpleResolvers: true,
  })
  class ConnectionClass {
    @Field(() => [nodeType], { description: 'The items of this page, in order.' })
    nodes!: T[];

    @Field(() => [EdgeClass], { description: 'The items of this page with their cursors, in the same order as `nodes`.' })
    edges!: EdgeClass[];

    @Field(() => PageInfo, { description: 'Whether more pages follow, and the cursors to get them.' })
    pageInfo!: PageInfo;

    @Field(() => Int, { description: 'How many items match in all pages together.' })
    totalCount!: number;
  }
  return ConnectionClass;
}

/**
 * The one page builder. `rows` are the rows after the cursor in order, at most `size + 1`:
 * a row beyond `size` only says that a next page exists.
 */
function buildPage<R, N>(
  rows: readonly R[],
  size: number,
  window: { totalCount: number; hasPreviousPage: boolean; keyOf: (row: R) => unknown; toNode: (row: R) => N },
): Page<N> {
  const shown = rows.length > size ? rows.slice(0, size) : rows;
  const nodes = shown.map(window.toNode);
  const cursorOf = (row: R | undefined) => (row === undefined ? null : encodeCursor(window.keyOf(row)));
  let edges: Edge<N>[] | undefined;
  return {
    nodes,
    // Cursors (JSON + base64url each) are encoded only when a client selects `edges`; most
    // select `nodes`, and pageInfo needs only the first and the last.
    get edges() {
      edges ??= shown.map((row, i) => ({ cursor: encodeCursor(window.keyOf(row)), node: nodes[i] }));
      return edges;
    },
    totalCount: window.totalCount,
    pageInfo: {
      hasNextPage: rows.length > size,
      hasPreviousPage: window.hasPreviousPage,
      startCursor: cursorOf(shown[0]),
      endCursor: cursorOf(shown[shown.length - 1]),
    },
  };
}

const same = <T>(item: T) => item;

/**
 * A page of an in-memory list already ordered by `keyOf`; `compare` orders keys the same
 * way as the list, and `isKey` tells a key of this list from any other decoded cursor.
 */
export function pageOfSorted<T, K>(
  items: readonly T[],
  args: PageArgs,
  order: { keyOf: (item: T) => K; compare: (a: K, b: K) => number; isKey: (key: unknown) => key is K; what: string },
): Page<T> {
  const size = pageSize(args.first);
  const after = cursorKey(args.after, order.isKey, order.what);
  let start = 0;
  if (after !== undefined) {
    // Binary search: the first item whose key sorts after the cursor key.
    let lo = 0;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (order.compare(order.keyOf(items[mid]), after) <= 0) lo = mid + 1;
      else hi = mid;
    }
    start = lo;
  }
  return buildPage(items.slice(start, start + size + 1), size, {
    totalCount: items.length,
    hasPreviousPage: start > 0,
    keyOf: order.keyOf,
    toNode: same,
  });
}

export interface TimeKeyed {
  _id: Types.ObjectId;
  occurredAt: Date;
}

export const NEWEST_FIRST = { occurredAt: -1, _id: -1 } as const;

type TimeKey = { t: number; id: string };

const isTimeKey = (key: unknown): key is TimeKey =>
  !!key &&
  typeof (key as Partial<TimeKey>).t === 'number' &&
  typeof (key as Partial<TimeKey>).id === 'string' &&
  /^[0-9a-f]{24}$/i.test((key as TimeKey).id);

/**
 * A page of a log-like collection, newest first on (occurredAt, _id), by keyset: stable
 * while new documents arrive, and each page is one indexed range query, however deep it is.
 */
export async function pageNewestFirst<D extends TimeKeyed, N>(
  args: PageArgs,
  source: {
    filter: Record<string, unknown>;
    /** Runs the query sorted by `sort` (NEWEST_FIRST) with the given limit. */
    find: (query: Record<string, unknown>, sort: typeof NEWEST_FIRST, limit: number) => Promise<D[]>;
    count: (filter: Record<string, unknown>) => Promise<number>;
    toNode: (doc: D) => N;
    what: string;
  },
): Promise<Page<N>> {
  const size = pageSize(args.first);
  const after = cursorKey(args.after, isTimeKey, source.what);
  const { filter } = source;
  let query = filter;
  if (after !== undefined) {
    const at = new Date(after.t);
    const id = new Types.ObjectId(after.id);
    query = { $and: [filter, { $or: [{ occurredAt: { $lt: at } }, { occurredAt: at, _id: { $lt: id } }] }] };
  }
  const [docs, totalCount] = await Promise.all([source.find(query, NEWEST_FIRST, size + 1), source.count(filter)]);
  return buildPage(docs, size, {
    totalCount,
    hasPreviousPage: after !== undefined,
    keyOf: (doc) => ({ t: doc.occurredAt.getTime(), id: doc._id.toHexString() }),
    toNode: source.toNode,
  });
}
