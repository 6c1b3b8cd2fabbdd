import { HeaderMap, type ApolloServer } from '@apollo/server';
import type { RequestContext } from './context';
import type { Services } from './context';
import type { Call, CallResponse, RawRequest } from '../call/call';
import { graphqlErrorBody, jsonResponse } from '../call/response';
import { unauthenticated } from '../common/errors';

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

/**
 * Runs one call through Apollo Server and answers what to send. The call is already
 * authenticated; a call without a credential is refused in the context function (so a
 * browser GET still gets Sandbox without one), endpoint rules are applied by the
 * authorization plugin once the operation is known.
 */
export async function handleGraphQL(apollo: ApolloServer<RequestContext>, services: Services, call: Call): Promise<CallResponse> {
  const raw = call.request;
  const parsed = parseJsonBody(raw);
  if (!parsed.ok) return jsonResponse(400, graphqlErrorBody(parsed.message, 'BAD_REQUEST', call.requestId));

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
  return { status, headers: outHeaders, body };
}
