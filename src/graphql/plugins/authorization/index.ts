import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { authorize } from '../../../auth/authorize';
import { endpointsOf, operationAccess } from '../../operation-access';
import type { RequestContext } from '../../context';

/**
 * Endpoint rules apply once the operation is known and before any resolver runs:
 * `didResolveOperation` is the earliest hook with the parsed, validated operation.
 * Throwing here ends the request with the error's `extensions.http.status`.
 */
export function authorizationPlugin(): ApolloServerPlugin<RequestContext> {
  // One set of listeners for every request: they keep no per-request state.
  const listeners: GraphQLRequestListener<RequestContext> = {
    async didResolveOperation({ contextValue, document, operation, schema }) {
      // Apollo has already refused a document with no operation to run.
      if (!operation) return;
      const accesses = operationAccess(schema, document, operation);
      contextValue.call.endpoints = endpointsOf(accesses);
      contextValue.call.operationName = operation.name?.value;
      const error = authorize(contextValue.auth, accesses, contextValue.services.security);
      if (error) throw error;
      contextValue.call.authorized = true;
    },
  };
  return { requestDidStart: async () => listeners };
}
