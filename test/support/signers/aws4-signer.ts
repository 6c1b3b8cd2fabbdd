/**
 * A second, independent Escher signer, written from the AWS Signature Version 4 description
 * (canonical request -> string to sign -> HMAC key chain -> signature) with Escher's names
 * substituted. It shares no code with escher-auth or src/escher, so agreement between the
 * verifier and this signer is evidence, not a tautology.
 *
 * Choices where the SigV4 description and escher-auth differ (the verifier follows escher-auth):
 *  - query: names/values are form-decoded ('+' = space), then RFC 3986-encoded (so '!' and '*'
 *    become %21/%2A; escher-auth leaves them) and sorted by name, then value (escher-auth sorts
 *    whole `name=value` strings);
 *  - path: RFC 3986 dot-segment removal plus collapsing of empty segments, no re-encoding (the
 *    single-encoding variant of the 2012 aws4_testsuite); `/a/b/..` gives `/a/` (escher: `/a`);
 *  - header values: trimmed, every whitespace run outside double quotes collapsed (the original
 *    SigV4 text); escher-auth collapses only the first run of each unquoted stretch.
 * The signing-key seed is `algoPrefix + secret`: in SigV4 it is "AWS4" + secret, where "AWS4" is
 * also the algorithm prefix; Escher implementations all read it as the algorithm prefix.
 */
import { createHash, createHmac } from 'node:crypto';
import type { RequestToSign } from './request';

export interface Aws4SignerConfig {
  algoPrefix: string;
  hashAlgo: 'SHA256' | 'SHA512';
  credentialScope: string;
  authHeaderName: string;
  dateHeaderName: string;
}

export type { SignerHeaders } from './request';

export interface Aws4SignInput extends RequestToSign {
  config: Aws4SignerConfig;
  date: Date;
  /** Sign exactly `headersToSign` (no implicit host/date): for building deliberately weak requests. */
  exactHeadersToSign?: boolean;
  /** Format of the date header when the signer adds it (default: RFC 1123 for `Date`, basic ISO otherwise). */
  dateFormat?: 'rfc1123' | 'iso-basic';
}

export interface Aws4SignOutput {
  /** Lower-case names: the input headers plus the date header (if it was absent) and the auth header. */
  headers: Record<string, string | string[]>;
  canonicalRequest: string;
  stringToSign: string;
}

const hashName = (algo: Aws4SignerConfig['hashAlgo']): string => (algo === 'SHA256' ? 'sha256' : 'sha512');

function hexHash(algo: Aws4SignerConfig['hashAlgo'], data: string | Buffer): string {
  return createHash(hashName(algo)).update(data).digest('hex');
}

function hmac(algo: Aws4SignerConfig['hashAlgo'], key: string | Buffer, data: string): Buffer {
  return createHmac(hashName(algo), key).update(data, 'utf8').digest();
}

/** RFC 3986 percent-encoding: everything except ALPHA / DIGIT / - . _ ~, UTF-8, upper-case hex. */
function uriEncode(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(c) ? c : '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

function formDecode(text: string): string {
  const spaced = text.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced; // leave malformed escapes as they are
  }
}

function canonicalUri(path: string): string {
  const output: string[] = [];
  const segments = path.split('/');
  let trailingSlash = false;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const last = i === segments.length - 1;
    if (segment === '' || segment === '.') {
      trailingSlash = last && i > 0;
    } else if (segment === '..') {
      output.pop();
      trailingSlash = last;
    } else {
      output.push(segment);
      trailingSlash = false;
    }
  }
  const joined = '/' + output.join('/');
  return trailingSlash && output.length > 0 ? joined + '/' : joined;
}

function canonicalQuery(query: string): string {
  if (query === '') return '';
  const pairs = query
    .split('&')
    .filter((part) => part !== '')
    .map((part) => {
      const eq = part.indexOf('=');
      const name = eq === -1 ? part : part.slice(0, eq);
      const value = eq === -1 ? '' : part.slice(eq + 1);
      return [uriEncode(formDecode(name)), uriEncode(formDecode(value))] as const;
    });
  pairs.sort(([an, av], [bn, bv]) => (an < bn ? -1 : an > bn ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([n, v]) => `${n}=${v}`).join('&');
}

/** Trim, then collapse whitespace runs to one space except inside double quotes. */
function trimAll(value: string): string {
  return value
    .trim()
    .split('"')
    .map((piece, i) => (i % 2 === 1 ? piece : piece.replace(/\s+/g, ' ')))
    .join('"');
}

function basicIso(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
}

/** Returns the headers to send: the input headers plus the date header (if absent) and the auth header. */
export function signRequest(input: Aws4SignInput): Record<string, string | string[]> {
  return signRequestDetailed(input).headers;
}

/** signRequest plus the intermediate canonical request and string to sign (for diagnostics). */
export function signRequestDetailed(input: Aws4SignInput): Aws4SignOutput {
  const { config, date } = input;

  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(input.headers)) {
    if (value === undefined) continue;
    headers[name.toLowerCase()] = typeof value === 'number' ? String(value) : typeof value === 'string' ? value : [...value];
  }
  const dateName = config.dateHeaderName.toLowerCase();
  if (headers[dateName] === undefined) {
    const format = input.dateFormat ?? (dateName === 'date' ? 'rfc1123' : 'iso-basic');
    headers[dateName] = format === 'rfc1123' ? date.toUTCString() : basicIso(date);
  }

  const wanted = input.exactHeadersToSign ? [...(input.headersToSign ?? [])] : ['host', dateName, ...(input.headersToSign ?? [])];
  const signedNames = [...new Set(wanted.map((h) => h.toLowerCase()))].sort();
  for (const name of signedNames) {
    if (headers[name] === undefined) throw new Error(`aws4-signer: header to sign is absent: ${name}`);
  }

  const queryStart = input.url.indexOf('?');
  const path = queryStart === -1 ? input.url : input.url.slice(0, queryStart);
  const query = queryStart === -1 ? '' : input.url.slice(queryStart + 1);

  const canonicalHeaders = signedNames
    .map((name) => {
      const value = headers[name]!;
      return `${name}:${(Array.isArray(value) ? value : [value]).map(trimAll).join(',')}\n`;
    })
    .join('');
  const canonicalRequest = [
    input.method.toUpperCase(),
    canonicalUri(path),
    canonicalQuery(query),
    canonicalHeaders,
    signedNames.join(';'),
    hexHash(config.hashAlgo, typeof input.body === 'string' ? Buffer.from(input.body, 'utf8') : input.body),
  ].join('\n');

  const algorithm = `${config.algoPrefix}-HMAC-${config.hashAlgo}`;
  const shortDate = basicIso(date).slice(0, 8);
  const scope = `${shortDate}/${config.credentialScope}`;
  const stringToSign = [algorithm, basicIso(date), scope, hexHash(config.hashAlgo, canonicalRequest)].join('\n');

  let signingKey = hmac(config.hashAlgo, config.algoPrefix + input.secret, shortDate);
  for (const part of config.credentialScope.split('/')) signingKey = hmac(config.hashAlgo, signingKey, part);
  const signature = createHmac(hashName(config.hashAlgo), signingKey).update(stringToSign, 'utf8').digest('hex');

  headers[config.authHeaderName.toLowerCase()] =
    `${algorithm} Credential=${input.key}/${scope}, SignedHeaders=${signedNames.join(';')}, Signature=${signature}`;
  return { headers, canonicalRequest, stringToSign };
}
