import type { ServerResponse } from 'node:http';
import type { CallResponse } from '../call/call';

/** The only place a response is written. */
export function writeResponse(res: ServerResponse, response: CallResponse): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const payload = response.bytes ?? response.body;
  res.writeHead(response.status, { ...response.headers, 'content-length': Buffer.byteLength(payload) });
  res.end(payload);
}

export const CORS_HEADERS: Record<string, string> = {
  // Credentials travel in headers, never cookies, so any origin may call (Apollo Sandbox's
  // embedded iframe is served from Apollo's origin).
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers':
    'content-type, x-api-key, x-request-id, authorization, date, apollo-require-preflight, x-apollo-operation-name, apollographql-client-name, apollographql-client-version',
  'access-control-max-age': '600',
  'access-control-expose-headers':
    'x-request-id, x-cache, age, ratelimit-limit, ratelimit-remaining, ratelimit-reset, retry-after',
};
