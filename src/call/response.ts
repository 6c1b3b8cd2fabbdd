import type { CallResponse } from './call';

const JSON_TYPE = 'application/json; charset=utf-8';

export function jsonResponse(status: number, body: string | object, headers: Record<string, string> = {}): CallResponse {
  return {
    status,
    headers: { 'content-type': JSON_TYPE, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  };
}

/*
 * The error envelopes, one per path family (README "Request ids and faults"):
 * - /graphql: GraphQL's own `{"errors":[{"message","extensions":{"code","requestId",…}}]}`,
 *   for refusals made before GraphQL runs (400 bad JSON, 401, 413, 500) as well;
 * - /entities/... and unknown paths: `{"error":{"status","code","message","requestId"}}`.
 */

export function graphqlErrorBody(message: string, code: string, requestId: string): object {
  return { errors: [{ message, extensions: { code, requestId } }] };
}

export function restErrorBody(status: number, code: string, message: string, requestId: string): object {
  return { error: { status, code, message, requestId } };
}

/** What a client is told of a fault of the server: nothing internal, only the id to quote. */
export function internalErrorMessage(requestId: string): string {
  return `Internal server error (request id ${requestId})`;
}
