import type { ServerResponse } from 'node:http';

/** What went back to the client; the error log records it for failed calls. */
export interface SentResponse {
  status: number;
  body: string;
}

export function sendJson(res: ServerResponse, status: number, body: string | object, headers: Record<string, string> = {}): SentResponse {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  if (!res.headersSent) {
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
      ...headers,
    });
  }
  res.end(text);
  return { status, body: text };
}

/** A GraphQL-shaped error body, for refusals that happen before GraphQL runs. */
export function graphqlErrorBody(message: string, code: string, requestId: string): object {
  return { errors: [{ message, extensions: { code, requestId } }] };
}

/** The envelope of the `/entities` paths and of unknown paths. */
export function restErrorBody(status: number, code: string, message: string, requestId: string): object {
  return { error: { status, code, message, requestId } };
}

export const CORS_HEADERS: Record<string, string> = {
  // Credentials travel in headers, never cookies, so any origin may call (Apollo Sandbox's
  // embedded iframe is served from Apollo's origin).
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers':
    'content-type, x-api-key, x-request-id, authorization, date, apollo-require-preflight, x-apollo-operation-name, apollographql-client-name, apollographql-client-version',
  'access-control-max-age': '600',
  'access-control-expose-headers': 'x-request-id',
};
