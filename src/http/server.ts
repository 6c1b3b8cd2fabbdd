import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { ApolloServer } from '@apollo/server';
import type { Logger } from 'pino';
import type { Services } from '../app/services';
import type { RequestContext, CallInfo } from '../graphql/context';
import type { AuthState } from '../auth/auth-state';
import { handleGraphQL } from '../graphql/graphql-handler';
import { handleEntities } from '../entities/entities.rest';
import { BodyTooLargeError, ClientAbortedError, readBody } from './read-body';
import { CORS_HEADERS, graphqlErrorBody, restErrorBody, sendJson, type SentResponse } from './respond';
import { requestIdOf } from './request-id';
import type { RawRequest } from './raw-request';
import { ApiEndpoint } from '../security/api-endpoint';

export interface HttpServerOptions {
  apollo: ApolloServer<RequestContext>;
  services: Services;
  logger: Logger;
  bodyLimitBytes: number;
  /** Resolves true when the database answers in time. */
  isReady: () => Promise<boolean>;
  /** Called after every API call (GraphQL and Entities paths) with what was sent. */
  onCallDone?: (call: CallInfo, sent: SentResponse, auth: AuthState | undefined) => void;
}

function splitUrl(url: string): { path: string; search: string } {
  const q = url.indexOf('?');
  return q === -1 ? { path: url, search: '' } : { path: url.slice(0, q), search: url.slice(q + 1) };
}

/** One error envelope per path family: GraphQL's `errors` on /graphql, `{error}` elsewhere. */
function errorBody(path: string, status: number, code: string, message: string, requestId: string): object {
  return path === '/graphql' || path === '/graphql/'
    ? graphqlErrorBody(message, code, requestId)
    : restErrorBody(status, code, message, requestId);
}

/**
 * Plain node:http: the raw body bytes are needed for signatures, and five routes do not
 * justify a framework.
 */
export function createHttpServer(options: HttpServerOptions): Server {
  const { apollo, services, logger, bodyLimitBytes, isReady, onCallDone } = options;

  async function api(req: IncomingMessage, res: ServerResponse, path: string, search: string, requestId: string) {
    const url = req.url ?? '/';
    const partial: RawRequest = {
      method: (req.method ?? 'GET').toUpperCase(),
      url,
      path,
      search,
      headers: req.headers,
      body: Buffer.alloc(0),
      socketAddress: req.socket.remoteAddress,
    };
    const call: CallInfo = {
      raw: partial,
      requestId,
      endpoints: path.startsWith('/entities') ? [ApiEndpoint.ENTITIES] : [],
    };
    let sent: SentResponse;
    let auth: AuthState | undefined;
    try {
      partial.body = await readBody(req, bodyLimitBytes);
    } catch (err) {
      if (err instanceof BodyTooLargeError) {
        const body = errorBody(path, 413, 'PAYLOAD_TOO_LARGE', err.message, requestId);
        sent = sendJson(res, 413, body, { ...CORS_HEADERS, connection: 'close' });
        onCallDone?.(call, sent, undefined);
        return;
      }
      throw err;
    }
    try {
      if (path === '/graphql') ({ auth, ...sent } = await handleGraphQL(apollo, services, partial, call, res));
      else ({ auth, ...sent } = handleEntities(services, partial, call, res));
    } catch (err) {
      // A fault of the server itself: 500 with the request id, which the log line and the
      // error record both carry, so an integrator can quote it to an admin.
      logger.error({ err, requestId, path }, 'request failed');
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const message = `Internal server error (request id ${requestId})`;
      sent = sendJson(res, 500, errorBody(path, 500, 'INTERNAL_SERVER_ERROR', message, requestId), CORS_HEADERS);
    }
    onCallDone?.(call, sent, auth);
  }

  async function route(req: IncomingMessage, res: ServerResponse, path: string, search: string, requestId: string) {
    if (req.method === 'OPTIONS') {
      res.writeHead(204, CORS_HEADERS).end();
      return;
    }
    if (path === '/healthz') {
      sendJson(res, 200, { status: 'ok' });
      return;
    }
    if (path === '/readyz') {
      const ready = await isReady();
      sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'database unavailable' });
      return;
    }
    if (path === '/graphql' || path === '/graphql/' || path.startsWith('/entities/')) {
      await api(req, res, path === '/graphql/' ? '/graphql' : path, search, requestId);
      return;
    }
    sendJson(res, 404, restErrorBody(404, 'NOT_FOUND', `No such path: ${path}`, requestId));
  }

  return createServer((req, res) => {
    const requestId = requestIdOf(req.headers['x-request-id']);
    res.setHeader('x-request-id', requestId);
    const { path, search } = splitUrl(req.url ?? '/');
    route(req, res, path, search, requestId).catch((err: Error) => {
      if (err instanceof ClientAbortedError) {
        // Clients abort all the time (timeouts, closed tabs); one quiet line, no stack, so a
        // client cannot flood the log by aborting uploads.
        logger.debug({ requestId, path }, err.message);
        res.destroy();
        return;
      }
      logger.error({ err, requestId, path }, 'request failed');
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const message = `Internal server error (request id ${requestId})`;
      sendJson(res, 500, errorBody(path, 500, 'INTERNAL_SERVER_ERROR', message, requestId), CORS_HEADERS);
    });
  });
}
