import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { ApolloServer } from '@apollo/server';
import type { Logger } from 'pino';
import type { Services } from '../graphql/context';
import type { RequestContext } from '../graphql/context';
import { handleGraphQL } from '../graphql/graphql-handler';
import { handleEntities } from '../entities/entities.rest';
import { newCall, type Call, type CallResponse } from '../call/call';
import { ApiEndpoint } from '../security/api-endpoint';
import { BodyTooLargeError, ClientAbortedError, readBody } from './read-body';
import { graphqlErrorBody, internalErrorMessage, jsonResponse, restErrorBody } from '../call/response';
import { CORS_HEADERS, writeResponse } from './respond';
import { requestIdOf } from './request-id';
import type { RateLimiter } from '../rate-limit/rate-limiter';
import { logRequest, onRequestFinished, type FinishedRequest, type RequestLogEntry } from './request-log';
import { answerMetrics, type MetricsRouteOptions } from './metrics-route';
import { serveStaticPage } from './static-pages';

export interface HttpServerOptions {
  apollo: ApolloServer<RequestContext>;
  services: Services;
  logger: Logger;
  bodyLimitBytes: number;
  /** Resolves true when the database answers in time. */
  isReady: () => Promise<boolean>;
  /** Receives every finished API call (GraphQL and Entities paths), response included. */
  onCallDone?: (call: Call) => void;
  /** Per-key and per-address limits; absent: none. */
  rateLimiter?: RateLimiter;
  /** Every finished request (the metrics count them). */
  onRequestFinished?: (finished: FinishedRequest) => void;
  /** GET /metrics; unset (METRICS_ENABLED=false) = 404 like any unknown path. */
  metrics?: MetricsRouteOptions;
}

function splitUrl(url: string): { path: string; search: string } {
  const q = url.indexOf('?');
  return q === -1 ? { path: url, search: '' } : { path: url.slice(0, q), search: url.slice(q + 1) };
}

const isGraphQLPath = (path: string) => path === '/graphql' || path === '/graphql/';

/** One error envelope per path family: GraphQL's `errors` on /graphql, `{error}` elsewhere. */
function errorResponse(path: string, status: number, code: string, message: string, requestId: string): CallResponse {
  return isGraphQLPath(path)
    ? jsonResponse(status, graphqlErrorBody(message, code, requestId))
    : jsonResponse(status, restErrorBody(status, code, message, requestId));
}

/**
 * The request path, top to bottom: request id → route → read the body (413) → authenticate
 * → rate limits (429) → the GraphQL or Entities handler answers → rate-limit headers → this
 * layer writes the answer → the finished call goes to the error log. Plain node:http: the raw body bytes are needed for
 * signatures, and five routes do not justify a framework.
 */
export function createHttpServer(options: HttpServerOptions): Server {
  const { apollo, services, logger, bodyLimitBytes, isReady, onCallDone, rateLimiter, metrics } = options;

  async function answerApiCall(req: IncomingMessage, call: Call): Promise<CallResponse> {
    const path = call.request.path;
    try {
      call.request.body = await readBody(req, bodyLimitBytes);
    } catch (err) {
      if (!(err instanceof BodyTooLargeError)) throw err;
      const tooLarge = errorResponse(path, 413, 'PAYLOAD_TOO_LARGE', err.message, call.requestId);
      tooLarge.headers.connection = 'close';
      return tooLarge;
    }
    call.auth = services.authenticator.authenticate(call.request);
    // Rate limits: a call over its key's (or its address's) limit is answered 429 here and
    // does nothing else.
    const refused = rateLimiter?.admit(call);
    if (refused) return refused;
    try {
      return path === '/graphql' ? await handleGraphQL(apollo, services, call) : handleEntities(services, call);
    } catch (err) {
      // A fault of the server itself: 500 with the request id, which the log line and the
      // error record both carry, so an integrator can quote it to an admin.
      logger.error({ err, requestId: call.requestId, path }, 'request failed');
      return errorResponse(path, 500, 'INTERNAL_SERVER_ERROR', internalErrorMessage(call.requestId), call.requestId);
    }
  }

  async function api(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    search: string,
    requestId: string,
    log: RequestLogEntry,
  ) {
    const call = newCall(requestId, {
      method: (req.method ?? 'GET').toUpperCase(),
      url: req.url ?? '/',
      path,
      search,
      headers: req.headers,
      body: Buffer.alloc(0),
      socketAddress: req.socket.remoteAddress,
    });
    if (path.startsWith('/entities')) call.endpoints = [ApiEndpoint.ENTITIES];
    log.call = call;
    call.response = await answerApiCall(req, call);
    rateLimiter?.finish(call);
    // Browsers call /graphql from other origins (Sandbox's iframe); the Entities API is for servers.
    if (path === '/graphql') call.response.headers = { ...CORS_HEADERS, ...call.response.headers };
    writeResponse(res, call.response);
    onCallDone?.(call);
  }

  async function route(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    search: string,
    requestId: string,
    log: RequestLogEntry,
  ) {
    if (req.method === 'OPTIONS') {
      res.writeHead(204, CORS_HEADERS).end();
      return;
    }
    if (path === '/healthz') {
      writeResponse(res, jsonResponse(200, { status: 'ok' }));
      return;
    }
    if (path === '/readyz') {
      const ready = await isReady();
      writeResponse(res, jsonResponse(ready ? 200 : 503, { status: ready ? 'ready' : 'database unavailable' }));
      return;
    }
    if (serveStaticPage(req, res, path)) return;
    if (path === '/metrics' && metrics) {
      const request = {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        path,
        search,
        headers: req.headers,
        body: Buffer.alloc(0),
        socketAddress: req.socket.remoteAddress,
      };
      writeResponse(res, await answerMetrics(req, request, requestId, metrics));
      return;
    }
    if (isGraphQLPath(path) || path.startsWith('/entities/')) {
      await api(req, res, isGraphQLPath(path) ? '/graphql' : path, search, requestId, log);
      return;
    }
    writeResponse(res, jsonResponse(404, restErrorBody(404, 'NOT_FOUND', `No such path: ${path}`, requestId)));
  }

  return createServer((req, res) => {
    const requestId = requestIdOf(req.headers['x-request-id']);
    res.setHeader('x-request-id', requestId);
    const { path, search } = splitUrl(req.url ?? '/');
    // The request's log line: written once the response is sent (or the client has gone).
    const log = onRequestFinished(req, res, path, requestId, (finished) => {
      logRequest(logger, finished);
      options.onRequestFinished?.(finished);
    });
    route(req, res, path, search, requestId, log).catch((err: Error) => {
      if (err instanceof ClientAbortedError) {
        // Clients abort all the time (timeouts, closed tabs); one quiet line, no stack, so a
        // client cannot flood the log by aborting uploads.
        logger.debug({ requestId, path }, err.message);
        res.destroy();
        return;
      }
      logger.error({ err, requestId, path }, 'request failed');
      if (res.headersSent) res.destroy();
      else writeResponse(res, errorResponse(path, 500, 'INTERNAL_SERVER_ERROR', internalErrorMessage(requestId), requestId));
    });
  });
}
