import { timingSafeEqual, createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { CallResponse } from '../call/call';
import type { RawRequest } from '../common/raw-request';
import type { Metrics, ObservedRequest } from '../metrics/metrics';
import type { Authenticator } from '../auth/authenticate';
import type { SecurityStore } from '../security/security.store';
import { authorize } from '../auth/authorize';
import { MANAGEMENT_OPERATION } from '../auth/root-field';
import { jsonResponse, restErrorBody } from '../call/response';
import type { FinishedRequest } from './request-log';

export interface MetricsRouteOptions {
  metrics: Metrics;
  /** METRICS_TOKEN: a scraper sends `Authorization: Bearer <token>`. */
  token: string | undefined;
  authenticator: Authenticator;
  security: SecurityStore;
}

/** Compared as digests: equal lengths for timingSafeEqual, and no early exit on the first differing byte. */
function sameToken(sent: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(sent), digest(expected));
}

/**
 * `GET /metrics`: the Prometheus text format, for the METRICS_TOKEN bearer or an ADMIN key
 * (through the same authentication, IP filter and signature rules as a MANAGEMENT
 * operation). Traffic by endpoint is operational detail an outsider has no business reading.
 */
export async function answerMetrics(
  req: IncomingMessage,
  request: RawRequest,
  requestId: string,
  options: MetricsRouteOptions,
): Promise<CallResponse> {
  const refuse = (status: number, code: string, message: string) =>
    jsonResponse(status, restErrorBody(status, code, message, requestId), status === 401 ? { 'www-authenticate': 'Bearer' } : {});
  if (req.method !== 'GET') return refuse(405, 'METHOD_NOT_ALLOWED', 'Only GET is supported');
  const bearer = /^Bearer (\S+)$/i.exec(String(req.headers.authorization ?? ''))?.[1];
  if (!(options.token !== undefined && bearer !== undefined && sameToken(bearer, options.token))) {
    const auth = options.authenticator.authenticate(request);
    const refusal = authorize(auth, [MANAGEMENT_OPERATION], options.security);
    if (refusal) {
      const status = (refusal.extensions.http as { status: number }).status;
      const hint = ' /metrics needs Authorization: Bearer <METRICS_TOKEN> or an ADMIN key.';
      return refuse(status, String(refusal.extensions.code), refusal.message + '.' + hint);
    }
  }
  const { contentType, body } = await options.metrics.render();
  return { status: 200, headers: { 'content-type': contentType, 'cache-control': 'no-store' }, body };
}

/** The bounded labels of a finished request. */
export function observed(finished: FinishedRequest): ObservedRequest {
  const { path } = finished;
  const route =
    path === '/graphql' || path === '/graphql/'
      ? 'graphql'
      : path.startsWith('/entities/')
        ? 'entities'
        : ['/healthz', '/readyz', '/metrics', '/admin', '/graphiql'].includes(path)
          ? path.slice(1)
          : 'other';
  const endpoint = finished.call ? [...finished.call.endpoints].sort().join(',') : '';
  return { route, endpoint, status: finished.status, seconds: finished.ms / 1000 };
}
