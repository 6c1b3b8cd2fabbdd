/**
 * Canonical request construction, byte-compatible with escher-auth 4.x (which the Escher test
 * vectors pin down). The quirks below are escher-auth's, reproduced on purpose: a verifier that
 * canonicalizes "more correctly" than the signer rejects valid requests.
 */
import { posix } from 'node:path';
import { parse as parseQueryString, type ParsedUrlQuery } from 'node:querystring';
import { parse as legacyUrlParse } from 'node:url';
import type { EscherHeaders } from './types';

export class CanonicalizationError extends Error {}

/** Methods escher-auth signs and accepts. */
export const ESCHER_METHODS: ReadonlySet<string> = new Set([
  'OPTIONS',
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'DELETE',
  'TRACE',
  'PATCH',
  'CONNECT',
]);

/**
 * The shape of a request target for which `url.parse()` takes its "simple path" fast path, minus
 * everything that makes it do more than split at '?' (trimming, backslashes, '@' before the query,
 * whitespace and control characters). Only such targets are handled here; the rest go through
 * `url.parse()` itself, which is what escher-auth uses, so exotic targets stay byte-compatible.
 */
const SIMPLE_TARGET = /^(\/\/?(?!\/)[^?\s\\#@\x00-\x20\x7f]*)(\?[^\s\\#\x00-\x20\x7f]*)?$/;

/**
 * Splits a request target into escher's (pathname, raw query); throws on targets escher cannot
 * sign. `escapeHashAndBackslash` is escher-auth's pre-step for signed requests (only the first
 * '#' and the first '\' are escaped: String#replace with a string); its presigned-URL check
 * parses the target without it.
 */
export function splitRequestTarget(url: string, escapeHashAndBackslash = true): { pathname: string; query: string } {
  if (url.startsWith('http://') || url.startsWith('https://')) {
    throw new CanonicalizationError("The request url shouldn't contain http or https (expected path and query only)");
  }
  const prepared = escapeHashAndBackslash ? url.replace('#', '%23').replace('\\', '%5C') : url;
  const simple = SIMPLE_TARGET.exec(prepared);
  if (simple) {
    return { pathname: simple[1]!, query: simple[2] ? simple[2].slice(1) : '' };
  }
  let parsed;
  try {
    parsed = legacyUrlParse(prepared, false);
  } catch {
    throw new CanonicalizationError('The request url cannot be parsed');
  }
  if (typeof parsed.pathname !== 'string' || parsed.pathname === '') {
    throw new CanonicalizationError('The request url has no path');
  }
  return { pathname: parsed.pathname, query: typeof parsed.query === 'string' ? parsed.query : '' };
}

/** `path.posix.normalize`, skipped when it could not change anything (the common case). */
export function canonicalizePath(pathname: string): string {
  const unchanged = pathname[0] === '/' && !pathname.includes('//') && !pathname.includes('/.');
  return unchanged ? pathname : posix.normalize(pathname);
}

// Characters encodeURIComponent and escher-auth both leave alone (escher-auth additionally escapes ' ( )).
const QUERY_SAFE = /^[A-Za-z0-9\-_.!~*]*$/;

function encodeQueryComponent(component: string): string {
  if (QUERY_SAFE.test(component)) return component;
  // encodeURIComponent leaves ' ( ) unescaped; escher-auth escapes them (but not ! and *).
  return encodeURIComponent(component).replace(/'/g, '%27').replace(/\(/g, '%28').replace(/\)/g, '%29');
}

/**
 * Query canonicalization as escher-auth does it: `querystring.parse` ('+' is a space, malformed
 * escapes kept, at most 1000 keys), values of a repeated key sorted raw, then the encoded
 * `key=value` groups sorted as whole strings (a repeated key forms one `k=a&k=b` group).
 */
export function canonicalizeQuery(query: string): string {
  return query === '' ? '' : canonicalizeParsedQuery(parseQueryString(query));
}

/** canonicalizeQuery for an already parsed query. */
export function canonicalizeParsedQuery(parsed: ParsedUrlQuery): string {
  const groups: string[] = [];
  for (const key of Object.keys(parsed)) {
    const value = parsed[key];
    if (typeof value === 'string') {
      groups.push(encodeQueryComponent(key) + '=' + encodeQueryComponent(value));
    } else if (value !== undefined) {
      const encodedKey = encodeQueryComponent(key);
      groups.push(
        [...value]
          .sort()
          .map((v) => encodedKey + '=' + encodeQueryComponent(v))
          .join('&'),
      );
    }
  }
  return groups.sort().join('&');
}

/** Canonical path and query of a request target. Throws CanonicalizationError (or URIError). */
export function canonicalizeTarget(url: string): { path: string; query: string } {
  const { pathname, query } = splitRequestTarget(url);
  return { path: canonicalizePath(pathname), query: canonicalizeQuery(query) };
}

/**
 * How a header value is cleaned before signing. 'escher-js' is escher-auth 4.x: trim, then in
 * each stretch outside double quotes only the FIRST whitespace run becomes one space (a missing
 * /g in escher-auth). 'collapse-all' collapses every run outside quotes, as the original SigV4
 * description and the other Escher implementations do. They differ only for values with two or
 * more whitespace runs (or a tab/newline) outside quotes.
 */
export type HeaderValueStyle = 'escher-js' | 'collapse-all';

// Matches values that trimming/collapsing could change: edge whitespace, quotes, any whitespace
// other than a lone ASCII space. Values without a match are already canonical in both styles.
const MAY_NEED_NORMALIZING = /^\s|\s$|"|[^\S ]| {2}/;

export function normalizeHeaderValue(value: string, style: HeaderValueStyle = 'escher-js'): string {
  if (!MAY_NEED_NORMALIZING.test(value)) return value;
  const pattern = style === 'escher-js' ? /\s+/ : /\s+/g;
  return value
    .trim()
    .split('"')
    .map((piece, index) => (index % 2 === 1 ? piece : piece.replace(pattern, ' ')))
    .join('"');
}

/** True when the two header value styles give different results for this value. */
export function headerValueStylesDiffer(value: string): boolean {
  return normalizeHeaderValue(value, 'escher-js') !== normalizeHeaderValue(value, 'collapse-all');
}

/** Header values as an ordered list: a string is one value, an array holds repeated headers. */
export function headerValues(value: string | readonly string[] | undefined): readonly string[] | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return [value];
  return value.length === 0 ? undefined : value;
}

/**
 * `name:value` lines for the signed headers (names lower-case, sorted, unique). Repeated headers
 * are joined with ',' after normalizing each value, as escher-auth does. Throws when a signed
 * header is absent: the caller checks presence first to report which one.
 */
export function canonicalizeHeaders(
  headers: EscherHeaders,
  signedHeaders: readonly string[],
  style: HeaderValueStyle = 'escher-js',
): string {
  let block = '';
  for (let i = 0; i < signedHeaders.length; i++) {
    const name = signedHeaders[i]!;
    const values = headerValues(headers[name]);
    if (!values) throw new CanonicalizationError(`The ${name} header is missing`);
    let joined = normalizeHeaderValue(values[0]!, style);
    for (let j = 1; j < values.length; j++) joined += ',' + normalizeHeaderValue(values[j]!, style);
    block += (i === 0 ? '' : '\n') + name + ':' + joined;
  }
  return block;
}

export interface CanonicalRequestInput {
  method: string;
  /** Already canonical path and query (see canonicalizeTarget). */
  path: string;
  query: string;
  /** Output of canonicalizeHeaders. */
  headerBlock: string;
  /** Lower-case, sorted, unique. */
  signedHeaders: readonly string[];
  /** Hex digest of the body (or of `UNSIGNED-PAYLOAD` for presigned URLs). */
  bodyHash: string;
}

export function assembleCanonicalRequest(input: CanonicalRequestInput): string {
  return (
    input.method.toUpperCase() +
    '\n' +
    input.path +
    '\n' +
    input.query +
    '\n' +
    input.headerBlock +
    '\n\n' +
    input.signedHeaders.join(';') +
    '\n' +
    input.bodyHash
  );
}
