import { apiKeyHint, knownKeyPredicate, type KnownKeys } from './api-key';
import { createContext, type RedactionContext } from './context';
import { redactGraphQLQueryWith } from './graphql-query';
import { redactHeadersWith, type HeaderMap, type RedactedHeaders } from './headers';
import type { KeyHinter } from './key-hints';
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
  /**
   * The API keys the request presented (X-Api-Key, `api_key`, a signature's
   * `Credential=`), for `keyHinter` to reduce their echoes to hints. Secrets too.
   */
  keys: string[];
}

/**
 * Redacts each part of a failed request that is present, in one pass sharing the found
 * secrets. With `knownKeys`, issued API keys written as GraphQL string literals become
 * their hints even when spelled with escapes; `keyHinter` finds them everywhere else.
 */
export function redactRequest(request: RequestToRedact, knownKeys?: KnownKeys): RedactedRequest {
  const ctx = createContext(knownKeyPredicate(knownKeys));
  const out: Omit<RedactedRequest, 'secrets' | 'keys'> = {};
  if (typeof request.query === 'string') out.query = redactGraphQLQueryWith(request.query, ctx);
  if (request.variables !== undefined) out.variables = redactValueWith(request.variables, ctx);
  if (typeof request.url === 'string') out.url = redactUrlWith(request.url, ctx);
  if (request.headers !== undefined) {
    out.headers = redactHeadersWith(request.headers, ctx);
    const hint = apiKeyHint(findHeader(request.headers, 'x-api-key'));
    if (hint !== undefined) out.apiKeyHint = hint;
  }
  return { ...out, secrets: [...ctx.secrets], keys: [...ctx.keys] };
}

/**
 * Redacts a response body before it is logged: sensitive keys as in `redactValue`, text
 * such as `password: "x"` inside any string (a validation message quoting the input),
 * and every occurrence of the given secrets, normally `redactRequest(...).secrets`. With
 * `keys`, API keys become their hints in the same walk.
 */
export function redactResponseBody(body: unknown, knownSecrets: Iterable<string> = [], keys?: KeyHinter): unknown {
  const ctx = createContext();
  const matcher = knownValueMatcher(knownSecrets);
  let mapString: (text: string, c: RedactionContext) => string = matcher
    ? (text, c) => matcher.mapString(redactTextWith(text, c), c)
    : redactTextWith;
  let mapNumber = matcher?.mapNumber;
  if (keys !== undefined) {
    const secretsOnly = mapString;
    mapString = (text, c) => keys.text(secretsOnly(text, c));
    const numberSecretsOnly = mapNumber;
    mapNumber = (value, c) => {
      const masked = numberSecretsOnly ? numberSecretsOnly(value, c) : value;
      return masked === value ? keys.number(value) : masked;
    };
  }
  return walkValue(body, ctx, {
    maskKeys: true,
    parseJson: true,
    mapString,
    ...(mapNumber ? { mapNumber } : {}),
    ...(keys ? { mapKey: keys.text } : {}),
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
