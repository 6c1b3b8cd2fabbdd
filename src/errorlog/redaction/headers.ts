import { apiKeyHint } from './api-key';
import { addPresentedKey, addSecret, createContext, type RedactionContext } from './context';
import { isSensitiveTransportName, MASK } from './names';

export type HeaderMap = Record<string, string | string[] | undefined>;
export type RedactedHeaders = Record<string, string | string[]>;

// Escher signs with `Authorization`, or with its own header (`X-Escher-Auth`,
// `X-EMS-Auth`) when configured so; all of them get the same treatment.
const AUTH_HEADER = /^(?:proxy-)?authorization$|(?:^|-)auth$/;

// Parameters of a parameterised scheme that identify but do not prove: `SignedHeaders` is
// a header list. Anything else (`Signature`, Digest `response`, `nonce`…) is masked.
// Escher/AWS `Credential` is `<api key>/<date>/<scope>`: the key part is a plain API key,
// which can be used on its own as X-Api-Key, so only its hint is kept.
const PUBLIC_AUTH_PARAMS = new Set(['signedheaders', 'algorithm', 'realm', 'keyid', 'headers']);
const AUTH_PARAM = /([A-Za-z][\w-]*)\s*=\s*("(?:[^"\\]|\\.)*"|[^,\s]*)/g;
const LOOKS_PARAMETERISED = /(?:^|[\s,])(?:credential|signedheaders|signature|keyid|realm)\s*=/i;

/**
 * Copy of the headers with credentials masked; header names keep their spelling and
 * undefined entries are dropped.
 * - `Authorization` (and Escher's `X-…-Auth`): scheme kept; for `Credential=…,
 *   SignedHeaders=…, Signature=…` the credential's key becomes its hint
 *   (`Credential=***abcd/<date>/<scope>`), `SignedHeaders` stays and `Signature=***`; for
 *   any other scheme the credential goes: `Bearer ***`, `Basic ***`.
 * - `X-Api-Key`, `Cookie`, `Set-Cookie`, and any header whose name is sensitive or ends
 *   in `signature`: `***`.
 * - Any other header whose value carries `Signature=` or `Credential=` is treated like
 *   `Authorization`.
 */
export function redactHeaders(headers: HeaderMap): RedactedHeaders {
  return redactHeadersWith(headers, createContext());
}

export function redactHeadersWith(headers: HeaderMap, ctx: RedactionContext): RedactedHeaders {
  const out: RedactedHeaders = {};
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (value === undefined) continue;
    const redact = headerRedactor(name.toLowerCase()) ?? keepUnlessSigned;
    const next = Array.isArray(value) ? value.map((v) => redact(v, ctx)) : redact(value, ctx);
    if (name === '__proto__') {
      Object.defineProperty(out, name, { value: next, enumerable: true, writable: true, configurable: true });
    } else {
      out[name] = next;
    }
  }
  return out;
}

type Redactor = (value: string, ctx: RedactionContext) => string;

// The Escher auth header name is configurable; a value that carries a signature or a
// signing credential is treated as one whatever header it arrives in.
const SIGNED_VALUE = /(?:^|[\s,])(?:Signature|Credential)\s*=/i;
const keepUnlessSigned: Redactor = (value, ctx) => (SIGNED_VALUE.test(value) ? redactAuthorizationWith(value, ctx) : value);

function headerRedactor(lowerName: string): Redactor | undefined {
  if (AUTH_HEADER.test(lowerName)) return redactAuthorizationWith;
  if (lowerName === 'cookie' || lowerName === 'set-cookie') return maskCookie;
  if (lowerName === 'x-api-key') return maskApiKey;
  if (isSensitiveTransportName(lowerName)) return maskHeader;
  return undefined;
}

/** Redacts one `Authorization` value as described for `redactHeaders`. */
export function redactAuthorization(value: string): string {
  return redactAuthorizationWith(value, createContext());
}

export function redactAuthorizationWith(value: string, ctx: RedactionContext): string {
  const trimmed = value.trim();
  if (trimmed === '') return value;
  const space = trimmed.search(/\s/);
  if (space < 0) return maskHeader(trimmed, ctx);
  const scheme = trimmed.slice(0, space);
  const rest = trimmed.slice(space).trim();
  ctx.masked++;
  if (!LOOKS_PARAMETERISED.test(rest)) {
    addSecret(ctx, rest);
    if (scheme.toLowerCase() === 'basic') addBasicPassword(rest, ctx);
    return `${scheme} ${MASK}`;
  }
  // Rebuilt from the recognised pairs only, so stray text between them cannot leak.
  const params: string[] = [];
  for (const [, key, raw] of rest.matchAll(AUTH_PARAM)) {
    const lower = key!.toLowerCase();
    if (lower === 'credential') {
      params.push(`${key}=${hintCredential(raw!, ctx)}`);
    } else if (PUBLIC_AUTH_PARAMS.has(lower)) {
      params.push(`${key}=${raw}`);
    } else {
      addSecret(ctx, raw!.startsWith('"') ? raw!.slice(1, -1) : raw!);
      params.push(`${key}=${MASK}`);
    }
  }
  return `${scheme} ${params.join(', ')}`;
}

/**
 * `<api key>/<date>/<scope>` with the key reduced to its hint (quotes kept). The key is
 * remembered as presented, so its echoes (a 401 message naming it) get the same hint.
 */
export function hintCredential(raw: string, ctx: RedactionContext): string {
  const quoted = raw.startsWith('"') && raw.endsWith('"') && raw.length >= 2;
  const value = quoted ? raw.slice(1, -1) : raw;
  const slash = value.indexOf('/');
  const key = slash < 0 ? value : value.slice(0, slash);
  if (key === '') return raw;
  addPresentedKey(ctx, key);
  ctx.masked++;
  const hinted = apiKeyHint(key) + value.slice(key.length);
  return quoted ? `"${hinted}"` : hinted;
}

function maskApiKey(value: string, ctx: RedactionContext): string {
  addPresentedKey(ctx, value.trim());
  return maskHeader(value, ctx);
}

function maskHeader(value: string, ctx: RedactionContext): string {
  addSecret(ctx, value);
  ctx.masked++;
  return MASK;
}

// Each long cookie value is remembered on its own: a session id is what would be echoed.
// Short ones (`lang=en`, `consent=true`) are not, or every "true" in a response would go.
const MIN_COOKIE_SECRET_LENGTH = 8;

function maskCookie(value: string, ctx: RedactionContext): string {
  for (const pair of value.split(';')) {
    const cookie = pair.slice(pair.indexOf('=') + 1).trim();
    if (cookie.length >= MIN_COOKIE_SECRET_LENGTH) addSecret(ctx, cookie);
  }
  return maskHeader(value, ctx);
}

function addBasicPassword(encoded: string, ctx: RedactionContext): void {
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon >= 0) addSecret(ctx, decoded.slice(colon + 1));
}
