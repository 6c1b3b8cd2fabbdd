import { Types } from 'mongoose';
import type { Call, CallResponse } from '../call/call';
import { keyHinter, redactRequest, redactResponseBody, redactText, type KeyHinter, type KnownKeys } from './redaction';
import { paramsOf, type GraphQLParams } from './request-params';
import type { ErrorLogDoc } from './errorlog.model';

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
export function callFailed(sent: Pick<CallResponse, 'status' | 'body'>): boolean {
  return sent.status >= 400 || sent.body.startsWith('{"errors":');
}

// Clients often leave `operationName` out; the query text names a single operation itself.
const OPERATION_NAME = /^\s*(?:#[^\n]*\n\s*)*(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)/;

function operationNameOf(call: Call, params: GraphQLParams): string | null {
  const name = call.operationName ?? params.operationName ?? (params.query ? OPERATION_NAME.exec(params.query)?.[1] : undefined);
  return name ? redactText(name) : null;
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}… [truncated]` : text);

/**
 * Builds the stored record. Everything passes redaction first; only then is anything cut
 * to the size cap, so a cut can never expose the unmasked part of a value. API keys (the
 * one the request presented, and any issued key `knownKeys` recognises) are reduced to
 * their hints in every part of the record.
 */
export function buildRecord(call: Call, occurredAt: Date, maxBytes: number, knownKeys?: KnownKeys): ErrorLogDoc {
  const sent = call.response ?? { status: 0, body: '' };
  const auth = call.auth;
  const params = paramsOf(call.request);
  // The stored query is cut to a share of the cap anyway. Redacting a 1 MB alias bomb in
  // full held the event loop for 20–170 ms per refusal (every client waits meanwhile), so an
  // oversized query is cut *before* redaction, at a point that leaves no partial key or word.
  const precut = params.query !== null && params.query.length > maxBytes;
  if (precut) params.query = cutBeforeRedaction(params.query!, maxBytes);
  const redacted = redactRequest(
    { query: params.query, variables: params.variables, headers: call.request.headers, url: call.request.url },
    knownKeys,
  );
  // Presented keys are left to the key hints, so their echoes read `***abcd`, not `***`.
  const keys = new Set(redacted.keys);
  const secrets = keys.size === 0 ? redacted.secrets : redacted.secrets.filter((secret) => !keys.has(secret));
  const hinter = keyHinter(redacted.keys, knownKeys);
  const responseBody = redactResponseBody(parseBody(sent.body), secrets, hinter);
  const record: ErrorLogDoc = {
    _id: new Types.ObjectId(),
    occurredAt,
    requestId: call.requestId,
    endpoints: call.endpoints,
    operationName: operationNameOf(call, params),
    clientIp: auth?.client?.text ?? call.request.socketAddress ?? null,
    apiKeyHint: auth?.keyHint ?? redacted.apiKeyHint ?? null,
    httpMethod: call.request.method,
    path: redacted.url ?? call.request.url,
    request: {
      query: redacted.query ?? null,
      variables: redacted.variables ?? null,
      headers: (redacted.headers ?? {}) as Record<string, unknown>,
    },
    response: { status: sent.status, body: responseBody },
    errorCodes: errorCodes(sent.status, responseBody),
    truncated: false,
  };
  // The request again: keys to hints everywhere, and a removed secret repeated under an
  // ordinary name (`note: "<the password>"`) masked as well.
  const requestEchoes = keyHinter(redacted.keys, knownKeys, secrets);
  if (requestEchoes !== undefined) scrubRequest(record, requestEchoes);
  // Redaction never makes a part much longer than what was sent, so small calls skip the
  // serialisation that an exact size check costs (it was a third of the work per record).
  let headerBytes = 0;
  for (const [name, value] of Object.entries(call.request.headers)) headerBytes += name.length + String(value ?? '').length + 8;
  const estimate = 2 * (call.request.body.length + sent.body.length + call.request.url.length + headerBytes) + 1024;
  if (precut) record.truncated = true;
  return estimate <= maxBytes ? record : capSize(record, maxBytes);
}

const KEY_CHAR = /[A-Za-z0-9._~-]/;

/**
 * The first `max` characters, minus a trailing run of word or key characters: a key or a
 * secret cut in half would no longer be recognised as one. A value left unterminated by the
 * cut is masked to its end by the text redactor, as for any query that does not parse.
 */
export function cutBeforeRedaction(query: string, max: number): string {
  let end = max;
  while (end > 0 && KEY_CHAR.test(query[end - 1]!)) end--;
  return `${query.slice(0, end)}… [truncated]`;
}

/** The response body was done while it was redacted; the rest of the record is done here. */
function scrubRequest(record: ErrorLogDoc, hinter: KeyHinter): void {
  record.path = hinter.text(record.path);
  if (record.operationName !== null) record.operationName = hinter.text(record.operationName);
  record.request = hinter.value(record.request) as ErrorLogDoc['request'];
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
