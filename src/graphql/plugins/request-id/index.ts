import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import type { GraphQLError } from 'graphql';
import type { Logger } from 'pino';
import type { RequestContext } from '../../context';
import { internalErrorMessage } from '../../../call/response';

const INTERNAL = 'INTERNAL_SERVER_ERROR';

function isInternal(error: GraphQLError): boolean {
  const code = error.extensions?.code;
  return code === undefined || code === INTERNAL;
}

/**
 * Every error a client gets carries the request id (CONTRACT §1), so an integrator can quote
 * it and an admin finds the call in the error log and, for a fault of the server, the full
 * error in the server log under the same id. formatError has no access to the request, so
 * the id is added here, after formatting.
 */
export function requestIdPlugin(logger: Logger): ApolloServerPlugin<RequestContext> {
  // One set of listeners for every request: they keep no per-request state.
  const listeners: GraphQLRequestListener<RequestContext> = {
    async didEncounterErrors({ contextValue, errors }) {
      for (const error of errors) {
        if (!isInternal(error)) continue;
        logger.error(
          { requestId: contextValue.call.requestId, err: error.originalError ?? error, path: error.path },
          'unexpected error while executing an operation',
        );
      }
    },
    async willSendResponse({ contextValue, response }) {
      if (response.body.kind !== 'single') return;
      const errors = response.body.singleResult.errors;
      if (!errors?.length) return;
      const requestId = contextValue.call.requestId;
      response.body.singleResult.errors = errors.map((error) => ({
        ...error,
        message: error.extensions?.code === INTERNAL ? internalErrorMessage(requestId) : error.message,
        extensions: { ...error.extensions, requestId },
      }));
    },
  };
  return { requestDidStart: async () => listeners };
}
