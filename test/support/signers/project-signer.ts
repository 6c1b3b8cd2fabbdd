/**
 * Escher signing built from the verifier's own canonicalization and key chain, so that the
 * Escher signing vectors test exactly the code that verifies (the server itself signs nothing).
 */
import {
  assembleCanonicalRequest,
  canonicalizeHeaders,
  canonicalizeTarget,
  ESCHER_METHODS,
  headerValues,
} from '../../../src/escher/canonical';
import { toLongDate } from '../../../src/escher/date';
import { buildStringToSign, computeSignature, deriveSigningKey, hashHex } from '../../../src/escher/signature';
import type { EscherConfig, EscherHashAlgo, EscherHeaders } from '../../../src/escher';

export interface SignEscherRequestInput {
  method: string;
  /** Path and query. */
  url: string;
  /** Lower-case names; an array holds a repeated header in order. */
  headers: EscherHeaders;
  body: Buffer | string;
  apiKey: string;
  secret: string;
  config: EscherConfig;
  date: Date;
  /** Signed in addition to host and the date header (when present in `headers`). */
  headersToSign?: readonly string[];
}

export interface SignEscherRequestResult {
  /** Input headers plus the date header (when it was absent) and the auth header, lower-case names. */
  headers: Record<string, string | readonly string[]>;
  authHeader: string;
  canonicalRequest: string;
  stringToSign: string;
  signedHeaders: string[];
}

/** Throws Error with escher-auth-like messages for requests escher-auth would refuse to sign. */
export function signEscherRequest(input: SignEscherRequestInput): SignEscherRequestResult {
  const { config, date } = input;
  if (typeof input.method !== 'string' || !ESCHER_METHODS.has(input.method.toUpperCase())) {
    throw new Error('The request method is invalid');
  }
  if (typeof input.secret !== 'string' || input.secret === '') throw new Error('Invalid Escher key');

  const headers: Record<string, string | readonly string[]> = {};
  for (const [name, value] of Object.entries(input.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = value;
  }
  const dateName = config.dateHeaderName.toLowerCase();
  if (!headerValues(headers[dateName])) {
    // escher-auth's choice: HTTP-date for a header literally named Date, basic ISO otherwise.
    headers[dateName] = dateName === 'date' ? toRfc1123(date) : toLongDate(date);
  }

  // Like escher-auth: only headers that are present get signed (a missing host is the caller's bug
  // and will be refused by any verifier).
  const signedHeaders = normalizeSignedHeaderNames(['host', dateName, ...(input.headersToSign ?? [])]).filter(
    (name) => headerValues(headers[name]) !== undefined,
  );
  const { path, query } = canonicalizeTarget(input.url);
  const canonicalRequest = assembleCanonicalRequest({
    method: input.method,
    path,
    query,
    headerBlock: canonicalizeHeaders(headers, signedHeaders),
    signedHeaders,
    bodyHash: hashHex(config.hashAlgo, input.body),
  });
  const shortDate = toShortDate(date);
  const stringToSign = buildStringToSign(
    config.algoPrefix,
    config.hashAlgo,
    toLongDate(date),
    `${shortDate}/${config.credentialScope}`,
    canonicalRequest,
  );
  const signingKey = deriveSigningKey(config.hashAlgo, config.algoPrefix, input.secret, shortDate, config.credentialScope);
  const authHeader = formatAuthHeader({
    algoPrefix: config.algoPrefix,
    hashAlgo: config.hashAlgo,
    apiKey: input.apiKey,
    shortDate,
    credentialScope: config.credentialScope,
    signedHeaders,
    signatureHex: computeSignature(config.hashAlgo, signingKey, stringToSign).toString('hex'),
  });
  headers[config.authHeaderName.toLowerCase()] = authHeader;
  return { headers, authHeader, canonicalRequest, stringToSign, signedHeaders };
}

/** `20110909` */
function toShortDate(date: Date): string {
  return toLongDate(date).slice(0, 8);
}

/** `Fri, 09 Sep 2011 23:36:00 GMT`: what escher-auth writes into a `Date` header. */
function toRfc1123(date: Date): string {
  return date.toUTCString();
}

/** Lower-cases, de-duplicates and sorts header names the way the SignedHeaders list is written. */
function normalizeSignedHeaderNames(names: readonly string[]): string[] {
  return [...new Set(names.map((n) => n.trim().toLowerCase()))].sort();
}

function formatAuthHeader(parts: {
  algoPrefix: string;
  hashAlgo: EscherHashAlgo;
  apiKey: string;
  shortDate: string;
  credentialScope: string;
  signedHeaders: readonly string[];
  signatureHex: string;
}): string {
  return (
    `${parts.algoPrefix}-HMAC-${parts.hashAlgo} Credential=${parts.apiKey}/${parts.shortDate}/${parts.credentialScope}, ` +
    `SignedHeaders=${parts.signedHeaders.join(';')}, Signature=${parts.signatureHex}`
  );
}
