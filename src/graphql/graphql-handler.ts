import { HeaderMap, type ApolloServer } from '@apollo/server';
import type { RequestContext } from './context';
import type { Services } from './context';
import type { Call, CallResponse, RawRequest } from '../call/call';
import { graphqlErrorBody, jsonResponse } from '../call/response';
import { unauthenticated } from '../common/errors';
import { authorize } from '../auth/authorize';
import { ResponseCache } from './response-cache';
import { cacheableOperationOf } from './plugins/response-cache';

function parseJsonBody(raw: RawRequest): { ok: true; body: unknown } | { ok: false; message: string } {
  if (raw.method !== 'POST') return { ok: true, body: undefined };
  const type = String(raw.headers['content-type'] ?? '');
  if (!type.includes('json')) return { ok: true, body: raw.body.toString('utf8') };
  if (raw.body.length === 0) return { ok: false, message: 'POST body is empty; send {"query": "..."}' };
  try {
    return { ok: true, body: JSON.parse(raw.body.toString('utf8')) };
  } catch (err) {
    return { ok: false, message: `POST body is not valid JSON: ${(err as Error).message}` };
  }
}

function withRequestId(body: string, requestId: string): string {
  try {
    const parsed = JSON.parse(body) as { errors?: { extensions?: Record<string, unknown> }[] };
    for (const error of parsed.errors ?? []) error.extensions = { ...error.extensions, requestId };
    return JSON.stringify(parsed);
  } catch {
    return body;
  }
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The response cache's key for a call that could be answered from it: an authenticated POST of
 * one JSON operation (no batch, no persisted-query extension). Anything else is never looked up.
 */
function responseCacheKey(call: Call, body: unknown): string | undefined {
  const credential = call.auth?.credential;
  if (!credential || call.request.method !== 'POST' || !isPlainObject(body)) return undefined;
  const { query, operationName, variables, extensions } = body;
  if (typeof query !== 'string' || extensions !== undefined) return undefined;
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') return undefined;
  if (variables !== undefined && variables !== null && !isPlainObject(variables)) return undefined;
  const headers = call.request.headers;
  return ResponseCache.key(
    credential.role,
    String(headers['content-type'] ?? ''),
    String(headers.accept ?? ''),
    operationName ?? '',
    variables ? JSON.stringify(variables) : '',
    query,
  );
}

/**
 * Runs one call through Apollo Server and answers what to send. The call is already
 * authenticated; a call without a credential is refused in the context function (so a
 * browser GET still gets Sandbox without one), endpoint rules are applied by the
 * authorization plugin once the operation is known. A tier/offer read this instance answered
 * before is served from the response cache (graphql/response-cache.ts) once `authorize` lets
 * this caller through to the same fields; a refusal always goes through Apollo.
 */
export async function handleGraphQL(apollo: ApolloServer<RequestContext>, services: Services, call: Call): Promise<CallResponse> {
  const raw = call.request;
  const parsed = parseJsonBody(raw);
  if (!parsed.ok) return jsonResponse(400, graphqlErrorBody(parsed.message, 'BAD_REQUEST', call.requestId));

  const cache = services.responseCache;
  const cacheKey = cache.enabled ? responseCacheKey(call, parsed.body) : undefined;
  let generation: object | undefined;
  if (cacheKey !== undefined) {
    const entry = cache.get(cacheKey);
    if (entry && !authorize(call.auth, entry.operation.accesses, services.security)) {
      // What the authorization plugin records for a call it lets through, for the error log.
      call.endpoints = entry.operation.endpoints;
      call.operationName = entry.operation.operationName;
      call.authorized = true;
      cache.stats.hits++;
      return ResponseCache.hitResponse(entry);
    }
    // Read before executing: a reload landing meanwhile makes this answer one not to keep.
    generation = cache.currentGeneration();
  }

  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(raw.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  // Refusals before the context exists (a 401 from the context function, Apollo's own HTTP
  // checks) leave Apollo before any plugin sees them, so their body gets the request id here.
  let contextBuilt = false;
  const response = await apollo.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: raw.method, headers, search: raw.search, body: parsed.body },
    context: async () => {
      const auth = call.auth;
      // No credential, no GraphQL at all (introspection included): 401 before parsing.
      if (!auth?.credential) throw unauthenticated(auth?.failure ?? 'Not authenticated');
      contextBuilt = true;
      return { services, call, auth: auth as RequestContext['auth'] };
    },
  });

  const outHeaders: Record<string, string> = {};
  for (const [name, value] of response.headers) outHeaders[name] = value;
  const status = response.status ?? 200;
  let body: string;
  if (response.body.kind === 'complete') body = response.body.string;
  else {
    // Incremental delivery is not enabled in this schema; collect it if a client asks anyway.
    body = '';
    for await (const chunk of response.body.asyncIterator) body += chunk;
  }
  if (!contextBuilt && (status >= 400 || body.startsWith('{"errors":'))) body = withRequestId(body, call.requestId);
  const answer: CallResponse = { status, headers: outHeaders, body };
  if (cacheKey !== undefined) {
    const operation = cacheableOperationOf(call);
    // Refused calls (the plugin decides before authorization ends them) carry no marker.
    if (operation && call.authorized) {
      cache.stats.misses++;
      if (status === 200 && call.authorized && body.startsWith('{"data":')) {
        answer.bytes = cache.set(cacheKey, generation!, operation, answer);
      }
      answer.headers = { ...outHeaders, 'x-cache': 'MISS' };
    }
  }
  return answer;
}
