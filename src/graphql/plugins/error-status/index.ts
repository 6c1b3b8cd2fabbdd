import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import type { RequestContext } from '../../context';

const STATUS_BY_CODE: Record<string, number> = {
  BAD_USER_INPUT: 400,
  GRAPHQL_VALIDATION_FAILED: 400,
  GRAPHQL_PARSE_FAILED: 400,
  OPERATION_TOO_COMPLEX: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  // Automatic persisted queries: the client is meant to retry with the full query text.
  PERSISTED_QUERY_NOT_FOUND: 200,
  PERSISTED_QUERY_NOT_SUPPORTED: 200,
};

/**
 * Errors raised by libraries (type-graphql's argument validation and authorization) carry
 * a code but no HTTP status. When such an error left no data at all, the response status
 * follows the code, as CONTRACT §4/§5 require; partial results stay 200. A fault of the
 * server, or an error with no known code, is a 500: never a 200 without data (CONTRACT §1).
 */
export function errorStatusPlugin(): ApolloServerPlugin<RequestContext> {
  // One set of listeners for every request: they keep no per-request state.
  const listeners: GraphQLRequestListener<RequestContext> = {
    async willSendResponse({ response }) {
      if (response.body.kind !== 'single') return;
      const { errors, data } = response.body.singleResult;
      if (!errors?.length || (response.http.status ?? 200) !== 200) return;
      if (data && Object.values(data).some((v) => v !== null)) return;
      const internal = errors.some((e) => e.extensions?.code === 'INTERNAL_SERVER_ERROR');
      response.http.status = internal ? 500 : (STATUS_BY_CODE[String(errors[0].extensions?.code)] ?? 500);
    },
  };
  return { requestDidStart: async () => listeners };
}
