/**
 * The server's verifier plus Escher presigned URLs (`GET ...?X-<vendorKey>-Signature=...`), as
 * escher-auth's authenticate() accepts them. The server never does (a presigned URL is a bearer
 * credential that leaks through logs and referrers), so this reader lives with the tests: the
 * Escher test vectors include presigned URLs, and they must still run and pass. Only the reading
 * of the URL is here; every check after it is the server's own (verifyClaim).
 */
import { parse as parseQueryString, type ParsedUrlQuery } from 'node:querystring';
import {
  verifySignedRequest as verifyAuthHeader,
  type EscherConfig,
  type EscherFailureCode,
  type EscherRequest,
  type VerifyOptions as ServerVerifyOptions,
  type VerifyResult,
} from '../../../src/escher';
import { parseAlgorithm, parseAuthHeader } from '../../../src/escher/auth-header';
import {
  CanonicalizationError,
  canonicalizeParsedQuery,
  canonicalizePath,
  splitRequestTarget,
} from '../../../src/escher/canonical';
import { hashHex } from '../../../src/escher/signature';
import { verifyClaim, type SignatureClaim } from '../../../src/escher/verify';

export interface VerifyOptions extends ServerVerifyOptions {
  /** Accept presigned URLs too (escher-auth's authenticate() always does). */
  allowPresignedUrl?: boolean;
}

const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

/** verifySignedRequest of src/escher, reading a presigned GET when `allowPresignedUrl` is set. */
export function verifySignedRequest(request: EscherRequest, options: VerifyOptions): VerifyResult {
  const { allowPresignedUrl, ...serverOptions } = options;
  if (allowPresignedUrl && isPresignedUrl(request, options.config)) {
    return verifyClaim(request, serverOptions, presignedClaim);
  }
  return verifyAuthHeader(request, serverOptions);
}

const paramName = (config: EscherConfig, name: string): string => `X-${config.vendorKey}-${name}`;

function fail(code: EscherFailureCode, reason: string, apiKey?: string): VerifyResult {
  return apiKey === undefined ? { ok: false, code, reason } : { ok: false, apiKey, code, reason };
}

/** A GET whose query has the signature parameter; a target that cannot be split counts, to be refused. */
function isPresignedUrl(request: EscherRequest, config: EscherConfig): boolean {
  if (typeof request.method !== 'string' || request.method.toUpperCase() !== 'GET') return false;
  const signature = paramName(config, 'Signature');
  // Cheap pre-test so that ordinary GETs do not pay for a query parse here.
  if (typeof request.url !== 'string' || !request.url.includes(`${signature}=`)) return false;
  try {
    const query = parseQueryString(splitRequestTarget(request.url, false).query);
    return Object.prototype.hasOwnProperty.call(query, signature);
  } catch {
    return true;
  }
}

function queryParam(query: ParsedUrlQuery, name: string): string | undefined {
  const value = query[name];
  return typeof value === 'string' ? value : undefined;
}

function targetError(error: unknown): string {
  return error instanceof CanonicalizationError ? error.message : 'The request url cannot be canonicalized';
}

/** Reads the claim from the query, as escher-auth does (no escaping of '#' and '\' first). */
function presignedClaim(request: EscherRequest, options: ServerVerifyOptions): SignatureClaim | VerifyResult {
  const { config } = options;
  const name = (part: string): string => paramName(config, part);

  let pathname: string;
  let query: ParsedUrlQuery;
  try {
    const split = splitRequestTarget(request.url, false);
    pathname = split.pathname;
    query = parseQueryString(split.query);
  } catch (error) {
    return fail('invalid_request', targetError(error));
  }

  const missing = ['Algorithm', 'Credentials', 'Date', 'Expires', 'SignedHeaders', 'Signature'].find(
    (n) => queryParam(query, name(n)) === undefined,
  );
  if (missing) return fail('malformed_auth_header', `Could not parse presigned URL: ${name(missing)} is missing or repeated`);

  const parsed = parseAuthHeader(
    `${queryParam(query, name('Algorithm'))} Credential=${queryParam(query, name('Credentials'))}, ` +
      `SignedHeaders=${queryParam(query, name('SignedHeaders'))}, Signature=${queryParam(query, name('Signature'))}`,
  );
  if (!parsed.ok) return fail('malformed_auth_header', parsed.reason.replace('auth header', 'presigned URL'));
  const claimed = parsed.value;

  const algorithm = parseAlgorithm(claimed.algorithm, config.algoPrefix);
  if (!algorithm.ok) return fail('wrong_algorithm', algorithm.reason, claimed.apiKey);

  const expires = queryParam(query, name('Expires'))!;
  if (!/^\d{1,9}$/.test(expires))
    return fail(
      'malformed_auth_header',
      `Could not parse presigned URL: ${name('Expires')} must be a number of seconds`,
      claimed.apiKey,
    );

  // The signature parameter is the one thing not signed.
  const signed: ParsedUrlQuery = { ...query };
  delete signed[name('Signature')];
  let canonicalQuery: string;
  try {
    canonicalQuery = canonicalizeParsedQuery(signed);
  } catch (error) {
    return fail('invalid_request', targetError(error), claimed.apiKey);
  }

  return {
    apiKey: claimed.apiKey,
    hashAlgo: algorithm.hashAlgo,
    credentialDate: claimed.credentialDate,
    credentialScope: claimed.credentialScope,
    signedHeaders: claimed.signedHeaders,
    signatureHex: claimed.signature,
    dateValue: { kind: 'one', value: queryParam(query, name('Date'))! },
    dateName: name('Date'),
    expiresSeconds: Number(expires),
    // No date header in a presigned URL: the date is a (signed) query parameter.
    mandatory: ['host', ...(options.mandatorySignedHeaders ?? []).map((h) => h.toLowerCase())],
    canonicalPath: canonicalizePath(pathname),
    canonicalQuery,
    bodyHash: (hashAlgo) => hashHex(hashAlgo, UNSIGNED_PAYLOAD),
  };
}
