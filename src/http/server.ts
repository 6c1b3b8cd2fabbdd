import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { ApolloServer } from '@apollo/server';
import type { Logger } from 'pino';
import type { Services } from '../app/services';
import type { RequestContext, CallInfo } from '../graphql/context';
import type { AuthState } from '../auth/auth-state';
import { handleGraphQL } from '../graphql/graphql-handler';
import { handleEntities } from '../entities/entities.rest';
import { BodyTooLargeError, readBody } from './read-body';
import { CORS_HEADERS, graphqlErrorBody, sendJson, type SentResponse } from './respond';
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

/**
 * Plain node:http: the raw body bytes are needed for signatures, and five routes do not
 * justify a framework.
 */
export function createHttpServer(options: HttpServerOptions): Server {
  const { apollo, services, logger, bodyLimitBytes, isReady, onCallDone } = options;

  async function api(req: IncomingMessage, res: ServerResponse, path: string, search: string) {
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
    const call: CallInfo = { raw: partial, endpoints: path.startsWith('/entities') ? [ApiEndpoint.ENTITIES] : [] };
    let sent: SentResponse;
    let auth: AuthState | undefined;
    try {
      partial.body = await readBody(req, bodyLimitBytes);
    } catch (err) {
      if (err instanceof BodyTooLargeError) {
        sent = sendJson(res, 413, graphqlErrorBody(err.message, 'PAYLOAD_TOO_LARGE'), { ...CORS_HEADERS, connection: 'close' });
        onCallDone?.(call, sent, undefined);
        return;
      }
      throw err;
    }
    if (path === '/graphql') ({ auth, ...sent } = await handleGraphQL(apollo, services, partial, call, res));
    else ({ auth, ...sent } = handleEntities(services, partial, call, res));
    onCallDone?.(call, sent, auth);
  }

  async function route(req: IncomingMessage, res: ServerResponse) {
    const { path, search } = splitUrl(req.url ?? '/');
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
      await api(req, res, path === '/graphql/' ? '/graphql' : path, search);
      return;
    }
    sendJson(res, 404, { error: { status: 404, code: 'NOT_FOUND', message: `No such path: ${path}` } });
  }

  return createServer((req, res) => {
    route(req, res).catch((err: Error) => {
      logger.error({ err, path: splitUrl(req.url ?? '/').path }, 'request failed');
      if (!res.headersSent) sendJson(res, 500, graphqlErrorBody('Internal server error', 'INTERNAL_SERVER_ERROR'));
      else res.destroy();
    });
  });
}
