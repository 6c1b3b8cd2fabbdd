/**
 * Server-side verification of Escher-signed requests.
 *
 * Own implementation rather than escher-auth's `authenticate()`, because escher-auth 4.x:
 *  - reads the clock itself (`new Date()`), so `now` cannot be injected;
 *  - parses a `Date` header with `new Date()`, which rejects basic ISO `20110909T233600Z`;
 *  - reports failures only as thrown message strings, without the API key or a stable code;
 *  - looks the secret up before the cheap checks;
 *  - always uses the deprecated `url.parse()`.
 * Canonicalization is kept byte-compatible with escher-auth (see canonical.ts); the Escher test
 * vectors in test/auth/escher-vectors.test.ts hold it to that.
 */
import { timingSafeEqual } from 'node:crypto';
import { parseAlgorithm, quoteForReason, parseAuthHeader } from './auth-header';
// A key is a bearer credential: a message shows only its hint, even to the one who sent it.
import { apiKeyHint } from '../common/key-hint';
import {
  assembleCanonicalRequest,
  canonicalizeHeaders,
  canonicalizeTarget,
  CanonicalizationError,
  ESCHER_METHODS,
  headerValues,
  headerValueStylesDiffer,
  type HeaderValueStyle,
} from './canonical';
import { parseEscherDate, toLongDate } from './date';
import { buildStringToSign, computeSignature, hashHex, SigningKeyCache } from './signature';
import type { EscherFailureCode, EscherHashAlgo, EscherHeaders, EscherRequest, VerifyOptions, VerifyResult } from './types';

const signingKeys = new SigningKeyCache();

function fail(code: EscherFailureCode, reason: string, apiKey?: string): VerifyResult {
  return apiKey === undefined ? { ok: false, code, reason } : { ok: false, apiKey, code, reason };
}

type Single = { kind: 'missing' } | { kind: 'multiple' } | { kind: 'one'; value: string };

/** A header that must occur once (auth and date headers). */
function singleHeader(headers: EscherHeaders, name: string): Single {
  const values = headerValues(headers[name]);
  if (!values) return { kind: 'missing' };
  if (values.length > 1) return { kind: 'multiple' };
  return { kind: 'one', value: values[0]! };
}

/**
 * What a request's signature claims, read from wherever it was carried, and checked the same
 * way whatever that was. The server reads it from the auth header only; the test suite also
 * reads Escher presigned URLs into it (test/support/signers/presigned-url.ts) so that the
 * Escher test vectors for those run through every check below.
 */
export interface SignatureClaim {
  apiKey: string;
  hashAlgo: EscherHashAlgo;
  credentialDate: string;
  credentialScope: string;
  signedHeaders: string[];
  signatureHex: string;
  dateValue: Single;
  dateName: string;
  /** Seconds the signature stays valid beyond the clock skew (a presigned URL's Expires). */
  expiresSeconds: number;
  mandatory: string[];
  canonicalPath: string;
  canonicalQuery: string;
  bodyHash: (hashAlgo: EscherHashAlgo) => string;
}

export type ReadClaim = (request: EscherRequest, options: VerifyOptions) => SignatureClaim | VerifyResult;

export function verifySignedRequest(request: EscherRequest, options: VerifyOptions): VerifyResult {
  return verifyClaim(request, options, authHeaderClaim);
}

/** Checks the request itself, reads its claim with `readClaim`, then checks the claim. */
export function verifyClaim(request: EscherRequest, options: VerifyOptions, readClaim: ReadClaim): VerifyResult {
  const method = typeof request.method === 'string' ? request.method.toUpperCase() : '';
  if (!ESCHER_METHODS.has(method)) return fail('invalid_request', 'The request method is invalid');
  if (typeof request.url !== 'string' || request.url === '') return fail('invalid_request', 'The request url is missing');
  // The type says Buffer; JS callers and a forgotten raw-body parser still reach here with other things.
  if (!Buffer.isBuffer(request.body)) {
    return fail(
      'invalid_request',
      `The request body must be the raw body bytes (a Buffer); got ${request.body === undefined || request.body === null ? 'none' : typeof request.body}`,
    );
  }
  if (!(options.now instanceof Date) || Number.isNaN(options.now.getTime())) {
    throw new TypeError('verifySignedRequest: options.now must be a valid Date');
  }
  const claim = readClaim(request, options);
  return 'ok' in claim ? claim : finish(request, options, method, claim);
}

function authHeaderClaim(request: EscherRequest, options: VerifyOptions): SignatureClaim | VerifyResult {
  const { config } = options;
  const authName = config.authHeaderName.toLowerCase();
  const auth = singleHeader(request.headers, authName);
  if (auth.kind === 'missing') return fail('missing_auth_header', `The ${authName} header is missing`);
  if (auth.kind === 'multiple')
    return fail('malformed_auth_header', `Could not parse auth header: more than one ${authName} header`);

  const parsed = parseAuthHeader(auth.value);
  if (!parsed.ok) return fail('malformed_auth_header', parsed.reason);
  const header = parsed.value;

  const algorithm = parseAlgorithm(header.algorithm, config.algoPrefix);
  if (!algorithm.ok) return fail('wrong_algorithm', algorithm.reason, header.apiKey);

  let target: { path: string; query: string };
  try {
    target = canonicalizeTarget(request.url);
  } catch (error) {
    return fail('invalid_request', targetError(error), header.apiKey);
  }

  const dateName = config.dateHeaderName.toLowerCase();
  const mandatory = (options.mandatorySignedHeaders ?? []).map((h) => h.toLowerCase());
  return {
    apiKey: header.apiKey,
    hashAlgo: algorithm.hashAlgo,
    credentialDate: header.credentialDate,
    credentialScope: header.credentialScope,
    signedHeaders: header.signedHeaders,
    signatureHex: header.signature,
    dateValue: singleHeader(request.headers, dateName),
    dateName,
    expiresSeconds: 0,
    mandatory: ['host', dateName, ...mandatory],
    canonicalPath: target.path,
    canonicalQuery: target.query,
    bodyHash: (hashAlgo) => hashHex(hashAlgo, request.body),
  };
}

function targetError(error: unknown): string {
  if (error instanceof CanonicalizationError) return error.message;
  // encodeURIComponent throws URIError on lone surrogates; escher-auth could not sign those either.
  return 'The request url cannot be canonicalized';
}

/** The checks of a claim and the signature comparison, cheapest first. */
function finish(request: EscherRequest, options: VerifyOptions, method: string, claim: SignatureClaim): VerifyResult {
  const { config } = options;
  const { apiKey } = claim;

  if (claim.credentialScope !== config.credentialScope) {
    return fail(
      'wrong_credential_scope',
      `The credential scope is invalid: expected ${quoteForReason(config.credentialScope)}, got ${quoteForReason(claim.credentialScope)}`,
      apiKey,
    );
  }

  for (const name of claim.mandatory) {
    if (!claim.signedHeaders.includes(name)) return fail('header_not_signed', `The ${name} header is not signed`, apiKey);
  }

  if (claim.dateValue.kind === 'missing') return fail('date_missing', `The ${claim.dateName} header is missing`, apiKey);
  const requestDate = claim.dateValue.kind === 'one' ? parseEscherDate(claim.dateValue.value) : undefined;
  if (!requestDate) {
    return fail(
      'date_unparseable',
      claim.dateValue.kind === 'multiple'
        ? `More than one ${claim.dateName} value`
        : `The ${claim.dateName} value ${quoteForReason(claim.dateValue.value)} is not a date in RFC 1123 (Fri, 09 Sep 2011 23:36:00 GMT) or basic ISO 8601 (20110909T233600Z) format`,
      apiKey,
    );
  }

  const longDate = toLongDate(requestDate);
  const shortDate = longDate.slice(0, 8);
  if (claim.credentialDate !== shortDate) {
    return fail(
      'date_credential_mismatch',
      `The credential date does not match with the request date (credential ${claim.credentialDate}, ${claim.dateName} ${shortDate})`,
      apiKey,
    );
  }

  // Same window as escher-auth: requestTime - skew <= now < requestTime + expires + skew.
  const skewMs = options.clockSkewSeconds * 1000;
  const requestMs = requestDate.getTime();
  const nowMs = options.now.getTime();
  if (!(requestMs - skewMs <= nowMs && nowMs < requestMs + claim.expiresSeconds * 1000 + skewMs)) {
    const offBy = Math.round((requestMs - nowMs) / 1000);
    return fail(
      'date_out_of_skew',
      `The request date is not within the accepted time range (request date is ${Math.abs(offBy)}s ${offBy > 0 ? 'ahead of' : 'behind'} server time; allowed skew ${options.clockSkewSeconds}s${claim.expiresSeconds ? `, expires ${claim.expiresSeconds}s` : ''})`,
      apiKey,
    );
  }

  for (const name of claim.signedHeaders) {
    if (!headerValues(request.headers[name])) return fail('signed_header_missing', `The ${name} header is missing`, apiKey);
  }

  // Last of the checks: it may hit a key store, and garbage requests should not get that far.
  const secret = options.lookupSecret(apiKey);
  if (typeof secret !== 'string' || secret === '')
    return fail('unknown_key', `Invalid Escher key: unknown API key ${quoteForReason(apiKeyHint(apiKey))}`, apiKey);

  const provided = Buffer.from(claim.signatureHex, 'hex');
  const signingKey = signingKeys.get(claim.hashAlgo, config.algoPrefix, apiKey, secret, shortDate, claim.credentialScope);
  const bodyHash = claim.bodyHash(claim.hashAlgo);
  const scopeWithDate = `${shortDate}/${claim.credentialScope}`;

  const matches = (style: HeaderValueStyle): boolean => {
    const canonical = assembleCanonicalRequest({
      method,
      path: claim.canonicalPath,
      query: claim.canonicalQuery,
      headerBlock: canonicalizeHeaders(request.headers, claim.signedHeaders, style),
      signedHeaders: claim.signedHeaders,
      bodyHash,
    });
    const expected = computeSignature(
      claim.hashAlgo,
      signingKey,
      buildStringToSign(config.algoPrefix, claim.hashAlgo, longDate, scopeWithDate, canonical),
    );
    // Length is public (it follows from the algorithm); only the content comparison must be constant time.
    return expected.length === provided.length && timingSafeEqual(expected, provided);
  };

  if (matches('escher-js')) return { ok: true, apiKey };
  // Signers other than escher-auth collapse every whitespace run in header values; retry only
  // when that would give a different canonical request, so the common failure costs one HMAC.
  if (signedValuesDifferByStyle(request.headers, claim.signedHeaders) && matches('collapse-all')) return { ok: true, apiKey };

  return fail(
    'signature_mismatch',
    `The signatures do not match: the request was not signed with the secret of ${quoteForReason(apiKeyHint(apiKey))}, or its method, path, query, signed headers (${claim.signedHeaders.join(';')}) or body changed after signing`,
    apiKey,
  );
}

function signedValuesDifferByStyle(headers: EscherHeaders, signedHeaders: readonly string[]): boolean {
  for (const name of signedHeaders) {
    const values = headerValues(headers[name]);
    if (values?.some(headerValueStylesDiffer)) return true;
  }
  return false;
}
