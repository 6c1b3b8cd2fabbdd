import { Types } from 'mongoose';
import type { CallInfo } from '../graphql/context';
import type { AuthState } from '../auth/auth-state';
import type { SentResponse } from '../http/respond';
import { redactRequest, redactResponseBody, redactText, redactUrl } from './redaction';
import type { ErrorLogDoc } from './errorlog.model';

interface GraphQLParams {
  query: string | null;
  variables: unknown;
  operationName: string | null;
}

function paramsOf(call: CallInfo): GraphQLParams {
  const raw = call.raw;
  if (raw.method === 'GET') {
    const params = new URLSearchParams(raw.search);
    let variables: unknown = params.get('variables') ?? undefined;
    try {
      if (typeof variables === 'string') variables = JSON.parse(variables);
    } catch {
      // keep the text; it is redacted as text below
    }
    return { query: params.get('query'), variables, operationName: params.get('operationName') };
  }
  const text = raw.body.toString('utf8');
  if (text === '') return { query: null, variables: undefined, operationName: null };
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    if (body && typeof body === 'object' && !Array.isArray(body)) {
      return {
        query: typeof body.query === 'string' ? body.query : null,
        variables: body.variables,
        operationName: typeof body.operationName === 'string' ? body.operationName : null,
      };
    }
  } catch {
    // not JSON: keep what was sent, as text
  }
  return { query: text, variables: undefined, operationName: null };
}

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function errorCodes(status: number, body: unknown): string[] {
  const codes = new Set<string>();
  const b = body as { errors?: { extensions?: { code?: unknown } }[]; error?: { code?: unknown } } | null;
  if (b && Array.isArray(b.errors)) for (const e of b.errors) if (e?.extensions?.code) codes.add(String(e.extensions.code));
  if (b?.error?.code) codes.add(String(b.error.code));
  if (codes.size === 0 && status >= 400) codes.add(`HTTP_${status}`);
  return [...codes];
}

/**
 * A call failed when its status is ≥ 400 or its GraphQL body carries `errors` (CONTRACT §6).
 * Apollo Server writes `errors` as the first key of a result, so a 200 is checked by its
 * first bytes instead of scanning (or parsing) a possibly large successful body.
 */
export function callFailed(sent: SentResponse): boolean {
  return sent.status >= 400 || sent.body.startsWith('{"errors":');
}

// Clients often leave `operationName` out; the query text names a single operation itself.
const OPERATION_NAME = /^\s*(?:#[^\n]*\n\s*)*(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)/;

function operationNameOf(call: CallInfo, params: GraphQLParams): string | null {
  const name = call.operationName ?? params.operationName ?? (params.query ? OPERATION_NAME.exec(params.query)?.[1] : undefined);
  return name ? redactText(name) : null;
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}… [truncated]` : text);

/**
 * Builds the stored record. Everything passes redaction first; only then is anything cut
 * to the size cap, so a cut can never expose the unmasked part of a value.
 */
export function buildRecord(
  call: CallInfo,
  sent: SentResponse,
  auth: AuthState | undefined,
  occurredAt: Date,
  maxBytes: number,
): ErrorLogDoc {
  const params = paramsOf(call);
  const redacted = redactRequest({
    query: params.query,
    variables: params.variables,
    headers: call.raw.headers,
    url: call.raw.url,
  });
  const responseBody = redactResponseBody(parseBody(sent.body), redacted.secrets);
  const record: ErrorLogDoc = {
    _id: new Types.ObjectId(),
    occurredAt,
    requestId: call.requestId,
    endpoints: call.endpoints,
    operationName: operationNameOf(call, params),
    clientIp: auth?.client?.text ?? call.raw.socketAddress ?? null,
    apiKeyHint: auth?.keyHint ?? redacted.apiKeyHint ?? null,
    httpMethod: call.raw.method,
    path: redactUrl(call.raw.url),
    request: {
      query: redacted.query ?? null,
      variables: redacted.variables ?? null,
      headers: (redacted.headers ?? {}) as Record<string, unknown>,
    },
    response: { status: sent.status, body: responseBody },
    errorCodes: errorCodes(sent.status, responseBody),
    truncated: false,
  };
  // Redaction never makes a part much longer than what was sent, so small calls skip the
  // serialisation that an exact size check costs (it was a third of the work per record).
  let headerBytes = 0;
  for (const [name, value] of Object.entries(call.raw.headers)) headerBytes += name.length + String(value ?? '').length + 8;
  const estimate = 2 * (call.raw.body.length + sent.body.length + call.raw.url.length + headerBytes) + 1024;
  return estimate <= maxBytes ? record : capSize(record, maxBytes);
}

function capSize(record: ErrorLogDoc, maxBytes: number): ErrorLogDoc {
  const size = () => Buffer.byteLength(JSON.stringify(record));
  if (size() <= maxBytes) return record;
  record.truncated = true;
  // Cut the largest parts first, each to a share of the budget, keeping them readable text.
  const share = Math.floor(maxBytes / 4);
  const bodyText = typeof record.response.body === 'string' ? record.response.body : JSON.stringify(record.response.body);
  if (bodyText.length > share) record.response.body = clip(bodyText, share);
  if (size() <= maxBytes) return record;
  const varsText = JSON.stringify(record.request.variables);
  if (varsText && varsText.length > share) record.request.variables = clip(varsText, share);
  if (size() <= maxBytes) return record;
  if (record.request.query && record.request.query.length > share) record.request.query = clip(record.request.query, share);
  if (size() <= maxBytes) return record;
  record.request.headers = { note: '[headers dropped: record over size cap]' };
  return record;
}
