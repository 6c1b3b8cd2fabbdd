import { apiKeyHint } from './api-key';
import { createContext, type RedactionContext } from './context';
import { redactGraphQLQueryWith } from './graphql-query';
import { redactHeadersWith, type HeaderMap, type RedactedHeaders } from './headers';
import { knownValueMatcher } from './known-values';
import { redactUrlWith } from './query-string';
import { redactTextWith } from './text';
import { redactValueWith, walkValue } from './value';

export interface RequestToRedact {
  query?: string | null;
  variables?: unknown;
  headers?: HeaderMap;
  /** Path with query string, as in `req.url`. */
  url?: string | null;
}

export interface RedactedRequest {
  query?: string;
  variables?: unknown;
  headers?: RedactedHeaders;
  url?: string;
  /** `***` + last four characters of the `X-Api-Key` header, when one was sent. */
  apiKeyHint?: string;
  /**
   * The plain values that were removed, for `redactResponseBody` to scrub echoes of them.
   * This list IS the secrets: use it, never store or log it.
   */
  secrets: string[];
}

/** Redacts each part of a failed request that is present, in one pass sharing the found secrets. */
export function redactRequest(request: RequestToRedact): RedactedRequest {
  const ctx = createContext();
  const out: Omit<RedactedRequest, 'secrets'> = {};
  if (typeof request.query === 'string') out.query = redactGraphQLQueryWith(request.query, ctx);
  if (request.variables !== undefined) out.variables = redactValueWith(request.variables, ctx);
  if (typeof request.url === 'string') out.url = redactUrlWith(request.url, ctx);
  if (request.headers !== undefined) {
    out.headers = redactHeadersWith(request.headers, ctx);
    const hint = apiKeyHint(findHeader(request.headers, 'x-api-key'));
    if (hint !== undefined) out.apiKeyHint = hint;
  }
  return { ...out, secrets: [...ctx.secrets] };
}

/**
 * Redacts a response body before it is logged: sensitive keys as in `redactValue`, text
 * such as `password: "x"` inside any string (a validation message quoting the input),
 * and every occurrence of the given secrets, normally `redactRequest(...).secrets`.
 */
export function redactResponseBody(body: unknown, knownSecrets: Iterable<string> = []): unknown {
  const ctx = createContext();
  const matcher = knownValueMatcher(knownSecrets);
  const mapString = matcher
    ? (text: string, c: RedactionContext) => matcher.mapString(redactTextWith(text, c), c)
    : redactTextWith;
  return walkValue(body, ctx, {
    maskKeys: true,
    parseJson: true,
    mapString,
    ...(matcher ? { mapNumber: matcher.mapNumber } : {}),
  });
}

function findHeader(headers: HeaderMap, lowerName: string): string | undefined {
  for (const name of Object.keys(headers)) {
    if (name.toLowerCase() !== lowerName) continue;
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}
