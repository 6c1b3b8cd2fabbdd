import { GraphQLError } from 'graphql';
import { ClassType, Field, Int, ObjectType } from 'type-graphql';

/**
 * Relay-style connections. Cursors are opaque to clients (base64url of a small JSON) so the
 * ordering key can change without breaking them; a cursor that does not decode is the
 * client's mistake and says so.
 */
export function encodeCursor(key: unknown): string {
  return Buffer.from(JSON.stringify({ k: key })).toString('base64url');
}

export function decodeCursor(cursor: string): unknown {
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

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 200;

export function pageSize(first: number | null | undefined): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw new GraphQLError(`"first" must be between 0 and ${MAX_PAGE_SIZE}, got ${first}`, {
      extensions: { code: 'BAD_USER_INPUT', argumentName: 'first' },
    });
  }
  return first;
}

@ObjectType({ simpleResolvers: true })
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => Boolean)
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true })
  startCursor!: string | null;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface Connection<T> {
  nodes: T[];
  edges: Edge<T>[];
  pageInfo: PageInfo;
  totalCount: number;
}

/** Builds the `XConnection` and `XEdge` object types for a node type. */
export function ConnectionType<T extends object>(nodeType: ClassType<T>, name: string) {
  @ObjectType(`${name}Edge`, { simpleResolvers: true })
  class EdgeClass {
    @Field(() => String)
    cursor!: string;

    @Field(() => nodeType)
    node!: T;
  }

  @ObjectType(`${name}Connection`, { simpleResolvers: true })
  class ConnectionClass {
    @Field(() => [nodeType])
    nodes!: T[];

    @Field(() => [EdgeClass])
    edges!: EdgeClass[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    @Field(() => Int)
    totalCount!: number;
  }
  return ConnectionClass;
}

/**
 * Slices an already ordered list after the cursor key. `keyOf` gives each item's ordering
 * key; `compare` orders keys the same way as the list.
 */
export function paginate<T, K>(
  items: readonly T[],
  options: {
    first: number;
    after: K | undefined;
    keyOf: (item: T) => K;
    compare: (a: K, b: K) => number;
  },
): Connection<T> {
  let start = 0;
  if (options.after !== undefined) {
    // Binary search: the first item whose key sorts after the cursor key.
    let lo = 0;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (options.compare(options.keyOf(items[mid]), options.after) <= 0) lo = mid + 1;
      else hi = mid;
    }
    start = lo;
  }
  const slice = items.slice(start, start + options.first);
  const edges = slice.map((node) => ({ cursor: encodeCursor(options.keyOf(node)), node }));
  return {
    nodes: slice,
    edges,
    totalCount: items.length,
    pageInfo: {
      hasNextPage: start + slice.length < items.length,
      hasPreviousPage: start > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}
