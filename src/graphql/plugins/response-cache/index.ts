import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import type { DocumentNode, GraphQLSchema, OperationDefinitionNode } from 'graphql';
import type { Call } from '../../../call/call';
import { RESPONSE_CACHE_EXTENSION } from '../../../common/response-cache-hint';
import { endpointsOf, operationAccess, rootFieldNames } from '../../operation-access';
import type { CacheableOperation } from '../../response-cache';
import type { RequestContext } from '../../context';

/** Per parsed document (Apollo keeps one per query text) and operation name: may it be cached? */
const verdicts = new WeakMap<DocumentNode, Map<string, boolean>>();

/**
 * A query whose every root field declares `@CachedUntilRevision('entities')`. Introspection
 * fields are not declared, so Sandbox's schema fetches are never cached; `__typename` alone
 * changes nothing.
 */
function cacheable(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): boolean {
  const key = operation.name?.value ?? '';
  let perDocument = verdicts.get(document);
  const known = perDocument?.get(key);
  if (known !== undefined) return known;
  let verdict = operation.operation === 'query';
  const fields = schema.getQueryType()?.getFields() ?? {};
  let any = false;
  for (const name of rootFieldNames(document, operation)) {
    if (name === '__typename') continue;
    any = true;
    if (fields[name]?.extensions?.[RESPONSE_CACHE_EXTENSION] !== 'entities') verdict = false;
  }
  verdict &&= any;
  if (!perDocument) {
    perDocument = new Map();
    verdicts.set(document, perDocument);
  }
  perDocument.set(key, verdict);
  return verdict;
}

/** What the plugin learnt of a call, for the GraphQL handler to keep the response by. */
const decided = new WeakMap<Call, CacheableOperation>();

export function cacheableOperationOf(call: Call): CacheableOperation | undefined {
  return decided.get(call);
}

/**
 * Tells the GraphQL handler which calls may be kept in the response cache: the decision needs
 * the parsed operation, which only exists inside Apollo's pipeline, while the cache itself
 * sits in the handler, in front of the pipeline (see graphql/response-cache.ts).
 */
export function responseCachePlugin(): ApolloServerPlugin<RequestContext> {
  const listeners: GraphQLRequestListener<RequestContext> = {
    async didResolveOperation({ contextValue, document, operation, schema }) {
      if (!operation || !cacheable(schema, document, operation)) return;
      const accesses = operationAccess(schema, document, operation);
      decided.set(contextValue.call, { accesses, endpoints: endpointsOf(accesses), operationName: operation.name?.value });
    },
  };
  return { requestDidStart: async () => listeners };
}
