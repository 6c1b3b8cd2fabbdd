import type { EscherHashAlgo } from './types';

export interface ParsedAuthHeader {
  /** Full algorithm token as sent, e.g. `ANTAVO-HMAC-SHA256`. */
  algorithm: string;
  apiKey: string;
  /** YYYYMMDD from the Credential. */
  credentialDate: string;
  credentialScope: string;
  /** As listed, lower-cased, de-duplicated and sorted. */
  signedHeaders: string[];
  /** Lower-case hex. */
  signature: string;
}

export type AuthHeaderParseResult = { ok: true; value: ParsedAuthHeader } | { ok: false; reason: string };

// Lenient about the blanks after the commas (AWS clients differ), strict about everything else.
const SHAPE = /^(\S+) Credential=([^,]*),\s*SignedHeaders=([^,]*),\s*Signature=(\S*)$/;
// Key charset as in escher-auth; the scope may contain spaces (see the credential-has-whitespace vector).
const CREDENTIAL = /^([A-Za-z0-9_-]+)\/(\d{8})\/(.+)$/;
// RFC 9110 token characters.
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
const HEX = /^(?:[0-9a-fA-F]{2})+$/;

/** Structural parse only; algorithm/scope/date checks belong to the verifier. */
export function parseAuthHeader(value: string): AuthHeaderParseResult {
  const shape = SHAPE.exec(value.trim());
  if (!shape) {
    return {
      ok: false,
      reason:
        'Could not parse auth header: expected "<ALGO> Credential=<key>/<YYYYMMDD>/<scope>, SignedHeaders=<h1;h2>, Signature=<hex>"',
    };
  }
  const credential = CREDENTIAL.exec(shape[2]!);
  if (!credential) {
    return { ok: false, reason: 'Could not parse auth header: Credential must be <api key>/<YYYYMMDD>/<credential scope>' };
  }
  const names = shape[3]!.split(';');
  if (!names.every((n) => HEADER_NAME.test(n))) {
    return { ok: false, reason: 'Could not parse auth header: SignedHeaders must be a ;-separated list of header names' };
  }
  const signature = shape[4]!;
  if (!HEX.test(signature)) {
    return { ok: false, reason: 'Could not parse auth header: Signature must be hexadecimal' };
  }
  return {
    ok: true,
    value: {
      algorithm: shape[1]!,
      apiKey: credential[1]!,
      credentialDate: credential[2]!,
      credentialScope: credential[3]!,
      signedHeaders: [...new Set(names.map((n) => n.toLowerCase()))].sort(),
      signature: signature.toLowerCase(),
    },
  };
}

export function isSupportedHashAlgo(value: string): value is EscherHashAlgo {
  return value === 'SHA256' || value === 'SHA512';
}

/** Hash algorithm named by an `<algoPrefix>-HMAC-<hash>` token, or a reason why it is refused. */
export function parseAlgorithm(
  token: string,
  algoPrefix: string,
): { ok: true; hashAlgo: EscherHashAlgo } | { ok: false; reason: string } {
  const prefix = `${algoPrefix}-HMAC-`;
  if (!token.startsWith(prefix)) {
    return { ok: false, reason: `Unsupported algorithm ${quoteForReason(token)}: expected ${prefix}SHA256 or ${prefix}SHA512` };
  }
  const hash = token.slice(prefix.length);
  if (!isSupportedHashAlgo(hash)) {
    return { ok: false, reason: `Only SHA256 and SHA512 hash algorithms are allowed (got ${quoteForReason(hash)})` };
  }
  return { ok: true, hashAlgo: hash };
}

/**
 * Quotes client-supplied text for a reason string: bounded length and printable ASCII only, so
 * reasons are safe to log and to return to the client.
 */
export function quoteForReason(text: string, max = 48): string {
  const cleaned = text.replace(/[^\x20-\x7e]/g, '?');
  return JSON.stringify(cleaned.length > max ? cleaned.slice(0, max) + '...' : cleaned);
}
